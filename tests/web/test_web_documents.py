"""URL documents end to end on the real search engine: add-url stores the main text as Markdown
with url/fetched front matter and indexes it; refresh rewrites and reindexes only what changed."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.admin.corpus import refresh_periodically
from bot.admin.webfetch import FetchError
from bot.app.cli import main
from bot.app.console import Console
from bot.app.wiring import App
from bot.common.permissions import Actor
from bot.common.search import search_engine
from bot.settings import Settings
from index.loader import parse_front_matter
from tests.bot.fakes import make_app
from tests.web.site import NEWS

ADMIN = Actor(20, "admin#1", manage_guild=True)
MEMBER = Actor(10, "member#1")


class Tick:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def make_core(tmp_path, **overrides) -> App:
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    (corpus / "seed.md").write_text("# Seed\n\nThe seed document about budgets and grants.\n")
    options = {"fetch_allow_private": True, "fetch_max_bytes": 200_000, **overrides}
    settings = Settings(
        _env_file=None, corpus_dir=corpus, data_dir=tmp_path / "data", semantic=False, **options
    )
    clock = Tick()
    engine = search_engine(settings)
    engine.reindex()
    return make_app(settings, engine, clock)


@pytest.fixture
def core(tmp_path):
    core = make_core(tmp_path)
    yield core
    core.engine.close()


def test_add_url_stores_markdown_with_front_matter_and_answers_with_a_link(core, site):
    result = core.corpus.add_url(ADMIN, site.url("/mission"))
    assert result.source == "web/127-0-0-1-mission.md" and not result.unchanged
    assert result.report.added == (result.source,)
    text = (core.settings.corpus_dir / result.source).read_text()
    meta, body = parse_front_matter(text)
    assert meta["url"] == site.url("/mission")
    assert re.fullmatch(r"2026-12-01T12:0\d:00Z", meta["fetched"])  # the injected clock, UTC
    assert meta["title"] == "Our Mission"  # the page heading (trafilatura metadata)
    assert "# Our Mission" in body and "## Mentoring Circles" in body
    assert "Privacy policy" not in body and "Join us" not in body  # footer and navigation
    answer = core.questions.ask(ADMIN, "where do mentoring circles meet?", rate_limit=False).answer
    assert answer.answered and answer.hits[0].passage.source == result.source
    assert answer.hits[0].passage.url == site.url("/mission")


def test_adding_the_same_page_again_changes_nothing(core, site):
    corpus = core.corpus
    first = corpus.add_url(ADMIN, site.url("/mission"))
    path = core.settings.corpus_dir / first.source
    before = path.read_bytes()
    again = corpus.add_url(ADMIN, site.url("/mission"))
    assert again.unchanged and again.report.unchanged and path.read_bytes() == before


def test_a_redirected_page_is_stored_under_the_address_given(core, site):
    result = core.corpus.add_url(ADMIN, site.url("/old"))
    assert result.source == "web/127-0-0-1-old.md"
    assert "Mentoring Circles" in (core.settings.corpus_dir / result.source).read_text()


@pytest.mark.parametrize(
    ("path", "message"),
    [("/missing", "404"), ("/huge", "larger than"), ("/private/notes", "robots.txt")],
)
def test_refused_pages_change_nothing_and_are_audited(core, site, path, message):
    with pytest.raises(FetchError, match=message):
        core.corpus.add_url(ADMIN, site.url(path))
    assert not (core.settings.corpus_dir / "web").exists()
    entry = core.records.audit_log()[0]
    assert entry.action == "corpus add-url" and entry.outcome.startswith("rejected")


def test_private_addresses_are_refused_unless_allowed(tmp_path, site):
    core = make_core(tmp_path, fetch_allow_private=False)
    try:
        with pytest.raises(FetchError, match="loopback"):
            core.corpus.add_url(ADMIN, site.url("/mission"))
        assert site.hits == []  # refused before any request
    finally:
        core.engine.close()


def test_members_cannot_add_urls(core, site):
    from bot.common.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        core.corpus.add_url(MEMBER, site.url("/mission"))
    assert site.hits == []


def test_refresh_rewrites_and_reindexes_only_changed_pages(core, site):
    corpus = core.corpus
    site.pages["news"] = NEWS.format(text="The spring retreat will be held at Ghost Ranch.")
    mission = corpus.add_url(ADMIN, site.url("/mission"))
    news = corpus.add_url(ADMIN, site.url("/news"))
    mission_bytes = (core.settings.corpus_dir / mission.source).read_bytes()

    nothing = corpus.refresh(ADMIN)
    assert [e.status for e in nothing.entries] == ["unchanged", "unchanged"]
    assert nothing.report is None

    site.pages["news"] = NEWS.format(text="The spring retreat moved to the Santa Fe campus.")
    result = corpus.refresh(ADMIN)
    by_source = {e.source: e for e in result.entries}
    assert by_source[mission.source].status == "unchanged"
    changed = by_source[news.source]
    assert changed.status == "changed"
    assert any(d.startswith("-") and "Ghost Ranch" in d for d in changed.diff)
    assert any(d.startswith("+") and "Santa Fe" in d for d in changed.diff)
    assert result.report is not None and result.report.changed == (news.source,)
    assert (core.settings.corpus_dir / mission.source).read_bytes() == mission_bytes
    assert core.questions.ask(
        ADMIN, "where is the spring retreat?", rate_limit=False
    ).answer.answered

    del site.pages["news"]  # the page is gone: the stored copy stays, reported as failed
    gone = corpus.refresh(ADMIN)
    assert {e.source: e.status for e in gone.entries}[news.source] == "failed"
    assert "Santa Fe" in (core.settings.corpus_dir / news.source).read_text()


def test_cli_add_url_and_refresh(tmp_path, site, monkeypatch, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "seed.md").write_text("# Seed\n\nThe seed document about budgets and grants.\n")
    for key, value in {
        "ALLIANCE_CORPUS_DIR": str(corpus),
        "ALLIANCE_DATA_DIR": str(tmp_path / "data"),
        "ALLIANCE_SEMANTIC": "off",
        "ALLIANCE_FETCH_ALLOW_PRIVATE": "true",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    assert main(["corpus", "add-url", site.url("/mission")]) == 0
    out = capsys.readouterr().out
    assert out.startswith('Added web/127-0-0-1-mission.md: "Our Mission')
    assert "Documents: 2" in out
    assert main(["corpus", "add-url", site.url("/missing")]) == 2
    err = capsys.readouterr().err
    assert "answered 404" in err and len(err.strip().splitlines()) == 1
    assert main(["corpus", "refresh"]) == 0
    out = capsys.readouterr().out
    assert "unchanged web/127-0-0-1-mission.md" in out and "1 unchanged, 0 failed" in out


def test_console_add_url(core, site):
    out = Console(core).handle(f"/corpus add-url {site.url('/mission')}")
    assert "Added web/127-0-0-1-mission.md" in out


async def test_the_periodic_refresh_picks_up_changes_without_real_waiting(core, site):
    corpus = core.corpus
    site.pages["news"] = NEWS.format(text="The spring retreat will be held at Ghost Ranch.")
    news = await asyncio.to_thread(corpus.add_url, ADMIN, site.url("/news"))
    site.pages["news"] = NEWS.format(text="The spring retreat moved to the Santa Fe campus.")
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    await refresh_periodically(corpus, sleep=no_wait, rounds=2)
    assert waits == [24 * 3600.0, 24 * 3600.0]
    assert "Santa Fe" in (core.settings.corpus_dir / news.source).read_text()
    refreshes = [e for e in core.records.audit_log() if e.action == "corpus refresh"]
    assert len(refreshes) == 2 and refreshes[0].actor_name == "daily refresh"


def test_the_daily_refresh_is_off_by_default():
    assert Settings(_env_file=None).web_refresh_daily is False
