"""`/help` typed in the console: the Discord help card (admin part included: the operator is an
admin) followed by the console's own syntax."""

from __future__ import annotations

from bot.common.cards import Card, Reply
from bot.common.console_input import ConsoleCommand
from bot.help.replies import help_reply
from bot.schedule.calendar import CalendarActions

SYNTAX_HELP = (
    "Console syntax: type a question, or a command with options written `name: value`, the same "
    "names as in Discord, e.g. `/docs document: coalition section: Our Mission`, "
    "`/ask what are the values? private: true`, `/meetings days: 14`, "
    "`/schedule edit item: 11 duration: 90`, `/subscribe item: 11`, "
    "`/corpus remove uploads/notes.md confirm: yes`. `quit` or `exit` leaves."
)


class HelpConsole:
    """Help for the operator."""

    def __init__(self, calendar: CalendarActions) -> None:
        self.calendar = calendar

    def commands(self) -> dict[str, ConsoleCommand]:
        return {"help": ((), self.help)}

    def help(self, opts: dict[str, str]) -> Reply:
        reply = help_reply(admin=True, feed=self.calendar.feed_links())
        return Reply(reply.content, (*reply.cards, Card(description=SYNTAX_HELP)))
