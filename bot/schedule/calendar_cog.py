"""Calendar commands: `/reminder-role` for members, `/calendar rotate-feed|rsvps` for admins.

Thin adapters over `bot.schedule.calendar.CalendarActions` (admin checks and audit live there);
every database call runs in a worker thread, so the event loop never waits on SQLite.
"""

from __future__ import annotations

import asyncio
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.common.cards import notice
from bot.common.errors import NotFound
from bot.common.interaction import actor_of, send
from bot.schedule.calendar import CalendarActions
from bot.schedule.cog import item_autocomplete
from bot.schedule.replies import attendance_reply, feed_rotated_reply
from bot.settings import Settings

ROLE_TROUBLE = (
    "I couldn't change your roles just now: I need the Manage Roles permission, and my role "
    "must be above the reminder role. Please tell an officer."
)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class CalendarAdmin(app_commands.Group, name="calendar", description="Calendar feed and RSVPs."):
    """Admin-only calendar commands (checked in code and audited)."""

    def __init__(self, calendar: CalendarActions) -> None:
        super().__init__()
        self.calendar = calendar

    @app_commands.command(
        name="rotate-feed", description="Give the calendar feed a new secret address."
    )
    async def rotate_feed(self, interaction: discord.Interaction[Any]) -> None:
        links = await asyncio.to_thread(self.calendar.rotate_feed, actor_of(interaction))
        await send(interaction, feed_rotated_reply(links), ephemeral=True)

    @app_commands.command(name="rsvps", description="Who is coming to a meeting's next date.")
    @app_commands.describe(item="The meeting")
    @app_commands.autocomplete(item=item_autocomplete)
    async def rsvps(self, interaction: discord.Interaction[Any], item: int) -> None:
        attendance = await asyncio.to_thread(self.calendar.attendance, actor_of(interaction), item)
        await send(interaction, attendance_reply(attendance), ephemeral=True)


class CalendarCog(commands.Cog):
    """Member calendar commands."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @app_commands.command(
        name="reminder-role",
        description="Be notified by channel reminders (take the reminder role), or stop.",
    )
    @app_commands.guild_only()
    async def reminder_role(self, interaction: discord.Interaction[Any]) -> None:
        role_id = self.settings.reminder_role_id
        if role_id is None:
            raise NotFound("This server has no reminder role set up; /subscribe sends DMs instead.")
        member = interaction.user
        if not isinstance(member, discord.Member):
            raise NotFound("That command only works inside the coalition's server.")
        has_role = role_id in actor_of(interaction).role_ids
        try:
            if has_role:
                await member.remove_roles(discord.Object(role_id), reason="/reminder-role")
            else:
                await member.add_roles(discord.Object(role_id), reason="/reminder-role")
        except discord.HTTPException:
            raise NotFound(ROLE_TROUBLE) from None
        text = (
            "Done: channel reminders won't notify you any more. Run /reminder-role again to "
            "be notified."
            if has_role
            else "Done: channel reminders will notify you. Run /reminder-role again to stop."
        )
        await send(interaction, notice(text), ephemeral=True)
