"""Persistence across a restart: buttons on a message sent by the previous process still work, and
a reminder that fell due while the bot was down is sent once on start-up, marked late.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from bot.schedule.domain.clock import ManualClock
from tests.e2e import fake_discord as fd

ADMIN = {"user_id": fd.ADMIN_ID, "permissions": fd.ADMIN_PERMS}
ANNOUNCE = rf"/channels/{fd.ANNOUNCE_CHANNEL_ID}/messages$"


async def test_buttons_from_before_a_restart_still_work(fake, runner, make_settings):
    first = await runner.start(make_settings())
    reply = await fake.reply(
        await fake.slash("ask", {"question": "what are the alliance's values?"})
    )
    old_message = fake.message_for(reply)
    await runner.stop(first)

    second = await runner.start(make_settings())  # same data dir, new process state
    assert second is not first and fake.identifies == 2
    down = next(i for i in reply.custom_ids if i.endswith(":down"))
    vote = await fake.reply(await fake.click(old_message, down))
    assert "👎" in vote.content and vote.ephemeral
    qid = int(down.split(":")[2])
    with sqlite3.connect(second.settings.db_path) as db:
        rows = db.execute("SELECT vote FROM bot_feedback WHERE question_id = ?", (qid,)).fetchall()
    assert rows == [(-1,)]

    person = next(i for i in reply.custom_ids if i.startswith("ab:person:"))
    ack = await fake.reply(await fake.click(old_message, person))
    assert "officers" in ack.content
    post = await fake.wait_request("POST", rf"/channels/{fd.OFFICER_CHANNEL_ID}/messages$")
    assert "what are the alliance's values?" in post.json["content"]


async def test_reminder_due_while_down_is_sent_late_once_after_restart(fake, runner, make_settings):
    start = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    meeting = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
    clock = ManualClock(start)
    first = await runner.start(make_settings(), clock=clock)
    reply = await fake.reply(
        await fake.slash(
            "schedule",
            {"title": "Coalition call", "when": "2026-11-25 10:00"},
            sub="add-meeting",
            **ADMIN,
        )
    )
    assert reply.content.startswith("Scheduled: #")
    await first.scheduler.settled()
    await runner.stop(first)

    later = ManualClock(meeting - timedelta(hours=20))  # the 1-day reminder fell due while down
    second = await runner.start(make_settings(), clock=later)
    post = await fake.wait_request("POST", ANNOUNCE)
    assert "Coalition call" in post.json["content"]
    assert "late" in post.json["content"].lower()
    await second.scheduler.settled()
    assert len(fake.find_requests("POST", ANNOUNCE)) == 1
