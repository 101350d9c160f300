import shutil
from pathlib import Path

import pytest

from bot.settings import Settings
from index.engine import SearchEngine
from tests.bot.fakes import Clock, FakeEngine, make_app

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def settings(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    return Settings(
        _env_file=None,
        corpus_dir=corpus,
        data_dir=tmp_path / "data",
        officer_channel_id=555,
        officer_role_id=777,
        admin_role_id=999,
        ask_cooldown_uses=2,
        ask_cooldown_seconds=10,
        max_question_chars=120,
        max_upload_bytes=1000,
    )


@pytest.fixture
def engine(settings):
    return FakeEngine(corpus_dir=settings.corpus_dir)


@pytest.fixture
def core(settings, engine, clock):
    return make_app(settings, engine, clock)


@pytest.fixture
def real_core(settings, clock, tmp_path):
    """A `App` over a copy of the seed corpus with the real search engine."""
    shutil.copytree(CORPUS, settings.corpus_dir, dirs_exist_ok=True)
    engine = SearchEngine(settings.corpus_dir, tmp_path / "index", lock_timeout=0)
    yield make_app(settings, engine, clock)
    engine.close()
