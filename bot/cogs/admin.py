"""Admin commands: `/reindex`, `/corpus add|remove`, `/status`, `/gaps`.

Discord's `default_permissions(manage_guild=True)` only hides these in the client; `BotCore` checks
the Manage Server permission or the admin role in code and audits every attempt. Replies are
ephemeral; a refusal changes nothing. Every call that reaches SQLite (the refusal's audit row too)
runs in a worker thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.docs import document_choices
from bot.rendering import gaps_reply, reindex_reply, status_reply, upload_reply
from bot.replies import actor_of, send

if TYPE_CHECKING:
    from bot.client import AllianceBot

ADMIN_PERMS = discord.Permissions(manage_guild=True)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class CorpusGroup(app_commands.Group, name="corpus", description="Add or remove documents."):
    """`/corpus add` and `/corpus remove`."""

    def __init__(self, bot: AllianceBot) -> None:
        super().__init__()
        self.bot = bot

    @app_commands.command(name="add", description="Add a document (.md, .txt, .html, .pdf).")
    @app_commands.describe(file="The document to add", replace="Replace a document of that name")
    async def add(
        self,
        interaction: discord.Interaction[AllianceBot],
        file: discord.Attachment,
        replace: bool = False,
    ) -> None:
        core = self.bot.core
        actor = actor_of(interaction)
        await asyncio.to_thread(core.precheck_upload, actor, file.filename, file.size)
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await file.read()
        result = await asyncio.to_thread(
            core.add_document, actor, file.filename, data, replace=replace
        )
        await send(interaction, upload_reply(result), ephemeral=True)

    @app_commands.command(name="remove", description="Remove a document and reindex.")
    @app_commands.describe(document="The document to remove")
    async def remove(self, interaction: discord.Interaction[AllianceBot], document: str) -> None:
        core = self.bot.core
        actor = actor_of(interaction)
        await asyncio.to_thread(core.check_admin, actor, "corpus remove", document)
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await asyncio.to_thread(core.remove_document, actor, document)
        await send(interaction, reindex_reply(report, title=f"Removed {document}"), ephemeral=True)

    @remove.autocomplete("document")
    async def _remove_autocomplete(
        self, interaction: discord.Interaction[AllianceBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return await asyncio.to_thread(document_choices, self.bot.core, current)


class AdminCog(commands.Cog):
    """Index maintenance and health for admins."""

    def __init__(self, bot: AllianceBot) -> None:
        self.bot = bot

    @app_commands.command(name="reindex", description="Rebuild the search index (admins).")
    @app_commands.describe(dry_run="Only show what would change")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def reindex(
        self, interaction: discord.Interaction[AllianceBot], dry_run: bool = False
    ) -> None:
        core = self.bot.core
        actor = actor_of(interaction)
        action = "reindex --dry-run" if dry_run else "reindex"
        await asyncio.to_thread(core.check_admin, actor, action)
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await asyncio.to_thread(core.reindex, actor, dry_run=dry_run)
        await send(interaction, reindex_reply(report), ephemeral=True)

    @app_commands.command(name="status", description="Index, uptime, latency, reminders (admins).")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def status(self, interaction: discord.Interaction[AllianceBot]) -> None:
        report = await asyncio.to_thread(
            self.bot.core.status, actor_of(interaction), latency_seconds=self.bot.latency
        )
        await send(interaction, status_reply(report), ephemeral=True)

    @app_commands.command(name="gaps", description="Questions the documents don't answer (admins).")
    @app_commands.describe(days="How far back to look (default 30 days)")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def gaps(
        self,
        interaction: discord.Interaction[AllianceBot],
        days: app_commands.Range[int, 1, 365] = 30,
    ) -> None:
        gaps = await asyncio.to_thread(self.bot.core.gaps, actor_of(interaction), days=days)
        await send(interaction, gaps_reply(gaps, days=days), ephemeral=True)


async def setup(bot: AllianceBot) -> None:
    """Extension entry point."""
    await bot.add_cog(AdminCog(bot))
    bot.tree.add_command(CorpusGroup(bot))
