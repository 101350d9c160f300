"""`/help`: what the bot can do, with examples (admin commands shown to admins only)."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.common.interaction import actor_of, send
from bot.common.permissions import is_admin
from bot.help.replies import help_reply
from bot.schedule.calendar import CalendarActions
from bot.settings import Settings


class HelpCog(commands.Cog):
    """Help."""

    def __init__(self, settings: Settings, calendar: CalendarActions) -> None:
        self.settings = settings
        self.calendar = calendar

    @app_commands.command(name="help", description="What this bot can do, with examples.")
    async def help(self, interaction: discord.Interaction[Any]) -> None:
        admin = is_admin(actor_of(interaction), self.settings.admin_role_id)
        feed = await asyncio.to_thread(self.calendar.feed_links)
        reply = help_reply(admin=admin, feed=feed)
        await send(interaction, reply, ephemeral=True)
