"""Safer corpus changes on the real search engine: shipped documents need force, removal goes to
a trash that undo empties, and an identical re-upload says "Nothing changed"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from bot.admin.corpus import added_by_admins
from bot.admin.replies import upload_reply
from bot.app.console import Console
from bot.app.wiring import App
from bot.common.cards import to_text
from bot.common.errors import NotFound, PermissionDenied, UploadRejected
from bot.common.permissions import Actor
from bot.common.search import search_engine
from bot.settings import Settings
from tests.bot.fakes import make_app

ADMIN = Actor(20, "admin#1", manage_guild=True)
MEMBER = Actor(10, "member#1")
SEED = "---\ntitle: Seed Values\n---\n# Seed Values\n\nWe value courage and kindness.\n"
NOTES = b"# Picnic Notes\n\nThe summer picnic is at the river park.\n"


class Tick:
    """A clock that moves one second per reading (distinct trash stamps without sleeping)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        from datetime import timedelta

        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def core(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "learning-alliance").mkdir(parents=True)
    (corpus / "learning-alliance" / "values.md").write_text(SEED)
    settings = Settings(
        _env_file=None, corpus_dir=corpus, data_dir=tmp_path / "data", semantic=False
    )
    clock = Tick()
    engine = search_engine(settings)
    engine.reindex()
    core = make_app(settings, engine, clock)
    yield core
    engine.close()


def sources(core: App) -> set[str]:
    return {d.source for d in core.library.documents()}


def test_admin_folders_are_told_from_shipped_documents():
    assert added_by_admins("uploads/notes.md") and added_by_admins("web/page.md")
    assert not added_by_admins("learning-alliance/values.md")
    assert not added_by_admins("uploads.md")


def test_identical_reupload_says_nothing_changed_and_writes_nothing(core):
    corpus = core.corpus
    first = corpus.add(ADMIN, "notes.md", NOTES)
    assert to_text(upload_reply(first)).startswith("Added uploads/notes.md")
    path = core.settings.corpus_dir / "uploads" / "notes.md"
    stat = path.stat()
    again = corpus.add(ADMIN, "notes.md", NOTES)  # no replace needed for the same bytes
    assert again.report.unchanged
    text = to_text(upload_reply(again))
    assert text.startswith("Nothing changed") and "Added uploads" not in text
    assert path.stat().st_mtime_ns == stat.st_mtime_ns
    with pytest.raises(UploadRejected, match="already exists"):
        corpus.add(ADMIN, "notes.md", NOTES + b"More.\n")
    changed = corpus.add(ADMIN, "notes.md", NOTES + b"More.\n", replace=True)
    assert changed.report.changed == ("uploads/notes.md",)


def test_shipped_documents_need_force_and_are_left_alone_without_it(core):
    corpus = core.corpus
    seed = core.settings.corpus_dir / "learning-alliance" / "values.md"
    with pytest.raises(UploadRejected, match="came with the repository"):
        corpus.remove(ADMIN, "learning-alliance/values.md")
    assert seed.read_text() == SEED and "learning-alliance/values.md" in sources(core)
    assert core.records.audit_log()[0].outcome.startswith("rejected")
    removal = corpus.remove(ADMIN, "Seed Values", force=True)
    assert removal.source == "learning-alliance/values.md" and not seed.exists()
    assert removal.report.removed == ("learning-alliance/values.md",)


def test_remove_then_undo_puts_the_same_file_back_in_the_index(core):
    corpus = core.corpus
    corpus.add(ADMIN, "notes.md", NOTES)
    corpus.add(ADMIN, "other.md", b"# Other\n\nBudget lines for the winter retreat.\n")
    first = corpus.remove(ADMIN, "uploads/notes.md")
    second = corpus.remove(ADMIN, "uploads/other.md")
    assert first.removed_id != second.removed_id
    assert "uploads/notes.md" not in sources(core)
    assert [e.source for e in corpus.removed(ADMIN)] == ["uploads/other.md", "uploads/notes.md"]

    back = corpus.undo(ADMIN, "uploads/notes.md")  # by path; the latest would be other.md
    assert back.source == "uploads/notes.md" and back.report.added == ("uploads/notes.md",)
    assert (core.settings.corpus_dir / "uploads" / "notes.md").read_bytes() == NOTES
    assert core.questions.ask(
        ADMIN, "where is the summer picnic?", rate_limit=False
    ).answer.answered
    assert corpus.undo(ADMIN).source == "uploads/other.md"
    with pytest.raises(NotFound, match="nothing to undo"):
        corpus.undo(ADMIN)
    assert not any((core.settings.data_dir / "removed").iterdir())


def test_undo_refuses_when_the_name_is_taken_again(core):
    corpus = core.corpus
    corpus.add(ADMIN, "notes.md", NOTES)
    corpus.remove(ADMIN, "uploads/notes.md")
    corpus.add(ADMIN, "notes.md", b"# New notes\n\nA different file.\n")
    with pytest.raises(UploadRejected, match="exists again"):
        corpus.undo(ADMIN)
    assert len(corpus.removed(ADMIN)) == 1


def test_members_cannot_remove_or_undo(core):
    corpus = core.corpus
    corpus.add(ADMIN, "notes.md", NOTES)
    with pytest.raises(PermissionDenied):
        corpus.remove(MEMBER, "uploads/notes.md")
    with pytest.raises(PermissionDenied):
        corpus.undo(MEMBER)
    assert "uploads/notes.md" in sources(core)


def test_console_remove_asks_first_and_removes_with_confirm(core):
    console = Console(core)
    core.corpus.add(ADMIN, "notes.md", NOTES)
    asked = console.handle("/corpus remove uploads/notes.md")
    assert "confirm: yes" in asked and "Remove this document?" in asked
    assert "uploads/notes.md" in sources(core)
    done = console.handle("/corpus remove uploads/notes.md confirm: yes")
    assert "Removed uploads/notes.md" in done and "/corpus undo" in done
    assert "uploads/notes.md" not in sources(core)
    assert "Restored uploads/notes.md" in console.handle("/corpus undo")
    refused = console.handle("/corpus remove learning-alliance/values.md confirm: yes")
    assert "came with the repository" in refused


def test_an_upload_whose_reindex_fails_leaves_nothing_behind_and_the_retry_works(core):
    from index import builder

    corpus = core.corpus
    path = core.settings.corpus_dir / "uploads" / "notes.md"
    core.engine.lock_timeout = 0  # type: ignore[attr-defined]
    with builder.reindex_lock(core.settings.index_dir, timeout=0):  # another reindex holds it
        with pytest.raises(UploadRejected, match="was not added"):
            corpus.add(ADMIN, "notes.md", NOTES)
    assert not path.exists()
    assert corpus.add(ADMIN, "notes.md", NOTES).source == "uploads/notes.md"  # not "exists"
    with builder.reindex_lock(core.settings.index_dir, timeout=0):
        with pytest.raises(UploadRejected, match="was not added"):
            corpus.add(ADMIN, "notes.md", NOTES + b"More.\n", replace=True)
    assert path.read_bytes() == NOTES  # a failed replace puts the old text back


@pytest.mark.parametrize(("value", "processes"), [("0", None), ("1", 1), ("3", 3)])
def test_build_processes_setting_reaches_the_engine(
    settings, monkeypatch: pytest.MonkeyPatch, value: str, processes: int | None
) -> None:
    monkeypatch.setenv("ALLIANCE_BUILD_PROCESSES", value)
    fresh = Settings(_env_file=None, corpus_dir=settings.corpus_dir, data_dir=settings.data_dir)
    assert search_engine(fresh).build_processes == processes


def test_a_negative_build_processes_setting_is_refused(settings, monkeypatch) -> None:
    monkeypatch.setenv("ALLIANCE_BUILD_PROCESSES", "-1")
    with pytest.raises(ValidationError, match="build_processes"):
        Settings(_env_file=None, corpus_dir=settings.corpus_dir, data_dir=settings.data_dir)
