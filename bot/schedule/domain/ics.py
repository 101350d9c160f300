"""iCalendar export of meetings and deadlines with the `icalendar` library.

One-off items become a VEVENT in UTC; a repeating meeting becomes one VEVENT with DTSTART in the
server zone (TZID plus a generated VTIMEZONE) and its RRULE, so calendar apps keep it at the same
local time across DST. Deadlines are zero-length VEVENTs tagged DEADLINE. Each lead time becomes
a VALARM.

One skipped occurrence is an EXDATE of its series; a moved one is a second VEVENT with the same
UID and a RECURRENCE-ID naming the series' own start (RFC 5545 §3.8.4.4).

RFC 5545 points the code keeps: RRULE UNTIL is written in UTC ("…Z") because DTSTART has a TZID
(§3.3.10; the store keeps it as local wall time); the VTIMEZONE comes from the zone's own
transitions (`vtimezone`); UIDs carry the install's id so two installs never collide. An empty
list is refused by the caller (`ScheduleService.export_ics`), not written as an empty calendar.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vRecur

from bot.schedule.domain import recurrence
from bot.schedule.domain.models import Item
from bot.schedule.domain.vtimezone import vtimezone

PRODID = "-//alliance-bot//schedule//EN"


TIMEZONE_YEARS_AHEAD = 20  # clients use the last block beyond this, so cover long series


def export(items: list[Item], tz: ZoneInfo, *, now: datetime, install_id: str = "") -> bytes:
    """Serialise `items` as one VCALENDAR (UTF-8 bytes, CRLF line endings).

    `install_id` (a short stable token per install) goes into every UID.
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Coalition meetings and deadlines")
    cal.add("x-wr-timezone", tz.key)
    zones = sorted({item.tz for item in items if item.recurring})
    for key in zones:
        years = [i.start.year for i in items if i.tz == key and i.recurring]
        cal.add_component(
            vtimezone(ZoneInfo(key), min(years) - 1, max(years) + TIMEZONE_YEARS_AHEAD)
        )
    for item in items:
        cal.add_component(_event(item, now, install_id))
        for original, new in _live_overrides(item):
            if new is not None:
                cal.add_component(_moved(item, original, new, now, install_id))
    data: bytes = cal.to_ical()
    return data


def uid(item: Item, install_id: str) -> str:
    """The UID of an item's event: unique per item and per install."""
    suffix = f"-{install_id}" if install_id else ""
    return f"{item.kind}-{item.id}{suffix}@alliance-bot"


def utc_rule(rule: str, zone: ZoneInfo) -> str:
    """The stored RRULE with a local-time UNTIL rewritten in UTC (RFC 5545 §3.3.10)."""

    def to_utc(match: re.Match[str]) -> str:
        local = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=zone)
        return f"UNTIL={local.astimezone(UTC):%Y%m%dT%H%M%SZ}"

    return re.sub(r"UNTIL=(\d{8}T\d{6})(?!Z)", to_utc, rule)


def _event(item: Item, now: datetime, install_id: str) -> Event:
    event = Event()
    event.add("uid", uid(item, install_id))
    event.add("dtstamp", now)
    event.add("summary", item.title if item.kind == "meeting" else f"Deadline: {item.title}")
    if item.recurring:
        zone = ZoneInfo(item.tz)
        event.add("dtstart", item.start.astimezone(zone))
        event.add("dtend", (item.start + item.duration).astimezone(zone))
        event.add("rrule", vRecur.from_ical(utc_rule(item.rrule or "", zone)))
        skipped = [o.astimezone(zone) for o, n in _live_overrides(item) if n is None]
        if skipped:
            event.add("exdate", skipped)
    else:
        event.add("dtstart", item.start)
        if item.kind == "meeting":
            event.add("dtend", item.start + item.duration)
    if item.kind == "deadline":
        event.add("categories", ["DEADLINE"])
        event.add("transp", "TRANSPARENT")
    if item.location:
        event.add("location", item.location)
    description = item.description or ""
    if item.link:
        event.add("url", item.link)
        description = f"{description}\n{item.link}".strip()
    if description:
        event.add("description", description)
    event.add("last-modified", item.updated)
    for lead in item.leads:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", item.title)
        alarm.add("trigger", -lead)
        event.add_component(alarm)
    return event


def _live_overrides(item: Item) -> list[tuple[datetime, datetime | None]]:
    """The item's overrides whose original start is still an occurrence of its rule."""
    if not item.recurring:
        return []
    return [(o, n) for o, n in item.overrides if recurrence.is_occurrence(item, o)]


def _moved(item: Item, original: datetime, new: datetime, now: datetime, install_id: str) -> Event:
    """The override of one moved occurrence: same UID, RECURRENCE-ID = the series' own start."""
    zone = ZoneInfo(item.tz)
    event = _event(dataclasses.replace(item, start=new, rrule=None, overrides=()), now, install_id)
    event.add("recurrence-id", original.astimezone(zone))
    return event
