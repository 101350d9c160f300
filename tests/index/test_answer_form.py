"""The form of answers, as a member reads them, over every question of the dev and held-out sets.

No answer opens a sentence on a connective or pronoun without what it refers to; a lead-in that
ends with ":" comes with its list; list questions get the whole list in document order with a
count; cut-off teasers appear only as marked excerpts; fact answers stay short.
"""

from __future__ import annotations

import re

import pytest

from index.answer import dangling, shorten
from index.engine import SearchEngine
from tests.eval.dataset import load_questions, split_path

QUESTIONS = [q.question for split in ("dev", "heldout") for q in load_questions(split_path(split))]
MARKER = re.compile(r"\s*\[\d+\]")


def _pieces(answer: str) -> list[str]:
    """The answer's quoted pieces: each line, split after each citation marker."""
    out = []
    for line in answer.splitlines():
        for piece in re.split(r"(?<=\])\s+", line.lstrip("• ")):
            text = MARKER.sub("", piece).strip()
            if text:
                out.append(text)
    return out


@pytest.fixture(scope="module")
def answers(seed_engine: SearchEngine) -> dict[str, str]:
    return {q: a.answer for q in QUESTIONS if (a := seed_engine.ask(q)).answered}


def test_many_questions_are_answered(answers: dict[str, str]) -> None:
    assert len(QUESTIONS) >= 150
    assert len(answers) >= 100


def test_no_piece_opens_on_a_word_that_needs_what_came_before(answers: dict[str, str]) -> None:
    bad = {q: p for q, a in answers.items() for p in _pieces(a) if dangling(p)}
    assert not bad


def test_a_lead_in_ending_with_a_colon_comes_with_its_list(answers: dict[str, str]) -> None:
    for question, answer in answers.items():
        lines = answer.splitlines()
        for i, line in enumerate(lines):
            if MARKER.sub("", line).rstrip().endswith(":"):
                assert i + 1 < len(lines) and lines[i + 1].startswith("• "), question


def test_no_cut_off_teaser_unless_marked_as_an_excerpt(answers: dict[str, str]) -> None:
    for question, answer in answers.items():
        for piece in _pieces(answer):
            if piece.endswith(("...", " …")):
                pytest.fail(f"{question}: {piece}")
            assert "..." not in piece or "(excerpt)" in piece
            if "(excerpt)" not in piece:
                assert not re.search(r"[,;:(]…|\s…", piece), piece  # cut at a whole word


def test_fact_answers_stay_short(answers: dict[str, str]) -> None:
    for question, answer in answers.items():
        if "\n• " not in answer:
            assert len(answer) < 600, question


@pytest.mark.parametrize(
    "question",
    [
        "how do i join the coalition?",
        "how can I apply to join the high school transformation coalition?",
    ],
)
def test_if_so_comes_with_the_question_it_answers(seed_engine: SearchEngine, question: str) -> None:
    answer = seed_engine.ask(question).answer
    assert "Are you interested" in answer
    assert answer.index("Are you interested") < answer.index("If so")


@pytest.mark.parametrize(
    "question",
    ["what are the year one outcomes?", "list the year-one outcomes", "year one outcomes"],
)
def test_a_list_question_gets_the_whole_list_in_order_with_a_count(
    seed_engine: SearchEngine, question: str
) -> None:
    answer = seed_engine.ask(question).answer
    lines = answer.splitlines()
    assert lines[0].startswith("Seven Year-One Outcomes:")
    items = [line for line in lines if line.startswith("• ")]
    assert len(items) == 7
    assert items[0].startswith("• Members of the High School Transformation Coalition establish")
    assert items[-1].startswith("• Members gain a deeper understanding about best")


@pytest.mark.parametrize(
    ("question", "count"),
    [
        ("how does the learning alliance fulfill its mission?", 4),
        ("what should high schools integrate?", 7),
    ],
)
def test_a_lead_in_brings_its_items(seed_engine: SearchEngine, question: str, count: int) -> None:
    answer = seed_engine.ask(question).answer
    assert answer.splitlines()[0].rstrip(" []0123456789").endswith(":")
    assert sum(line.startswith("• ") for line in answer.splitlines()) == count
    assert "connect with stud" not in answer


def test_a_teaser_is_shown_as_an_excerpt_when_asked_about(seed_engine: SearchEngine) -> None:
    answer = seed_engine.ask("what is the public square partnership with nm pbs?").answer
    assert "(excerpt)" in answer


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("If so, apply.", True),
        ("These values guide us.", True),
        ("They meet monthly.", True),
        ("Also: Respectful.", True),
        ("This work matters.", True),
        ("Members meet monthly.", False),
        ("Theirs is a long list.", False),
        ("Thistle grows here.", False),
    ],
)
def test_dangling(sentence: str, expected: bool) -> None:
    assert dangling(sentence) is expected


def test_shorten_keeps_whole_words_and_short_items() -> None:
    assert shorten("youth leadership and voice;", 60) == "youth leadership and voice"
    cut = shorten("Members build trusting relationships with each other and many more words", 40)
    assert cut.endswith("…") and len(cut) <= 41 and not cut.endswith(" …")
    assert shorten("It makes a plan, which includes a vision, goals, and strategies", 50) == (
        "It makes a plan, which includes a vision, goals…"
    )
    assert shorten("Members gain an understanding (Native American students, others)", 45) == (
        "Members gain an understanding…"
    )


@pytest.mark.parametrize("question", ["what are the qualifications?"])
def test_a_lead_in_section_brings_each_subsection_list(
    seed_engine: SearchEngine, question: str
) -> None:
    answer = seed_engine.ask(question).answer
    lines = answer.splitlines()
    heads = [i for i, line in enumerate(lines) if line.startswith(("All members", "Additional"))]
    assert len(heads) == 2 and heads[0] < heads[1]  # document order
    assert lines[heads[0]].startswith("All members of the Coalition should possess:")
    should = lines[heads[0] + 1 : heads[1]]
    assert len(should) == 5 and all(line.startswith("• ") for line in should)
    items = [line for line in lines if line.startswith("• ")]
    assert len(items) == len(set(items))  # shortened items never read the same
