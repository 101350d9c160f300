"""Text for people: reminders and occurrences as Discord markdown or plain local-time text.

No discord import: Discord's `<t:UNIX:F>` / `<t:UNIX:R>` tags are plain strings that each member's
client shows in their own zone. The console and CLI use the `local` forms.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.schedule import recurrence
from bot.schedule.models import Occurrence, Reminder, ts
from bot.schedule.timeparse import END_OF_DAY, format_local


def discord_time(when: datetime) -> str:
    """`<t:…:F> (<t:…:R>)`: full date/time and relative, in each reader's own zone."""
    unix = ts(when)
    return f"<t:{unix}:F> (<t:{unix}:R>)"


def local_time(when: datetime, tz: ZoneInfo) -> str:
    """The server-zone rendering, e.g. "Tue Dec 1 2026, 5:00 PM MST"."""
    return format_local(when.astimezone(tz))


def humanize_lead(lead: timedelta) -> str:
    """ "7 days", "1 day", "2 hours", "30 minutes"."""
    seconds = int(lead.total_seconds())
    for size, name in ((604800, "week"), (86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size and seconds % size == 0:
            n = seconds // size
            if name == "week":
                n, name = n * 7, "day"
            return f"{n} {name}{'s' if n != 1 else ''}"
    return f"{seconds} seconds"


def render_reminder(reminder: Reminder, tz: ZoneInfo | None = None) -> str:
    """A reminder as one message: Discord tags, or local time when `tz` is given (console)."""
    when = local_time(reminder.event, tz) if tz else discord_time(reminder.event)
    verb = "starts" if reminder.kind == "meeting" else "is due"
    head = "Meeting reminder" if reminder.kind == "meeting" else "Deadline reminder"
    lines = [f"⏰ **{head}: {reminder.title}** {verb} {when}."]
    if reminder.late:
        lines.append(
            f"(Sent late: this {humanize_lead(reminder.lead)} reminder was due "
            f"{local_time(reminder.due, tz) if tz else discord_time(reminder.due)} while the "
            "bot was offline.)"
        )
    if reminder.location:
        lines.append(f"📍 {reminder.location}")
    if reminder.link:
        lines.append(f"🔗 {reminder.link}")
    if reminder.description:
        lines.append(reminder.description)
    return "\n".join(lines)


def render_occurrence(occ: Occurrence, tz: ZoneInfo, *, discord: bool = False) -> str:
    """One list line: "#12 Coalition meeting — Tue Dec 1 2026, 9:00 AM MST (60 min, weekly)"."""
    item = occ.item
    when = discord_time(occ.start) if discord else local_time(occ.start, tz)
    extras: list[str] = []
    if item.kind == "meeting":
        extras.append(f"{int(item.duration.total_seconds() // 60)} min")
        if item.recurring:
            extras.append(recurrence.describe(item.rrule, item.start, ZoneInfo(item.tz)))
    elif occ.start.astimezone(tz).time() == END_OF_DAY:
        extras.append("deadline, due by the end of the day")
    else:
        extras.append("deadline")
    if item.location:
        extras.append(item.location)
    if item.link:
        extras.append(item.link)
    return f"#{item.id} {item.title} — {when} ({', '.join(extras)})"
