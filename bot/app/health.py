"""`alliance-bot health`: the container and service health check.

Healthy means all of: a bot process holds the data dir's single-instance lock (so the bot is
running, not crashed or stuck before start), its heartbeat is fresh (its event loop turns, and it
has not been cut off from Discord's gateway for minutes: `bot.app.heartbeat`), the SQLite database
passes `PRAGMA quick_check`, the data dir is writable, and a search index is serving. Prints one
line, `ok: …` (exit 0) or `unhealthy: …` (exit 1), so Docker's HEALTHCHECK and `systemctl`/cron
wrappers can use it. `--no-bot` skips the lock check (for checking a data dir while the bot is
deliberately stopped).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.app.heartbeat import heartbeat_problems
from bot.common.errors import AlreadyRunning
from bot.common.lock import InstanceLock
from bot.settings import Settings


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `health`."""
    health = sub.add_parser("health", help="exit 0 when the bot is running and its data is sound")
    health.add_argument("--no-bot", action="store_true", help="do not require a running bot")
    health.set_defaults(handler=health_handler)


def problems(settings: Settings, *, need_bot: bool = True, now: float | None = None) -> list[str]:
    """What is wrong, in words (empty when healthy); `now` is the wall clock (Unix seconds)."""
    found: list[str] = []
    data_dir = Path(settings.data_dir)
    if need_bot:
        lock = InstanceLock(data_dir)
        try:
            lock.acquire()
        except AlreadyRunning:
            pass
            found.extend(heartbeat_problems(data_dir, time.time() if now is None else now))
        else:
            lock.release()
            found.append(f"no alliance-bot is running with data dir {data_dir}")
    try:
        fd, probe = tempfile.mkstemp(dir=data_dir, prefix=".health-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        found.append(f"data dir {data_dir} is not writable ({exc.strerror or exc})")
    if settings.db_path.is_file():
        try:
            conn = sqlite3.connect(f"file:{settings.db_path}?mode=ro", uri=True, timeout=5.0)
            try:
                verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                conn.close()
            if verdict != "ok":
                found.append(f"database check failed: {verdict}")
        except sqlite3.Error as exc:
            found.append(f"database cannot be read: {exc}")
    else:
        found.append(f"no database at {settings.db_path} yet")
    if not (settings.index_dir / "current").exists():
        found.append(f"no search index under {settings.index_dir} yet")
    return found


def health_handler(args: argparse.Namespace, settings: Settings) -> int:
    found = problems(settings, need_bot=not args.no_bot)
    if found:
        print(f"unhealthy: {'; '.join(found)}")
        return 1
    print(f"ok: bot running, database and index sound in {settings.data_dir}")
    return 0
