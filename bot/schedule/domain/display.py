"""Text for people: reminders and occurrences as Discord markdown or plain local-time text.

No discord import: Discord's `<t:UNIX:F>` / `<t:UNIX:R>` tags are plain strings that each member's
client shows in their own zone. The console and CLI use the `local` forms.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.schedule.domain import recurrence
from bot.schedule.domain.models import Occurrence, Reminder, ts
from bot.schedule.domain.timeparse import END_OF_DAY, format_local


def discord_time(when: datetime) -> str:
    """`<t:…:F> (<t:…:R>)`: full date/time and relative, in each reader's own zone."""
    unix = ts(when)
    return f"<t:{unix}:F> (<t:{unix}:R>)"


def local_time(when: datetime, tz: ZoneInfo) -> str:
    """The server-zone rendering, e.g. "Tue Dec 1 2026, 5:00 PM MST"."""
    return format_local(when.astimezone(tz))


def humanize_lead(lead: timedelta) -> str:
    """A lead time as a noun: "7 days", "1 day", "2 hours", "30 minutes", "1 h 30 min"."""
    seconds = int(lead.total_seconds())
    for size, name in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size and seconds % size == 0:
            n = seconds // size
            return f"{n} {name}{'s' if n != 1 else ''}"
    return format_duration(lead)


def lead_adjective(lead: timedelta) -> str:
    """A lead time before "reminder": "7-day", "1-hour", "30-minute", else "1 h 30 min"."""
    seconds = int(lead.total_seconds())
    for size, name in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}-{name}"
    return format_duration(lead)


def format_duration(span: timedelta) -> str:
    """A length of time the way people write it: "2 days", "1 day 4 h", "8 h", "1 h 30 min".

    Whole days are spelled out, hours and minutes abbreviated; seconds are dropped unless the
    span is shorter than a minute. Zero is "0 min".
    """
    seconds = max(0, int(span.total_seconds()))
    if 0 < seconds < 60:
        return f"{seconds} s"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts: list[str] = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} h")
    if minutes or not parts:
        parts.append(f"{minutes} min")
    return " ".join(parts)


def render_reminder(reminder: Reminder, tz: ZoneInfo | None = None) -> str:
    """A reminder as one message: Discord tags, or local time when `tz` is given (console).

    In Discord the relative time leads ("starts <t:…:R>", "is due <t:…:R>"), with the full date
    after it. A late reminder (the catch-up after downtime) says which reminder it stands for.
    """
    if tz is not None:
        when = local_time(reminder.event, tz)
    else:
        unix = ts(reminder.event)
        when = f"<t:{unix}:R> (<t:{unix}:F>)"
    verb = "starts" if reminder.kind == "meeting" else "is due"
    head = "Meeting reminder" if reminder.kind == "meeting" else "Deadline reminder"
    lines = [f"⏰ {head}: **{reminder.title}** {verb} {when}."]
    if reminder.late:
        due = local_time(reminder.due, tz) if tz else f"<t:{ts(reminder.due)}:F>"
        lines.append(
            f"(Sent late: the bot was offline when this {lead_adjective(reminder.lead)} "
            f"reminder was due, {due}.)"
        )
    if reminder.location:
        lines.append(f"📍 {reminder.location}")
    if reminder.link:
        lines.append(f"🔗 {reminder.link}")
    if reminder.description:
        lines.append(reminder.description)
    return "\n".join(lines)


def render_occurrence(occ: Occurrence, tz: ZoneInfo, *, discord: bool = False) -> str:
    """One list line: "#12 Coalition meeting — Tue Dec 1 2026, 9:00 AM MST (1 h, weekly)"."""
    item = occ.item
    when = discord_time(occ.start) if discord else local_time(occ.start, tz)
    extras: list[str] = []
    if item.kind == "meeting":
        extras.append(format_duration(item.duration))
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
