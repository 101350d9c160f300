"""The local console: the bot's commands typed as text, answered by the same services.

Reads one command per line from a text stream (a terminal or a pipe), so it is both the way to
try the bot without Discord and a test harness: `printf '/ask what are the values?\\n' |
alliance-bot console`. Lines look like slash commands, with Discord-style options when needed:

    /ask what are the alliance's values?        (a line without a leading / is also a question)
    /more                                       (more sources for the last answer)
    /docs   /docs document: coalition   /docs document: coalition section: Our Mission
    /help   /status   /gaps [days: 7]   /reindex [dry_run: true]
    /corpus add path/to/file.md [replace: true]   /corpus undo [document: uploads/file.md]
    /corpus add-url https://example.org/about     /corpus refresh
    /corpus remove uploads/file.md [force: true] confirm: yes   (without confirm: only asks)
    /next   /meetings [days: 14]   /deadlines   /ics out.ics [item: 12]
    /schedule add-meeting title: Coalition call when: next Tuesday 3pm [repeat: weekly] …
    /schedule add-deadline title: Applications due: Dec 5 at 5pm [link: https://…]
    /schedule edit item: 12 when: … [duration: 90] …   /schedule cancel item: 12
    /subscribe [item: 12]   /unsubscribe [item: 12]   (the console user's subscriptions)
    /ask … private: true    (accepted; console replies are private anyway)
    quit, exit              (with or without /; never asked as a question)

The console runs as the local operator, who is an admin (they own the files anyway), and is not
rate limited. Replies are the same cards the Discord commands send, printed as text.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from typing import TextIO

from bot.admin.console import AdminConsole
from bot.app.wiring import App
from bot.ask.console import AskConsole
from bot.common.cards import notice, to_text
from bot.common.console_input import ConsoleCommand, parse_options
from bot.common.db import is_storage_fault, os_error_line, storage_error
from bot.common.permissions import Actor
from bot.docs.console import DocsConsole
from bot.help.console import HelpConsole
from bot.schedule.console import ScheduleConsole
from index.errors import UserError

log = logging.getLogger(__name__)

CONSOLE_ACTOR = Actor(id=0, name="console", manage_guild=True)
#: Lines that leave the console, with or without a leading `/` (never asked as questions).
LEAVE_WORDS = frozenset({"quit", "exit", "q", "bye"})
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_ESCAPED = re.compile(r"\\([*_`~|>#\-\\\[\]])")


@dataclass
class Console:
    """Dispatches console lines to each feature's console commands and prints their replies."""

    app: App
    actor: Actor = CONSOLE_ACTOR
    commands: dict[str, ConsoleCommand] = field(default_factory=dict)

    def __post_init__(self) -> None:
        app, actor = self.app, self.actor
        self.ask = AskConsole(app.questions, app.library, actor)
        for feature in (
            self.ask,
            DocsConsole(app.library),
            HelpConsole(app.calendar),
            AdminConsole(app.admin, app.corpus, actor),
            ScheduleConsole(app.schedule, app.calendar, actor),
        ):
            self.commands.update(feature.commands())

    @property
    def last_question_id(self) -> int | None:
        """The id of the last question asked here (what `/more` continues)."""
        return self.ask.last_question_id

    def handle(self, line: str) -> str | None:
        """Run one line; return the text to print, or None to stop."""
        line = line.strip()
        if not line or line.startswith("#"):
            return ""
        if line.lstrip("/").rstrip(".!").lower() in LEAVE_WORDS:
            return None
        if not line.startswith("/"):
            line = "/ask " + line
        name, _, rest = line[1:].partition(" ")
        name = name.lower()
        entry = self.commands.get(name)
        if entry is None:
            known = ", ".join("/" + n for n in self.commands)
            return to_text(notice(f"Unknown command /{name}. Try one of: {known}, /quit."))
        names, run = entry
        try:
            reply = run(parse_options(rest, names))
        except UserError as exc:
            return to_text(notice(f"⚠ {exc}"))
        except Exception as exc:
            if is_storage_fault(exc):  # the operator's own tool: say which file and what to do
                text = (
                    os_error_line(exc)
                    if isinstance(exc, OSError)
                    else str(storage_error(exc, self.app.settings.db_path))
                )
                return to_text(notice(f"⚠ {text}"))
            log.exception("console command /%s failed", name)
            return to_text(notice("⚠ Sorry, something went wrong; see the log for details."))
        return to_text(reply) if reply is not None else ""


def terminal_text(text: str, *, bold: bool) -> str:
    """Discord markdown for a terminal: `**x**` becomes bold (ANSI) when `bold`, else plain,
    and markdown escapes (`\\*`) lose their backslash."""
    text = _BOLD.sub(lambda m: f"\033[1m{m.group(1)}\033[0m" if bold else m.group(1), text)
    return _ESCAPED.sub(r"\1", text)


def supports_bold(stream: TextIO) -> bool:
    """True for an interactive terminal that is not `TERM=dumb` and without `NO_COLOR`."""
    isatty = getattr(stream, "isatty", None)
    if not callable(isatty) or not isatty():
        return False
    return os.environ.get("TERM", "") != "dumb" and "NO_COLOR" not in os.environ


def run_console(
    app: App,
    stdin: TextIO,
    stdout: TextIO,
    *,
    prompt: bool = False,
    bold: bool | None = None,
) -> int:
    """Read commands until EOF or quit/exit; print each reply for a terminal (`terminal_text`;
    `bold` defaults to what `stdout` supports). Returns the exit code (0)."""
    console = Console(app)
    use_bold = supports_bold(stdout) if bold is None else bold
    if prompt:
        stdout.write("alliance-bot console — type /help, or a question; quit to leave.\n")
    while True:
        if prompt:
            stdout.write("> ")
            stdout.flush()
        line = stdin.readline()
        if not line:
            break
        out = console.handle(line)
        if out is None:
            break
        if out:
            stdout.write(terminal_text(out, bold=use_bold) + "\n")
            stdout.flush()
    return 0
