"""`/docs`: the indexed documents, one document's outline, or one section's text."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.common.interaction import send
from bot.docs.replies import documents_reply, outline_reply, section_reply
from bot.docs.usecases import ELLIPSIS, Library
from index.outline import outline


def choice_value(key: str) -> str:
    """An autocomplete value for a path or heading path: itself, or "…" + its tail when over
    Discord's 100 characters (`Library` resolves the tail back by a unique suffix match)."""
    return key if len(key) <= 100 else ELLIPSIS + key[-99:]


def document_choices(library: Library, current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 documents whose title or path contains what the member typed."""
    typed = current.strip().lower()
    choices = []
    for doc in library.documents():
        if not typed or typed in doc.title.lower() or typed in doc.source.lower():
            name = f"{doc.title} ({doc.source})"
            choices.append(app_commands.Choice(name=name[:100], value=choice_value(doc.source)))
    return choices[:25]


def section_choices(
    library: Library, document: str, current: str
) -> list[app_commands.Choice[str]]:
    """Up to 25 sections of the chosen document matching what the member typed."""
    if not document:
        return []
    try:
        doc = library.find_document(document)
    except Exception:
        return []
    typed = current.strip().lower()
    choices = []
    for section in outline(doc.sections):
        if not typed or typed in section.lower():
            name = section if len(section) <= 100 else ELLIPSIS + section[-99:]
            choices.append(app_commands.Choice(name=name, value=choice_value(section)))
    return choices[:25]


class DocsCog(commands.Cog):
    """Browsing the corpus."""

    def __init__(self, library: Library) -> None:
        self.library = library

    @app_commands.command(name="docs", description="The documents I know, and their sections.")
    @app_commands.describe(
        document="A document to outline (leave empty for the list)",
        section="A section of that document to read",
    )
    async def docs(
        self,
        interaction: discord.Interaction[Any],
        document: str | None = None,
        section: str | None = None,
    ) -> None:
        if not document:
            reply = documents_reply(await asyncio.to_thread(self.library.documents))
        else:
            if section:
                shown = await asyncio.to_thread(self.library.section_text, document, section)
                reply = section_reply(shown.document, shown.heading, shown.passages)
            else:
                reply = outline_reply(await asyncio.to_thread(self.library.find_document, document))
        await send(interaction, reply, ephemeral=True)

    @docs.autocomplete("document")
    async def _document_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return await asyncio.to_thread(document_choices, self.library, current)

    @docs.autocomplete("section")
    async def _section_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        document = str(getattr(interaction.namespace, "document", "") or "")
        return await asyncio.to_thread(section_choices, self.library, document, current)
