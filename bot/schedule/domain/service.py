"""The schedule's front door: add/edit/cancel/list items, subscriptions, export, standing sync.

`ScheduleService` validates input (raising `ScheduleError`s whose text is for the user), writes
each change and its reminder rows in one transaction, and then calls `on_change` (the scheduler's
`notify`) so an in-process scheduler re-plans at once. The Discord cog, the console and the CLI
all use this class; none of them touch SQL or do date maths.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import logging
import re
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.common import db
from bot.schedule.domain import ics, recurrence, store
from bot.schedule.domain.clock import Clock, SystemClock
from bot.schedule.domain.errors import NotFoundError, ScheduleError
from bot.schedule.domain.models import (
    DEFAULT_DEADLINE_LEADS,
    DEFAULT_MEETING_LEADS,
    Item,
    Kind,
    Occurrence,
)
from bot.schedule.domain.standing import StandingReport, sync_standing_schedule
from bot.schedule.domain.timeparse import END_OF_DAY, lead_times, parse_when
from bot.settings import Settings

log = logging.getLogger(__name__)

MAX_TITLE = 200
MAX_TEXT = 1000
MAX_DURATION = timedelta(days=2)
#: The furthest ahead a meeting, deadline or repeat end may be: ten years. Anything later is a
#: typo (or a year like 9999 that overflows date arithmetic), refused in one line.
MAX_AHEAD = timedelta(days=3660)
#: Most occurrences a repeat rule may have, as `--count` allows.
MAX_COUNT = 1000
#: RRULE parts finer than a day: a member-facing schedule has at most one meeting a day per
#: item, and BYHOUR/BYMINUTE expand into hundreds of thousands of occurrences.
_SUB_DAILY_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND", "BYSETPOS")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
FEED_PAST_DAYS = 30
_UNSET: Any = object()

TimeInput = str | datetime
#: Which commands the service's messages name: slash commands (Discord, console) or the CLI's.
Surface = Literal["slash", "cli"]


def open_connection(settings: Settings, *, busy_timeout: float | None = None) -> sqlite3.Connection:
    """Open `settings.db_path` and bring the schedule schema up to date (`StorageError` naming
    the path when the database cannot be opened or written)."""
    conn = db.connect(settings.db_path, busy_timeout=busy_timeout)
    try:
        db.migrate(conn, store.COMPONENT, store.MIGRATIONS)
        db.migrate(conn, store.OVERRIDES_COMPONENT, store.OVERRIDES_MIGRATIONS)
    except sqlite3.Error as exc:
        conn.close()
        raise db.storage_error(exc, settings.db_path) from None
    return conn


def open_service(
    settings: Settings,
    clock: Clock | None = None,
    on_change: Callable[[], None] | None = None,
    *,
    busy_timeout: float | None = None,
    commands: Surface = "slash",
) -> ScheduleService:
    """A service over the shared database in `settings.data_dir` (migrated); `busy_timeout` is
    how long its writes wait for another process's lock."""
    return ScheduleService(
        open_connection(settings, busy_timeout=busy_timeout),
        settings.tz,
        clock or SystemClock(),
        on_change,
        day_first=settings.day_first,
        commands=commands,
    )


class ScheduleService:
    """Operations on meetings and deadlines; one instance per connection."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        tz: ZoneInfo,
        clock: Clock,
        on_change: Callable[[], None] | None = None,
        *,
        day_first: bool = False,
        commands: Surface = "slash",
    ) -> None:
        db.migrate(conn, store.COMPONENT, store.MIGRATIONS)
        db.migrate(conn, store.OVERRIDES_COMPONENT, store.OVERRIDES_MIGRATIONS)
        self.commands: Surface = commands
        self.conn = conn
        self.tz = tz
        self.clock = clock
        self.on_change = on_change
        self.day_first = day_first

    # ----------------------------------------------------------------- create
    def add_meeting(
        self,
        title: str,
        when: TimeInput,
        *,
        duration_minutes: int = 60,
        where: str | None = None,
        description: str | None = None,
        repeat: str | None = None,
        until: TimeInput | None = None,
        count: int | None = None,
        channel_id: int | None = None,
        leads: Sequence[str | timedelta] | None = None,
    ) -> Item:
        """Schedule a meeting; returns it with its new id."""
        now = self.clock.now()
        start = self._when(when, now, "--when")
        item = Item(
            id=0,
            kind="meeting",
            title=_text(title, "title", MAX_TITLE, required=True) or "",
            start=start,
            duration=_duration(duration_minutes),
            location=_text(where, "location", MAX_TEXT),
            description=_text(description, "description", MAX_TEXT),
            rrule=self._rule(repeat, start, until, count, now),
            tz=self.tz.key,
            channel_id=_channel(channel_id),
            leads=lead_times(leads, DEFAULT_MEETING_LEADS),
            created=now,
            updated=now,
        )
        return self._insert(item)

    def add_deadline(
        self,
        title: str,
        due: TimeInput,
        *,
        link: str | None = None,
        description: str | None = None,
        channel_id: int | None = None,
        leads: Sequence[str | timedelta] | None = None,
    ) -> Item:
        """Record a deadline; returns it with its new id."""
        now = self.clock.now()
        item = Item(
            id=0,
            kind="deadline",
            title=_text(title, "title", MAX_TITLE, required=True) or "",
            start=self._when(due, now, "--due", date_only=END_OF_DAY),
            link=_link(link),
            description=_text(description, "description", MAX_TEXT),
            tz=self.tz.key,
            channel_id=_channel(channel_id),
            leads=lead_times(leads, DEFAULT_DEADLINE_LEADS),
            created=now,
            updated=now,
        )
        return self._insert(item)

    def _insert(self, item: Item) -> Item:
        now = self.clock.now()
        with store.transaction(self.conn):
            item_id = store.insert_item(self.conn, item)
            item = dataclasses.replace(item, id=item_id)
            store.materialize(self.conn, item, after=now, now=now, fresh=True)
        log.info("scheduled %s %d %r at %s", item.kind, item.id, item.title, item.start)
        self._changed()
        return item

    # ------------------------------------------------------------ edit/cancel
    def edit(
        self,
        item_id: int,
        *,
        kind: Kind | None = None,
        title: str | None = None,
        when: TimeInput | None = None,
        duration_minutes: int | None = None,
        where: str | None = _UNSET,
        link: str | None = _UNSET,
        description: str | None = _UNSET,
        repeat: str | None = _UNSET,
        until: TimeInput | None = None,
        count: int | None = None,
        channel_id: int | None = _UNSET,
        leads: Sequence[str | timedelta] | None = None,
    ) -> Item:
        """Change fields of an active item; its pending reminders are re-planned atomically.

        Optional text fields take "" to clear them; `repeat=""` or "none" stops repeating.
        """
        # Read, merge and write under one write lock, so a concurrent edit of another field
        # (another process, another command) is never overwritten with the old value.
        with store.transaction(self.conn):
            item = self.get(item_id, kind=kind)
            self._guard_standing(item, "edit")
            now = self.clock.now()
            changes: dict[str, Any] = {"updated": now}
            if title is not None:
                changes["title"] = _text(title, "title", MAX_TITLE, required=True)
            if when is not None:
                deadline = item.kind == "deadline"
                changes["start"] = self._when(
                    when,
                    now,
                    "--due" if deadline else "--when",
                    date_only=END_OF_DAY if deadline else None,
                )
            if duration_minutes is not None:
                self._only_meeting(item, "a duration")
                changes["duration"] = _duration(duration_minutes)
            if where is not _UNSET:
                changes["location"] = _text(where, "location", MAX_TEXT)
            if link is not _UNSET:
                changes["link"] = _link(link)
            if description is not _UNSET:
                changes["description"] = _text(description, "description", MAX_TEXT)
            if channel_id is not _UNSET:
                changes["channel_id"] = _channel(channel_id)
            if leads is not None:
                defaults = (
                    DEFAULT_MEETING_LEADS if item.kind == "meeting" else DEFAULT_DEADLINE_LEADS
                )
                changes["leads"] = lead_times(leads, defaults)
            start = changes.get("start", item.start)
            if repeat is not _UNSET:
                self._only_meeting(item, "a repeat rule")
                base = None if repeat is None or repeat.strip().lower() in ("", "none") else repeat
                changes["rrule"] = self._rule(base, start, until, count, now)
            elif until is not None or count is not None:
                if item.rrule is None:
                    raise ScheduleError("--until/--count need a repeating meeting; add --repeat")
                changes["rrule"] = self._rule(_strip_end(item.rrule), start, until, count, now)
            elif "start" in changes and item.rrule is not None:
                changes["rrule"] = recurrence.validate_rule(
                    item.rrule, start_local=start.astimezone(self.tz).replace(tzinfo=None)
                )
            updated = dataclasses.replace(item, **changes)
            timing = (updated.start, updated.rrule, updated.leads) != (
                item.start,
                item.rrule,
                item.leads,
            )
            store.update_item(self.conn, updated)
            if timing:
                store.clear_pending(self.conn, item.id)
                store.materialize(self.conn, updated, after=now, now=now, fresh=True)
        log.info("edited %s %d (%s)", item.kind, item.id, ", ".join(sorted(changes)))
        self._changed()
        return updated

    def cancel(self, item_id: int, *, kind: Kind | None = None) -> Item:
        """Cancel an item; its pending reminders and undelivered messages are removed."""
        with store.transaction(self.conn):
            item = self.get(item_id, kind=kind)
            self._guard_standing(item, "cancel")
            cancelled = dataclasses.replace(item, status="cancelled", updated=self.clock.now())
            store.update_item(self.conn, cancelled)
            store.clear_pending(self.conn, item.id)
        log.info("cancelled %s %d %r", item.kind, item.id, item.title)
        self._changed()
        return cancelled

    # ------------------------------------------------------- one occurrence
    def skip_occurrence(self, item_id: int, on: TimeInput) -> tuple[Item, datetime]:
        """Leave out one occurrence of a repeating meeting (a holiday); the series is untouched.

        `on` names the occurrence by its date ("Dec 24") or date and time. Its reminders are
        removed; the calendar export lists it as an EXDATE. Returns the item and the start
        that was skipped.
        """
        item = self._repeating(item_id)
        original = self._original(item, on)
        kept = tuple(pair for pair in item.overrides if pair[0] != original)
        return self._override(item, (*kept, (original, None))), original

    def move_occurrence(
        self, item_id: int, on: TimeInput, to: TimeInput
    ) -> tuple[Item, datetime, datetime]:
        """Move one occurrence of a repeating meeting to another time; the series is untouched.

        Reminders follow the new time; the export carries an override (RECURRENCE-ID). Returns
        the item, the original start and the new one.
        """
        item = self._repeating(item_id)
        original = self._original(item, on)
        now = self.clock.now()
        new = self._when(to, now, "--to")
        others = [
            o for o in self._occurrences_near(item, new) if o != self._current(item, original)
        ]
        if new in others:
            raise ScheduleError(
                f"#{item.id} {item.title} already meets at that time; pick another time or "
                "skip this date instead"
            )
        kept = tuple(pair for pair in item.overrides if pair[0] != original)
        return self._override(item, (*kept, (original, new))), original, new

    def restore_occurrence(self, item_id: int, on: TimeInput) -> tuple[Item, datetime]:
        """Undo a skip or move: the occurrence is back at the series' own time."""
        item = self._repeating(item_id)
        original = self._original(item, on, changed_only=True)
        kept = tuple(pair for pair in item.overrides if pair[0] != original)
        return self._override(item, kept), original

    def _repeating(self, item_id: int) -> Item:
        item = self.get(item_id, kind="meeting")
        self._guard_standing(item, "change")
        if not item.recurring:
            raise ScheduleError(
                f"#{item.id} {item.title} happens once; change its time with /schedule edit "
                "or remove it with /schedule cancel"
                if self.commands == "slash"
                else f"meeting {item.id} happens once; use `alliance-bot meetings edit` or `cancel`"
            )
        return item

    def _original(self, item: Item, on: TimeInput, *, changed_only: bool = False) -> datetime:
        """The series' own start of the occurrence `on` names (by local date, or exact time)."""
        now = self.clock.now()
        wanted = self._when(on, now, "--on", date_only=time(23, 59, 59))
        day = wanted.astimezone(self.tz).date()
        tz = ZoneInfo(item.tz)
        start_of_day = datetime.combine(day, time(0), tzinfo=self.tz)
        candidates = [
            o
            for o in recurrence.occurrences(
                item.rrule, item.start, tz, start_of_day, start_of_day + timedelta(days=1)
            )
            if o.astimezone(self.tz).date() == day and o > now
        ]
        moved = {o: n for o, n in item.overrides}
        candidates += [
            o
            for o, n in moved.items()
            if n is not None and n.astimezone(self.tz).date() == day and o not in candidates
        ]
        if changed_only:
            candidates = [o for o in candidates if o in moved]
        exact = [o for o in candidates if wanted in (o, moved.get(o))]
        if exact:
            return exact[0]
        if len(candidates) == 1:
            return candidates[0]
        nice = wanted.astimezone(self.tz)
        when = f"{nice:%a %b} {nice.day}"
        if candidates:
            raise ScheduleError(
                f"#{item.id} {item.title} meets more than once on {when}; give the time too"
            )
        if changed_only:
            raise ScheduleError(f"#{item.id} {item.title} has no skipped or moved date on {when}")
        ahead = itertools.islice(recurrence.item_occurrences(item, now, now + timedelta(400)), 3)
        dates = ", ".join(
            f"{o.astimezone(self.tz):%a %b} {o.astimezone(self.tz).day}" for o in ahead
        )
        raise ScheduleError(
            f"#{item.id} {item.title} does not meet on {when}; its next dates are {dates}"
        )

    def _current(self, item: Item, original: datetime) -> datetime | None:
        """Where the occurrence that started at `original` is now (None when skipped)."""
        for o, n in item.overrides:
            if o == original:
                return n
        return original

    def _occurrences_near(self, item: Item, when: datetime) -> list[datetime]:
        day = timedelta(days=1)
        return list(recurrence.item_occurrences(item, when - day, when + day))

    def _override(
        self, item: Item, overrides: tuple[tuple[datetime, datetime | None], ...]
    ) -> Item:
        now = self.clock.now()
        updated = dataclasses.replace(item, overrides=overrides, updated=now)
        with store.transaction(self.conn):
            store.update_item(self.conn, updated)
            store.set_overrides(self.conn, item.id, overrides)
            store.clear_pending(self.conn, item.id)
            store.materialize(self.conn, updated, after=now, now=now, fresh=True)
        log.info("item %d: %d occurrence override(s)", item.id, len(overrides))
        self._changed()
        return updated

    # ------------------------------------------------------------------ reads
    def get(self, item_id: int, *, kind: Kind | None = None) -> Item:
        """The active item with this id (of this kind), or `NotFoundError`."""
        item = store.get_item(self.conn, item_id)
        noun = kind or "meeting or deadline"
        if item is None or (kind is not None and item.kind != kind):
            raise NotFoundError(
                f"no {noun} with id {item_id}; list them with {_list_cmd(kind, self.commands)}"
            )
        if item.status != "active":
            raise NotFoundError(f"{item.kind} {item_id} ({item.title!r}) is {item.status}")
        return item

    def items(self, kind: Kind | None = None) -> list[Item]:
        """Active items (including past ones), oldest first."""
        return store.list_items(self.conn, kind=kind)

    def upcoming(
        self, kind: Kind | None = None, *, days: float | None = 30, limit: int | None = None
    ) -> list[Occurrence]:
        """Occurrences starting after now (within `days`, if given), in time order."""
        now = self.clock.now()
        before = now + timedelta(days=days if days is not None else 3650)
        found: list[Occurrence] = []
        for item in store.list_items(self.conn, kind=kind):
            for n, occ in enumerate(recurrence.item_occurrences(item, now, before), 1):
                found.append(Occurrence(item, occ))
                if limit is not None and n >= limit:
                    break  # later occurrences of this item cannot make the first `limit`
        found.sort(key=lambda o: (o.start, o.item.id))
        return found[:limit] if limit is not None else found

    def next_meeting(self) -> Occurrence | None:
        """The next meeting occurrence, if any is scheduled within a year."""
        nxt = self.upcoming("meeting", days=366, limit=1)
        return nxt[0] if nxt else None

    def next_occurrence(self, item: Item) -> Occurrence | None:
        """The item's next occurrence after now, if any."""
        now = self.clock.now()
        for occ in recurrence.item_occurrences(item, now, now + timedelta(3650)):
            return Occurrence(item, occ)
        return None

    def last_occurrence(self, item: Item) -> Occurrence | None:
        """The item's most recent occurrence at or before now (for "that has passed" replies)."""
        now = self.clock.now()
        last = None
        for occ in recurrence.item_occurrences(item, item.start, now, inclusive_after=True):
            last = occ
        return Occurrence(item, last) if last is not None else None

    def same_meetings(self, item: Item) -> list[Item]:
        """Other active meetings with the same title (ignoring case and spacing) and start: the
        likely result of adding one meeting twice. Adding is not refused (two groups may meet
        under one name); callers warn."""
        key = " ".join(item.title.split()).casefold()
        return [
            other
            for other in self.items("meeting")
            if other.id != item.id
            and other.start == item.start
            and " ".join(other.title.split()).casefold() == key
        ]

    def pending_reminders(self) -> int:
        """How many reminders/deliveries are waiting (for /status)."""
        return store.pending_count(self.conn)

    # ----------------------------------------------------------- subscriptions
    def subscribe(self, user_id: int, item_id: int | None = None) -> None:
        """Opt a member in to DM reminders for one item, or for all items (`item_id=None`)."""
        self._subscription(user_id, item_id, True)

    def unsubscribe(self, user_id: int, item_id: int | None = None) -> None:
        """Opt a member out of DM reminders for one item, or for all items."""
        self._subscription(user_id, item_id, False)

    def subscriptions(self, user_id: int) -> dict[int | None, bool]:
        """A member's explicit choices: item id (None = all items) -> opted in."""
        raw = store.subscriptions_of(self.conn, user_id)
        return {(None if k == store.ALL_ITEMS else k): v for k, v in raw.items()}

    def is_subscribed(self, user_id: int, item_id: int) -> bool:
        """Whether the member will be DMed about this item."""
        return user_id in store.subscribers(self.conn, item_id)

    def _subscription(self, user_id: int, item_id: int | None, opted_in: bool) -> None:
        if not isinstance(user_id, int) or user_id <= 0:
            raise ScheduleError("a member is identified by a positive integer user id")
        with store.transaction(self.conn):
            if item_id is not None:
                self.get(item_id)
            store.set_subscription(
                self.conn, user_id, item_id or store.ALL_ITEMS, opted_in, self.clock.now()
            )
        self._changed()

    # ------------------------------------------------------------------ export
    def export_ics(self, item_id: int | None = None, *, days: float = 366) -> bytes:
        """An iCalendar file of one item, or of every upcoming meeting and deadline."""
        if item_id is not None:
            items = [self.get(item_id)]
        else:
            ids = {o.item.id for o in self.upcoming(days=days)}
            items = [i for i in self.items() if i.id in ids]
            if not items:
                raise ScheduleError(
                    "Nothing is scheduled in the coming year, so there is no calendar to add yet."
                )
        return ics.export(items, self.tz, now=self.clock.now(), install_id=self.install_id())

    def export_feed(self, *, past_days: float = FEED_PAST_DAYS, days: float = 366) -> bytes:
        """The live feed's calendar: every item with an occurrence from `past_days` ago to
        `days` ahead. Unlike `export_ics` an empty schedule is a valid (empty) calendar, so a
        subscriber's app drops what was cancelled. Recent past meetings stay so a calendar does
        not lose last week's meeting the moment it ends.
        """
        now = self.clock.now()
        after = now - timedelta(days=past_days)
        before = now + timedelta(days=days)
        items = [
            item
            for item in self.items()
            if next(recurrence.item_occurrences(item, after, before), None) is not None
        ]
        return ics.export(items, self.tz, now=now, install_id=self.install_id())

    def last_change(self) -> datetime | None:
        """When any item was last added, edited, cancelled or retired (None: no items yet)."""
        return store.last_change(self.conn)

    def install_id(self) -> str:
        """A short token unique to this install: a hash of its database file's path."""
        row = self.conn.execute("PRAGMA database_list").fetchone()
        path = str(row[2]) if row is not None and row[2] else f"memory-{id(self.conn)}"
        return hashlib.sha256(path.encode("utf-8")).hexdigest()[:12]

    def sync_standing(self, path: Path) -> StandingReport:
        """Load `schedule.toml` (see `standing.sync_standing_schedule`); reminders are woken."""
        report = sync_standing_schedule(self, path, self.clock.now())
        self._changed()
        return report

    # ---------------------------------------------------------------- helpers
    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def _when(
        self, value: TimeInput, now: datetime, flag: str, *, date_only: time | None = None
    ) -> datetime:
        """Read a time; a deadline given as a date alone (`date_only`) is due at its end."""
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise ScheduleError(f"{flag}: a datetime without a time zone is ambiguous")
            if value <= now:
                raise ScheduleError(f"{flag}: that time is in the past")
            return self._bounded(value.replace(microsecond=0), now, flag, str(value))
        text = clean(value)
        try:
            when = parse_when(
                text, tz=self.tz, now=now, date_only=date_only, day_first=self.day_first
            )
        except (OverflowError, ValueError):
            raise ScheduleError(_out_of_range(flag, text)) from None
        return self._bounded(when, now, flag, text)

    @staticmethod
    def _bounded(when: datetime, now: datetime, flag: str, text: str) -> datetime:
        """`when`, or a one-line refusal when it is more than `MAX_AHEAD` away."""
        try:
            too_far = when - now > MAX_AHEAD
        except OverflowError:
            too_far = True
        if too_far:
            raise ScheduleError(_out_of_range(flag, text))
        return when

    def _rule(
        self,
        repeat: str | None,
        start: datetime,
        until: TimeInput | None,
        count: int | None,
        now: datetime,
    ) -> str | None:
        if repeat is None or not repeat.strip():
            if until is not None or count is not None:
                raise ScheduleError("--until/--count need --repeat (e.g. --repeat weekly)")
            return None
        until_local = None
        if until is not None:
            until_utc = (
                self._bounded(until, now, "--until", str(until))
                if isinstance(until, datetime)
                else self._when(until, now, "--until", date_only=time(23, 59, 59))
            )
            if until_utc < start:
                raise ScheduleError("--until is before the first meeting")
            until_local = until_utc.astimezone(self.tz).replace(tzinfo=None)
        if count is not None and not 1 <= count <= MAX_COUNT:
            raise ScheduleError(f"--count must be between 1 and {MAX_COUNT}")
        repeat = clean(repeat)
        _check_rrule_parts(repeat)
        start_local = start.astimezone(self.tz).replace(tzinfo=None)
        return recurrence.build_rule(
            repeat, start_local=start_local, until_local=until_local, count=count
        )

    @staticmethod
    def _only_meeting(item: Item, what: str) -> None:
        if item.kind != "meeting":
            raise ScheduleError(f"{what} applies to meetings only; {item.id} is a deadline")

    def _guard_standing(self, item: Item, verb: str) -> None:
        if item.standing_key is not None:
            reindex = "`alliance-bot reindex`" if self.commands == "cli" else "/reindex"
            raise ScheduleError(
                f"{item.kind} {item.id} comes from corpus/schedule.toml (key "
                f"{item.standing_key!r}); {verb} it there and run {reindex}"
            )


def _list_cmd(kind: Kind | None, commands: Surface) -> str:
    """Where a person lists items: the CLI command, or the slash command everyone else has."""
    if commands == "cli":
        return (
            "`alliance-bot deadlines list`"
            if kind == "deadline"
            else "`alliance-bot meetings list`"
        )
    if kind == "deadline":
        return "/deadlines"
    return "/meetings" if kind == "meeting" else "/meetings or /deadlines"


def clean(text: str) -> str:
    """`text` with control characters (newlines, tabs, escapes) turned into single spaces, so
    nothing a member typed is echoed over several lines or with terminal escapes."""
    return " ".join(_CONTROL.sub(" ", text).split())


def _out_of_range(flag: str, text: str) -> str:
    shown = text if len(text) <= 60 else text[:59] + "…"
    return (
        f'{flag}: "{shown}" is out of range; give a time within the next ten years, '
        'e.g. "Dec 5 2027 at 9am"'
    )


def _check_rrule_parts(repeat: str) -> None:
    """Refuse RRULE parts finer than daily and a COUNT above `MAX_COUNT` (like `--count`)."""
    body = repeat.split(":", 1)[1] if repeat.lower().startswith("rrule:") else repeat
    if not body.upper().startswith("FREQ="):
        return
    for part in body.split(";"):
        key, _, value = part.partition("=")
        key = key.strip().upper()
        if key in _SUB_DAILY_PARTS:
            raise ScheduleError(
                f"{key} repeats more often than once a day; a meeting repeats at most daily "
                '(e.g. "FREQ=WEEKLY;BYDAY=TU,TH")'
            )
        if key == "COUNT":
            digits = value.strip()
            if not digits.isdigit() or not 1 <= int(digits) <= MAX_COUNT:
                raise ScheduleError(f"COUNT must be between 1 and {MAX_COUNT}, like --count")


def _text(value: str | None, what: str, limit: int, *, required: bool = False) -> str | None:
    if value is None or not clean(value):
        if required:
            raise ScheduleError(f"the {what} cannot be empty")
        return None
    value = clean(value) if what in ("title", "location") else value.strip()
    if len(value) > limit:
        raise ScheduleError(f"the {what} is too long ({len(value)} characters; at most {limit})")
    return value


def _link(value: str | None) -> str | None:
    value = _text(value, "link", MAX_TEXT)
    if value is not None and not value.lower().startswith(("https://", "http://")):
        raise ScheduleError(f'the link must start with https:// (got "{value[:60]}")')
    return value


def _channel(value: int | None) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or value <= 0:
        raise ScheduleError("--channel must be a Discord channel id (a positive number)")
    return value


def _duration(minutes: int) -> timedelta:
    if not isinstance(minutes, int) or minutes <= 0:
        raise ScheduleError("--duration is in minutes and must be positive (e.g. 60)")
    duration = timedelta(minutes=minutes)
    if duration > MAX_DURATION:
        raise ScheduleError("--duration is at most 2 days (2880 minutes)")
    return duration


def _strip_end(rule: str | None) -> str | None:
    if rule is None:
        return None
    return ";".join(p for p in rule.split(";") if not p.upper().startswith(("UNTIL=", "COUNT=")))
