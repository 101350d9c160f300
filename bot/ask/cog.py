"""`/ask`: a cited answer from the documents (or the live schedule), with persistent buttons."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.ask.replies import answer_reply
from bot.ask.usecases import SHOWN_SOURCES, Asking, AskResult
from bot.ask.views import answer_view
from bot.common.interaction import actor_of, send
from bot.common.permissions import Actor
from bot.docs.usecases import Library, suggested_sections

#: If the answer isn't ready by then, defer so Discord's 3-second window is never missed.
DEFER_AFTER_SECONDS = 1.5


def _ask_with_topics(
    questions: Asking,
    library: Library,
    actor: Actor,
    question: str,
    guild_id: int | None,
    channel_id: int | None,
) -> tuple[AskResult, list[str]]:
    """Answer, and when abstaining also list the documents to suggest instead."""
    result = questions.ask(actor, question, guild_id=guild_id, channel_id=channel_id)
    topics = [] if result.answer.answered else [d.title for d in library.documents()]
    return result, topics


class AskCog(commands.Cog):
    """Members' questions."""

    def __init__(self, questions: Asking, library: Library) -> None:
        self.questions = questions
        self.library = library

    @app_commands.command(name="ask", description="Ask about the coalition's documents.")
    @app_commands.describe(
        question="Your question, e.g. what are the alliance's values?",
        private="Only you see the answer (default: everyone in the channel sees it)",
    )
    async def ask(
        self, interaction: discord.Interaction[Any], question: str, private: bool = False
    ) -> None:
        work = asyncio.ensure_future(
            asyncio.to_thread(
                _ask_with_topics,
                self.questions,
                self.library,
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
        ask_person = (
            self.questions.settings.officer_channel_id is not None and question_id is not None
        )
        sections = suggested_sections(answer)
        view = answer_view(
            question_id,
            more=answer.answered and len(answer.hits) > SHOWN_SOURCES,
            ask_person=ask_person,
            sections=sections,
        )
        reply = answer_reply(answer, topics=topics, ask_person=ask_person, buttons=bool(sections))
        await send(interaction, reply, ephemeral=private, view=view)
