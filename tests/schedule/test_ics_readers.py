"""The export read by independent calendar code agrees with the schedule, across DST changes.

dateutil's RFC 5545 readers (`tzical` for the VTIMEZONE, `rrulestr` for the RRULE) and
recurring-ical-events expand the exported file over two years; every occurrence must equal the
schedule's own expansion (`ScheduleService.upcoming`), including the DST-change days.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import recurring_ical_events
from dateutil.rrule import rrulestr
from dateutil.tz import datetime_exists, tzical
from icalendar import Calendar

from bot.common.db import connect
from bot.schedule.domain.clock import ManualClock
from bot.schedule.domain.service import ScheduleService

from .conftest import DENVER, NOW, local

TWO_YEARS = 731


def _series(service):
    """Weekly 02:30 on Sundays (hits both DST days), weekly 09:00, monthly 01:30, ending."""
    early = service.add_meeting("Early call", "Nov 29 at 02:30", repeat="weekly")
    morning = service.add_meeting("Morning", "Dec 1 at 9:00", repeat="weekly", until="2027-11-25")
    monthly = service.add_meeting(
        "Monthly", "Dec 6 at 01:30", repeat="monthly-weekday", until="2028-11-30"
    )
    return [early, morning, monthly]


def _expected(service, item):
    return sorted(o.start for o in service.upcoming(days=TWO_YEARS) if o.item.id == item.id)


def test_dateutil_vtimezone_and_rrule_reproduce_every_occurrence(service):
    items = _series(service)
    data = service.export_ics()
    zones = tzical(io.StringIO(data.decode()))
    zone = zones.get("America/Denver")
    cal = Calendar.from_ical(data)
    end = NOW + timedelta(days=TWO_YEARS)
    by_summary = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    for item in items:
        event = by_summary[item.title]
        wall = event["DTSTART"].dt.replace(tzinfo=None)
        rule = rrulestr(
            event["RRULE"].to_ical().decode(), dtstart=wall.replace(tzinfo=zone)
        )  # rrulestr refuses a local UNTIL with an aware DTSTART: the export writes UTC
        got = []
        for occurrence in rule:
            instant = _rfc_instant(occurrence, zone)
            if instant > end:
                break
            got.append(instant)
        assert got == _expected(service, item), item.title


def _rfc_instant(local_time: datetime, zone) -> datetime:
    """RFC 5545 3.3.5: a wall time in a DST gap is read with the offset before the gap."""
    naive = local_time.replace(tzinfo=None)
    aware = naive.replace(tzinfo=zone)
    if not datetime_exists(aware):  # dateutil alone would use the offset after the gap
        before = (naive - timedelta(hours=3)).replace(tzinfo=zone).utcoffset()
        assert before is not None
        return (naive - before).replace(tzinfo=UTC)
    return aware.astimezone(UTC)


def test_vtimezone_changes_at_two_in_the_morning_with_the_right_offsets(service):
    _series(service)
    cal = Calendar.from_ical(service.export_ics())
    (vtz,) = cal.walk("VTIMEZONE")
    blocks = {(c.name, c["DTSTART"].dt.date().isoformat()): c for c in vtz.subcomponents}
    spring = blocks[("DAYLIGHT", "2027-03-14")]
    fall = blocks[("STANDARD", "2027-11-07")]
    assert spring["DTSTART"].dt.hour == 2 and fall["DTSTART"].dt.hour == 2
    assert spring["TZOFFSETFROM"].to_ical() == "-0700" and spring["TZOFFSETTO"].to_ical() == "-0600"
    assert fall["TZOFFSETFROM"].to_ical() == "-0600" and fall["TZOFFSETTO"].to_ical() == "-0700"


def test_recurring_ical_events_reproduces_every_occurrence(service):
    items = _series(service)
    cal = Calendar.from_ical(service.export_ics())
    end = NOW + timedelta(days=TWO_YEARS)
    found = recurring_ical_events.of(cal).between(NOW, end)
    for item in items:
        got = sorted(
            e["DTSTART"].dt.astimezone(UTC) for e in found if str(e["SUMMARY"]) == item.title
        )
        assert got == _expected(service, item), item.title


def test_uids_differ_between_installs(tmp_path):
    def export_from(folder):
        folder.mkdir()
        service = ScheduleService(connect(folder / "alliance.sqlite3"), DENVER, ManualClock(NOW))
        service.add_meeting("Call", "Dec 1 at 9:00")
        cal = Calendar.from_ical(service.export_ics())
        return {str(e["UID"]) for e in cal.walk("VEVENT")}

    one, two = export_from(tmp_path / "a"), export_from(tmp_path / "b")
    assert one and two and one.isdisjoint(two)
    assert export_from(tmp_path / "a2") != one


def test_last_occurrence_of_an_ending_series_is_kept(service):
    item = service.add_meeting("Ends", "Dec 1 at 9:00", repeat="weekly", until="2026-12-15")
    cal = Calendar.from_ical(service.export_ics())
    found = recurring_ical_events.of(cal).between(NOW, NOW + timedelta(days=60))
    got = [e["DTSTART"].dt for e in found]
    assert got[-1] == local(2026, 12, 15, 9, 0)
    assert len(got) == len(_expected(service, item)) == 3
