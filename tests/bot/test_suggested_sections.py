"""A refusal's suggestions map to short keys that find the very section again, and only among
the sections indexed now; the view offers them even when the question log was unavailable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app.wiring import App
from bot.ask.views import answer_view
from bot.common.errors import NotFound
from bot.common.permissions import Actor
from bot.docs.usecases import section_key, suggested_sections
from bot.docs.views import SectionButton
from index.models import SECTION_SEPARATOR

MEMBER = Actor(10, "member#1")
CORPUS = Path(__file__).resolve().parents[2] / "corpus"
REFUSED = (
    "what is the parking policy?",
    "how much is the stipend for members?",
    "who is the treasurer of the alliance?",
    "where do i park for the site visit?",
    "what is the dress code at meetings?",
    "can i bring my dog to the retreat?",
)


def test_every_suggestion_has_a_key_that_opens_that_section(real_core: App) -> None:
    offered = 0
    for question in REFUSED:
        answer = real_core.questions.ask(MEMBER, question, rate_limit=False).answer
        assert not answer.answered, question
        sections = suggested_sections(answer)
        assert [s.path for s in sections] == list(answer.suggestions)
        for s in sections:
            assert len(f"ab:sec:{s.key}") <= 100
            shown = real_core.library.suggested_section(s.key)
            assert s.path.endswith(shown.heading.split(SECTION_SEPARATOR)[-1])
            assert shown.passages and all(
                p.section.startswith(shown.heading) for p in shown.passages
            )
            offered += 1
    assert offered >= len(REFUSED)


def test_answers_offer_no_sections_and_unknown_keys_are_refused(real_core: App) -> None:
    answer = real_core.questions.ask(
        MEMBER, "what are the alliance's values?", rate_limit=False
    ).answer
    assert answer.answered and suggested_sections(answer) == []
    with pytest.raises(NotFound, match="any more"):
        real_core.library.suggested_section(section_key("nowhere.md", "Nowhere"))


def test_section_buttons_come_even_without_a_question_log_id(real_core: App) -> None:
    answer = real_core.questions.ask(MEMBER, REFUSED[0], rate_limit=False).answer
    sections = suggested_sections(answer)
    view = answer_view(None, more=False, ask_person=True, sections=sections)
    assert view is not None
    items = view.children
    assert all(isinstance(i, SectionButton) for i in items) and len(items) == len(sections)
    assert answer_view(None, more=False, ask_person=True) is None
    full = answer_view(7, more=False, ask_person=True, sections=sections)
    assert full is not None and len(full.children) == len(sections) + 3
