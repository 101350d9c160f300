"""How a console line's options are read, shared by every feature's console commands.

A console command is a slash command typed as text with Discord-style options written
`name: value`; each feature lists its commands as `ConsoleCommand`s (option names, handler).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.common.cards import Reply

#: What a feature's console command is: its option names (text before any option goes to the
#: first) and the handler that turns the options into a reply.
ConsoleCommand = tuple[tuple[str, ...], Callable[[dict[str, str]], Reply | None]]

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "on"})


def parse_options(text: str, names: tuple[str, ...]) -> dict[str, str]:
    """Split `a: x b: y` into {'a': 'x', 'b': 'y'}; text before any option goes to names[0]."""
    if not names:
        return {}
    pattern = re.compile(r"(?:^|\s)(" + "|".join(map(re.escape, names)) + r"):\s*", re.I)
    parts = pattern.split(text)
    options: dict[str, str] = {}
    head = parts[0].strip()
    if head:
        options[names[0]] = head
    for i in range(1, len(parts) - 1, 2):
        options[parts[i].lower()] = parts[i + 1].strip()
    return options


def flag(value: str | None) -> bool:
    """Read a yes/no option."""
    return (value or "").strip().lower() in TRUE_WORDS
