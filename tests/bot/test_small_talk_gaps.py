"""Small talk gets a friendly reply and stays out of `/gaps`; real refusals still land there."""

from __future__ import annotations

from pathlib import Path

from bot.app.wiring import App
from bot.ask.replies import answer_reply
from bot.common.cards import to_text
from bot.common.permissions import Actor

MEMBER = Actor(10, "member#1")
ADMIN = Actor(20, "admin#1", manage_guild=True)
CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_small_talk_is_friendly_and_not_a_gap(real_core: App) -> None:
    for text in ("hi", "thanks", "lol", "ok", "👍"):
        result = real_core.questions.ask(MEMBER, text, rate_limit=False)
        shown = to_text(answer_reply(result.answer))
        assert "couldn't find" not in shown and len(shown) < 150
    real_core.questions.ask(MEMBER, "what is the parking policy?", rate_limit=False)
    gaps = [g.question for g in real_core.admin.gaps(ADMIN, days=30)]
    assert gaps == ["what is the parking policy?"]
