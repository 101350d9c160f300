"""Plain data of the schedule: items, their occurrences, and the reminders handed to a sender.

All instants are aware UTC datetimes; local wall time exists only at the edges (parsing, rendering,
recurrence expansion).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

Kind = Literal["meeting", "deadline"]
Status = Literal["active", "cancelled", "retired"]

DEFAULT_MEETING_LEADS: tuple[timedelta, ...] = (timedelta(days=1), timedelta(hours=1))
DEFAULT_DEADLINE_LEADS: tuple[timedelta, ...] = (
    timedelta(days=7),
    timedelta(days=1),
    timedelta(hours=2),
)


def utc_from_ts(ts: int) -> datetime:
    """An aware UTC datetime from Unix seconds."""
    return datetime.fromtimestamp(ts, UTC)


def ts(when: datetime) -> int:
    """Unix seconds of an aware datetime (sub-second parts are dropped)."""
    if when.tzinfo is None:
        raise ValueError("naive datetime given where an aware one is required")
    return int(when.timestamp())


@dataclass(frozen=True)
class Item:
    """A meeting or deadline as stored. `start` is the first occurrence (or the due time)."""

    id: int
    kind: Kind
    title: str
    start: datetime
    duration: timedelta = timedelta(0)
    location: str | None = None
    link: str | None = None
    description: str | None = None
    rrule: str | None = None
    tz: str = "America/Denver"
    channel_id: int | None = None
    leads: tuple[timedelta, ...] = ()
    status: Status = "active"
    standing_key: str | None = None
    approximate: bool = False
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    updated: datetime = field(default_factory=lambda: datetime.now(UTC))
    #: One-occurrence changes of a repeating meeting: (original start, new start or None when
    #: that occurrence is skipped). Applied by `recurrence.item_occurrences`.
    overrides: tuple[tuple[datetime, datetime | None], ...] = ()

    @property
    def recurring(self) -> bool:
        """Whether the item repeats."""
        return self.rrule is not None


@dataclass(frozen=True)
class Occurrence:
    """One concrete happening of an item: a meeting instance or a deadline's due time."""

    item: Item
    start: datetime

    @property
    def end(self) -> datetime:
        """When the meeting ends (equal to `start` for deadlines)."""
        return self.start + self.item.duration


@dataclass(frozen=True)
class Reminder:
    """What a sender receives: domain data only; rendering is `render.render_reminder`.

    `nonce` is stable for one delivery (item + occurrence + lead + target) across retries and
    restarts; senders may pass it to Discord (`nonce=`) so a resend after a crash is deduplicated.
    """

    item_id: int
    kind: Kind
    title: str
    event: datetime
    end: datetime
    lead: timedelta
    due: datetime
    late: bool
    location: str | None
    link: str | None
    description: str | None
    nonce: str
    delivery_id: int
