"""`run`, `console` and the plain `alliance-bot` default (being built; see the open issues)."""

from __future__ import annotations

import argparse
from typing import Any

from bot.settings import Settings


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `run` and `console`."""


def default_handler(args: argparse.Namespace, settings: Settings) -> int:
    """Run the bot when a token is configured, the console otherwise."""
    print("alliance-bot: nothing to run yet")
    return 0
