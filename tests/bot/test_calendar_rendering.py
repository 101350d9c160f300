"""List rendering for the calendar: a repeating meeting is one line with its next dates, RSVP
counts go under the date they belong to, and the organisers' list never pings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.schedule.calendar import Attendance
from bot.schedule.domain.models import Item, Occurrence, ts
from bot.schedule.domain.rsvp import Counts
from bot.schedule.replies import attendance_reply, group_series, occurrences_reply, short_time

DENVER = ZoneInfo("America/Denver")
T0 = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
WEEKLY = Item(
    id=1,
    kind="meeting",
    title="Check-in",
    start=T0,
    duration=timedelta(hours=1),
    rrule="FREQ=WEEKLY",
)
ONCE = Item(
    id=2,
    kind="meeting",
    title="Site visit",
    start=T0 + timedelta(days=2),
    duration=timedelta(hours=1),
)


def weekly(n: int) -> list[Occurrence]:
    return [Occurrence(WEEKLY, T0 + timedelta(weeks=i)) for i in range(n)]


@pytest.mark.parametrize(
    ("occurrences", "expected"),
    [
        ([], []),
        (weekly(1), [(1, 0)]),
        (weekly(3), [(1, 2)]),
        (weekly(6), [(1, 3)]),  # at most three later dates
        (weekly(3) + [Occurrence(ONCE, ONCE.start)], [(1, 2), (2, 0)]),
    ],
)
def test_group_series(occurrences, expected):
    grouped = group_series(sorted(occurrences, key=lambda o: o.start))
    assert [(first.item.id, len(later)) for first, later in grouped] == expected


def test_a_series_is_one_line_with_its_next_dates_and_counts():
    occ = weekly(4)
    counts = {(1, ts(T0)): Counts(going=3, maybe=1), (1, ts(occ[1].start)): Counts(no=2)}
    reply = occurrences_reply("Meetings", occ, DENVER, discord=True, empty="none", counts=counts)
    text = reply.cards[0].description
    assert text.count("#1 Check-in") == 1
    assert "✅ 3 going · ❔ 1 maybe · ❌ 0 can't" in text
    assert "❌ 2" not in text  # counts of later dates are not shown as the first's
    assert "then " + ", ".join(f"<t:{ts(o.start)}:f>" for o in occ[1:]) in text


def test_ungrouped_lists_keep_every_date():
    reply = occurrences_reply("M", weekly(3), DENVER, discord=False, empty="none", group=False)
    assert reply.cards[0].description.count("#1 Check-in") == 3


@pytest.mark.parametrize(
    ("when", "discord", "shown"),
    [
        (T0, True, f"<t:{ts(T0)}:f>"),
        (T0, False, "Tue Nov 24, 9:00 AM"),
        (datetime(2026, 12, 1, 23, 30, tzinfo=UTC), False, "Tue Dec 1, 4:30 PM"),
    ],
)
def test_short_time(when, discord, shown):
    assert short_time(when, DENVER, discord=discord) == shown


def test_attendance_lists_members_by_answer_and_escapes_the_title():
    item = Item(id=3, kind="meeting", title="**Big** @everyone", start=T0)
    reply = attendance_reply(
        Attendance(Occurrence(item, T0), {"going": [11, 12], "maybe": [], "no": [13]})
    )
    assert "✅ Going: <@11>, <@12>" in reply.content
    assert "❌ Can't: <@13>" in reply.content and "Maybe:" not in reply.content
    assert "\\*\\*Big\\*\\*" in reply.content and "@everyone" not in reply.content.replace(
        "@\u200beveryone", ""
    )


def test_a_moved_date_says_where_it_moved_from():
    moved = T0 + timedelta(days=8, hours=1)
    item = Item(
        id=1,
        kind="meeting",
        title="Check-in",
        start=T0,
        duration=timedelta(hours=1),
        rrule="FREQ=WEEKLY",
        overrides=((T0 + timedelta(weeks=1), moved),),
    )
    reply = occurrences_reply("M", [Occurrence(item, moved)], DENVER, discord=False, empty="none")
    assert "moved from Tue Dec 1, 9:00 AM" in reply.cards[0].description
