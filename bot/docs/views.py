"""The button under a refusal that shows one suggested section, as `/docs` would.

A `discord.ui.DynamicItem` whose `custom_id` carries a short key of the section
(`ab:sec:<16 hex>`), looked up among the sections indexed now, so it works after a restart.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import discord

from bot.common.cards import clip
from bot.common.interaction import report_error, send
from bot.docs.replies import section_reply
from bot.docs.usecases import SECTION_KEY_CHARS, Library

Btn = discord.ui.Button[discord.ui.View]


#: Discord's longest button label.
LABEL_LIMIT = 80


class SectionButton(
    discord.ui.DynamicItem[Btn], template=rf"ab:sec:(?P<key>[0-9a-f]{{{SECTION_KEY_CHARS}}})"
):
    """One of a refusal's suggested sections: shows it ephemerally, as `/docs document:…
    section:…` would. Anyone may press it (`/docs` is open to everyone); the key is only looked
    up among indexed sections, and one that a reindex removed gets a friendly line."""

    def __init__(self, key: str, label: str = "Read section") -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, LABEL_LIMIT) or "Read section",
                emoji="📄",
                style=discord.ButtonStyle.secondary,
                custom_id=f"ab:sec:{key}",
            )
        )
        self.key = key

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> SectionButton:
        label = getattr(item, "label", None) or "Read section"
        return cls(match["key"], label)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            library: Library = interaction.client.app.library
            shown = await asyncio.to_thread(library.suggested_section, self.key)
            reply = section_reply(shown.document, shown.heading, shown.passages)
            await send(interaction, reply, ephemeral=True)
        except Exception as exc:
            await report_error(interaction, exc)
