"""Admin commands: `/reindex`, `/corpus add|add-url|refresh|remove|undo`, `/status`, `/gaps`.

Discord's `default_permissions(manage_guild=True)` only hides these in the client; the use
cases check the Manage Server permission or the admin role in code and audit every attempt.
Replies are ephemeral; a refusal changes nothing. Every call that reaches SQLite (the refusal's
audit row too) runs in a worker thread, never on the event loop.

`/corpus remove` only asks: its reply carries Remove / Cancel buttons (a plain `View`, valid for
`CONFIRM_SECONDS`, so a confirmation never outlives a restart). A click is checked again: it must
come from the admin who asked and that member must still be an admin.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.admin.corpus import CorpusAdmin
from bot.admin.replies import (
    gaps_reply,
    refresh_reply,
    reindex_reply,
    removal_prompt,
    removal_reply,
    restored_reply,
    status_reply,
    upload_reply,
    url_reply,
)
from bot.admin.usecases import Administration
from bot.common.cards import notice
from bot.common.interaction import actor_of, report_error, send
from bot.docs.cog import document_choices
from bot.docs.usecases import Library

Btn = discord.ui.Button[discord.ui.View]
#: How long the Remove / Cancel buttons of `/corpus remove` stay valid.
CONFIRM_SECONDS = 300.0


class ConfirmRemoval(discord.ui.View):
    """Remove / Cancel under a `/corpus remove` prompt."""

    def __init__(self, corpus: CorpusAdmin, owner_id: int, source: str, *, force: bool) -> None:
        super().__init__(timeout=CONFIRM_SECONDS)
        self.corpus = corpus
        self.owner_id = owner_id
        self.source = source
        self.force = force

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id != self.owner_id:
            await send(
                interaction,
                notice("Only the admin who asked can answer this. Nothing was changed."),
                ephemeral=True,
            )
            return False
        return True

    @discord.ui.button(label="Remove", style=discord.ButtonStyle.danger, emoji="🗑️")
    async def confirm(self, interaction: discord.Interaction[Any], button: Btn) -> None:
        self.stop()
        try:
            actor = actor_of(interaction)
            corpus = self.corpus
            await asyncio.to_thread(corpus.gate.check_admin, actor, "corpus remove", self.source)
            await interaction.response.edit_message(
                content=f"Removing `{self.source}`…", embeds=[], view=None
            )
            removal = await asyncio.to_thread(corpus.remove, actor, self.source, force=self.force)
            await send(interaction, removal_reply(removal), ephemeral=True)
        except Exception as exc:
            await report_error(interaction, exc)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction[Any], button: Btn) -> None:
        self.stop()
        await interaction.response.edit_message(
            content="Cancelled: nothing was removed.", embeds=[], view=None
        )


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class CorpusGroup(app_commands.Group, name="corpus", description="Add or remove documents."):
    """`/corpus add|add-url|refresh|remove|undo`."""

    def __init__(self, admin: Administration, corpus: CorpusAdmin, library: Library) -> None:
        super().__init__()
        self.admin = admin
        self.corpus = corpus
        self.library = library

    @app_commands.command(name="add", description="Add a document (.md, .txt, .html, .pdf).")
    @app_commands.describe(file="The document to add", replace="Replace a document of that name")
    async def add(
        self,
        interaction: discord.Interaction[Any],
        file: discord.Attachment,
        replace: bool = False,
    ) -> None:
        actor = actor_of(interaction)
        await asyncio.to_thread(self.admin.precheck_upload, actor, file.filename, file.size)
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await file.read()
        result = await asyncio.to_thread(
            self.corpus.add, actor, file.filename, data, replace=replace
        )
        await send(interaction, upload_reply(result), ephemeral=True)

    @app_commands.command(name="remove", description="Remove a document (asks to confirm).")
    @app_commands.describe(
        document="The document to remove",
        force="Also allow a document that came with the repository",
    )
    async def remove(
        self, interaction: discord.Interaction[Any], document: str, force: bool = False
    ) -> None:
        actor = actor_of(interaction)
        corpus = self.corpus
        doc = await asyncio.to_thread(corpus.removal_target, actor, document, force=force)
        view = ConfirmRemoval(self.corpus, actor.id, doc.source, force=force)
        await send(interaction, removal_prompt(doc), ephemeral=True, view=view)

    @app_commands.command(name="add-url", description="Add a web page as a document.")
    @app_commands.describe(url="The page's address (http:// or https://)")
    async def add_url(self, interaction: discord.Interaction[Any], url: str) -> None:
        actor = actor_of(interaction)
        corpus = self.corpus
        await asyncio.to_thread(corpus.gate.check_admin, actor, "corpus add-url", url[:300])
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await asyncio.to_thread(corpus.add_url, actor, url)
        await send(interaction, url_reply(result), ephemeral=True)

    @app_commands.command(name="refresh", description="Re-fetch the web documents.")
    async def refresh(self, interaction: discord.Interaction[Any]) -> None:
        actor = actor_of(interaction)
        corpus = self.corpus
        await asyncio.to_thread(corpus.gate.check_admin, actor, "corpus refresh", "")
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await asyncio.to_thread(corpus.refresh, actor)
        await send(interaction, refresh_reply(result), ephemeral=True)

    @app_commands.command(name="undo", description="Put the last removed document back.")
    @app_commands.describe(document="Which removed document (default: the latest)")
    async def undo(
        self, interaction: discord.Interaction[Any], document: str | None = None
    ) -> None:
        actor = actor_of(interaction)
        corpus = self.corpus
        await asyncio.to_thread(corpus.gate.check_admin, actor, "corpus undo", document or "latest")
        await interaction.response.defer(ephemeral=True, thinking=True)
        restored = await asyncio.to_thread(corpus.undo, actor, document)
        await send(interaction, restored_reply(restored), ephemeral=True)

    @undo.autocomplete("document")
    async def _undo_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        entries = await asyncio.to_thread(self.corpus.removed, actor_of(interaction))
        wanted = current.strip().lower()
        return [
            app_commands.Choice(name=f"{e.source} (removed {e.id})"[:100], value=e.id)
            for e in entries
            if wanted in e.source.lower()
        ][:25]

    @remove.autocomplete("document")
    async def _remove_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return await asyncio.to_thread(document_choices, self.library, current)


class AdminCog(commands.Cog):
    """Index maintenance and health for admins. `latency` is the gateway's (for `/status`)."""

    def __init__(self, admin: Administration, latency: Callable[[], float]) -> None:
        self.admin = admin
        self.latency = latency

    @app_commands.command(name="reindex", description="Rebuild the search index (admins).")
    @app_commands.describe(
        dry_run="Only show what would change", force="Rebuild even when nothing changed"
    )
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def reindex(
        self,
        interaction: discord.Interaction[Any],
        dry_run: bool = False,
        force: bool = False,
    ) -> None:
        actor = actor_of(interaction)
        action = "reindex --dry-run" if dry_run else "reindex --force" if force else "reindex"
        await asyncio.to_thread(self.admin.gate.check_admin, actor, action)
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await asyncio.to_thread(self.admin.reindex, actor, dry_run=dry_run, force=force)
        await send(interaction, reindex_reply(report), ephemeral=True)

    @app_commands.command(name="status", description="Index, uptime, latency, reminders (admins).")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def status(self, interaction: discord.Interaction[Any]) -> None:
        report = await asyncio.to_thread(
            self.admin.status, actor_of(interaction), latency_seconds=self.latency()
        )
        await send(interaction, status_reply(report), ephemeral=True)

    @app_commands.command(name="gaps", description="Questions the documents don't answer (admins).")
    @app_commands.describe(days="How far back to look (default 30 days)")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def gaps(
        self,
        interaction: discord.Interaction[Any],
        days: app_commands.Range[int, 1, 365] = 30,
    ) -> None:
        gaps = await asyncio.to_thread(self.admin.gaps, actor_of(interaction), days=days)
        await send(interaction, gaps_reply(gaps, days=days), ephemeral=True)
