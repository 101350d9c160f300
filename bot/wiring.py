"""Build the shared services from settings, once, for the bot, the console and the CLI.

`build_core(settings)` opens the database, the search engine and the schedule, and returns a
`BotCore` whose `schedule` (a `ScheduleActions`) is set and whose `/ask` tries schedule questions
first. Tests pass their own `engine` (any `SearchCore`) and `clock` (a `bot.schedule.clock.Clock`,
e.g. `ManualClock`). `discord=True` renders schedule times as `<t:…>` tags, `False` as local
time (console, CLI).
"""

from __future__ import annotations

import logging
import sqlite3

from bot.answering import SearchCore
from bot.db import BACKGROUND_BUSY_SECONDS, INTERACTIVE_BUSY_SECONDS, connect, storage_error
from bot.schedule.clock import Clock, SystemClock
from bot.schedule.service import open_service
from bot.search_setup import search_engine
from bot.services.core import BotCore
from bot.services.records import Records
from bot.services.schedule_actions import ScheduleActions
from bot.settings import Settings

log = logging.getLogger(__name__)


def default_engine(settings: Settings) -> SearchCore:
    """The real search engine over the configured corpus and index dirs."""
    engine: SearchCore = search_engine(settings)
    return engine


def build_core(
    settings: Settings,
    *,
    engine: SearchCore | None = None,
    clock: Clock | None = None,
    discord: bool = True,
) -> BotCore:
    """Wire a `BotCore` (with the schedule) from settings; the database lives under data_dir."""
    clock = clock or SystemClock()
    # Connections that answer Discord interactions fail fast when another process holds the
    # write lock, so the member hears "busy, try again" inside Discord's 3-second window.
    busy = INTERACTIVE_BUSY_SECONDS if discord else BACKGROUND_BUSY_SECONDS
    records = open_records(settings, clock, busy_timeout=busy)
    core = BotCore(
        settings=settings,
        engine=engine if engine is not None else default_engine(settings),
        records=records,
        clock=clock.now,
    )
    schedule = ScheduleActions(
        core,
        open_service(settings, clock, busy_timeout=busy),
        open_service(settings, clock),
        discord=discord,
    )
    core.schedule = schedule
    core.schedule_answerer = schedule.answer
    core.pending_reminders = schedule.pending
    core.after_reindex.append(lambda: log.info("%s", schedule.sync_standing()))
    return core


def open_records(settings: Settings, clock: Clock, *, busy_timeout: float) -> Records:
    """The question/feedback/audit store, migrated; `StorageError` (one line naming the path,
    the problem and what to do) when the database cannot be opened or written."""
    conn = connect(settings.db_path, busy_timeout=busy_timeout)
    try:
        return Records(conn, clock=clock.now)
    except sqlite3.Error as exc:
        conn.close()
        raise storage_error(exc, settings.db_path) from None


def prepare(core: BotCore) -> None:
    """Start-up work before serving: check the database (`PRAGMA quick_check`, shown in
    `/status`), build the index when it is missing or rebuild it when the serving generation is
    damaged (a cheap check: corpus changes made while the bot was down wait for `/reindex`),
    load the standing schedule."""
    core.check_database()
    status = core.engine.status()
    missing = status.generation is None and status.passages == 0
    if missing or not core.engine.serving_ok():
        log.info(
            "%s: building it from %s",
            "no index yet" if missing else "the index is damaged",
            core.settings.corpus_dir,
        )
        try:
            report = core.engine.reindex()
        except Exception as exc:  # a busy or failing build must not keep the bot from starting
            log.warning("index not built at start: %s", exc)
        else:
            log.info("index built: %d documents, %d passages", report.documents, report.passages)
    if core.schedule is not None:
        try:
            log.info("%s", core.schedule.sync_standing())
        except Exception as exc:  # a bad schedule.toml must not keep the bot from answering
            log.warning("standing schedule not loaded: %s", exc)
