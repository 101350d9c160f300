"""Small talk gets a friendly reply and stays out of `/gaps`; real refusals still land there."""

from __future__ import annotations

from pathlib import Path

from bot import rendering as r
from bot.services.core import BotCore
from bot.services.permissions import Actor

MEMBER = Actor(10, "member#1")
ADMIN = Actor(20, "admin#1", manage_guild=True)
CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_small_talk_is_friendly_and_not_a_gap(real_core: BotCore) -> None:
    for text in ("hi", "thanks", "lol", "ok", "👍"):
        result = real_core.ask(MEMBER, text, rate_limit=False)
        shown = r.to_text(r.answer_reply(result.answer))
        assert "couldn't find" not in shown and len(shown) < 150
    real_core.ask(MEMBER, "what is the parking policy?", rate_limit=False)
    gaps = [g.question for g in real_core.gaps(ADMIN, days=30)]
    assert gaps == ["what is the parking policy?"]
