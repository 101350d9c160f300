"""Entry point: parse the sub-command, build settings, hand over. No logic lives here.

Each feature module registers its own sub-commands (`register(subparsers)`) and sets a
`handler(args, settings) -> int` default. Errors meant for users become one line on stderr and a
non-zero exit; nothing prints a traceback unless `ALLIANCE_DEBUG=1`.
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from pydantic import ValidationError

from bot.admin import cli_backup, cli_corpus, cli_index
from bot.admin.corpus import CorpusAdmin
from bot.app import health as cli_health
from bot.app import run as cli_run
from bot.ask import cli as cli_ask
from bot.common.db import is_storage_fault, os_error_line, storage_error
from bot.schedule import cli as cli_schedule
from bot.settings import Settings
from index.errors import UserError

Handler = Callable[[argparse.Namespace, Settings], int]

log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (no usage dump), like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The full command tree; see the README's command table."""
    parser = _Parser(
        prog="alliance-bot",
        description="Cited answers from the coalition's documents, meetings and deadlines.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    cli_run.register(sub)
    cli_index.register(sub)
    cli_ask.register(sub)
    cli_schedule.register(sub)
    cli_backup.register(sub)
    cli_corpus.register(sub, open_corpus)
    cli_health.register(sub)
    parser.set_defaults(handler=cli_run.default_handler)
    return parser


def open_corpus(settings: Settings) -> tuple[CorpusAdmin, Callable[[], None]]:
    """The corpus use cases wired as the bot wires them (console-style local times), and the
    closer of the search engine they opened."""
    from bot.app.wiring import build_app

    app = build_app(settings, discord=False)
    close = getattr(app.engine, "close", None)
    return app.corpus, close if callable(close) else (lambda: None)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return the process exit code.

    A reader that stops early (`alliance-bot reindex | head`) is not an error: the rest of the
    output is dropped quietly and the exit code is the command's. Storage faults (read-only,
    full, locked or corrupt database or data folder) are one line naming the path, the problem
    and what to do, exit 1.
    """
    try:
        code = _main(argv)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _silence_stdout()
        return 0


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"alliance-bot: configuration error: {_first_error(exc)}", file=sys.stderr)
        return 2
    handler: Handler = args.handler
    try:
        return handler(args, settings)
    except UserError as exc:
        print(f"alliance-bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        raise
    except sqlite3.Error as exc:
        print(f"alliance-bot: {storage_error(exc, settings.db_path)}", file=sys.stderr)
        return 1
    except OSError as exc:
        if exc.filename is None and not is_storage_fault(exc):
            return _unexpected(exc)
        print(f"alliance-bot: {os_error_line(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:
        return _unexpected(exc)


def _unexpected(exc: Exception) -> int:
    if os.environ.get("ALLIANCE_DEBUG") == "1":
        raise exc
    log.debug("unexpected error", exc_info=exc)
    print(
        f"alliance-bot: unexpected error ({type(exc).__name__}); "
        "run with ALLIANCE_DEBUG=1 for details",
        file=sys.stderr,
    )
    return 1


def _first_error(exc: ValidationError) -> str:
    """One readable line for the first invalid setting; never echoes secret values."""
    err = exc.errors()[0]
    where = ".".join(str(part) for part in err.get("loc", ())) or "settings"
    return f"ALLIANCE_{where.upper()}: {err.get('msg', 'invalid value')}"
