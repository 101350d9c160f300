"""The .ics export imports into calendar apps: parsed back with the icalendar library."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from bot.schedule.domain.errors import ScheduleError

from .conftest import DENVER, local


def events(data: bytes):
    cal = Calendar.from_ical(data)
    return cal, [c for c in cal.walk("VEVENT")]


def test_export_all_parses_back(service):
    weekly = service.add_meeting(
        "Coalition meeting",
        "Dec 1 at 9:00",
        where="Zoom",
        repeat="weekly",
        until="2027-03-31",
        description="Agenda TBD",
    )
    deadline = service.add_deadline(
        "Application deadline", "Dec 5 at 17:00", link="https://example.org/apply"
    )
    once = service.add_meeting("Site visit", "Dec 10 at 8:00", duration_minutes=480)
    cancelled = service.add_meeting("Cancelled", "Dec 11 at 8:00")
    service.cancel(cancelled.id)
    cal, evs = events(service.export_ics())
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    by_uid = {str(e["UID"]).replace(f"-{service.install_id()}@", "@"): e for e in evs}
    assert set(by_uid) == {
        f"meeting-{weekly.id}@alliance-bot", f"deadline-{deadline.id}@alliance-bot",
        f"meeting-{once.id}@alliance-bot",
    }  # fmt: skip
    w = by_uid[f"meeting-{weekly.id}@alliance-bot"]
    assert w["DTSTART"].dt == local(2026, 12, 1, 9, 0)
    assert str(w["DTSTART"].params["TZID"]) == "America/Denver"
    assert w["DTEND"].dt - w["DTSTART"].dt == timedelta(hours=1)
    assert str(w["LOCATION"]) == "Zoom"
    # The RRULE expands to the same local 9:00 on both sides of the March DST change.
    rule = w["RRULE"].to_ical().decode()
    assert "UNTIL=20270401T055959Z" in rule  # Mar 31 23:59:59 MDT, in UTC (RFC 5545 3.3.10)
    dates = list(rrulestr(rule, dtstart=w["DTSTART"].dt))
    assert dates[-1].date().isoformat() == "2027-03-30"
    assert {d.astimezone(DENVER).hour for d in dates} == {9}
    assert cal.walk("VTIMEZONE"), "a TZID needs its VTIMEZONE for calendar apps"
    d = by_uid[f"deadline-{deadline.id}@alliance-bot"]
    assert d["DTSTART"].dt == local(2026, 12, 5, 17, 0).astimezone(UTC)
    assert str(d["SUMMARY"]) == "Deadline: Application deadline"
    assert str(d["URL"]) == "https://example.org/apply"
    triggers = sorted(a["TRIGGER"].dt for a in d.walk("VALARM"))
    assert triggers == [-timedelta(days=7), -timedelta(days=1), -timedelta(hours=2)]
    o = by_uid[f"meeting-{once.id}@alliance-bot"]
    assert o["DTEND"].dt - o["DTSTART"].dt == timedelta(hours=8)


def test_export_one_item_and_skips_past_items(env):
    service = env.service
    a = service.add_meeting("A", "Dec 1 at 9:00")
    service.add_meeting("B", "Dec 2 at 9:00")
    _, evs = events(service.export_ics(a.id))
    assert [str(e["SUMMARY"]) for e in evs] == ["A"]
    env.clock.advance(timedelta(days=9, hours=12))  # both are now past
    with pytest.raises(ScheduleError, match="no calendar to add"):
        service.export_ics()  # a sentence, not an empty calendar file


def test_text_is_escaped_and_round_trips(service):
    title = 'Budget; review, part 2: "final"'
    service.add_meeting(title, "Dec 1 at 9:00", description="Line one\nLine two, with comma")
    _, evs = events(service.export_ics())
    assert str(evs[0]["SUMMARY"]) == title
    assert str(evs[0]["DESCRIPTION"]) == "Line one\nLine two, with comma"
    assert evs[0]["DTSTART"].dt.tzinfo is not None
    assert DENVER is not None
