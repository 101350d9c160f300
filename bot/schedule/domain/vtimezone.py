"""A VTIMEZONE built from the zone's own transitions (zoneinfo), one sub-component per change.

Each STANDARD/DAYLIGHT block has DTSTART at the local wall time the change happens, read on the
clock in force before it (RFC 5545 §3.6.5: America/Denver springs forward at 02:00 with
TZOFFSETFROM -0700 / TZOFFSETTO -0600 and falls back at 02:00 with -0600 → -0700). Listing each
transition explicitly (rather than an RRULE) keeps it right for every year it covers, including
past rule changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard


def transitions(zone: ZoneInfo, first_year: int, last_year: int) -> Iterator[datetime]:
    """UTC instants in [first_year, last_year] at which the zone's UTC offset changes."""
    probe = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    step = timedelta(hours=12)
    while probe < end:
        nxt = probe + step
        if probe.astimezone(zone).utcoffset() != nxt.astimezone(zone).utcoffset():
            lo, hi = probe, nxt
            while hi - lo > timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                if mid.astimezone(zone).utcoffset() == lo.astimezone(zone).utcoffset():
                    lo = mid
                else:
                    hi = mid
            yield hi.replace(second=0, microsecond=0)
        probe = nxt


def vtimezone(zone: ZoneInfo, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE for `zone` covering the years given."""
    tz = Timezone()
    tz.add("tzid", zone.key)
    changes = list(transitions(zone, first_year, last_year))
    if not changes:  # a zone without DST: one STANDARD block
        instant = datetime(first_year, 1, 1, tzinfo=UTC)
        tz.add_component(_block(zone, instant - timedelta(minutes=1), instant))
    for instant in changes:
        tz.add_component(_block(zone, instant - timedelta(minutes=1), instant))
    return tz


def _block(zone: ZoneInfo, before: datetime, at: datetime) -> TimezoneStandard | TimezoneDaylight:
    old, new = before.astimezone(zone), at.astimezone(zone)
    block = TimezoneDaylight() if new.dst() else TimezoneStandard()
    old_offset = old.utcoffset() or timedelta(0)
    wall = (at + old_offset).replace(tzinfo=None)  # the change, on the clock before it
    block.add("dtstart", wall)
    block.add("tzoffsetfrom", old_offset)
    block.add("tzoffsetto", new.utcoffset() or timedelta(0))
    block.add("tzname", new.tzname() or zone.key)
    return block
