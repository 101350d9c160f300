"""The generated VTIMEZONE says what zoneinfo says, read back by dateutil's RFC 5545 reader."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.tz import tzical
from icalendar import Calendar

from bot.schedule.domain.vtimezone import transitions, vtimezone


def test_denver_2027_changes_at_two_local_time():
    changes = list(transitions(ZoneInfo("America/Denver"), 2027, 2027))
    assert changes == [
        datetime(2027, 3, 14, 9, 0, tzinfo=UTC),  # 02:00 MST
        datetime(2027, 11, 7, 8, 0, tzinfo=UTC),  # 02:00 MDT
    ]


def test_a_zone_without_dst_has_one_standard_block():
    block = vtimezone(ZoneInfo("America/Phoenix"), 2026, 2030)
    assert [c.name for c in block.subcomponents] == ["STANDARD"]
    assert block.subcomponents[0]["TZOFFSETTO"].to_ical() == "-0700"


@pytest.mark.parametrize("key", ["America/Denver", "Europe/London", "Australia/Sydney"])
def test_dateutil_reads_the_same_offsets_hour_by_hour(key):
    zone = ZoneInfo(key)
    cal = Calendar()
    cal.add("prodid", "-//test//EN")
    cal.add("version", "2.0")
    cal.add_component(vtimezone(zone, 2026, 2029))
    read = tzical(io.StringIO(cal.to_ical().decode())).get(key)
    probe = datetime(2027, 1, 1, tzinfo=UTC)
    while probe < datetime(2029, 1, 1, tzinfo=UTC):
        assert probe.astimezone(read).utcoffset() == probe.astimezone(zone).utcoffset(), probe
        probe += timedelta(hours=1)
