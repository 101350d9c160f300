"""`/help`: what the bot can do, with examples (admin commands shown to admins only)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.rendering import help_reply
from bot.replies import actor_of, send
from bot.services.permissions import is_admin

if TYPE_CHECKING:
    from bot.client import AllianceBot


class HelpCog(commands.Cog):
    """Help."""

    def __init__(self, bot: AllianceBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What this bot can do, with examples.")
    async def help(self, interaction: discord.Interaction[AllianceBot]) -> None:
        admin = is_admin(actor_of(interaction), self.bot.settings.admin_role_id)
        schedule = self.bot.core.schedule_answerer is not None
        feed = await asyncio.to_thread(self.bot.calendar.feed_links)
        reply = help_reply(schedule=schedule, admin=admin, feed=feed)
        await send(interaction, reply, ephemeral=True)


async def setup(bot: AllianceBot) -> None:
    """Extension entry point."""
    await bot.add_cog(HelpCog(bot))
