"""Storage faults with real files: transactions, concurrent edits, locked/junk/corrupt databases.

A locked database is another connection holding `BEGIN IMMEDIATE`; a junk file is bytes that are
not SQLite; corrupt pages are junk written over pages in the middle of a valid file.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.admin.replies import status_reply
from bot.app.wiring import App
from bot.common import db
from bot.common.cards import to_text
from bot.common.db import StorageBusy, StorageError
from bot.common.permissions import Actor
from bot.common.records import Records
from bot.schedule.domain.clock import ManualClock
from bot.schedule.domain.service import ScheduleService
from bot.settings import Settings
from tests.bot.fakes import Clock, FakeEngine, make_app

DENVER = ZoneInfo("America/Denver")
NOW = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)


def hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another process's view: a connection that has taken the write lock and keeps it."""
    holder = sqlite3.connect(str(path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_transaction_rolls_back_every_statement_on_error(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "t.db")
    conn.execute("CREATE TABLE t (x INTEGER)")
    with pytest.raises(RuntimeError), db.transaction(conn):
        conn.execute("INSERT INTO t VALUES (1)")
        raise RuntimeError("boom")
    assert conn.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 0
    with db.transaction(conn):
        conn.execute("INSERT INTO t VALUES (2)")
        with db.transaction(conn):  # joins the outer transaction
            conn.execute("INSERT INTO t VALUES (3)")
    assert [r[0] for r in conn.execute("SELECT x FROM t ORDER BY x")] == [2, 3]


def _service(path: Path) -> ScheduleService:
    return ScheduleService(db.connect(path), DENVER, ManualClock(NOW))


def test_two_concurrent_edits_of_different_fields_both_land(tmp_path: Path) -> None:
    """Two edits (title, location) of one meeting, both waiting while another process holds the
    write lock: each reads and writes under one lock, so neither overwrites the other."""
    path = tmp_path / "bot.common.db"
    setup = _service(path)
    item = setup.add_meeting("Check-in", "2026-12-01 09:00", where="Zoom")
    holder = hold_write_lock(path)
    waiting = [threading.Event(), threading.Event()]
    errors: list[BaseException] = []

    def edit(n: int, **change: str) -> None:
        service = _service(path)
        service.conn.set_trace_callback(
            lambda sql: waiting[n].set() if sql.startswith("BEGIN IMMEDIATE") else None
        )
        try:
            service.edit(item.id, **change)
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=edit, args=(0,), kwargs={"title": "Coalition check-in"}),
        threading.Thread(target=edit, args=(1,), kwargs={"where": "Room 4"}),
    ]
    for t in threads:
        t.start()
    assert all(e.wait(5) for e in waiting)  # both are waiting for the write lock
    holder.execute("COMMIT")
    for t in threads:
        t.join(15)
    assert not errors
    final = _service(path).get(item.id)
    assert (final.title, final.location) == ("Coalition check-in", "Room 4")


def test_connect_names_the_path_of_a_junk_file(tmp_path: Path) -> None:
    path = tmp_path / "bot.common.db"
    path.write_bytes(b"this is not a database, just junk " * 200)
    with pytest.raises(StorageError) as caught:
        Records(db.connect(path))
    message = str(caught.value)
    assert str(path) in message and "not a valid SQLite database" in message
    assert "backup" in message and "\n" not in message


def test_busy_database_is_reported_as_busy_within_the_short_timeout(tmp_path: Path) -> None:
    path = tmp_path / "bot.common.db"
    records = Records(db.connect(path))
    holder = hold_write_lock(path)
    fast = Records(db.connect(path, busy_timeout=0.2))
    with pytest.raises(sqlite3.OperationalError) as caught:
        fast.audit(actor_id=1, actor_name="a", action="x", detail="", outcome="ok")
    error = db.storage_error(caught.value, path)
    assert isinstance(error, StorageBusy) and str(path) in str(error)
    holder.execute("ROLLBACK")
    records.audit(actor_id=1, actor_name="a", action="x", detail="", outcome="ok")


def corrupt_middle_pages(path: Path) -> None:
    """Fill a table over many pages, then overwrite pages in the middle with junk (the header
    and the schema on page 1 stay valid, so the file opens)."""
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE filler (id INTEGER PRIMARY KEY, text TEXT)")
    conn.executemany("INSERT INTO filler(text) VALUES (?)", [("x" * 500,) for _ in range(400)])
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    with path.open("r+b") as f:
        for n in range(pages // 2, pages // 2 + 3):
            f.seek(n * page)
            f.write(b"\xde\xad\xbe\xef" * (page // 4))


def test_quick_check_reports_corrupt_pages_in_the_middle(tmp_path: Path) -> None:
    path = tmp_path / "bot.common.db"
    records = Records(db.connect(path))
    assert records.integrity() == []
    records._conn.close()
    corrupt_middle_pages(path)
    problems = Records(db.connect(path)).integrity()
    assert problems and all(isinstance(p, str) for p in problems)


def test_last_reindex_survives_many_later_audit_rows(tmp_path: Path) -> None:
    """`/status` finds the last reindex by action, not among the newest 200 audit rows."""
    clock_now = [NOW]
    records = Records(db.connect(tmp_path / "bot.common.db"), clock=lambda: clock_now[0])
    records.audit(
        actor_id=1, actor_name="a", action="reindex", detail="", outcome="ok: 3 documents"
    )
    clock_now[0] = NOW + timedelta(minutes=5)
    records.audit(
        actor_id=2, actor_name="b", action="reindex", detail="", outcome="refused: not an admin"
    )
    for _ in range(250):
        records.audit(actor_id=1, actor_name="a", action="status", detail="", outcome="shown")
    assert records.last_action_at(("reindex",)) == NOW


ADMIN = Actor(20, "admin#1", manage_guild=True)


def _core(data: Path, clock: Clock | None = None) -> App:
    corpus = data.parent / "corpus"
    corpus.mkdir(exist_ok=True)
    settings = Settings(_env_file=None, corpus_dir=corpus, data_dir=data)
    ticking = clock or Clock()
    return make_app(settings, FakeEngine(corpus_dir=corpus), ticking)


def test_status_shows_a_damaged_database_found_at_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    sound = _core(data)
    sound.admin.check_database()
    assert "Database\n  ok" in to_text(status_reply(sound.admin.status(ADMIN)))
    sound.records._conn.close()
    corrupt_middle_pages(sound.settings.db_path)
    damaged = _core(data)
    assert damaged.admin.check_database()
    text = to_text(status_reply(damaged.admin.status(ADMIN)))
    assert "DAMAGED" in text and "backup" in text


def test_status_last_reindex_survives_two_hundred_status_calls(tmp_path: Path) -> None:
    clock = Clock()
    core = _core(tmp_path / "data", clock)
    core.admin.reindex(ADMIN)
    when = clock.now
    for _ in range(210):
        clock.advance(1)
        core.admin.status(ADMIN)
    assert core.admin.status(ADMIN).last_admin_reindex == when


def test_status_still_answers_while_another_process_holds_the_lock(tmp_path: Path) -> None:
    core = _core(tmp_path / "data")
    core.records._conn.execute("PRAGMA busy_timeout = 100")
    holder = hold_write_lock(core.settings.db_path)
    try:
        report = core.admin.status(ADMIN)
    finally:
        holder.execute("ROLLBACK")
    assert report.questions_logged == 0


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (sqlite3.OperationalError("database or disk is full"), "disk is full"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "read-only"),
        (sqlite3.DatabaseError("file is not a database"), "not a valid SQLite database"),
        (OSError(28, "No space left on device"), "disk is full"),
    ],
)
def test_member_reply_for_a_storage_fault_is_friendly_and_shows_no_path(
    error: BaseException, words: str
) -> None:
    from bot.common.interaction import GENERIC_ERROR, user_message

    message = user_message(error)
    assert message is not None and message != GENERIC_ERROR
    assert words in message and "Nothing was changed" in message and "/" not in message
    assert user_message(sqlite3.OperationalError("database is locked")) == db.BUSY_MESSAGE


def test_console_names_the_database_when_the_disk_is_full(tmp_path: Path) -> None:
    import io

    from bot.app.console import run_console

    core = _core(tmp_path / "data")
    core.records._conn.execute(
        "CREATE TRIGGER full BEFORE INSERT ON bot_audit"
        " BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END"
    )
    out = io.StringIO()
    run_console(core, io.StringIO("/gaps\n"), out)
    text = out.getvalue()
    assert str(core.settings.db_path) in text and "disk is full" in text
    assert "something went wrong" not in text
