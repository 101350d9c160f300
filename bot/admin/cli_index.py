"""`alliance-bot reindex`: rebuild the search index from the command line.

Contract (other tools parse these shapes):
- `reindex` prints documents, passages, added/changed/removed, skipped files with reasons and
  the time taken; `--dry-run` shows the same diff without swapping the index; `--force` rebuilds
  even when nothing changed (a damaged serving generation is rebuilt without it).
`reindex` also reloads `corpus/schedule.toml`, as the bot does. User errors are one line on stderr,
exit 2.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from typing import Any

from bot.common.search import search_engine
from bot.settings import Settings
from index.engine import SearchEngine
from index.models import Answer, ReindexReport

JSON_PASSAGES = 5

log = logging.getLogger(__name__)

Asker = Callable[[str], Answer]


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `reindex` to the CLI."""
    reindex = sub.add_parser("reindex", help="rebuild the search index from the corpus folder")
    reindex.add_argument(
        "--dry-run", action="store_true", help="show what would change without swapping"
    )
    reindex.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    reindex.set_defaults(handler=reindex_handler)


def _engine(settings: Settings) -> SearchEngine:
    return search_engine(settings)


def reindex_handler(args: argparse.Namespace, settings: Settings) -> int:
    """Rebuild (or preview) the index and print the report."""
    engine = _engine(settings)
    try:
        report = engine.reindex(dry_run=args.dry_run, force=args.force)
    finally:
        engine.close()
    print(format_report(report))
    if not args.dry_run:
        _sync_standing_schedule(settings)
    return 0


def _sync_standing_schedule(settings: Settings) -> None:
    """Reload `schedule.toml` after a reindex; a bad file is reported, the index stays rebuilt."""
    from bot.schedule.actions import standing_path
    from bot.schedule.domain.errors import ScheduleError
    from bot.schedule.domain.service import open_service

    path = standing_path(settings.corpus_dir)
    if not path.exists():
        return
    service = open_service(settings)
    try:
        print(f"Schedule: {service.sync_standing(path).summary()}")
    except ScheduleError as exc:
        print(f"Schedule not reloaded: {exc}", file=sys.stderr)
    finally:
        service.conn.close()


def format_report(report: ReindexReport) -> str:
    """The reindex report as a few readable lines."""
    if report.dry_run:
        head = "Dry run: nothing was changed."
    elif report.unchanged:
        head = "Index is up to date: nothing changed since the last reindex."
    else:
        head = "Index rebuilt."
    lines = [
        head,
        f"Documents: {report.documents}   Passages: {report.passages}",
        f"Added: {_names(report.added)}",
        f"Changed: {_names(report.changed)}",
        f"Removed: {_names(report.removed)}",
        f"Passages added: {report.passages_added}   Passages removed: {report.passages_removed}",
    ]
    if report.skipped:
        lines.append(f"Skipped: {len(report.skipped)}")
        lines.extend(f"  - {s.path}: {s.reason}" for s in report.skipped)
    else:
        lines.append("Skipped: none")
    lines.append(f"Time: {report.seconds:.2f} s")
    lines.append(f"Search: {report.search_mode}   Passages embedded: {report.embedded}")
    return "\n".join(lines)


def _names(paths: tuple[str, ...]) -> str:
    return ", ".join(paths) if paths else "none"
