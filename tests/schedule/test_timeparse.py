"""What members type for a time, read in the server zone; refusals teach the right form."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from functools import partial

import pytest

from bot.schedule.domain.errors import TimeParseError
from bot.schedule.domain.timeparse import END_OF_DAY, parse_duration, parse_when, read_when
from index.errors import UserError

from .conftest import DENVER, NOW, local

M = timedelta(minutes=1)

# Every expression in issue 12's Times section, plus the forms read before it. The reference time
# is Monday 2026-11-23 12:00 MST; `local()` is Denver wall time.
READ = [
    # compact durations: from now, seconds dropped
    ("10m", NOW + 10 * M),
    ("+30m", NOW + 30 * M),
    ("1h30m", NOW + 90 * M),
    ("1h 30m", NOW + 90 * M),
    ("2d", local(2026, 11, 25, 12, 0)),
    ("10w", local(2027, 2, 1, 12, 0)),
    ("12h", local(2026, 11, 24, 0, 0)),
    # durations and "from now"
    ("3 days", local(2026, 11, 26, 12, 0)),
    ("2 weeks", local(2026, 12, 7, 12, 0)),
    ("5 minutes from now", NOW + 5 * M),
    ("a week from now", local(2026, 11, 30, 12, 0)),
    ("2 hours 15 minutes", NOW + 135 * M),
    ("in half an hour", NOW + 30 * M),
    ("in five minutes", NOW + 5 * M),
    ("in about an hour", NOW + 60 * M),
    ("in 1.5 hours", NOW + 90 * M),
    ("in an hour and a half", NOW + 90 * M),
    ("in a month", local(2026, 12, 23, 12, 0)),
    ("in 1 year 2 months", local(2028, 1, 23, 12, 0)),
    ("in 2 hours", NOW + timedelta(hours=2)),
    ("in 90 minutes", NOW + timedelta(minutes=90)),
    ("in an hour", NOW + timedelta(hours=1)),
    ("in 3 days", NOW + timedelta(days=3)),
    # bare times: the next such time (today if still ahead, else tomorrow)
    ("8pm", local(2026, 11, 23, 20, 0)),
    ("3pm", local(2026, 11, 23, 15, 0)),
    ("17:30", local(2026, 11, 23, 17, 30)),
    ("11:00 PM", local(2026, 11, 23, 23, 0)),
    ("11 p.m.", local(2026, 11, 23, 23, 0)),
    ("at noon", local(2026, 11, 24, 12, 0)),  # it is noon now: the next noon is tomorrow
    ("midnight", local(2026, 11, 24, 0, 0)),
    ("22:33:44", local(2026, 11, 23, 22, 33, 44)),
    ("11am", local(2026, 11, 24, 11, 0)),  # already past today
    ("at 9", local(2026, 11, 24, 9, 0)),
    # parts of the day
    ("tonight at 7", local(2026, 11, 23, 19, 0)),
    ("tonight 8pm", local(2026, 11, 23, 20, 0)),
    ("11 tonight", local(2026, 11, 23, 23, 0)),
    ("this afternoon at 3", local(2026, 11, 23, 15, 0)),
    ("8 in the evening", local(2026, 11, 23, 20, 0)),
    ("tomorrow at 7:30 in the morning", local(2026, 11, 24, 7, 30)),
    ("tomorrow morning at 9", local(2026, 11, 24, 9, 0)),
    ("Friday evening at 6", local(2026, 11, 27, 18, 0)),
    # US numeric dates, month first
    ("12/25/2026 9:00am", local(2026, 12, 25, 9, 0)),
    ("3/15 10:30", local(2027, 3, 15, 10, 30)),
    ("08/21 at 19:30", local(2027, 8, 21, 19, 30)),
    ("12/5 9am", local(2026, 12, 5, 9, 0)),
    ("12/5/26 9am", local(2026, 12, 5, 9, 0)),
    # zone suffixes, converted to the server zone
    ("5pm MT", local(2026, 11, 23, 17, 0)),
    ("5pm MST", local(2026, 11, 23, 17, 0)),
    ("3pm ET", local(2026, 11, 23, 13, 0)),
    ("tomorrow 9am PST", local(2026, 11, 24, 10, 0)),
    ("noon UTC tomorrow", datetime(2026, 11, 24, 12, 0, tzinfo=UTC)),
    ("Dec 1 at 11 am utc+02:00", datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
    ("at 11 am utc+02:00", datetime(2026, 11, 24, 9, 0, tzinfo=UTC)),
    ("5 PM Eastern", local(2026, 11, 23, 15, 0)),
    ("9am Pacific time", local(2026, 11, 24, 10, 0)),
    ("July 4 at 5pm MDT", local(2027, 7, 4, 17, 0)),
    ("July 4 at 5pm MT", local(2027, 7, 4, 17, 0)),
    ("Dec 1 10:00 CST", local(2026, 12, 1, 9, 0)),
    ("Dec 1 10:00 gmt-5", local(2026, 12, 1, 8, 0)),
    # ordinals and others
    ("first Monday of next month at 9am", local(2026, 12, 7, 9, 0)),
    ("last Friday of December at 10am", local(2026, 12, 25, 10, 0)),
    ("the 15th at 10am", local(2026, 12, 15, 10, 0)),
    ("20261210T220000Z", datetime(2026, 12, 10, 22, 0, tzinfo=UTC)),
    ("20261210T150000", local(2026, 12, 10, 15, 0)),
    ("tomorrow 9.30am", local(2026, 11, 24, 9, 30)),
    ("the day after tomorrow at 10am", local(2026, 11, 25, 10, 0)),
    # the forms read before issue 12
    ("next Tuesday 3pm", local(2026, 11, 24, 15, 0)),
    ("Tuesday 3pm", local(2026, 11, 24, 15, 0)),
    ("next Monday at 9:30am", local(2026, 11, 30, 9, 30)),
    ("Dec 5 at 9", local(2026, 12, 5, 9, 0)),
    ("December 5th 9:15 pm", local(2026, 12, 5, 21, 15)),
    ("5 Dec 17:00", local(2026, 12, 5, 17, 0)),
    ("Jan 5 at 10am", local(2027, 1, 5, 10, 0)),  # said in November: next January
    ("Dec 5, 2027 at noon", local(2027, 12, 5, 12, 0)),
    ("tomorrow 17:00", local(2026, 11, 24, 17, 0)),
    ("TOMORROW at 5PM", local(2026, 11, 24, 17, 0)),
    ("3pm tomorrow", local(2026, 11, 24, 15, 0)),
    ("today 11pm", local(2026, 11, 23, 23, 0)),
    ("friday midnight", local(2026, 11, 27, 0, 0)),
    ("2026-12-01 17:00", local(2026, 12, 1, 17, 0)),
    ("2026-12-01T17:00", local(2026, 12, 1, 17, 0)),
    ("2026-12-01 5pm", local(2026, 12, 1, 17, 0)),
    ("2026-12-01T17:00Z", datetime(2026, 12, 1, 17, 0, tzinfo=UTC)),
    ("2026-12-01T17:00:00-05:00", datetime(2026, 12, 1, 22, 0, tzinfo=UTC)),
    ("2027-07-01 09:00", local(2027, 7, 1, 9, 0)),  # summer: MDT, -06:00
    ("Dec 5 at 08:00", local(2026, 12, 5, 8, 0)),
    ("Dec 5 at 05:00", local(2026, 12, 5, 5, 0)),  # zero-padded 24h hour is explicit
    ("at 3pm on Friday", local(2026, 11, 27, 15, 0)),
    ("noon tomorrow", local(2026, 11, 24, 12, 0)),
    ("Saturday, December 5 at 9am", local(2026, 12, 5, 9, 0)),
    ("on Tuesday at 10:30", local(2026, 11, 24, 10, 30)),
]

# Date-only deadlines: the end of that day (`date_only=END_OF_DAY`), and the caller is told.
READ_AS_END_OF_DAY = [
    ("Dec 18", local(2026, 12, 18, 23, 59)),
    ("Friday", local(2026, 11, 27, 23, 59)),
    ("end of month", local(2026, 11, 30, 23, 59)),
    ("by end of next month", local(2026, 12, 31, 23, 59)),
    ("12/18", local(2026, 12, 18, 23, 59)),
    ("until: June 2027", local(2027, 6, 30, 23, 59)),
    ("today", local(2026, 11, 23, 23, 59)),
]

REFUSED = [
    ("", "2026-12-01 17:00"),
    ("someday", "next Tuesday 15:00"),
    ("asdf", "not a date or time"),
    ("next week", "not a date or time"),
    ("tmrw 5", '"5pm"'),  # 5am or 5pm?
    ("at 3", '"3pm"'),
    ("Dec 5 at 3", '"3pm"'),
    ("Tuesday at 3", '"3pm"'),
    ("tomorrow 5:30", '"5pm"'),
    ("Tuesday", "add a time of day"),
    ("tomorrow morning", "add a time"),
    ("Nov 20 9am", "in the past"),
    ("2020-01-01 10:00", "in the past"),
    ("this morning at 9", "in the past"),
    ("today 9am", "in the past"),
    ("in 0 minutes", "no time at all"),
    ("Feb 30 10:00", "no such date"),
    ("2/29 9am", "no such date"),  # neither 2027 nor the rest of 2026 has one
    ("1 hour 1 hour", "not a date or time"),
    ("Dec 5 25:00", "0–23"),
    ("Dec 5 13pm", "1–12"),
    ("in 3 fortnights", "unknown unit"),
    ("in 1.5 months", "fraction of a month"),
    ("2027-03-14 02:30", "does not exist"),  # spring forward gap
    ("2027-11-07 01:30", "happens twice"),  # fall back repeat
    ("Nov 7 2027 1:30am", "happens twice"),
    ("2026-12-01T25:00", "could not read"),
    ("Friday, December 5 at 9am", "is a Saturday"),
    ("Friday, Dec 5", "is a Saturday"),
    ("tomorrow Friday 9am", "is a Tuesday"),
    ("12.53%", "not a date or time"),
    ("12.53", "not a date or time"),
    ("2300", "not a date or time"),
    ("Dec 5 2300", "year 2300"),
    ("Dec 5 at 2300", "not a date or time"),
    ("Dec 5 1030", "year 1030"),
    ("13/25 9am", "month/day"),
    ("25/12 9am", "month/day"),
    ("July 4 at 5pm MST", "MST is not in use"),  # Mountain time is MDT in July
    ("Dec 1 9am EDT", "EDT is not in use"),
    ("tonight 8am", "not in the night"),
    ("this afternoon at 9", "not a time in the afternoon"),
    ("tonight at midnight", "unclear"),
    ("tomorrow today 9am", "two different days"),
    ("3pm ET PT", "more than one time zone"),
    ("9am 10am tomorrow", "more than one time"),
    ("Dec 5 9am utc+15", "not a real UTC offset"),
    ("June 2027", "add a time of day"),
    ("June 2027 at 9am", "which day"),
    ("in 20 years", "ten years"),
    ("now", "in the future"),
]


@pytest.mark.parametrize(("text", "expected"), READ)
def test_reads(text, expected):
    parsed = read_when(text, tz=DENVER, now=NOW)
    assert parsed.when == expected.astimezone(UTC) and parsed.note == ""
    assert parse_when(text, tz=DENVER, now=NOW) == expected.astimezone(UTC)


@pytest.mark.parametrize(("text", "expected"), READ_AS_END_OF_DAY)
def test_date_only_deadlines_are_due_at_the_end_of_the_day(text, expected):
    parsed = read_when(text, tz=DENVER, now=NOW, date_only=END_OF_DAY)
    assert parsed.when == expected.astimezone(UTC)
    assert parsed.note == "end of day"


def test_the_table_covers_the_issue():
    assert len(READ) + len(READ_AS_END_OF_DAY) >= 90 and len(REFUSED) >= 45


def test_relative_times_drop_the_seconds():
    now = NOW + timedelta(seconds=42, microseconds=5)
    assert parse_when("in 2 hours", tz=DENVER, now=now) == NOW + timedelta(hours=2)
    assert parse_when("10m", tz=DENVER, now=now) == NOW + 10 * M


def test_days_keep_the_wall_clock_across_dst_and_hours_do_not():
    before_spring = local(2027, 3, 13, 12, 0).astimezone(UTC)
    assert parse_when("in 1 day", tz=DENVER, now=before_spring) == local(
        2027, 3, 14, 12, 0
    ).astimezone(UTC)
    assert parse_when("in 24 hours", tz=DENVER, now=before_spring) == local(
        2027, 3, 14, 13, 0
    ).astimezone(UTC)


def test_a_bare_time_that_falls_in_tomorrows_dst_gap_is_refused():
    evening = local(2027, 3, 13, 20, 0).astimezone(UTC)
    with pytest.raises(TimeParseError, match="does not exist"):
        parse_when("2:30am", tz=DENVER, now=evening)


def test_day_first_setting_reads_numeric_dates_day_first():
    read = partial(parse_when, tz=DENVER, now=NOW, day_first=True)
    assert read("25/12/2026 9am") == local(2026, 12, 25, 9, 0).astimezone(UTC)
    assert read("12/5 9am") == local(2027, 5, 12, 9, 0).astimezone(UTC)
    with pytest.raises(TimeParseError, match="day/month"):
        read("3/15 10:30")


def test_a_zone_whose_calendar_day_differs_makes_tomorrow_unclear():
    evening = local(2026, 11, 23, 18, 0).astimezone(UTC)  # already Nov 24 in UTC
    with pytest.raises(TimeParseError, match="day is unclear"):
        parse_when("noon UTC tomorrow", tz=DENVER, now=evening)
    # A bare time with a zone is simply the next such time there.
    assert parse_when("noon UTC", tz=DENVER, now=evening) == datetime(
        2026, 11, 24, 12, 0, tzinfo=UTC
    )


def test_summer_time_uses_daylight_offset():
    when = parse_when("2027-07-01 09:00", tz=DENVER, now=NOW)
    assert when.astimezone(DENVER).utcoffset() == timedelta(hours=-6)
    assert when.hour == 15


@pytest.mark.parametrize(("text", "hint"), REFUSED)
def test_refusals_explain_how_to_write_it(text, hint):
    with pytest.raises(TimeParseError) as info:
        parse_when(text, tz=DENVER, now=NOW)
    assert hint in str(info.value)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, UserError)


def test_repeated_hour_in_november_is_ambiguous_and_offers_both_offsets():
    with pytest.raises(TimeParseError) as info:
        parse_when("2027-11-07 01:30", tz=DENVER, now=NOW)
    message = str(info.value)
    assert "happens twice" in message
    assert "2027-11-07T01:30-06:00" in message and "2027-11-07T01:30-07:00" in message
    # ... and the offset form it suggests is accepted.
    assert parse_when("2027-11-07T01:30-07:00", tz=DENVER, now=NOW) == datetime(
        2027, 11, 7, 8, 30, tzinfo=UTC
    )


def test_date_only_allowed_when_caller_supplies_time():
    when = parse_when("2027-06-30", tz=DENVER, now=NOW, date_only=time(23, 59, 59))
    assert when == local(2027, 6, 30, 23, 59, 59).astimezone(UTC)
    with pytest.raises(TimeParseError, match="add a time"):
        parse_when("2027-06-30", tz=DENVER, now=NOW)


def test_past_allowed_on_request():
    assert parse_when("2020-01-01 10:00", tz=DENVER, now=NOW, allow_past=True).year == 2020


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", timedelta(days=7)),
        ("2h", timedelta(hours=2)),
        ("30 minutes", timedelta(minutes=30)),
        ("1w", timedelta(weeks=1)),
    ],
)
def test_durations(text, expected):
    assert parse_duration(text) == expected


def test_bad_duration():
    with pytest.raises(TimeParseError, match='"7d"'):
        parse_duration("soon")
