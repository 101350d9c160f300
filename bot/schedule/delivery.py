"""Reminder delivery over discord.py: the schedule's `ReminderSender` protocol.

Channel reminders are posted to the item's (or the default announcement) channel; DMs go to
members who opted in. Mentions are off: a reminder quotes admin-written text; a channel reminder
mentions only the opt-in reminder role (`ALLIANCE_REMINDER_ROLE_ID`), when one is set. Meeting
reminders carry the RSVP buttons (`bot.schedule.views.reminder_view`). Outcomes map to the
scheduler's retry policy: HTTP 429 and 5xx, timeouts and connection errors are retryable
(discord.py has already retried 429/5xx a few times by then); Forbidden (missing access, DMs
closed), NotFound (deleted channel/user) and other 4xx are permanent and recorded.

The marker: every reminder ends with a subtext line `-# ref <nonce>` (the nonce is
`<install token>-<delivery id>`, also sent as Discord's message nonce). Discord does not reliably
return a message's nonce when history is read back, but it always returns the content of the
bot's own messages, so the marker line is what `find_sent` looks for: a message in the channel
(or the member's DM channel) after the claim, written by this bot, whose last line is exactly that
marker. The body is cut before the marker, never the marker, to stay within 2,000 characters.
The scan reads at most `HISTORY_SCAN` messages after the claim, oldest first; the reminder, if
it was posted, is among the first of them unless the channel saw hundreds of messages within
the seconds of the attempt. Reading channel history needs the Read Message History
permission; without it the check fails and the scheduler does not resend (see
`bot.schedule.domain.scheduler`).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

import aiohttp
import discord

from bot.schedule.domain.display import render_reminder
from bot.schedule.domain.errors import PermanentSendError, RetryableSendError
from bot.schedule.domain.models import Reminder
from bot.schedule.views import reminder_mentions, reminder_view

log = logging.getLogger(__name__)

NONCE_MAX = 25
MAX_CONTENT = 2000
#: How many of the channel's messages after the claim are read before concluding "not there".
HISTORY_SCAN = 500


def marker(nonce: str) -> str:
    """The last line of a reminder message: small, visible, and what reconciliation matches."""
    return f"-# ref {nonce}"


def reminder_content(reminder: Reminder, prefix: str = "") -> str:
    """The message text: `prefix` (a role mention), the rendered reminder cut to fit, then the
    marker line, which stays last so the history check finds it."""
    tail = "\n" + marker(reminder.nonce)
    return prefix + render_reminder(reminder)[: MAX_CONTENT - len(prefix) - len(tail)] + tail


class DiscordReminderSender:
    """Sends reminders through a connected discord.py client."""

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def send_channel(self, channel_id: int, reminder: Reminder) -> None:
        """Post in a text channel by id (no cache needed)."""
        channel = self.client.get_partial_messageable(channel_id)
        await self._send(channel, reminder, f"channel {channel_id}", channel=True)

    async def send_dm(self, user_id: int, reminder: Reminder) -> None:
        """Open (or reuse) the member's DM channel and send."""
        try:
            dm = await self.client.create_dm(discord.Object(user_id))
        except Exception as exc:
            raise classify(exc, f"DM to {user_id}") from exc
        await self._send(dm, reminder, f"DM to {user_id}")

    async def find_sent(
        self, target: str, target_id: int, reminder: Reminder, since: datetime
    ) -> bool:
        """Whether this bot already posted `reminder` there after `since` (by its marker)."""
        where = f"channel {target_id}" if target == "channel" else f"DM to {target_id}"
        me = self.client.user
        if me is None:
            raise RetryableSendError(f"{where}: not logged in yet")
        try:
            channel: Any
            if target == "channel":
                channel = self.client.get_partial_messageable(target_id)
            else:
                channel = await self.client.create_dm(discord.Object(target_id))
            after = discord.Object(id=discord.utils.time_snowflake(since, high=False))
            line = marker(reminder.nonce)
            async for message in channel.history(
                limit=HISTORY_SCAN, after=after, oldest_first=True
            ):
                if message.author.id == me.id and message.content.rsplit("\n", 1)[-1] == line:
                    return True
        except Exception as exc:
            raise classify(exc, f"{where} (history)") from exc
        return False

    async def _send(
        self,
        target: discord.abc.Messageable,
        reminder: Reminder,
        where: str,
        *,
        channel: bool = False,
    ) -> None:
        role_id = getattr(getattr(self.client, "settings", None), "reminder_role_id", None)
        prefix, allowed = reminder_mentions(role_id if channel else None)
        kwargs: dict[str, Any] = {"allowed_mentions": allowed}
        if reminder.nonce and len(reminder.nonce) <= NONCE_MAX:
            kwargs["nonce"] = reminder.nonce
        view = await reminder_view(self.client, reminder)
        if view is not None:
            kwargs["view"] = view
        try:
            await target.send(reminder_content(reminder, prefix), **kwargs)
        except Exception as exc:
            raise classify(exc, where) from exc


def classify(exc: BaseException, where: str) -> Exception:
    """Turn a discord.py/aiohttp failure into the scheduler's retryable/permanent outcome."""
    if isinstance(exc, discord.Forbidden | discord.NotFound):
        return PermanentSendError(f"{where}: {type(exc).__name__} ({exc.status} {exc.code})")
    if isinstance(exc, discord.HTTPException):
        if exc.status == 429:
            retry = getattr(exc.response, "headers", {}).get("Retry-After")
            try:
                after = float(retry) if retry is not None else None
            except ValueError:
                after = None
            return RetryableSendError(f"{where}: rate limited (429)", retry_after=after)
        if exc.status >= 500:
            return RetryableSendError(f"{where}: Discord server error {exc.status}")
        return PermanentSendError(f"{where}: rejected by Discord ({exc.status} {exc.code})")
    if isinstance(exc, asyncio.TimeoutError | aiohttp.ClientError | OSError):
        return RetryableSendError(f"{where}: network problem ({type(exc).__name__})")
    if isinstance(exc, PermanentSendError | RetryableSendError):
        return exc
    return RetryableSendError(f"{where}: unexpected {type(exc).__name__}")
