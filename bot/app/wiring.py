"""Build every feature's use cases from settings, once, for the bot, the console and the CLI.

`build_app(settings)` opens the database, the search engine and the schedule and returns an
`App` whose parts are all constructed here, in dependency order, and never patched afterwards:
the admin gate, the schedule, `/ask` (which tries schedule questions first), `/docs`, the admin
use cases (whose reindex reloads the standing schedule) and the corpus. Tests pass their own
`engine` (any `SearchCore`) and `clock` (a `bot.schedule.domain.clock.Clock`, e.g.
`ManualClock`). `discord=True` renders schedule times as `<t:…>` tags, `False` as local time
(console, CLI).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.admin.corpus import CorpusAdmin
from bot.admin.usecases import Administration
from bot.ask.usecases import Asking
from bot.common.audit import AdminGate
from bot.common.db import BACKGROUND_BUSY_SECONDS, INTERACTIVE_BUSY_SECONDS, connect, storage_error
from bot.common.records import Records
from bot.common.search import SearchCore, search_engine
from bot.docs.usecases import Library
from bot.schedule.actions import ScheduleActions
from bot.schedule.calendar import CalendarActions
from bot.schedule.domain.clock import Clock, SystemClock
from bot.schedule.domain.service import open_service
from bot.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class App:
    """Every feature's use cases over one database, one index and one schedule store."""

    settings: Settings
    engine: SearchCore
    records: Records
    clock: Callable[[], datetime]
    gate: AdminGate
    schedule: ScheduleActions
    calendar: CalendarActions
    questions: Asking
    library: Library
    admin: Administration
    corpus: CorpusAdmin


def default_engine(settings: Settings) -> SearchCore:
    """The real search engine over the configured corpus and index dirs."""
    engine: SearchCore = search_engine(settings)
    return engine


def build_app(
    settings: Settings,
    *,
    engine: SearchCore | None = None,
    clock: Clock | None = None,
    discord: bool = True,
) -> App:
    """Wire every feature from settings; the database lives under data_dir."""
    clock = clock or SystemClock()
    # Connections that answer Discord interactions fail fast when another process holds the
    # write lock, so the member hears "busy, try again" inside Discord's 3-second window.
    busy = INTERACTIVE_BUSY_SECONDS if discord else BACKGROUND_BUSY_SECONDS
    records = open_records(settings, clock, busy_timeout=busy)
    engine = engine if engine is not None else default_engine(settings)
    gate = AdminGate(settings, records)
    schedule = ScheduleActions(
        gate,
        open_service(settings, clock, busy_timeout=busy),
        open_service(settings, clock),
        discord=discord,
    )
    library = Library(engine)
    admin = Administration(
        settings,
        engine,
        records,
        gate,
        clock=clock.now,
        pending_reminders=schedule.pending,
        after_reindex=[lambda: log.info("%s", schedule.sync_standing())],
    )
    return App(
        settings=settings,
        engine=engine,
        records=records,
        clock=clock.now,
        gate=gate,
        schedule=schedule,
        calendar=CalendarActions(gate, open_service(settings, clock)),
        questions=Asking(
            settings, engine, records, schedule_answerer=schedule.answer, clock=clock.now
        ),
        library=library,
        admin=admin,
        corpus=CorpusAdmin(settings, gate, admin, library, clock=clock.now),
    )


def open_records(settings: Settings, clock: Clock, *, busy_timeout: float) -> Records:
    """The question/feedback/audit store, migrated; `StorageError` (one line naming the path,
    the problem and what to do) when the database cannot be opened or written."""
    conn = connect(settings.db_path, busy_timeout=busy_timeout)
    try:
        return Records(conn, clock=clock.now)
    except sqlite3.Error as exc:
        conn.close()
        raise storage_error(exc, settings.db_path) from None


def prepare(app: App) -> None:
    """Start-up work before serving: check the database (`PRAGMA quick_check`, shown in
    `/status`), build the index when it is missing or rebuild it when the serving generation is
    damaged (a cheap check: corpus changes made while the bot was down wait for `/reindex`),
    load the standing schedule."""
    app.admin.check_database()
    status = app.engine.status()
    missing = status.generation is None and status.passages == 0
    if missing or not app.engine.serving_ok():
        log.info(
            "%s: building it from %s",
            "no index yet" if missing else "the index is damaged",
            app.settings.corpus_dir,
        )
        try:
            report = app.engine.reindex()
        except Exception as exc:  # a busy or failing build must not keep the bot from starting
            log.warning("index not built at start: %s", exc)
        else:
            log.info("index built: %d documents, %d passages", report.documents, report.passages)
    try:
        log.info("%s", app.schedule.sync_standing())
    except Exception as exc:  # a bad schedule.toml must not keep the bot from answering
        log.warning("standing schedule not loaded: %s", exc)
