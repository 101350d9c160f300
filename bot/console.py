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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bot.db import is_storage_fault, os_error_line, storage_error
from bot.rendering import (
    Card,
    Reply,
    answer_button_labels,
    answer_reply,
    attendance_reply,
    documents_reply,
    feed_rotated_reply,
    gaps_reply,
    help_reply,
    more_sources_reply,
    moved_reply,
    notice,
    occurrence_restored_reply,
    occurrences_reply,
    outline_reply,
    reindex_reply,
    schedule_item_reply,
    section_reply,
    skipped_reply,
    status_reply,
    to_text,
    upload_reply,
)
from bot.rendering_corpus import (
    refresh_reply,
    removal_prompt,
    removal_reply,
    restored_reply,
    url_reply,
)
from bot.schedule.service import open_service
from bot.services.calendar import CalendarActions
from bot.services.core import SHOWN_SOURCES, BotCore
from bot.services.corpus_admin import CorpusAdmin
from bot.services.errors import UploadRejected
from bot.services.permissions import Actor
from bot.services.schedule_actions import ScheduleActions
from index.errors import UserError

log = logging.getLogger(__name__)

CONSOLE_ACTOR = Actor(id=0, name="console", manage_guild=True)
#: Whom the console's /subscribe and /unsubscribe are for: the store needs a positive user id,
#: and 1 is never a Discord user's (their ids are 17-20 digit snowflakes).
CONSOLE_USER_ID = 1
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "on"})
#: Lines that leave the console, with or without a leading `/` (never asked as questions).
LEAVE_WORDS = frozenset({"quit", "exit", "q", "bye"})
MINUTES_MAX = 2880
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_ESCAPED = re.compile(r"\\([*_`~|>#\-\\\[\]])")

SYNTAX_HELP = (
    "Console syntax: type a question, or a command with options written `name: value`, the same "
    "names as in Discord, e.g. `/docs document: coalition section: Our Mission`, "
    "`/ask what are the values? private: true`, `/meetings days: 14`, "
    "`/schedule edit item: 11 duration: 90`, `/subscribe item: 11`, "
    "`/corpus remove uploads/notes.md confirm: yes`. `quit` or `exit` leaves."
)

Command = Callable[["Console", dict[str, str]], Reply | None]


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


@dataclass
class Console:
    """Dispatches console lines to `BotCore` and renders the replies."""

    core: BotCore
    actor: Actor = CONSOLE_ACTOR
    last_question_id: int | None = None
    commands: dict[str, tuple[tuple[str, ...], Command]] = field(default_factory=dict)
    calendar: CalendarActions | None = None

    def __post_init__(self) -> None:
        self.commands = {
            "ask": (("question", "private"), Console._ask),
            "more": ((), Console._more),
            "docs": (("document", "section"), Console._docs),
            "help": ((), Console._help),
            "reindex": (("dry_run",), Console._reindex),
            "status": ((), Console._status),
            "gaps": (("days",), Console._gaps),
            "corpus": (("action",), Console._corpus),
            "next": ((), Console._next),
            "meetings": (("days",), Console._meetings),
            "deadlines": (("days",), Console._deadlines),
            "ics": (("file", "item"), Console._ics),
            "schedule": (("action",), Console._schedule),
            "calendar": (("action",), Console._calendar),
            "reminder-role": ((), Console._reminder_role),
            "subscribe": (("item",), Console._subscribe),
            "unsubscribe": (("item",), Console._unsubscribe),
        }

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
        if name == "help":
            return to_text(self._help({})) + "\n" + SYNTAX_HELP + "\n"
        names, run = entry
        try:
            reply = run(self, parse_options(rest, names))
        except UserError as exc:
            return to_text(notice(f"⚠ {exc}"))
        except Exception as exc:
            if is_storage_fault(exc):  # the operator's own tool: say which file and what to do
                line = (
                    os_error_line(exc)
                    if isinstance(exc, OSError)
                    else str(storage_error(exc, self.core.settings.db_path))
                )
                return to_text(notice(f"⚠ {line}"))
            log.exception("console command /%s failed", name)
            return to_text(notice("⚠ Sorry, something went wrong; see the log for details."))
        return to_text(reply) if reply is not None else ""

    def _ask(self, opts: dict[str, str]) -> Reply:
        # `private:` is accepted as in Discord; console replies are only ever seen by the operator.
        result = self.core.ask(self.actor, opts.get("question", ""), rate_limit=False)
        self.last_question_id = result.question_id
        answer = result.answer
        topics = [] if answer.answered else [d.title for d in self.core.documents()]
        question_id = None if answer.small_talk else result.question_id  # no buttons under "hi"
        ask_person = self.core.settings.officer_channel_id is not None and question_id is not None
        reply = answer_reply(answer, topics=topics, ask_person=ask_person)
        buttons = answer_button_labels(
            question_id,
            more=answer.answered and len(answer.hits) > SHOWN_SOURCES,
            ask_person=ask_person,
        )
        if not buttons:
            return reply
        return Reply(reply.content, (*reply.cards, Card(description=f"[{' · '.join(buttons)}]")))

    def _more(self, opts: dict[str, str]) -> Reply:
        if self.last_question_id is None:
            raise UserError("Ask a question first; /more shows further sources for it.")
        answer, hits = self.core.more_sources(self.last_question_id)
        return more_sources_reply(answer, hits)

    def _docs(self, opts: dict[str, str]) -> Reply:
        document = opts.get("document", "")
        if not document:
            return documents_reply(self.core.documents())
        doc = self.core.find_document(document)
        section = opts.get("section", "")
        if not section:
            return outline_reply(doc)
        passages = self.core.section_passages(doc.source, section)
        return section_reply(doc, passages[0].section if passages else section, passages)

    def _help(self, opts: dict[str, str]) -> Reply:
        return help_reply(schedule=self.core.schedule_answerer is not None, admin=True)

    def _reindex(self, opts: dict[str, str]) -> Reply:
        return reindex_reply(self.core.reindex(self.actor, dry_run=flag(opts.get("dry_run"))))

    def _status(self, opts: dict[str, str]) -> Reply:
        return status_reply(self.core.status(self.actor))

    def _gaps(self, opts: dict[str, str]) -> Reply:
        raw = opts.get("days", "30") or "30"
        if not raw.isdigit() or not 1 <= int(raw) <= 365:
            raise UserError("days must be a whole number from 1 to 365, e.g. /gaps days: 7")
        days = int(raw)
        return gaps_reply(self.core.gaps(self.actor, days=days), days=days)

    def _corpus(self, opts: dict[str, str]) -> Reply:
        action, _, rest = opts.get("action", "").partition(" ")
        action = action.lower()
        if action == "add":
            sub = parse_options(rest, ("file", "replace"))
            path = Path(sub.get("file", "")).expanduser()
            if not sub.get("file") or not path.is_file():
                raise UploadRejected(f"No such file: '{sub.get('file', '')}'.")
            data = path.read_bytes()
            result = CorpusAdmin(self.core).add(
                self.actor, path.name, data, replace=flag(sub.get("replace"))
            )
            return upload_reply(result)
        if action == "remove":
            sub = parse_options(rest, ("document", "force", "confirm"))
            document = sub.get("document", "")
            if not document:
                raise UserError("Say which document, e.g. /corpus remove uploads/notes.md")
            corpus = CorpusAdmin(self.core)
            force = flag(sub.get("force"))
            doc = corpus.removal_target(self.actor, document, force=force)
            if not flag(sub.get("confirm")):
                again = f"/corpus remove {doc.source}{' force: true' if force else ''} confirm: yes"
                return removal_prompt(doc, how=f"To go ahead, type: {again}")
            return removal_reply(corpus.remove(self.actor, doc.source, force=force))
        if action == "add-url":
            url = parse_options(rest, ("url",)).get("url", "")
            if not url:
                raise UserError("Say which page, e.g. /corpus add-url https://example.org/about")
            return url_reply(CorpusAdmin(self.core).add_url(self.actor, url))
        if action == "refresh":
            return refresh_reply(CorpusAdmin(self.core).refresh(self.actor))
        if action == "undo":
            which = parse_options(rest, ("document",)).get("document") or None
            return restored_reply(CorpusAdmin(self.core).undo(self.actor, which))
        raise UserError(
            "Use /corpus add PATH [replace: true], /corpus add-url URL, /corpus refresh, "
            "/corpus remove DOCUMENT [force: true] or /corpus undo [DOCUMENT]."
        )

    def _subscriber(self) -> Actor:
        return Actor(CONSOLE_USER_ID, self.actor.name)

    def _subscribe(self, opts: dict[str, str]) -> Reply:
        item_id = _item_id(opts["item"]) if opts.get("item") else None
        found = self._actions().subscribe(self._subscriber(), item_id)
        what = f"#{found.id} {found.title}" if found else "every meeting and deadline"
        return notice(
            f"Done: the console user ({self.actor.name}) is subscribed to {what}. "
            "Use /unsubscribe to stop."
        )

    def _unsubscribe(self, opts: dict[str, str]) -> Reply:
        item_id = _item_id(opts["item"]) if opts.get("item") else None
        found = self._actions().unsubscribe(self._subscriber(), item_id)
        what = f"#{found.id} {found.title}" if found else "any meeting or deadline"
        return notice(f"Done: no more reminders for {what} for the console user.")

    def _actions(self) -> ScheduleActions:
        if self.core.schedule is None:
            raise UserError("The schedule isn't available here.")
        return self.core.schedule

    def _next(self, opts: dict[str, str]) -> Reply:
        schedule = self._actions()
        occurrence = schedule.next_meeting()
        return occurrences_reply(
            "Next meeting",
            [occurrence] if occurrence else [],
            schedule.service.tz,
            discord=False,
            empty="No meeting is on the schedule yet.",
        )

    def _meetings(self, opts: dict[str, str]) -> Reply:
        schedule = self._actions()
        days = _days(opts.get("days"), 30)
        return occurrences_reply(
            f"Meetings in the next {days} days",
            schedule.upcoming("meeting", days=days),
            schedule.service.tz,
            discord=False,
            empty=f"No meetings in the next {days} days.",
        )

    def _deadlines(self, opts: dict[str, str]) -> Reply:
        schedule = self._actions()
        days = _days(opts.get("days"), 366)
        return occurrences_reply(
            "Upcoming deadlines",
            schedule.upcoming("deadline", days=days),
            schedule.service.tz,
            discord=False,
            empty="No upcoming deadlines.",
        )

    def _ics(self, opts: dict[str, str]) -> Reply:
        target = opts.get("file", "").strip()
        if not target:
            raise UserError("Say where to write it, e.g. /ics alliance.ics [item: 12]")
        item = _item_id(opts["item"]) if opts.get("item") else None
        data = self._actions().ics(item)
        Path(target).expanduser().write_bytes(data)
        return notice(f"Wrote {len(data)} bytes of calendar to {target}.")

    def _schedule(self, opts: dict[str, str]) -> Reply:
        schedule = self._actions()
        action, _, rest = opts.get("action", "").partition(" ")
        action = action.lower()
        tz = schedule.service.tz
        if action == "add-meeting":
            o = parse_options(
                rest, ("title", "when", "duration", "where", "repeat", "until", "channel")
            )
            item = schedule.add_meeting(
                self.actor,
                o.get("title", ""),
                o.get("when", ""),
                duration_minutes=_minutes(o["duration"]) if o.get("duration") else 60,
                where=o.get("where"),
                repeat=o.get("repeat"),
                until=o.get("until"),
                channel_id=_channel(o.get("channel")),
            )
            verb = "Scheduled"
        elif action == "add-deadline":
            o = parse_options(rest, ("title", "due", "link", "channel"))
            item = schedule.add_deadline(
                self.actor,
                o.get("title", ""),
                o.get("due", ""),
                link=o.get("link"),
                channel_id=_channel(o.get("channel")),
            )
            verb = "Recorded"
        elif action == "edit":
            o = parse_options(
                rest, ("item", "title", "when", "duration", "where", "link", "repeat", "until")
            )
            item_id = _item_id(o.pop("item", None))
            changes: dict[str, object] = dict(o)
            if "duration" in o:
                changes["duration_minutes"] = _minutes(str(changes.pop("duration")))
            if not changes:
                raise UserError(
                    "Nothing to change: give at least one field, e.g. /schedule edit item: "
                    f"{item_id} when: next Tuesday 3pm (fields: title, when, duration, where, "
                    "link, repeat, until)."
                )
            item = schedule.edit(self.actor, item_id, **changes)
            verb = "Updated"
        elif action == "cancel":
            o = parse_options(rest, ("item",))
            item = schedule.cancel(self.actor, _item_id(o.get("item")))
            return notice(f"Cancelled #{item.id} {item.title}; its reminders are removed.")
        elif action == "skip":
            o = parse_options(rest, ("item", "date"))
            found, skipped = self._calendar_actions().skip_occurrence(
                self.actor, _item_id(o.get("item")), o.get("date", "")
            )
            return skipped_reply(found, skipped, tz, discord=False)
        elif action == "move":
            o = parse_options(rest, ("item", "date", "to"))
            found, original, new = self._calendar_actions().move_occurrence(
                self.actor, _item_id(o.get("item")), o.get("date", ""), o.get("to", "")
            )
            return moved_reply(found, original, new, tz, discord=False)
        elif action == "restore":
            o = parse_options(rest, ("item", "date"))
            found, original = self._calendar_actions().restore_occurrence(
                self.actor, _item_id(o.get("item")), o.get("date", "")
            )
            return occurrence_restored_reply(found, original, tz, discord=False)
        else:
            raise UserError(
                "Use /schedule add-meeting title: … when: …, /schedule add-deadline title: … "
                "due: …, /schedule edit item: N …, /schedule cancel item: N, or /schedule "
                "skip|restore item: N date: …, /schedule move item: N date: … to: …."
            )
        return schedule_item_reply(
            verb, item, schedule.service.next_occurrence(item), tz, discord=False
        )

    def _calendar_actions(self) -> CalendarActions:
        """The calendar use cases the cogs call, over their own connection (opened once)."""
        if self.calendar is None:
            clock = self._actions().service.clock
            self.calendar = CalendarActions(self.core, open_service(self.core.settings, clock))
        return self.calendar

    def _calendar(self, opts: dict[str, str]) -> Reply:
        action, _, rest = opts.get("action", "").partition(" ")
        action = action.lower()
        if action == "rsvps":
            o = parse_options(rest, ("item",))
            item_id = _item_id(o.get("item"))
            attendance = self._calendar_actions().attendance(self.actor, item_id)
            return attendance_reply(attendance, tz=self._actions().service.tz)
        if action == "rotate-feed":
            return feed_rotated_reply(self._calendar_actions().rotate_feed(self.actor))
        raise UserError("Use /calendar rsvps item: N or /calendar rotate-feed.")

    def _reminder_role(self, opts: dict[str, str]) -> Reply:
        return notice(
            "The console has no Discord roles: in Discord, /reminder-role takes the reminder "
            "role (channel reminders then notify you) or leaves it."
        )


def _days(raw: str | None, default: int) -> int:
    """A 1-366 day count from a console option."""
    text = (raw or str(default)).strip()
    if not text.isdigit() or not 1 <= int(text) <= 366:
        raise UserError("days must be a whole number from 1 to 366, e.g. /meetings days: 14")
    return int(text)


def _item_id(raw: str | None) -> int:
    """An item id such as `12` or `#12`."""
    text = (raw or "").strip().lstrip("#")
    if not text.isdigit():
        shown = f"'{text[:40]}' is not an item number" if text else "Say which item"
        raise UserError(f"{shown}: write it as item: 12 (see /meetings and /deadlines).")
    return int(text)


def _minutes(raw: str) -> int:
    """A meeting length in minutes, as the Discord option allows (1 to 2880)."""
    text = raw.strip().removesuffix("min").strip()
    if not text.isdigit() or not 1 <= int(text) <= MINUTES_MAX:
        raise UserError(
            f"duration must be a number of minutes from 1 to {MINUTES_MAX}, e.g. duration: 90"
        )
    return int(text)


def _channel(raw: str | None) -> int | None:
    """A channel id (digits, or a pasted `<#id>` mention)."""
    if not raw:
        return None
    text = raw.strip().removeprefix("<#").removesuffix(">")
    if not text.isdigit():
        raise UserError(
            "channel must be a channel id, e.g. channel: 123456789012345678 "
            "(Developer Mode → right-click the channel → Copy Channel ID)"
        )
    return int(text)


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
    core: BotCore,
    stdin: TextIO,
    stdout: TextIO,
    *,
    prompt: bool = False,
    bold: bool | None = None,
) -> int:
    """Read commands until EOF or quit/exit; print each reply for a terminal (`terminal_text`;
    `bold` defaults to what `stdout` supports). Returns the exit code (0)."""
    console = Console(core)
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
