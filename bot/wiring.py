"""Build the shared services from settings, once, for the bot, the console and the CLI.

`build_core(settings)` opens the database, the search engine and (when present) the schedule, and
returns a `BotCore`. Tests pass their own `engine` (any `SearchCore`) and `clock`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.answering import SearchCore
from bot.db import connect
from bot.services.core import BotCore
from bot.services.records import Records, utcnow
from bot.settings import Settings

log = logging.getLogger(__name__)


def default_engine(settings: Settings) -> SearchCore:
    """The real search engine over the configured corpus and index dirs."""
    from index.engine import SearchEngine

    engine: SearchCore = SearchEngine(settings.corpus_dir, settings.index_dir)
    return engine


def build_core(
    settings: Settings,
    *,
    engine: SearchCore | None = None,
    clock: Callable[[], datetime] | None = None,
) -> BotCore:
    """Wire a `BotCore` from settings (database under `data_dir`)."""
    now = clock or utcnow
    conn = connect(settings.db_path)
    records = Records(conn, clock=now)
    return BotCore(
        settings=settings,
        engine=engine if engine is not None else default_engine(settings),
        records=records,
        clock=now,
    )


def ensure_index(core: BotCore) -> None:
    """Build the index on first start so the first question doesn't fail."""
    status = core.engine.status()
    if status.generation is None and status.passages == 0:
        log.info("no index yet: building it from %s", core.settings.corpus_dir)
        report = core.engine.reindex()
        log.info("index built: %d documents, %d passages", report.documents, report.passages)
