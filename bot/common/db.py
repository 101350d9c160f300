"""The one SQLite database under `ALLIANCE_DATA_DIR`: connections and numbered migrations.

Each feature (schedule, feedback/audit, ...) owns its own migration track, keyed by a component
name, so features can add tables without renumbering each other's migrations. Every migration runs
in its own transaction together with the bump of its version, so a crash never leaves a half-applied
schema.

Also the one place that knows SQLite's failure modes: `transaction` (the only way to group
writes, since connections are in autocommit mode), `quick_check` (run at start, shown in
`/status`), and `storage_error` / `member_message`, which turn a locked, read-only, full or corrupt
database into one line for the operator (path, problem, fix) and a short one for members.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from index.errors import UserError


class StorageError(UserError):
    """The database cannot be used (read-only folder, corrupt file, full disk, locked); the
    message names the path, the problem and what to do."""


class StorageBusy(StorageError):
    """Another connection holds the database's write lock; trying again shortly will work."""


#: Busy timeout for background work (scheduler, standing sync, CLI): wait out a backup or a
#: short write by another process.
BACKGROUND_BUSY_SECONDS = 10.0
#: Busy timeout for connections that serve Discord interactions: a member must get an answer
#: (even "busy, try again") well inside Discord's 3-second window.
INTERACTIVE_BUSY_SECONDS = 1.5

BUSY_MESSAGE = "The database is busy — try again in a moment."


def connect(path: Path | str, *, busy_timeout: float | None = None) -> sqlite3.Connection:
    """Open the database in WAL mode with foreign keys on and rows addressable by column name.

    `":memory:"` is accepted for tests. The driver is in autocommit mode (`isolation_level=None`):
    every statement commits on its own, and a multi-statement write must run inside
    `transaction(conn)`. `busy_timeout` is how long a write waits for another process's lock
    before failing with "database is locked" (default `BACKGROUND_BUSY_SECONDS`). A database
    that cannot be opened (read-only or missing folder, junk file, full disk, locked) raises
    `StorageError` whose message names the path, the problem and what to do.
    """
    memory = str(path) == ":memory:"
    if busy_timeout is None:
        busy_timeout = BACKGROUND_BUSY_SECONDS
    try:
        if not memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            str(path), timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        if not memory:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
    except (sqlite3.Error, OSError) as exc:
        raise storage_error(exc, path) from None
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction (`BEGIN IMMEDIATE` … `COMMIT`): all of it lands or none of it.

    The write lock is taken at the start, so a read-modify-write inside the block sees the rows
    it is about to overwrite and no other writer can slip in between. Inside an already open
    transaction the block joins it (the outermost block commits or rolls back).
    """
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def quick_check(conn: sqlite3.Connection, *, limit: int = 5) -> list[str]:
    """`PRAGMA quick_check`: an empty list when the database's pages are sound, else the first
    `limit` problems SQLite reports (corrupt pages, broken indexes)."""
    try:
        rows = conn.execute(f"PRAGMA quick_check({int(limit)})").fetchall()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    problems = [str(r[0]) for r in rows]
    return [] if problems == ["ok"] else problems


def is_busy(exc: BaseException) -> bool:
    """Whether `exc` is SQLite's "another connection holds the lock"."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return True
    text = str(exc).lower()
    return "database is locked" in text or "database is busy" in text or "is locked" in text


def _diagnose(exc: BaseException, folder: Path) -> tuple[str, str]:
    """(what is wrong, what to do) for an SQLite or OS error met on the database in `folder`."""
    text = str(exc).lower()
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    os_errno = exc.errno if isinstance(exc, OSError) else None
    if (
        primary == sqlite3.SQLITE_FULL
        or os_errno in (errno.ENOSPC, errno.EDQUOT)
        or ("disk is full" in text)
    ):
        return "the disk is full", f"free space on the disk holding {folder}, then try again"
    if (
        primary in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN)
        or os_errno in (errno.EACCES, errno.EPERM, errno.EROFS)
        or "readonly" in text
        or "read-only" in text
    ):
        return "the data folder is read-only or not accessible", (
            f"make {folder} writable by the bot's user, or point ALLIANCE_DATA_DIR at a "
            "writable folder"
        )
    if primary in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT) or (
        "not a database" in text or "malformed" in text
    ):
        return "the file is not a valid SQLite database (corrupt)", (
            "restore it from a backup, or move it aside to start with an empty one (the "
            "schedule, reminders and question log in it would be lost)"
        )
    if primary == sqlite3.SQLITE_IOERR or isinstance(exc, OSError) or "i/o" in text:
        return f"a disk error ({exc})", (
            f"check the disk holding {folder} (full, unmounted or failing), then try again"
        )
    return f"a database error ({exc})", "check the file, or restore it from a backup"


def storage_error(exc: BaseException, path: Path | str) -> StorageError:
    """One line naming the database `path`, what is wrong and what to do, for an SQLite or OS
    error met while using it. Busy databases become `StorageBusy`."""
    where = Path(path)
    if isinstance(exc, StorageError):
        return exc
    if is_busy(exc):
        return StorageBusy(
            f"database {where} is locked by another process (an sqlite3 shell, a backup or "
            "another alliance-bot command): finish or close it and try again"
        )
    problem, fix = _diagnose(exc, where.parent)
    return StorageError(f"database {where}: {problem}; {fix}")


def os_error_line(exc: OSError) -> str:
    """One line for a file-system error on a file of the bot (lock file, index, corpus):
    the path, the problem and what to do."""
    name = exc.filename or "a file in the data folder"
    problem, fix = _diagnose(exc, Path(str(name)).parent)
    if problem.startswith("a disk error"):
        problem = f"a disk error ({exc.strerror or exc})"
    return f"{name}: {problem}; {fix}"


STORAGE_OS_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO})


def is_storage_fault(exc: BaseException) -> bool:
    """Whether `exc` is the database or the disk failing (not a bug in the bot)."""
    if isinstance(exc, StorageError | sqlite3.Error):
        return True
    return isinstance(exc, OSError) and exc.errno in STORAGE_OS_ERRNOS


def member_message(exc: BaseException) -> str | None:
    """What a member is told when a command met a storage fault, or None for other errors.

    Busy: try again shortly. Anything else: what is wrong in a few words, that nothing was
    changed, and to tell an admin (the log has the path and the fix, see `storage_error`).
    Server paths are never shown to members.
    """
    if isinstance(exc, StorageBusy) or is_busy(exc):
        return BUSY_MESSAGE
    if not is_storage_fault(exc):
        return None
    if isinstance(exc, StorageError):
        problem = "it could not be opened"
    else:
        problem, _ = _diagnose(exc, Path("."))
        problem = problem.split(" (")[0]
    return (
        f"Sorry, I couldn't finish that: the bot's storage has a problem ({problem}). "
        "Nothing was changed. Please tell an admin; the bot's log says what to do."
    )


def migrate(conn: sqlite3.Connection, component: str, migrations: Sequence[str]) -> int:
    """Apply the not-yet-applied scripts of `component`'s track; return its schema version.

    `migrations[i]` is the SQL that takes the track from version i to i+1. Scripts are never
    edited once released; a change is a new script appended to the list.
    """
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
    )
    row = conn.execute(
        "SELECT version FROM schema_migrations WHERE component = ?", (component,)
    ).fetchone()
    version = int(row[0]) if row else 0
    for number in range(version, len(migrations)):
        with transaction(conn):
            for statement in _statements(migrations[number]):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations(component, version) VALUES (?, ?)"
                " ON CONFLICT(component) DO UPDATE SET version = excluded.version",
                (component, number + 1),
            )
        version = number + 1
    return version


def _statements(script: str) -> list[str]:
    """Split a migration script into complete statements (`executescript` would auto-commit)."""
    statements: list[str] = []
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \n\t;"):
                statements.append(buffer.strip())
            buffer = ""
    return statements
