"""iCalendar export of meetings and deadlines with the `icalendar` library.

One-off items become a VEVENT in UTC; a repeating meeting becomes one VEVENT with DTSTART in the
server zone (TZID plus a generated VTIMEZONE) and its RRULE, so calendar apps keep it at the same
local time across DST. Deadlines are zero-length VEVENTs tagged DEADLINE. Each lead time becomes
a VALARM.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vRecur

from bot.schedule.models import Item

PRODID = "-//alliance-bot//schedule//EN"


def export(items: list[Item], tz: ZoneInfo, *, now: datetime) -> bytes:
    """Serialise `items` as one VCALENDAR (UTF-8 bytes, CRLF line endings)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Coalition meetings and deadlines")
    cal.add("x-wr-timezone", tz.key)
    for item in items:
        cal.add_component(_event(item, now))
    if any(item.recurring for item in items):
        cal.add_missing_timezones()
    data: bytes = cal.to_ical()
    return data


def _event(item: Item, now: datetime) -> Event:
    event = Event()
    event.add("uid", f"{item.kind}-{item.id}@alliance-bot")
    event.add("dtstamp", now)
    event.add("summary", item.title if item.kind == "meeting" else f"Deadline: {item.title}")
    if item.recurring:
        zone = ZoneInfo(item.tz)
        event.add("dtstart", item.start.astimezone(zone))
        event.add("dtend", (item.start + item.duration).astimezone(zone))
        event.add("rrule", vRecur.from_ical(item.rrule or ""))
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
