"""Meetings and deadlines: `/next`, `/meetings`, `/deadlines`, `/subscribe`, `/unsubscribe`, `/ics`
for members, and the admin group `/schedule add-meeting|add-deadline|edit|cancel`.

Thin adapters over `bot.schedule.actions.ScheduleActions` (which checks admins and
audits); times are shown as Discord `<t:…>` tags so every member sees their own local time.
Every schedule call reaches SQLite, so it runs in a worker thread (`off_loop`), never on the event
loop: a database locked by another process delays only that command, which answers "busy, try
again" (its connection's short busy timeout) or, if the work is merely slow, defers first so
Discord's 3-second window is never missed.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.common.cards import notice
from bot.common.interaction import actor_of, send
from bot.schedule.actions import ScheduleActions
from bot.schedule.calendar import CalendarActions
from bot.schedule.domain.errors import ScheduleError
from bot.schedule.domain.models import ts
from bot.schedule.replies import (
    feed_text,
    moved_reply,
    occurrence_restored_reply,
    occurrences_reply,
    schedule_item_reply,
    skipped_reply,
)
from bot.schedule.views import rsvp_view

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Work not done by then is deferred ("thinking…"), so Discord's 3-second window is never missed.
DEFER_AFTER_SECONDS = 1.5


async def off_loop(
    interaction: discord.Interaction[Any],
    run: Callable[..., T],
    *args: Any,
    ephemeral: bool,
    **kwargs: Any,
) -> T:
    """Run the blocking use case `run(*args, **kwargs)` in a worker thread; defer the reply when
    it takes longer than `DEFER_AFTER_SECONDS`. Its errors propagate to the tree's handler."""
    work = asyncio.ensure_future(asyncio.to_thread(run, *args, **kwargs))
    done, _ = await asyncio.wait({work}, timeout=DEFER_AFTER_SECONDS)
    if not done and not interaction.response.is_done():
        try:
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        except discord.HTTPException:
            log.warning("could not defer interaction %s", interaction.id)
    return await work


async def item_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[int]]:
    """Active meetings and deadlines whose title or id matches what was typed."""
    typed = current.strip().lower().lstrip("#")
    schedule: ScheduleActions = interaction.client.app.schedule
    try:
        items = await asyncio.to_thread(schedule.items)
    except Exception as exc:  # autocomplete has no error reply: offer nothing, log why
        log.warning("schedule autocomplete unavailable: %s", exc)
        return []
    choices = []
    for item in items:
        label = f"#{item.id} {item.title} ({item.kind})"
        if not typed or typed in label.lower():
            choices.append(app_commands.Choice(name=label[:100], value=item.id))
    return choices[-25:]


async def upcoming_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[int]]:
    """Meetings and deadlines still ahead (soonest first) whose title or id matches."""
    typed = current.strip().lower().lstrip("#")
    items = await asyncio.to_thread(interaction.client.app.calendar.upcoming_items)
    choices = []
    for item in items:
        label = f"#{item.id} {item.title} ({item.kind})"
        if not typed or typed in label.lower():
            choices.append(app_commands.Choice(name=label[:100], value=item.id))
    return choices[:25]


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class ScheduleAdmin(app_commands.Group, name="schedule", description="Manage meetings/deadlines."):
    """Admin-only schedule changes (checked in code and audited)."""

    def __init__(self, schedule: ScheduleActions, calendar: CalendarActions) -> None:
        super().__init__()
        self.schedule = schedule
        self.calendar = calendar

    def _reply_for(self, verb: str, item: Any) -> Any:
        schedule = self.schedule
        occurrence = schedule.next_occurrence(item) if item.status == "active" else None
        return schedule_item_reply(verb, item, occurrence, schedule.service.tz, discord=True)

    def _change(self, verb: str, run: Callable[[], Any]) -> Any:
        """Run a change and build its reply (both block on SQLite: called off the loop)."""
        return self._reply_for(verb, run())

    @app_commands.command(name="add-meeting", description="Schedule a meeting.")
    @app_commands.describe(
        title="What the meeting is",
        when='When, e.g. "next Tuesday 3pm", "Dec 5 at 9", "2026-12-01 17:00"',
        duration="Length in minutes (default 60)",
        where="Location or link",
        repeat="weekly, biweekly, monthly, or an RRULE",
        until="Last date for a repeating meeting",
        channel="Announcement channel (default: the configured one)",
    )
    async def add_meeting(
        self,
        interaction: discord.Interaction[Any],
        title: str,
        when: str,
        duration: app_commands.Range[int, 1, 2880] = 60,
        where: str | None = None,
        repeat: str | None = None,
        until: str | None = None,
        channel: discord.TextChannel | None = None,
    ) -> None:
        schedule, actor = self.schedule, actor_of(interaction)

        def add() -> Any:
            item = schedule.add_meeting(
                actor,
                title,
                when,
                duration_minutes=duration,
                where=where,
                repeat=repeat,
                until=until,
                channel_id=channel.id if channel else None,
            )
            reply = self._reply_for("Scheduled", item)
            twins = self.calendar.same_meetings(item.id)
            if twins:
                ids = ", ".join(f"#{twin.id}" for twin in twins)
                reply = notice(
                    f"{reply.content}\n⚠️ {ids} already has this title and start. If this one "
                    f"was added by mistake, remove it with /schedule cancel item:{item.id}."
                )
            return reply

        reply = await off_loop(interaction, add, ephemeral=True)
        await send(interaction, reply, ephemeral=True)

    @app_commands.command(name="add-deadline", description="Record a deadline.")
    @app_commands.describe(
        title="What is due",
        due='When, e.g. "Dec 5 at 5pm", "Friday" (end of that day) or "2026-12-05 17:00"',
        link="Where to apply or read more",
        channel="Announcement channel (default: the configured one)",
    )
    async def add_deadline(
        self,
        interaction: discord.Interaction[Any],
        title: str,
        due: str,
        link: str | None = None,
        channel: discord.TextChannel | None = None,
    ) -> None:
        schedule, actor = self.schedule, actor_of(interaction)
        reply = await off_loop(
            interaction,
            self._change,
            "Recorded",
            lambda: schedule.add_deadline(
                actor, title, due, link=link, channel_id=channel.id if channel else None
            ),
            ephemeral=True,
        )
        await send(interaction, reply, ephemeral=True)

    @app_commands.command(name="edit", description="Change a meeting or deadline.")
    @app_commands.describe(
        item="The meeting or deadline",
        title="New title",
        when="New time (the due time for a deadline)",
        duration="New length in minutes (meetings)",
        where="New location ('' clears it)",
        link="New link ('' clears it)",
        repeat="New repeat rule ('none' stops repeating)",
        until="New end date for repeats",
    )
    @app_commands.autocomplete(item=item_autocomplete)
    async def edit(
        self,
        interaction: discord.Interaction[Any],
        item: int,
        title: str | None = None,
        when: str | None = None,
        duration: app_commands.Range[int, 1, 2880] | None = None,
        where: str | None = None,
        link: str | None = None,
        repeat: str | None = None,
        until: str | None = None,
    ) -> None:
        changes: dict[str, Any] = {}
        for key, value in (("title", title), ("when", when), ("until", until)):
            if value is not None:
                changes[key] = value
        if duration is not None:
            changes["duration_minutes"] = duration
        for key, value in (("where", where), ("link", link), ("repeat", repeat)):
            if value is not None:
                changes[key] = value
        if not changes:
            await send(
                interaction, notice("Nothing to change: give at least one field."), ephemeral=True
            )
            return
        schedule, actor = self.schedule, actor_of(interaction)
        reply = await off_loop(
            interaction,
            self._change,
            "Updated",
            lambda: schedule.edit(actor, item, **changes),
            ephemeral=True,
        )
        await send(interaction, reply, ephemeral=True)

    @app_commands.command(name="skip", description="Skip one date of a repeating meeting.")
    @app_commands.describe(item="The repeating meeting", date='The date to skip, e.g. "Dec 24"')
    @app_commands.autocomplete(item=item_autocomplete)
    async def skip(self, interaction: discord.Interaction[Any], item: int, date: str) -> None:
        found, skipped = await asyncio.to_thread(
            self.calendar.skip_occurrence, actor_of(interaction), item, date
        )
        tz = self.calendar.service.tz
        await send(interaction, skipped_reply(found, skipped, tz, discord=True), ephemeral=True)

    @app_commands.command(name="move", description="Move one date of a repeating meeting.")
    @app_commands.describe(
        item="The repeating meeting",
        date='The date to move, e.g. "Dec 24"',
        to='The new time, e.g. "Dec 23 at 10am"',
    )
    @app_commands.autocomplete(item=item_autocomplete)
    async def move(
        self, interaction: discord.Interaction[Any], item: int, date: str, to: str
    ) -> None:
        found, original, new = await asyncio.to_thread(
            self.calendar.move_occurrence, actor_of(interaction), item, date, to
        )
        tz = self.calendar.service.tz
        reply = moved_reply(found, original, new, tz, discord=True)
        await send(interaction, reply, ephemeral=True)

    @app_commands.command(name="restore", description="Undo a skip or move of one date.")
    @app_commands.describe(item="The repeating meeting", date="The skipped or moved date")
    @app_commands.autocomplete(item=item_autocomplete)
    async def restore(self, interaction: discord.Interaction[Any], item: int, date: str) -> None:
        found, original = await asyncio.to_thread(
            self.calendar.restore_occurrence, actor_of(interaction), item, date
        )
        tz = self.calendar.service.tz
        reply = occurrence_restored_reply(found, original, tz, discord=True)
        await send(interaction, reply, ephemeral=True)

    @app_commands.command(name="cancel", description="Cancel a meeting or deadline.")
    @app_commands.describe(item="The meeting or deadline")
    @app_commands.autocomplete(item=item_autocomplete)
    async def cancel(self, interaction: discord.Interaction[Any], item: int) -> None:
        schedule, actor = self.schedule, actor_of(interaction)
        cancelled = await off_loop(interaction, schedule.cancel, actor, item, ephemeral=True)
        reply = notice(f"Cancelled #{cancelled.id} {cancelled.title}; its reminders are removed.")
        await send(interaction, reply, ephemeral=True)


class ScheduleCog(commands.Cog):
    """Member schedule commands."""

    def __init__(self, schedule: ScheduleActions, calendar: CalendarActions) -> None:
        self.schedule = schedule
        self.calendar = calendar

    @app_commands.command(name="next", description="When is the next meeting?")
    async def next(self, interaction: discord.Interaction[Any]) -> None:
        schedule = self.schedule
        occurrence = await off_loop(interaction, schedule.next_meeting, ephemeral=False)
        shown = [occurrence] if occurrence else []
        counts = await asyncio.to_thread(self.calendar.rsvp_counts, shown)
        reply = occurrences_reply(
            "Next meeting",
            shown,
            schedule.service.tz,
            discord=True,
            empty="No meeting is on the schedule yet.",
            counts=counts,
        )
        view = None
        if occurrence is not None:
            start = ts(occurrence.start)
            view = rsvp_view(occurrence.item.id, start, counts.get((occurrence.item.id, start)))
        await send(interaction, reply, view=view)

    @app_commands.command(name="meetings", description="Upcoming meetings.")
    @app_commands.describe(days="How far ahead to look (default 30 days)")
    async def meetings(
        self,
        interaction: discord.Interaction[Any],
        days: app_commands.Range[int, 1, 366] = 30,
    ) -> None:
        schedule = self.schedule
        found = await off_loop(
            interaction, schedule.upcoming, "meeting", days=days, ephemeral=False
        )
        reply = occurrences_reply(
            f"Meetings in the next {days} days",
            found,
            schedule.service.tz,
            discord=True,
            empty=f"No meetings in the next {days} days.",
            counts=await asyncio.to_thread(self.calendar.rsvp_counts, found),
        )
        await send(interaction, reply)

    @app_commands.command(name="deadlines", description="Upcoming deadlines.")
    @app_commands.describe(days="How far ahead to look (default 366 days)")
    async def deadlines(
        self,
        interaction: discord.Interaction[Any],
        days: app_commands.Range[int, 1, 366] = 366,
    ) -> None:
        schedule = self.schedule
        reply = occurrences_reply(
            "Upcoming deadlines",
            await off_loop(interaction, schedule.upcoming, "deadline", days=days, ephemeral=False),
            schedule.service.tz,
            discord=True,
            empty="No upcoming deadlines.",
        )
        await send(interaction, reply)

    @app_commands.command(name="subscribe", description="Get DM reminders (one item, or all).")
    @app_commands.describe(item="A meeting or deadline (leave empty for everything)")
    @app_commands.autocomplete(item=upcoming_autocomplete)
    async def subscribe(
        self, interaction: discord.Interaction[Any], item: int | None = None
    ) -> None:
        if item is not None:
            await asyncio.to_thread(self.calendar.require_ahead, item)
        schedule = self.schedule
        found = await off_loop(
            interaction, schedule.subscribe, actor_of(interaction), item, ephemeral=True
        )
        what = f"#{found.id} {found.title}" if found else "every meeting and deadline"
        text = f"Done: I'll DM you reminders for {what}. Use /unsubscribe to stop."
        await send(interaction, notice(text), ephemeral=True)

    @app_commands.command(name="unsubscribe", description="Stop DM reminders (one item, or all).")
    @app_commands.describe(item="A meeting or deadline (leave empty for everything)")
    @app_commands.autocomplete(item=item_autocomplete)
    async def unsubscribe(
        self, interaction: discord.Interaction[Any], item: int | None = None
    ) -> None:
        schedule = self.schedule
        found = await off_loop(
            interaction, schedule.unsubscribe, actor_of(interaction), item, ephemeral=True
        )
        what = f"#{found.id} {found.title}" if found else "any meeting or deadline"
        await send(interaction, notice(f"Done: no more DM reminders for {what}."), ephemeral=True)

    @app_commands.command(name="ics", description="A calendar file for your calendar app.")
    @app_commands.describe(item="One meeting or deadline (leave empty for everything upcoming)")
    @app_commands.autocomplete(item=item_autocomplete)
    async def ics(self, interaction: discord.Interaction[Any], item: int | None = None) -> None:
        links = await asyncio.to_thread(self.calendar.feed_links)
        try:
            data = await off_loop(interaction, self.schedule.ics, item, ephemeral=True)
        except ScheduleError:
            if links is None or item is not None:
                raise
            await send(interaction, notice(feed_text(links, empty=True)), ephemeral=True)
            return
        name = f"alliance-item-{item}.ics" if item is not None else "alliance-schedule.ics"
        file = discord.File(io.BytesIO(data), filename=name)
        text = "Here's the calendar file: open it or import it into your calendar app."
        if links is not None:
            text += "\n" + feed_text(links, empty=False)
        await send(interaction, notice(text), ephemeral=True, file=file)
