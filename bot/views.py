"""Persistent buttons: "More sources", 👍 / 👎, "Ask a person" and a refusal's suggested sections
under answers; RSVP under meeting reminders.

Each button is a `discord.ui.DynamicItem` whose `custom_id` carries the question-log id (e.g.
`ab:vote:42:up`), so a button on a week-old message still works after the bot restarted: the
client re-creates the item from the id (`Bot.add_dynamic_items` in `setup_hook`) and the handler
loads the question from the log. A suggested-section button carries a short key of the section
(`ab:sec:<16 hex>`), looked up among the sections indexed now. Handlers call `BotCore` and
render; errors go through `bot.replies.report_error` because button errors never reach the
command tree's handler.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot.rendering import (
    answer_buttons,
    clip,
    more_sources_reply,
    notice,
    officer_message,
    section_reply,
)
from bot.replies import actor_of, report_error, send
from bot.schedule.models import Reminder, ts
from bot.schedule.rsvp import ANSWERS, Answer, Counts
from bot.schedule.rsvp import EMOJI as RSVP_EMOJI
from bot.schedule.rsvp import LABELS as RSVP_LABELS
from bot.services.core import SECTION_KEY_CHARS, SuggestedSection
from bot.services.errors import NotFound

if TYPE_CHECKING:
    from bot.services.calendar import CalendarActions
    from bot.services.core import BotCore, Escalation
    from bot.settings import Settings

log = logging.getLogger(__name__)

Btn = discord.ui.Button[discord.ui.View]
_ANSWER_OF: dict[str, Answer] = {answer: answer for answer in ANSWERS}
RSVP_STYLES: dict[Answer, discord.ButtonStyle] = {
    "going": discord.ButtonStyle.success,
    "maybe": discord.ButtonStyle.secondary,
    "no": discord.ButtonStyle.secondary,
}


def core_of(interaction: discord.Interaction[Any]) -> BotCore:
    """The `BotCore` of the client that received the interaction."""
    core: BotCore = interaction.client.core
    return core


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
                core_of(interaction).more_sources, self.question_id
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
                core_of(interaction).feedback,
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
    once Discord accepted the post (`BotCore.escalate` / `escalation_done`); a refused or
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
            core = core_of(interaction)
            escalation = await asyncio.to_thread(
                core.escalate, self.question_id, actor_of(interaction)
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
                posted = await self._post(interaction, core.settings, escalation)
            finally:
                await self._done(core, escalation, posted)
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
    async def _done(core: BotCore, escalation: Escalation, posted: bool) -> None:
        """Record the hand-off (or release it); a failed write is logged, not shown: the
        officers have the post either way."""
        try:
            await asyncio.to_thread(core.escalation_done, escalation, posted=posted)
        except Exception:
            log.warning(
                "could not record the hand-off of question %s",
                escalation.question_id,
                exc_info=True,
            )


class RsvpButton(
    discord.ui.DynamicItem[Btn],
    template=r"ab:rsvp:(?P<item>[0-9]{1,18}):(?P<occ>[0-9]{1,12}):(?P<answer>going|maybe|no)",
):
    """Going / Maybe / Can't for one meeting occurrence, with the live count on the button.

    The custom id carries the item id and the occurrence's Unix start, so the button works on a
    week-old reminder after a restart. A click stores the member's answer (replacing an earlier
    one), edits the message so every button shows the new counts, and tells the member
    privately what was recorded.
    """

    def __init__(self, item_id: int, occurrence_ts: int, answer: Answer, count: int = 0) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"{RSVP_LABELS[answer]} ({count})",
                emoji=RSVP_EMOJI[answer],
                style=RSVP_STYLES[answer],
                custom_id=f"ab:rsvp:{item_id}:{occurrence_ts}:{answer}",
            )
        )
        self.item_id = item_id
        self.occurrence_ts = occurrence_ts
        self.answer: Answer = answer

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RsvpButton:
        return cls(int(match["item"]), int(match["occ"]), _ANSWER_OF[match["answer"]])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            calendar: CalendarActions = interaction.client.calendar
            result = await asyncio.to_thread(
                calendar.answer_rsvp,
                actor_of(interaction),
                self.item_id,
                self.occurrence_ts,
                self.answer,
            )
            await interaction.response.edit_message(
                view=rsvp_view(self.item_id, self.occurrence_ts, result.counts),
                allowed_mentions=discord.AllowedMentions.none(),
            )
            said = {"going": "you're going", "maybe": "you might come", "no": "you can't come"}
            text = (
                f"Noted: {said[self.answer]}. Press another button to change your answer."
                if result.changed
                else f"You already said {said[self.answer]}; nothing changed."
            )
            await send(interaction, notice(text), ephemeral=True)
        except Exception as exc:
            await report_error(interaction, exc)


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
            shown = await asyncio.to_thread(core_of(interaction).suggested_section, self.key)
            reply = section_reply(shown.document, shown.heading, shown.passages)
            await send(interaction, reply, ephemeral=True)
        except Exception as exc:
            await report_error(interaction, exc)


def rsvp_view(item_id: int, occurrence_ts: int, counts: Counts | None = None) -> discord.ui.View:
    """The three RSVP buttons for one occurrence, labelled with its counts."""
    counts = counts or Counts()
    view = discord.ui.View(timeout=None)
    for answer in ANSWERS:
        view.add_item(RsvpButton(item_id, occurrence_ts, answer, counts.of(answer)))
    return view


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    MoreSourcesButton,
    FeedbackButton,
    AskPersonButton,
    RsvpButton,
    SectionButton,
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


def reminder_mentions(role_id: int | None) -> tuple[str, discord.AllowedMentions]:
    """The prefix and allowed mentions of a channel reminder: the opt-in reminder role alone.

    Without a configured role (`ALLIANCE_REMINDER_ROLE_ID`) nothing is mentioned at all.
    """
    if role_id is None:
        return "", discord.AllowedMentions.none()
    allowed = discord.AllowedMentions(
        everyone=False, users=False, replied_user=False, roles=[discord.Object(role_id)]
    )
    return f"<@&{role_id}> ", allowed


async def reminder_view(client: Any, reminder: Reminder) -> discord.ui.View | None:
    """RSVP buttons for a meeting reminder, labelled with the counts so far (None: deadlines).

    The counts are read in a worker thread; if the database cannot be read the buttons go out
    at zero and the first click corrects them.
    """
    if reminder.kind != "meeting":
        return None
    occurrence = ts(reminder.event)
    calendar: CalendarActions | None = getattr(client, "calendar", None)
    counts = None
    if calendar is not None:
        try:
            counts = await asyncio.to_thread(
                calendar.occurrence_counts, reminder.item_id, occurrence
            )
        except Exception as exc:
            log.warning("RSVP counts unavailable for item %d: %s", reminder.item_id, exc)
    return rsvp_view(reminder.item_id, occurrence, counts)
