"""Small talk gets a friendly reply and stays out of `/gaps`; real refusals still land there."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import rendering as r
from bot.db import connect
from bot.services.core import BotCore
from bot.services.permissions import Actor
from bot.services.records import Records
from index.engine import SearchEngine

MEMBER = Actor(10, "member#1")
ADMIN = Actor(20, "admin#1", manage_guild=True)
CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture
def real_core(settings, clock, tmp_path):
    shutil.copytree(CORPUS, settings.corpus_dir, dirs_exist_ok=True)
    engine = SearchEngine(settings.corpus_dir, tmp_path / "index", lock_timeout=0)
    yield BotCore(
        settings=settings,
        engine=engine,
        records=Records(connect(settings.db_path), clock=clock),
        clock=clock,
    )
    engine.close()


def test_small_talk_is_friendly_and_not_a_gap(real_core: BotCore) -> None:
    for text in ("hi", "thanks", "lol", "ok", "👍"):
        result = real_core.ask(MEMBER, text, rate_limit=False)
        shown = r.to_text(r.answer_reply(result.answer))
        assert "couldn't find" not in shown and len(shown) < 150
    real_core.ask(MEMBER, "what is the parking policy?", rate_limit=False)
    gaps = [g.question for g in real_core.gaps(ADMIN, days=30)]
    assert gaps == ["what is the parking policy?"]
