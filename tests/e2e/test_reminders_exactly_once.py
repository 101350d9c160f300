"""Reminders exactly once without leaning on Discord's nonce check, through the real client.

Each test drives the real discord.py client against the fake Discord with an injected clock. The
fake's nonce window is set to 0 where a test models "Discord no longer remembers the nonce" (a
restart after its few minutes), so only the bot's own reconciliation can keep a message single.
Storage faults use a real second connection holding `BEGIN IMMEDIATE` on the bot's database.
"""

from __future__ import annotations

import asyncio
import logging
import math
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.schedule.domain.clock import ManualClock
from bot.schedule.domain.scheduler import SchedulerConfig
from tests.e2e import fake_discord as fd

ADMIN = {"user_id": fd.ADMIN_ID, "permissions": fd.ADMIN_PERMS}
ANNOUNCE = rf"/channels/{fd.ANNOUNCE_CHANNEL_ID}/messages$"


def config(**kw: Any) -> SchedulerConfig:
    base: dict[str, Any] = {
        "default_channel_id": fd.ANNOUNCE_CHANNEL_ID,
        "external_check_interval": 86400.0,
        "busy_timeout": 0.2,
    }
    return SchedulerConfig(**{**base, **kw})


def start_time() -> datetime:
    """Now, to the second: the fake's snowflakes and the bot's claim times share one clock."""
    return datetime.fromtimestamp(int(time.time()), UTC)


async def eventually(check: Callable[[], Any], what: str, timeout: float = 15.0) -> Any:
    """Poll `check` until it is truthy (for state that lives in the bot, not in requests)."""
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        value = check()
        if value:
            return value
        await asyncio.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def deliveries(db_path: Any) -> list[tuple[str, str | None]]:
    with sqlite3.connect(db_path) as db:
        return [
            (r[0], r[1])
            for r in db.execute("SELECT state, last_error FROM schedule_deliveries ORDER BY id")
        ]


async def add_meeting(fake: fd.FakeDiscord, when: str, title: str = "Coalition call") -> None:
    reply = await fake.reply(
        await fake.slash("schedule", {"title": title, "when": when}, sub="add-meeting", **ADMIN)
    )
    assert reply.content.startswith("Scheduled: #"), reply.content


def announced(fake: fd.FakeDiscord, title: str = "Coalition call") -> list[dict[str, Any]]:
    return [m for m in fake.created(fd.ANNOUNCE_CHANNEL_ID) if title in m["content"]]


@pytest.fixture
def clock(fake: fd.FakeDiscord) -> ManualClock:
    manual = ManualClock(start_time())
    fake.clock = manual.now
    return manual


async def test_created_then_500_is_found_in_history_not_posted_again(
    fake, runner, make_settings, clock
):
    fake.nonce_window = 0  # Discord's nonce check does not help
    bot = await runner.start(make_settings(), clock=clock, scheduler_config=config())
    await add_meeting(fake, "in 3 hours")
    await bot.scheduler.settled()
    fake.fail_after_create("POST", ANNOUNCE, 503)
    clock.advance(timedelta(hours=2))  # the 1-hour reminder falls due
    first = await fake.wait_request("POST", ANNOUNCE)
    assert first.status == 503 and len(announced(fake)) == 1
    await bot.scheduler.settled()
    clock.advance(timedelta(minutes=5))  # past the retry backoff
    await fake.wait_request("GET", rf"/channels/{fd.ANNOUNCE_CHANNEL_ID}/messages$")
    await bot.scheduler.settled()
    assert len(announced(fake)) == 1
    assert len(fake.find_requests("POST", ANNOUNCE)) == 1
    assert deliveries(bot.settings.db_path) == [("sent", "reconciled")]
    assert announced(fake)[0]["content"].splitlines()[-1].startswith("-# ref ")


async def test_killed_after_discord_created_it_is_reconciled_on_restart(
    fake, runner, make_settings, clock
):
    fake.nonce_window = 0  # the restart comes after Discord forgot the nonce
    settings = make_settings()
    first = await runner.start(settings, clock=clock, scheduler_config=config())
    await add_meeting(fake, "in 3 hours")
    await first.scheduler.settled()
    fake.delay_next("POST", ANNOUNCE, math.inf, after_create=True)  # created, answer never comes
    clock.advance(timedelta(hours=2))
    await fake.wait_for(lambda: announced(fake), what="the reminder to be created")
    await runner.stop(first)  # the process goes away mid-send
    assert deliveries(settings.db_path)[0][0] == "sending"

    second = await runner.start(settings, clock=clock, scheduler_config=config())
    await fake.wait_request("GET", rf"/channels/{fd.ANNOUNCE_CHANNEL_ID}/messages$")
    await second.scheduler.settled()
    assert len(announced(fake)) == 1
    assert deliveries(settings.db_path) == [("sent", "reconciled")]


async def test_killed_before_discord_created_it_is_sent_on_restart(
    fake, runner, make_settings, clock
):
    fake.nonce_window = 0
    settings = make_settings()
    first = await runner.start(settings, clock=clock, scheduler_config=config())
    await add_meeting(fake, "in 3 hours")
    await first.scheduler.settled()
    fake.delay_next("POST", ANNOUNCE, math.inf)  # held before anything is created
    clock.advance(timedelta(hours=2))
    await eventually(lambda: fake.delay_rules[-1].remaining == 0, "the post to reach Discord")
    await runner.stop(first)
    assert announced(fake) == []

    second = await runner.start(settings, clock=clock, scheduler_config=config())
    await fake.wait_for(lambda: announced(fake), what="the reminder after the restart")
    await second.scheduler.settled()
    assert len(announced(fake)) == 1
    assert deliveries(settings.db_path) == [("sent", None)]


async def test_failed_mark_sent_is_retried_while_running_and_never_resent(
    fake, runner, make_settings, clock, caplog
):
    fake.nonce_window = 0
    settings = make_settings()
    bot = await runner.start(settings, clock=clock, scheduler_config=config())
    await add_meeting(fake, "in 3 hours")
    await bot.scheduler.settled()
    locker = sqlite3.connect(settings.db_path, isolation_level=None)

    def lock_when_created(msg: dict[str, Any]) -> None:
        if "Coalition call" in msg["content"] and not locker.in_transaction:
            locker.execute("BEGIN IMMEDIATE")  # a backup or an operator's shell holds the lock

    fake.on_message.append(lock_when_created)
    with caplog.at_level(logging.WARNING, logger="bot.schedule.domain.scheduler"):
        clock.advance(timedelta(hours=2))
        await eventually(lambda: bot.scheduler.unrecorded == 1, "the failed mark-sent")
        assert deliveries(settings.db_path)[0][0] == "sending"
        locker.execute("COMMIT")
        await bot.scheduler.settled()
        clock.advance(timedelta(seconds=2))  # the in-memory retry's backoff
        await eventually(lambda: deliveries(settings.db_path)[0][0] == "sent", "the retry")
    locker.close()
    assert bot.scheduler.unrecorded == 0
    assert any("will not be sent again" in r.getMessage() for r in caplog.records)
    await bot.scheduler.settled()
    await runner.stop(bot)

    again = await runner.start(settings, clock=clock, scheduler_config=config())
    await again.scheduler.settled()
    assert len(announced(fake)) == 1
    assert len(fake.find_requests("POST", ANNOUNCE)) == 1


async def test_history_check_failing_never_risks_a_duplicate(fake, runner, make_settings, clock):
    fake.nonce_window = 0
    settings = make_settings()
    bot = await runner.start(settings, clock=clock, scheduler_config=config(max_checks=3))
    await add_meeting(fake, "in 3 hours")
    await bot.scheduler.settled()
    fake.fail_after_create("POST", ANNOUNCE, 503)
    fake.fail_next("GET", rf"/channels/{fd.ANNOUNCE_CHANNEL_ID}/messages$", 503, times=10)
    clock.advance(timedelta(hours=2))
    await fake.wait_request("POST", ANNOUNCE)
    for _ in range(6):
        await bot.scheduler.settled()
        clock.advance(timedelta(minutes=10))
    await bot.scheduler.settled()
    checks = fake.find_requests("GET", rf"/channels/{fd.ANNOUNCE_CHANNEL_ID}/messages$")
    assert len(checks) == 3  # bounded
    assert len(fake.find_requests("POST", ANNOUNCE)) == 1 and len(announced(fake)) == 1
    state, error = deliveries(settings.db_path)[0]
    assert state == "failed" and "could not confirm" in (error or "")


async def test_two_installs_never_share_a_nonce(fake, runner, make_settings, clock, tmp_path):
    # Discord's nonce check is on (5 minutes): a shared nonce would swallow the second reminder.
    for n, data in enumerate(("data-a", "data-b")):
        bot = await runner.start(
            make_settings(data_dir=tmp_path / data), clock=clock, scheduler_config=config()
        )
        await add_meeting(fake, "in 3 hours", title=f"Call {n}")
        await bot.scheduler.settled()
        clock.advance(timedelta(hours=2))
        await fake.wait_for(lambda n=n: announced(fake, f"Call {n}"), what=f"Call {n}")
        await bot.scheduler.settled()
        await runner.stop(bot)
    posts = fake.find_requests("POST", ANNOUNCE)
    nonces = [p.json["nonce"] for p in posts]
    assert len(posts) == 2 and len(set(nonces)) == 2, nonces
    assert fake.duplicates_refused == 0


async def test_downtime_past_several_leads_posts_one_catch_up_message(
    fake, runner, make_settings, clock
):
    settings = make_settings()
    first = await runner.start(settings, clock=clock, scheduler_config=config())
    reply = await fake.reply(
        await fake.slash(
            "schedule", {"title": "Grant report", "due": "in 10 days"}, sub="add-deadline", **ADMIN
        )
    )
    assert reply.content.startswith("Recorded: #"), reply.content
    await first.scheduler.settled()
    await runner.stop(first)
    clock.advance(timedelta(days=9, hours=12))  # down past the 7-day and 1-day leads
    second = await runner.start(settings, clock=clock, scheduler_config=config())
    await fake.wait_for(lambda: announced(fake, "Grant report"), what="the catch-up reminder")
    await second.scheduler.settled()
    posts = announced(fake, "Grant report")
    assert len(posts) == 1
    text = posts[0]["content"]
    assert "Sent late" in text and "1-day reminder" in text and "is due <t:" in text


async def test_send_timeout_is_retried_without_a_traceback(fake, runner, make_settings, clock):
    asyncio_errors: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            asyncio_errors.append(record)

    keep = Keep(logging.ERROR)
    logging.getLogger("asyncio").addHandler(keep)
    try:
        fake.nonce_window = 0
        bot = await runner.start(
            make_settings(), clock=clock, scheduler_config=config(send_timeout=35.0)
        )
        await add_meeting(fake, "in 3 hours")
        await bot.scheduler.settled()
        fake.delay_next("POST", ANNOUNCE, math.inf)  # Discord does not answer
        clock.advance(timedelta(hours=2))
        await eventually(lambda: fake.delay_rules[-1].remaining == 0, "the held post")
        await eventually(lambda: clock.sleeping, "the send timer")
        clock.advance(timedelta(seconds=35))  # the send timeout fires
        await bot.scheduler.settled()
        fake.release()
        clock.advance(timedelta(minutes=5))
        await fake.wait_for(lambda: announced(fake), what="the retried reminder")
        await bot.scheduler.settled()
        await asyncio.sleep(0)
    finally:
        logging.getLogger("asyncio").removeHandler(keep)
    assert len(announced(fake)) == 1
    assert [r.getMessage() for r in asyncio_errors] == []


async def test_a_dm_whose_answer_was_lost_is_found_in_the_dm_channel(
    fake, runner, make_settings, clock
):
    fake.nonce_window = 0
    settings = make_settings()
    bot = await runner.start(settings, clock=clock, scheduler_config=config())
    await add_meeting(fake, "in 3 hours")
    await fake.reply(await fake.slash("subscribe", {}))
    await bot.scheduler.settled()
    dm_channel = fd.MEMBER_ID + 7
    fake.fail_after_create("POST", rf"/channels/{dm_channel}/messages$", 503)
    clock.advance(timedelta(hours=2))
    await fake.wait_request("POST", rf"/channels/{dm_channel}/messages$")
    await bot.scheduler.settled()
    clock.advance(timedelta(minutes=5))
    await fake.wait_request("GET", rf"/channels/{dm_channel}/messages$")
    await bot.scheduler.settled()
    dms = [m for m in fake.created(dm_channel) if "Coalition call" in m["content"]]
    assert len(dms) == 1 and len(announced(fake)) == 1
    assert sorted(deliveries(settings.db_path), key=str) == [("sent", "reconciled"), ("sent", None)]
