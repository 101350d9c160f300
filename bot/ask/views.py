"""The persistent buttons under an answer: "More sources", 👍 / 👎 and "Ask a person".

Each is a `discord.ui.DynamicItem` whose `custom_id` carries the question-log id (e.g.
`ab:vote:42:up`), so a button on a week-old message still works after the bot restarted: the
client re-creates the item from the id (`Bot.add_dynamic_items` in `setup_hook`) and the handler
loads the question from the log. Handlers call the `/ask` use cases (`Asking`) and render; errors
go through `bot.common.interaction.report_error` because button errors never reach the command
tree's handler.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

import discord

from bot.ask.replies import answer_buttons, more_sources_reply, officer_message
from bot.ask.usecases import Asking, Escalation
from bot.common.cards import notice
from bot.common.errors import NotFound
from bot.common.interaction import actor_of, report_error, send
from bot.docs.usecases import SuggestedSection
from bot.docs.views import SectionButton
from bot.settings import Settings

log = logging.getLogger(__name__)

Btn = discord.ui.Button[discord.ui.View]


def questions_of(interaction: discord.Interaction[Any]) -> Asking:
    """The `/ask` use cases of the client that received the interaction."""
    questions: Asking = interaction.client.app.questions
    return questions


class MoreSourcesButton(discord.ui.DynamicItem[Btn], template=r"ab:more:(?P<qid>[0-9]{1,18})"):
    """Shows the passages after the first ones, ephemerally."""

    def __init__(self, question_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="More sources",
                emoji="📚",
                style=discord.ButtonStyle.secondary,
                custom_id=f"ab:more:{question_id}",
            )
        )
        self.question_id = question_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> MoreSourcesButton:
        return cls(int(match["qid"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            answer, hits = await asyncio.to_thread(
                questions_of(interaction).more_sources, self.question_id
            )
            await send(interaction, more_sources_reply(answer, hits), ephemeral=True)
        except Exception as exc:
            await report_error(interaction, exc)


class FeedbackButton(
    discord.ui.DynamicItem[Btn], template=r"ab:vote:(?P<qid>[0-9]{1,18}):(?P<vote>up|down)"
):
    """Stores a 👍 or 👎 for the answer; one vote per member, changeable."""

    def __init__(self, question_id: int, helpful: bool) -> None:
        super().__init__(
            discord.ui.Button(
                emoji="👍" if helpful else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"ab:vote:{question_id}:{'up' if helpful else 'down'}",
            )
        )
        self.question_id = question_id
        self.helpful = helpful

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> FeedbackButton:
        return cls(int(match["qid"]), match["vote"] == "up")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            changed = await asyncio.to_thread(
                questions_of(interaction).feedback,
                self.question_id,
                actor_of(interaction),
                self.helpful,
            )
            if not changed:
                text = "You already voted that way. Thanks!"
            elif self.helpful:
                text = "Thanks! Glad that helped. 👍"
            else:
                text = (
                    "Thanks for telling me. 👎 Admins review these to improve the documents; "
                    "you can also press “Ask a person”."
                )
            await send(interaction, notice(text), ephemeral=True)
        except Exception as exc:
            await report_error(interaction, exc)


class AskPersonButton(discord.ui.DynamicItem[Btn], template=r"ab:person:(?P<qid>[0-9]{1,18})"):
    """Posts the question to the officers' channel, pinging the officer role (only here).

    The member's text is quoted escaped (`officer_message`) and `allowed_mentions` lists the
    officer role alone, with link previews suppressed. The question counts as passed on only
    once Discord accepted the post (`Asking.escalate` / `escalation_done`); a refused or
    failed post tells the member so, and the button works again."""

    def __init__(self, question_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Ask a person",
                emoji="🙋",
                style=discord.ButtonStyle.primary,
                custom_id=f"ab:person:{question_id}",
            )
        )
        self.question_id = question_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AskPersonButton:
        return cls(int(match["qid"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            questions = questions_of(interaction)
            escalation = await asyncio.to_thread(
                questions.escalate, self.question_id, actor_of(interaction)
            )
            if not escalation.first_time:
                await send(
                    interaction,
                    notice("The officers already have this question; they'll answer it."),
                    ephemeral=True,
                )
                return
            posted = False
            try:
                await interaction.response.defer(ephemeral=True, thinking=True)
                posted = await self._post(interaction, questions.settings, escalation)
            finally:
                await self._done(questions, escalation, posted)
            text = (
                "I've passed your question to the coalition's officers. 🙋"
                if posted
                else "Your question did not reach the officers: Discord refused the post just "
                "now. Press “Ask a person” again in a minute, or ask an officer directly."
            )
            await send(interaction, notice(text), ephemeral=True)
        except Exception as exc:
            await report_error(interaction, exc)

    @staticmethod
    async def _post(
        interaction: discord.Interaction[Any], settings: Settings, escalation: Escalation
    ) -> bool:
        """Post to the officers' channel; False (logged) when Discord refused or failed it."""
        channel_id = settings.officer_channel_id
        role_id = settings.officer_role_id
        if channel_id is None:
            raise NotFound("No officer channel is set up yet; please ask an officer directly.")
        content = officer_message(
            escalation.question,
            asker_id=escalation.asker_id,
            role_id=role_id,
            channel_id=escalation.channel_id,
        )
        mentions = discord.AllowedMentions(
            everyone=False,
            users=False,
            replied_user=False,
            roles=[discord.Object(role_id)] if role_id is not None else False,
        )
        try:
            channel = interaction.client.get_partial_messageable(channel_id)
            await channel.send(content, allowed_mentions=mentions, suppress_embeds=True)
        except discord.HTTPException as exc:
            log.warning(
                "could not post question %s to the officer channel %s: HTTP %s%s",
                escalation.question_id,
                channel_id,
                exc.status,
                " (does the bot have Send Messages there?)" if exc.status == 403 else "",
            )
            return False
        except (TimeoutError, OSError) as exc:
            log.warning(
                "could not post question %s to the officer channel %s: %s",
                escalation.question_id,
                channel_id,
                type(exc).__name__,
            )
            return False
        return True

    @staticmethod
    async def _done(questions: Asking, escalation: Escalation, posted: bool) -> None:
        """Record the hand-off (or release it); a failed write is logged, not shown: the
        officers have the post either way."""
        try:
            await asyncio.to_thread(questions.escalation_done, escalation, posted=posted)
        except Exception:
            log.warning(
                "could not record the hand-off of question %s",
                escalation.question_id,
                exc_info=True,
            )


def answer_view(
    question_id: int | None,
    *,
    more: bool,
    ask_person: bool,
    sections: Sequence[SuggestedSection] = (),
) -> discord.ui.View | None:
    """The buttons under an answer (timeout None: they outlive the process via custom ids).
    Without a question-log id only the suggested sections' buttons can be offered (the others
    need the logged question); None when there is no button at all."""
    view = discord.ui.View(timeout=None)
    for suggestion in sections[:3]:
        view.add_item(SectionButton(suggestion.key, suggestion.heading))
    if question_id is None:
        return view if sections else None
    items: dict[str, Callable[[int], discord.ui.Item[Any]]] = {
        "more": MoreSourcesButton,
        "up": lambda qid: FeedbackButton(qid, True),
        "down": lambda qid: FeedbackButton(qid, False),
        "ask": AskPersonButton,
    }
    for kind in answer_buttons(question_id, more=more, ask_person=ask_person):
        view.add_item(items[kind](question_id))
    return view
