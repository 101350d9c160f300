"""RSVP buttons under meeting reminders (Going / Maybe / Can't with live counts), and the
mentions a channel reminder may make (the opt-in reminder role alone)."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import discord

from bot.common.cards import notice
from bot.common.interaction import actor_of, report_error, send
from bot.schedule.calendar import CalendarActions
from bot.schedule.domain.models import Reminder, ts
from bot.schedule.domain.rsvp import ANSWERS, Answer, Counts
from bot.schedule.domain.rsvp import EMOJI as RSVP_EMOJI
from bot.schedule.domain.rsvp import LABELS as RSVP_LABELS

log = logging.getLogger(__name__)

Btn = discord.ui.Button[discord.ui.View]
_ANSWER_OF: dict[str, Answer] = {answer: answer for answer in ANSWERS}
RSVP_STYLES: dict[Answer, discord.ButtonStyle] = {
    "going": discord.ButtonStyle.success,
    "maybe": discord.ButtonStyle.secondary,
    "no": discord.ButtonStyle.secondary,
}


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
            calendar: CalendarActions = interaction.client.app.calendar
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


def rsvp_view(item_id: int, occurrence_ts: int, counts: Counts | None = None) -> discord.ui.View:
    """The three RSVP buttons for one occurrence, labelled with its counts."""
    counts = counts or Counts()
    view = discord.ui.View(timeout=None)
    for answer in ANSWERS:
        view.add_item(RsvpButton(item_id, occurrence_ts, answer, counts.of(answer)))
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
    app = getattr(client, "app", None)
    calendar: CalendarActions | None = getattr(app, "calendar", None)
    counts = None
    if calendar is not None:
        try:
            counts = await asyncio.to_thread(
                calendar.occurrence_counts, reminder.item_id, occurrence
            )
        except Exception as exc:
            log.warning("RSVP counts unavailable for item %d: %s", reminder.item_id, exc)
    return rsvp_view(reminder.item_id, occurrence, counts)
