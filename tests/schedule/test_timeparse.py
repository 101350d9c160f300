"""What members type for a time, read in the server zone; refusals teach the right form."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.schedule.errors import TimeParseError
from bot.schedule.timeparse import parse_duration, parse_when
from index.errors import UserError

from .conftest import DENVER, NOW, local


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("next Tuesday 3pm", local(2026, 11, 24, 15, 0)),
        ("Tuesday 3pm", local(2026, 11, 24, 15, 0)),
        ("next Monday at 9:30am", local(2026, 11, 30, 9, 30)),
        ("in 2 hours", NOW + timedelta(hours=2)),
        ("in 90 minutes", NOW + timedelta(minutes=90)),
        ("in an hour", NOW + timedelta(hours=1)),
        ("in 3 days", NOW + timedelta(days=3)),
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
    ],
)
def test_accepted_forms(text, expected):
    assert parse_when(text, tz=DENVER, now=NOW) == expected.astimezone(UTC)


def test_summer_time_uses_daylight_offset():
    when = parse_when("2027-07-01 09:00", tz=DENVER, now=NOW)
    assert when.astimezone(DENVER).utcoffset() == timedelta(hours=-6)
    assert when.hour == 15


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("tmrw 5", "tomorrow 5pm"),
        ("", "2026-12-01 17:00"),
        ("someday", "next Tuesday 15:00"),
        ("Dec 5 at 3", '"3pm"'),  # 3am or 3pm?
        ("tomorrow 5:30", '"5pm"'),
        ("12/5 9am", "Dec 5"),  # Dec 5 or May 12?
        ("Tuesday", "add a time of day"),
        ("3pm", "needs a day"),
        ("Nov 20 9am", "in the past"),
        ("2020-01-01 10:00", "in the past"),
        ("Feb 30 10:00", "no such date"),
        ("Dec 5 25:00", "0–23"),
        ("Dec 5 13pm", "1–12"),
        ("in 3 fortnights", "unknown unit"),
        ("2027-03-14 02:30", "does not exist"),  # spring forward gap
        ("2026-12-01T25:00", "could not read"),
        ("Friday, December 5 at 9am", "is a Saturday"),
    ],
)
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
