"""The one SQLite database under `ALLIANCE_DATA_DIR`: connections and numbered migrations.

Each feature (schedule, feedback/audit, ...) owns its own migration track, keyed by a component
name, so features can add tables without renumbering each other's migrations. Every migration runs
in its own transaction together with the bump of its version, so a crash never leaves a half-applied
schema.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path


def connect(path: Path | str) -> sqlite3.Connection:
    """Open the database in WAL mode with foreign keys on and rows addressable by column name.

    `":memory:"` is accepted for tests. Autocommit is off at the driver level; callers use
    `with conn:` blocks so each change is one transaction.
    """
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=10.0, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    if str(path) != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    return conn


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
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(migrations[number]):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations(component, version) VALUES (?, ?)"
                " ON CONFLICT(component) DO UPDATE SET version = excluded.version",
                (component, number + 1),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
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
