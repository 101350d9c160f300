"""`alliance-bot run`, `console`, and plain `alliance-bot` (the bot if a token, else the console).

`run` checks the token's shape (one line on stderr if missing or malformed), takes the data dir's
single-instance lock, sets up logging and starts `AllianceBot`. `console` opens the local console
over the same services. Plain `alliance-bot` says on stderr which of the two it starts and why.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import signal
import sys
from typing import Any

import aiohttp
import discord

from bot.common.db import is_storage_fault, os_error_line
from bot.settings import Settings
from index.errors import UserError

_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{10,}$")


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `run` and `console`."""
    run = sub.add_parser("run", help="start the Discord bot (needs ALLIANCE_DISCORD_TOKEN)")
    run.set_defaults(handler=run_handler)
    console = sub.add_parser("console", help="the bot's commands in a local text console")
    console.set_defaults(handler=console_handler)


def token_of(settings: Settings) -> str:
    """The configured bot token, or a `UserError` that says how to fix it (never echoing it)."""
    if settings.discord_token is None or not settings.discord_token.get_secret_value().strip():
        raise UserError(
            "no Discord token: set ALLIANCE_DISCORD_TOKEN (or DISCORD_TOKEN) in the environment "
            "or .env, or use `alliance-bot console` to try the bot locally"
        )
    token = settings.discord_token.get_secret_value().strip()
    if token.lower().startswith("bot "):
        raise UserError("the Discord token must not start with 'Bot ': paste only the token itself")
    if not _TOKEN_SHAPE.match(token):
        raise UserError(
            "the Discord token looks malformed (expected three dot-separated parts, as copied "
            "from the Developer Portal's Bot page); check ALLIANCE_DISCORD_TOKEN"
        )
    return token


def run_handler(args: argparse.Namespace, settings: Settings) -> int:
    """Start the bot and run until stopped."""
    token = token_of(settings)
    from bot.app.client import AllianceBot, point_at
    from bot.app.logging_setup import setup_logging
    from bot.common.lock import InstanceLock

    with InstanceLock(settings.data_dir):
        setup_logging(settings)
        point_at(settings)

        async def main() -> None:
            async with AllianceBot(settings) as bot:
                stop_on_signals(bot)
                await bot.start(token)

        try:
            asyncio.run(main())
        except discord.LoginFailure:
            raise UserError(
                "Discord rejected the token (401): copy a fresh one from the Developer Portal"
            ) from None
        except discord.PrivilegedIntentsRequired:
            raise UserError("Discord refused the requested intents") from None
        except (aiohttp.ClientError, OSError) as exc:
            if isinstance(exc, OSError) and (exc.filename is not None or is_storage_fault(exc)):
                raise UserError(os_error_line(exc)) from None
            raise UserError(
                f"could not reach Discord at {settings.discord_api_url} ({type(exc).__name__})"
            ) from None
    return 0


def stop_on_signals(bot: Any) -> None:
    """SIGTERM and SIGINT (what `docker stop`, `systemctl stop` and Ctrl-C send) close the bot:
    background work stops first (`AllianceBot.close`), then the gateway; `run` then exits 0."""
    loop = asyncio.get_running_loop()
    closing: list[asyncio.Task[None]] = []

    def stop(name: str) -> None:
        logging.getLogger(__name__).info("%s received: shutting down", name)
        if not closing:
            closing.append(loop.create_task(bot.close()))

    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop, sig.name)
        except (NotImplementedError, RuntimeError):  # not the main thread, or not POSIX
            pass


def console_handler(args: argparse.Namespace, settings: Settings) -> int:
    """Open the local console on stdin/stdout."""
    import logging

    from bot.app.console import run_console
    from bot.app.wiring import build_app, prepare

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app = build_app(settings, discord=False)
    prepare(app)
    return run_console(app, sys.stdin, sys.stdout, prompt=sys.stdin.isatty())


def default_handler(args: argparse.Namespace, settings: Settings) -> int:
    """Run the bot when a token is configured, the console otherwise (saying which and why)."""
    if settings.discord_token is not None and settings.discord_token.get_secret_value().strip():
        print(
            "alliance-bot: a Discord token is configured: starting the bot "
            "(use `alliance-bot console` for the local console)",
            file=sys.stderr,
        )
        return run_handler(args, settings)
    print(
        "alliance-bot: no Discord token configured (ALLIANCE_DISCORD_TOKEN): opening the local "
        "console instead",
        file=sys.stderr,
    )
    return console_handler(args, settings)
