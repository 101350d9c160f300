"""The schedule and calendar commands typed in the console: `/next`, `/meetings`, `/deadlines`,
`/ics FILE`, `/schedule …`, `/calendar …`, `/subscribe`, `/unsubscribe`, `/reminder-role`.

Same use cases and replies as the cogs, with times in the server's zone instead of Discord
timestamps. The console user's subscriptions are stored under `CONSOLE_USER_ID`.
"""

from __future__ import annotations

from pathlib import Path

from bot.common.cards import Reply, notice
from bot.common.console_input import ConsoleCommand, parse_options
from bot.common.permissions import Actor
from bot.schedule.actions import ScheduleActions
from bot.schedule.calendar import CalendarActions
from bot.schedule.replies import (
    attendance_reply,
    feed_rotated_reply,
    moved_reply,
    occurrence_restored_reply,
    occurrences_reply,
    schedule_item_reply,
    skipped_reply,
)
from index.errors import UserError

#: Whom the console's /subscribe and /unsubscribe are for: the store needs a positive user id,
#: and 1 is never a Discord user's (their ids are 17-20 digit snowflakes).
CONSOLE_USER_ID = 1
MINUTES_MAX = 2880


class ScheduleConsole:
    """Meetings, deadlines and the calendar for the operator."""

    def __init__(self, schedule: ScheduleActions, calendar: CalendarActions, actor: Actor) -> None:
        self.schedule = schedule
        self.calendar = calendar
        self.actor = actor

    def commands(self) -> dict[str, ConsoleCommand]:
        return {
            "next": ((), self.next),
            "meetings": (("days",), self.meetings),
            "deadlines": (("days",), self.deadlines),
            "ics": (("file", "item"), self.ics),
            "schedule": (("action",), self.schedule_command),
            "calendar": (("action",), self.calendar_command),
            "reminder-role": ((), self.reminder_role),
            "subscribe": (("item",), self.subscribe),
            "unsubscribe": (("item",), self.unsubscribe),
        }

    def _subscriber(self) -> Actor:
        return Actor(CONSOLE_USER_ID, self.actor.name)

    def subscribe(self, opts: dict[str, str]) -> Reply:
        item_id = _item_id(opts["item"]) if opts.get("item") else None
        found = self.schedule.subscribe(self._subscriber(), item_id)
        what = f"#{found.id} {found.title}" if found else "every meeting and deadline"
        return notice(
            f"Done: the console user ({self.actor.name}) is subscribed to {what}. "
            "Use /unsubscribe to stop."
        )

    def unsubscribe(self, opts: dict[str, str]) -> Reply:
        item_id = _item_id(opts["item"]) if opts.get("item") else None
        found = self.schedule.unsubscribe(self._subscriber(), item_id)
        what = f"#{found.id} {found.title}" if found else "any meeting or deadline"
        return notice(f"Done: no more reminders for {what} for the console user.")

    def next(self, opts: dict[str, str]) -> Reply:
        occurrence = self.schedule.next_meeting()
        return occurrences_reply(
            "Next meeting",
            [occurrence] if occurrence else [],
            self.schedule.service.tz,
            discord=False,
            empty="No meeting is on the schedule yet.",
        )

    def meetings(self, opts: dict[str, str]) -> Reply:
        days = _days(opts.get("days"), 30)
        return occurrences_reply(
            f"Meetings in the next {days} days",
            self.schedule.upcoming("meeting", days=days),
            self.schedule.service.tz,
            discord=False,
            empty=f"No meetings in the next {days} days.",
        )

    def deadlines(self, opts: dict[str, str]) -> Reply:
        days = _days(opts.get("days"), 366)
        return occurrences_reply(
            "Upcoming deadlines",
            self.schedule.upcoming("deadline", days=days),
            self.schedule.service.tz,
            discord=False,
            empty="No upcoming deadlines.",
        )

    def ics(self, opts: dict[str, str]) -> Reply:
        target = opts.get("file", "").strip()
        if not target:
            raise UserError("Say where to write it, e.g. /ics alliance.ics [item: 12]")
        item = _item_id(opts["item"]) if opts.get("item") else None
        data = self.schedule.ics(item)
        Path(target).expanduser().write_bytes(data)
        return notice(f"Wrote {len(data)} bytes of calendar to {target}.")

    def schedule_command(self, opts: dict[str, str]) -> Reply:
        schedule = self.schedule
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
            found, skipped = self.calendar.skip_occurrence(
                self.actor, _item_id(o.get("item")), o.get("date", "")
            )
            return skipped_reply(found, skipped, tz, discord=False)
        elif action == "move":
            o = parse_options(rest, ("item", "date", "to"))
            found, original, new = self.calendar.move_occurrence(
                self.actor, _item_id(o.get("item")), o.get("date", ""), o.get("to", "")
            )
            return moved_reply(found, original, new, tz, discord=False)
        elif action == "restore":
            o = parse_options(rest, ("item", "date"))
            found, original = self.calendar.restore_occurrence(
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

    def calendar_command(self, opts: dict[str, str]) -> Reply:
        action, _, rest = opts.get("action", "").partition(" ")
        action = action.lower()
        if action == "rsvps":
            o = parse_options(rest, ("item",))
            item_id = _item_id(o.get("item"))
            attendance = self.calendar.attendance(self.actor, item_id)
            return attendance_reply(attendance, tz=self.schedule.service.tz)
        if action == "rotate-feed":
            return feed_rotated_reply(self.calendar.rotate_feed(self.actor))
        raise UserError("Use /calendar rsvps item: N or /calendar rotate-feed.")

    def reminder_role(self, opts: dict[str, str]) -> Reply:
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
