"""A database locked by another process, through the real client against the fake Discord.

Another connection holds `BEGIN IMMEDIATE` (what an operator's `sqlite3` shell, a backup or a CLI
write does). No schedule command runs SQLite on the event loop, so `/help` answers at once and a
write such as `/subscribe` answers "busy, try again" within Discord's 3-second window; reads
(WAL) keep working, and once the lock is gone the same command succeeds.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from bot.common.db import BUSY_MESSAGE
from tests.e2e import fake_discord as fd

#: Discord drops an interaction not answered (or deferred) within 3 seconds.
DISCORD_WINDOW = 3.0


async def first_response_seconds(fake: fd.FakeDiscord, name: str, **kw: Any) -> tuple[float, Any]:
    """Seconds from dispatching `/name` until the bot's first callback (reply or defer)."""
    started = time.monotonic()
    ix = await fake.slash(name, **kw)
    await fake.wait_for(
        lambda: [
            r
            for r in fake.requests
            if r.route == "callback" and f"/interactions/{ix.id}/" in r.path and r.status
        ],
        10,
        f"a first response to /{name}",
    )
    return time.monotonic() - started, ix


async def test_locked_database_keeps_help_fast_and_subscribe_says_busy(fake, bot):
    holder = sqlite3.connect(str(bot.settings.db_path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        help_latency, ix = await first_response_seconds(fake, "help")
        assert "/ask" in (await fake.reply(ix)).text
        sub_latency, ix = await first_response_seconds(fake, "subscribe")
        busy = await fake.reply(ix)
        assert busy.ephemeral and busy.content == BUSY_MESSAGE
        assert sub_latency < DISCORD_WINDOW and help_latency < DISCORD_WINDOW
        nxt = await fake.reply(await fake.slash("next"))  # reads are not blocked by a writer
        assert "Next meeting" in nxt.text
        assert bot.app.schedule.service.subscriptions(fd.MEMBER_ID) == {}
        # While a /subscribe waits for the lock in its worker thread, /help is answered first.
        waiting = await fake.slash("unsubscribe")
        help_reply = await fake.reply(await fake.slash("help"))
        assert "/ask" in help_reply.text
        assert not fake._replies(waiting), "/help waited for the blocked /unsubscribe"
        assert (await fake.reply(waiting)).content == BUSY_MESSAGE
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    done = await fake.reply(await fake.slash("subscribe"))
    assert "I'll DM you reminders" in done.content
    assert bot.app.schedule.service.subscriptions(fd.MEMBER_ID) == {None: True}
