"""`/ask`: a cited answer from the documents (or the live schedule), with persistent buttons."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.rendering import answer_reply
from bot.replies import actor_of, send
from bot.services.core import SHOWN_SOURCES, AskResult, BotCore, suggested_sections
from bot.services.permissions import Actor
from bot.views import answer_view

if TYPE_CHECKING:
    from bot.client import AllianceBot

#: If the answer isn't ready by then, defer so Discord's 3-second window is never missed.
DEFER_AFTER_SECONDS = 1.5


def _ask_with_topics(
    core: BotCore, actor: Actor, question: str, guild_id: int | None, channel_id: int | None
) -> tuple[AskResult, list[str]]:
    """Answer, and when abstaining also list the documents to suggest instead."""
    result = core.ask(actor, question, guild_id=guild_id, channel_id=channel_id)
    topics = [] if result.answer.answered else [d.title for d in core.documents()]
    return result, topics


class AskCog(commands.Cog):
    """Members' questions."""

    def __init__(self, bot: AllianceBot) -> None:
        self.bot = bot

    @app_commands.command(name="ask", description="Ask about the coalition's documents.")
    @app_commands.describe(
        question="Your question, e.g. what are the alliance's values?",
        private="Only you see the answer (default: everyone in the channel sees it)",
    )
    async def ask(
        self, interaction: discord.Interaction[AllianceBot], question: str, private: bool = False
    ) -> None:
        core = self.bot.core
        work = asyncio.ensure_future(
            asyncio.to_thread(
                _ask_with_topics,
                core,
                actor_of(interaction),
                question,
                interaction.guild_id,
                interaction.channel_id,
            )
        )
        done, _ = await asyncio.wait({work}, timeout=DEFER_AFTER_SECONDS)
        if not done:
            await interaction.response.defer(ephemeral=private, thinking=True)
        result, topics = await work
        answer = result.answer
        question_id = None if answer.small_talk else result.question_id  # no buttons under "hi"
        ask_person = core.settings.officer_channel_id is not None and question_id is not None
        sections = suggested_sections(answer)
        view = answer_view(
            question_id,
            more=answer.answered and len(answer.hits) > SHOWN_SOURCES,
            ask_person=ask_person,
            sections=sections,
        )
        reply = answer_reply(answer, topics=topics, ask_person=ask_person, buttons=bool(sections))
        await send(interaction, reply, ephemeral=private, view=view)


async def setup(bot: AllianceBot) -> None:
    """Extension entry point."""
    await bot.add_cog(AskCog(bot))
