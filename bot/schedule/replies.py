"""The schedule's replies: upcoming lists (a repeating meeting on one line), confirmations of
changes, one date skipped or moved, RSVP lists and the calendar feed's links. Discord shows
`<t:…>` tags; the console the server's local time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.common.cards import COLOR_INFO, Card, Reply, escape_text, fit_reply, notice
from bot.schedule.calendar import Attendance
from bot.schedule.domain.display import discord_time, local_time, render_occurrence
from bot.schedule.domain.models import Item, Occurrence, ts
from bot.schedule.domain.rsvp import ANSWERS, EMOJI, LABELS, Counts
from bot.schedule.feed import FeedLinks


def occurrences_reply(
    title: str,
    occurrences: Sequence[Occurrence],
    tz: ZoneInfo,
    *,
    discord: bool,
    empty: str,
    counts: Mapping[tuple[int, int], Counts] | None = None,
    group: bool = True,
) -> Reply:
    """A list of upcoming meetings/deadlines (Discord `<t:…>` tags or local time).

    With `group`, a repeating meeting takes one line (its next occurrence) followed by the
    dates of the next few (`SERIES_DATES`), instead of one line per week. `counts` adds the RSVP
    totals of the occurrence a line shows.
    """
    lines: list[str] = []
    for occurrence, later in group_series(occurrences) if group else [(o, []) for o in occurrences]:
        line = f"• {render_occurrence(occurrence, tz, discord=discord)}"
        moved_from = [o for o, n in occurrence.item.overrides if n == occurrence.start]
        if moved_from:
            line += f" — moved from {short_time(moved_from[0], tz, discord=discord)}"
        found = (counts or {}).get((occurrence.item.id, ts(occurrence.start)))
        if found is not None and found.total:
            line += f"\n  {found.summary()}"
        if later:
            shown = ", ".join(short_time(o.start, tz, discord=discord) for o in later)
            line += f"\n  then {shown}"
        lines.append(line)
    card = Card(
        title=title,
        description="\n".join(lines) if lines else empty,
        footer="/subscribe ITEM for DM reminders · /ics for your calendar",
        color=COLOR_INFO,
    )
    return fit_reply(Reply(cards=(card,)))


SERIES_DATES = 3


def group_series(
    occurrences: Sequence[Occurrence], later: int = SERIES_DATES
) -> list[tuple[Occurrence, list[Occurrence]]]:
    """Each item's first occurrence with up to `later` of its next ones, in time order."""
    firsts: dict[int, tuple[Occurrence, list[Occurrence]]] = {}
    for occurrence in occurrences:
        entry = firsts.get(occurrence.item.id)
        if entry is None:
            firsts[occurrence.item.id] = (occurrence, [])
        elif len(entry[1]) < later:
            entry[1].append(occurrence)
    return sorted(firsts.values(), key=lambda e: (e[0].start, e[0].item.id))


def short_time(when: datetime, tz: ZoneInfo, *, discord: bool) -> str:
    """A compact date and time: `<t:…:f>` in Discord, "Tue Dec 1, 9:00 AM" elsewhere."""
    if discord:
        return f"<t:{ts(when)}:f>"
    local = when.astimezone(tz)
    return f"{local:%a %b} {local.day}, {local:%I:%M %p}".replace(" 0", " ")


def _at(when: datetime, tz: ZoneInfo, discord: bool) -> str:
    return discord_time(when) if discord else local_time(when, tz)


def skipped_reply(item: Item, skipped: datetime, tz: ZoneInfo, *, discord: bool) -> Reply:
    """`/schedule skip`: one date of a series is off, the rest untouched."""
    return notice(
        f"Skipped #{item.id} {escape_text(item.title)} on {_at(skipped, tz, discord)}; its "
        "reminders for that date are removed and the rest of the series is unchanged. Undo with "
        f"/schedule restore item:{item.id}."
    )


def moved_reply(
    item: Item, original: datetime, new: datetime, tz: ZoneInfo, *, discord: bool
) -> Reply:
    """`/schedule move`: one date of a series moved."""
    return notice(
        f"Moved #{item.id} {escape_text(item.title)} from {_at(original, tz, discord)} to "
        f"{_at(new, tz, discord)}; reminders and RSVPs follow, the rest of the series is "
        "unchanged."
    )


def occurrence_restored_reply(
    item: Item, original: datetime, tz: ZoneInfo, *, discord: bool
) -> Reply:
    """`/schedule restore`: a skipped or moved date is back at its usual time."""
    return notice(
        f"Restored #{item.id} {escape_text(item.title)} on {_at(original, tz, discord)}, at its "
        "usual time."
    )


def feed_rotated_reply(links: FeedLinks) -> Reply:
    """`/calendar rotate-feed`: the new address, and what subscribers must do."""
    return notice(
        "The calendar feed has a new address; the old one stopped working. Members who "
        f"subscribed need the new link (shown by /ics):\n{links.webcal}"
    )


def attendance_reply(attendance: Attendance, *, tz: ZoneInfo | None = None) -> Reply:
    """Who answered the RSVP of one occurrence (for organisers; names as Discord mentions,
    which never ping because every message turns mentions off). With `tz` (the console), the
    date is shown in that zone instead of as a Discord timestamp."""
    occurrence = attendance.occurrence
    counts = attendance.counts
    lines = [
        f"**{escape_text(occurrence.item.title)}** — "
        + (f"<t:{ts(occurrence.start)}:F>" if tz is None else local_time(occurrence.start, tz)),
        counts.summary() or "Nobody has answered yet.",
    ]
    for answer in ANSWERS:
        ids = attendance.answers[answer]
        if ids:
            lines.append(f"{EMOJI[answer]} {LABELS[answer]}: " + ", ".join(f"<@{i}>" for i in ids))
    return notice("\n".join(lines))


def feed_text(links: FeedLinks, *, empty: bool) -> str:
    """How to subscribe to the live calendar (for /ics and /help)."""
    head = (
        "Nothing is scheduled in the coming year yet, but you can subscribe now"
        if empty
        else "Or subscribe once and see every change"
    )
    return (
        f"{head}: {links.webcal}\n(In Google Calendar use “From URL” with {links.http}; "
        "Apple Calendar and Outlook open the webcal link directly.)"
    )


def schedule_item_reply(
    title: str, item: Item, occurrence: Occurrence | None, tz: ZoneInfo, *, discord: bool
) -> Reply:
    """Confirmation for an added/edited/cancelled item."""
    line = (
        render_occurrence(occurrence, tz, discord=discord)
        if occurrence is not None
        else f"#{item.id} {item.title} (no upcoming date)"
    )
    return notice(f"{title}: {line}")
