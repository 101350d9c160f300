"""Repeat rules expand on local wall time: 9:00 stays 9:00 across DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from dateutil.rrule import rrulestr

from bot.schedule.domain.errors import RecurrenceError
from bot.schedule.domain.recurrence import build_rule, describe, occurrences

from .conftest import DENVER, local


def expand(rule, start, after, before):
    return list(occurrences(rule, start.astimezone(UTC), DENVER, after, before))


def test_weekly_keeps_local_time_across_march_change():
    start = local(2027, 3, 2, 9, 0)
    rule = build_rule("weekly", start_local=start.replace(tzinfo=None))
    occ = expand(rule, start, start - timedelta(1), local(2027, 3, 24, 0, 0))
    assert [o.astimezone(DENVER).hour for o in occ] == [9, 9, 9, 9]
    # UTC shifts by an hour when daylight saving starts on 2027-03-14.
    assert [o.hour for o in occ] == [16, 16, 15, 15]


def test_weekly_keeps_local_time_across_november_change():
    start = local(2027, 10, 26, 9, 0)
    rule = build_rule("weekly", start_local=start.replace(tzinfo=None))
    occ = expand(rule, start, start - timedelta(1), local(2027, 11, 17, 0, 0))
    assert [o.astimezone(DENVER).strftime("%m-%d %H:%M") for o in occ] == [
        "10-26 09:00", "11-02 09:00", "11-09 09:00", "11-16 09:00"
    ]  # fmt: skip
    assert [o.hour for o in occ] == [15, 15, 16, 16]


def test_biweekly_and_every_n_weeks():
    start = local(2026, 12, 1, 10, 0)
    two = expand(
        build_rule("biweekly", start_local=start.replace(tzinfo=None)),
        start,
        start - timedelta(1),
        start + timedelta(days=43),
    )
    assert [o.astimezone(DENVER).day for o in two] == [1, 15, 29, 12]
    three = build_rule("every 3 weeks", start_local=start.replace(tzinfo=None))
    assert "INTERVAL=3" in three


def test_monthly_by_weekday_second_tuesday():
    start = local(2026, 12, 8, 15, 0)  # the second Tuesday of December
    rule = build_rule("monthly-weekday", start_local=start.replace(tzinfo=None))
    assert "BYDAY=+2TU" in rule
    occ = expand(rule, start, start - timedelta(1), local(2027, 4, 1, 0, 0))
    assert [o.astimezone(DENVER).date().isoformat() for o in occ] == [
        "2026-12-08", "2027-01-12", "2027-02-09", "2027-03-09"
    ]  # fmt: skip
    assert describe(rule, start, DENVER) == "every month on the second Tuesday"


def test_monthly_by_date_refuses_day_31():
    with pytest.raises(RecurrenceError, match="skip short months"):
        build_rule("monthly", start_local=datetime(2027, 1, 31, 9, 0))


def test_until_and_count_end_the_series():
    start = local(2026, 12, 1, 9, 0)
    naive = start.replace(tzinfo=None)
    until = build_rule("weekly", start_local=naive, until_local=datetime(2026, 12, 15, 23, 59, 59))
    assert len(expand(until, start, start - timedelta(1), start + timedelta(days=365))) == 3
    count = build_rule("weekly", start_local=naive, count=2)
    assert len(expand(count, start, start - timedelta(1), start + timedelta(days=365))) == 2


def test_raw_rrule_is_accepted_and_matches_dateutil():
    start = local(2026, 12, 3, 18, 0)
    raw = "RRULE:FREQ=MONTHLY;BYDAY=1TH;COUNT=4"
    rule = build_rule(raw, start_local=start.replace(tzinfo=None))
    ours = expand(rule, start, start - timedelta(1), start + timedelta(days=400))
    theirs = list(rrulestr(rule, dtstart=start.replace(tzinfo=None)))
    assert [o.astimezone(DENVER).replace(tzinfo=None) for o in ours] == theirs


@pytest.mark.parametrize(
    ("repeat", "message"),
    [
        ("fortnightly-ish", "unknown repeat"),
        ("FREQ=MINUTELY", "FREQ must be"),
        ("FREQ=WEEKLY;BYDAY=XX", "cannot read"),
        ("DTSTART:20260101T000000\nRRULE:FREQ=WEEKLY", "without DTSTART"),
        ("FREQ=WEEKLY;UNTIL=20200101T000000", "never happens"),
    ],
)
def test_bad_rules(repeat, message):
    with pytest.raises(RecurrenceError, match=message):
        build_rule(repeat, start_local=datetime(2026, 12, 1, 9, 0))


def test_occurrence_in_spring_gap_moves_an_hour_later():
    start = local(2027, 3, 7, 2, 30)  # exists on the 7th; the 14th has no 2:30
    rule = build_rule("weekly", start_local=start.replace(tzinfo=None), count=2)
    occ = expand(rule, start, start - timedelta(1), start + timedelta(days=30))
    assert occ[1].astimezone(DENVER).strftime("%H:%M") == "03:30"
