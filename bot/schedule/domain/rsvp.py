"""RSVPs: each member's Going / Maybe / Can't for one occurrence of a meeting.

One answer per member per occurrence (`rsvp_answers`, primary key item + occurrence + member);
answering again replaces the answer. An occurrence is named by its start in UTC, so a weekly
meeting's answers are per week. Only a real, not-yet-ended occurrence of an active meeting takes
answers (`RsvpError` otherwise, with text for the member). Tables come from this module's own
migration track (`COMPONENT`), independent of the schedule's.

Blocking SQLite functions; callers on the event loop run them in a worker thread.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.schedule.domain import recurrence, store
from bot.schedule.domain.errors import ScheduleError
from bot.schedule.domain.models import Item, ts

COMPONENT = "rsvp"
MIGRATIONS: list[str] = [
    """
    CREATE TABLE rsvp_answers (
        item_id INTEGER NOT NULL REFERENCES schedule_items(id) ON DELETE CASCADE,
        occurrence_utc INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        answer TEXT NOT NULL CHECK (answer IN ('going', 'maybe', 'no')),
        updated_utc INTEGER NOT NULL,
        PRIMARY KEY (item_id, occurrence_utc, user_id)
    );
    """,
]

Answer = Literal["going", "maybe", "no"]
ANSWERS: tuple[Answer, ...] = ("going", "maybe", "no")
LABELS: dict[Answer, str] = {"going": "Going", "maybe": "Maybe", "no": "Can't"}
EMOJI: dict[Answer, str] = {"going": "✅", "maybe": "❔", "no": "❌"}


class RsvpError(ScheduleError):
    """An answer that cannot be taken; the text is for the member."""


@dataclass(frozen=True)
class Counts:
    """How many members gave each answer for one occurrence."""

    going: int = 0
    maybe: int = 0
    no: int = 0

    def of(self, answer: Answer) -> int:
        """The count for `answer`."""
        value: int = getattr(self, answer)
        return value

    @property
    def total(self) -> int:
        """Everyone who answered."""
        return self.going + self.maybe + self.no

    def summary(self) -> str:
        """ "✅ 3 going · ❔ 1 maybe · ❌ 0 can't" (empty when nobody answered)."""
        if not self.total:
            return ""
        return " · ".join(f"{EMOJI[a]} {self.of(a)} {LABELS[a].lower()}" for a in ANSWERS)


@dataclass(frozen=True)
class Result:
    """What one click did: the member's answer, whether it changed, and the new counts."""

    answer: Answer
    changed: bool
    counts: Counts


def check_occurrence(item: Item, occurrence: datetime, now: datetime) -> None:
    """Raise `RsvpError` unless `occurrence` is a start of this active meeting not yet over."""
    if item.kind != "meeting" or item.status != "active":
        raise RsvpError(f"“{item.title}” is no longer on the schedule, so it takes no answers.")
    if occurrence + item.duration <= now:
        raise RsvpError(f"That “{item.title}” meeting is over, so it takes no more answers.")
    window = recurrence.item_occurrences(item, occurrence - timedelta(seconds=1), occurrence)
    if next(window, None) != occurrence:
        raise RsvpError(
            f"“{item.title}” no longer meets at that time; use /meetings to see when it does."
        )


def answer(
    conn: sqlite3.Connection,
    item: Item,
    occurrence: datetime,
    user_id: int,
    choice: Answer,
    now: datetime,
) -> Result:
    """Record (or replace) a member's answer and return the counts after it."""
    if choice not in ANSWERS:
        raise RsvpError("Choose Going, Maybe or Can't.")
    check_occurrence(item, occurrence, now)
    with store.transaction(conn):
        row = conn.execute(
            "SELECT answer FROM rsvp_answers"
            " WHERE item_id = ? AND occurrence_utc = ? AND user_id = ?",
            (item.id, ts(occurrence), user_id),
        ).fetchone()
        changed = row is None or row[0] != choice
        if changed:
            conn.execute(
                "INSERT INTO rsvp_answers(item_id, occurrence_utc, user_id, answer, updated_utc)"
                " VALUES (?,?,?,?,?) ON CONFLICT(item_id, occurrence_utc, user_id) DO UPDATE"
                " SET answer = excluded.answer, updated_utc = excluded.updated_utc",
                (item.id, ts(occurrence), user_id, choice, ts(now)),
            )
    return Result(choice, changed, counts(conn, item.id, occurrence))


def counts(conn: sqlite3.Connection, item_id: int, occurrence: datetime) -> Counts:
    """The answers for one occurrence."""
    return counts_for(conn, [(item_id, occurrence)]).get((item_id, ts(occurrence)), Counts())


def counts_for(
    conn: sqlite3.Connection, occurrences: Iterable[tuple[int, datetime]]
) -> dict[tuple[int, int], Counts]:
    """Counts keyed by (item id, occurrence Unix seconds), for the occurrences that have any."""
    wanted = {(item_id, ts(start)) for item_id, start in occurrences}
    if not wanted:
        return {}
    found: dict[tuple[int, int], dict[str, int]] = {}
    for item_id in {i for i, _ in wanted}:
        rows = conn.execute(
            "SELECT occurrence_utc, answer, COUNT(*) FROM rsvp_answers WHERE item_id = ?"
            " GROUP BY occurrence_utc, answer",
            (item_id,),
        )
        for occ, choice, n in rows:
            key = (item_id, int(occ))
            if key in wanted:
                found.setdefault(key, {})[str(choice)] = int(n)
    return {key: Counts(**value) for key, value in found.items()}


def answers_of(
    conn: sqlite3.Connection, item_id: int, occurrence: datetime
) -> dict[Answer, list[int]]:
    """Who answered what for one occurrence (member ids, earliest answer first)."""
    out: dict[Answer, list[int]] = {a: [] for a in ANSWERS}
    rows = conn.execute(
        "SELECT user_id, answer FROM rsvp_answers WHERE item_id = ? AND occurrence_utc = ?"
        " ORDER BY updated_utc, user_id",
        (item_id, ts(occurrence)),
    )
    for user_id, choice in rows:
        out[choice].append(int(user_id))
    return out


def member_answer(
    conn: sqlite3.Connection, item_id: int, occurrence: datetime, user_id: int
) -> Answer | None:
    """One member's answer, if they gave one."""
    row = conn.execute(
        "SELECT answer FROM rsvp_answers WHERE item_id = ? AND occurrence_utc = ? AND user_id = ?",
        (item_id, ts(occurrence), user_id),
    ).fetchone()
    if row is None:
        return None
    choice: Answer = row[0]
    return choice


def move_answers(conn: sqlite3.Connection, item_id: int, old: datetime, new: datetime) -> int:
    """Carry an occurrence's answers to its new start (a moved date keeps its RSVPs)."""
    with store.transaction(conn):
        cur = conn.execute(
            "UPDATE OR REPLACE rsvp_answers SET occurrence_utc = ?"
            " WHERE item_id = ? AND occurrence_utc = ?",
            (ts(new), item_id, ts(old)),
        )
    return cur.rowcount
