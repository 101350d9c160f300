"""The reminder marker and the history check of `DiscordReminderSender` (no network: stand-ins
for the client and channel; the real client against the fake Discord is in tests/e2e)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import discord
import pytest

from bot.schedule.delivery import DiscordReminderSender, marker, reminder_content
from bot.schedule.domain.errors import PermanentSendError, RetryableSendError
from bot.schedule.domain.models import Reminder

NOW = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)
BOT = 900
NONCE = "0a1b2c3d4e5f-17"


def reminder(**kw) -> Reminder:
    base = dict(
        item_id=1,
        kind="meeting",
        title="Coalition call",
        event=NOW + timedelta(hours=2),
        end=NOW + timedelta(hours=3),
        lead=timedelta(hours=1),
        due=NOW,
        late=False,
        location=None,
        link=None,
        description=None,
        nonce=NONCE,
        delivery_id=17,
    )
    base.update(kw)
    return Reminder(**base)


def message(author: int, content: str) -> SimpleNamespace:
    return SimpleNamespace(author=SimpleNamespace(id=author), content=content)


class History:
    def __init__(self, messages, error=None):
        self.messages = messages
        self.error = error
        self.calls = []

    def history(self, **kwargs):
        self.calls.append(kwargs)
        return self._iter()

    async def _iter(self):
        if self.error:
            raise self.error
        for m in self.messages:
            yield m


def client_with(channel) -> SimpleNamespace:
    async def create_dm(user):
        return channel

    return SimpleNamespace(
        user=SimpleNamespace(id=BOT),
        get_partial_messageable=lambda cid: channel,
        create_dm=create_dm,
    )


def test_the_marker_is_the_last_line_and_survives_the_2000_char_limit():
    text = reminder_content(reminder(description="x" * 5000))
    assert len(text) == 2000
    assert text.splitlines()[-1] == marker(NONCE) == f"-# ref {NONCE}"


async def test_finds_its_own_message_by_the_marker_since_the_claim():
    channel = History(
        [message(BOT, "old reminder\n-# ref other-1"), message(BOT, reminder_content(reminder()))]
    )
    found = await DiscordReminderSender(client_with(channel)).find_sent(
        "channel", 42, reminder(), NOW
    )
    assert found
    call = channel.calls[0]
    assert call["oldest_first"] is True and call["limit"] == 500
    assert discord.utils.snowflake_time(call["after"].id) <= NOW


async def test_a_member_quoting_the_marker_or_another_delivery_does_not_count():
    channel = History(
        [
            message(12345, reminder_content(reminder())),  # a member pasted it
            message(BOT, reminder_content(reminder(nonce="0a1b2c3d4e5f-170"))),
            message(BOT, f"-# ref {NONCE} and more"),
        ]
    )
    assert not await DiscordReminderSender(client_with(channel)).find_sent("dm", 7, reminder(), NOW)


@pytest.mark.parametrize(
    ("status", "kind"),
    [(503, RetryableSendError), (403, PermanentSendError)],
)
async def test_a_history_failure_is_reported_like_a_send_failure(status, kind):
    response = SimpleNamespace(status=status, reason="x", headers={})
    cls = discord.DiscordServerError if status >= 500 else discord.Forbidden
    channel = History([], error=cls(response, {"code": 50001, "message": "Missing Access"}))
    with pytest.raises(kind):
        await DiscordReminderSender(client_with(channel)).find_sent("channel", 42, reminder(), NOW)
