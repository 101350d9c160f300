"""The delivery ledger under faults: unknown outcomes are reconciled before any resend, failed
outcome writes are retried while running, nonces are per install, catch-up after downtime is one
message per item, and the event loop keeps running while another process holds the database.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import UTC, timedelta

from bot.common.db import connect
from bot.schedule.domain import store
from bot.schedule.domain.clock import SystemClock
from bot.schedule.domain.errors import PermanentSendError, RetryableSendError
from bot.schedule.domain.service import ScheduleService

from .conftest import DENVER, local, make_env

CHANNEL = 555
DUE = local(2026, 11, 24, 8, 0).astimezone(UTC)  # the 1-hour reminder of a 9:00 meeting


def ledger(env):
    rows = env.service.conn.execute(
        "SELECT state, attempts, last_error, verify FROM schedule_deliveries ORDER BY id"
    )
    return [tuple(r) for r in rows]


async def test_a_lost_answer_is_found_by_the_check_and_not_sent_again(env):
    env.service.add_meeting("M", "Nov 24 at 9:00", channel_id=CHANNEL, leads=["1h"])
    env.sender.lost_answer.add(("channel", CHANNEL))
    await env.start()
    await env.run_until(DUE)
    assert ledger(env)[0][0] == "pending" and ledger(env)[0][3] == 1  # outcome unknown
    await env.run_for(timedelta(minutes=5))
    assert len(env.sender.sent) == 1 and len(env.sender.attempts) == 1
    assert env.sender.checks == [("channel", CHANNEL, env.sender.sent[0].reminder.nonce)]
    assert ledger(env)[0][:3] == ("sent", 2, "reconciled")
    await env.stop()


async def test_a_429_proves_nothing_was_posted_so_no_check_is_needed(env):
    env.service.add_meeting("M", "Nov 24 at 9:00", channel_id=CHANNEL, leads=["1h"])
    env.sender.failures[("channel", CHANNEL)] = [RetryableSendError("429", retry_after=60)]
    await env.start()
    await env.run_until(DUE + timedelta(minutes=5))
    assert len(env.sender.sent) == 1 and env.sender.checks == []
    await env.stop()


async def test_crash_after_delivery_is_reconciled_on_restart(env):
    env.service.add_meeting("M", "Nov 24 at 9:00", channel_id=CHANNEL, leads=["1h"])
    env.sender.hang_after_delivery.add(("channel", CHANNEL))
    await env.start()
    env.clock.set(DUE)
    await asyncio.wait_for(env.sender.started.wait(), 5)
    await env.stop()  # the process dies: Discord has the message, the ledger says "sending"
    assert ledger(env)[0][0] == "sending"
    await env.start()
    assert len(env.sender.sent) == 1 and len(env.sender.attempts) == 1
    assert ledger(env)[0][:3] == ("sent", 2, "reconciled")
    await env.stop()


async def test_a_failing_check_is_retried_then_gives_up_without_sending(tmp_path):
    env = make_env(tmp_path, max_checks=3)
    env.service.add_meeting("M", "Nov 24 at 9:00", channel_id=CHANNEL, leads=["1h"])
    env.sender.lost_answer.add(("channel", CHANNEL))
    env.sender.check_failures = [RetryableSendError("history: 503")] * 5
    await env.start()
    await env.run_until(DUE + timedelta(minutes=50))
    assert len(env.sender.checks) == 3
    assert len(env.sender.attempts) == 1  # never sent again
    state, _, error, _ = ledger(env)[0]
    assert state == "failed" and "could not confirm" in error
    await env.stop()


async def test_a_check_refused_for_good_fails_at_once(env):
    env.service.add_meeting("M", "Nov 24 at 9:00", channel_id=CHANNEL, leads=["1h"])
    env.sender.lost_answer.add(("channel", CHANNEL))
    env.sender.check_failures = [PermanentSendError("Missing Access (Read Message History)")]
    await env.start()
    await env.run_until(DUE + timedelta(minutes=50))
    assert len(env.sender.checks) == 1 and len(env.sender.attempts) == 1
    assert ledger(env)[0][0] == "failed"
    await env.stop()


async def test_a_failed_mark_sent_is_retried_in_memory_and_never_resent(tmp_path):
    env = make_env(tmp_path, busy_timeout=0.05)
    env.service.add_meeting("M", "Nov 24 at 9:00", channel_id=CHANNEL, leads=["1h"])
    locker = sqlite3.connect(env.path, isolation_level=None)
    env.sender.on_send.append(lambda _record: locker.execute("BEGIN IMMEDIATE"))
    await env.start()
    env.clock.set(DUE)
    await env.scheduler.settled()
    assert env.scheduler.unrecorded == 1 and ledger(env)[0][0] == "sending"
    env.clock.advance(timedelta(seconds=1))  # still locked: the retry fails and backs off
    await env.scheduler.settled()
    assert env.scheduler.unrecorded == 1 and env.scheduler.stats["mark_failed"] == 1
    locker.execute("COMMIT")
    locker.close()
    await env.run_for(timedelta(seconds=5))
    assert env.scheduler.unrecorded == 0
    assert ledger(env)[0][0] == "sent"
    await env.stop()
    await env.start()  # and a restart does not send it again
    await env.run_for(timedelta(minutes=30))
    assert len(env.sender.attempts) == 1
    await env.stop()


async def test_nonces_differ_between_two_databases(tmp_path):
    nonces = []
    for name in ("a", "b"):
        conn = connect(tmp_path / f"{name}.sqlite3")
        ScheduleService(conn, DENVER, SystemClock())  # migrates
        token = store.install_token(conn)
        assert token == store.install_token(conn)  # stable for one database
        nonces.append(store.delivery_nonce(token, 1))
        conn.close()
    assert nonces[0] != nonces[1]
    assert all(len(store.delivery_nonce(n.split("-")[0], 10**12 - 1)) <= 25 for n in nonces)


async def test_downtime_across_leads_sends_one_catch_up_per_item(env):
    env.service.add_deadline("Report", "Dec 3 at 17:00", channel_id=CHANNEL)  # 7 d, 1 d, 2 h
    env.service.add_meeting("M", "Dec 3 at 9:00", channel_id=CHANNEL, leads=["1d", "1h"])
    await env.start()
    await env.stop()
    env.clock.set(local(2026, 12, 3, 8, 30).astimezone(UTC))  # down past both items' first leads
    await env.start()
    sent = sorted((s.reminder.title, s.reminder.lead, s.reminder.late) for s in env.sender.sent)
    assert sent == [("M", timedelta(hours=1), True), ("Report", timedelta(days=1), True)]
    assert env.scheduler.stats["superseded"] == 2
    await env.run_until(local(2026, 12, 3, 16, 0).astimezone(UTC))
    assert [s.reminder.lead for s in env.sender.sent if s.reminder.title == "Report"] == [
        timedelta(days=1),
        timedelta(hours=2),
    ]  # the lead still ahead is sent on time as usual
    await env.stop()


async def test_the_event_loop_keeps_running_while_the_database_is_locked(tmp_path):
    env = make_env(tmp_path, busy_timeout=1.5)
    env.service.add_meeting("M", "Nov 24 at 9:00", channel_id=CHANNEL, leads=["1h"])
    await env.start()
    locker = sqlite3.connect(env.path, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    gaps: list[float] = []
    stop = asyncio.Event()

    async def heartbeat() -> None:
        last = time.monotonic()
        while not stop.is_set():
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    beat = asyncio.create_task(heartbeat())
    env.clock.set(DUE)  # the fire transaction now waits for the lock, in a worker thread
    await env.scheduler.settled()
    stop.set()
    await beat
    locker.execute("COMMIT")
    locker.close()
    assert env.scheduler.stats["loop_errors"] >= 1  # it waited 1.5 s and gave up for now
    assert max(gaps) < 0.5, max(gaps)
    await env.run_for(timedelta(seconds=10))
    assert len(env.sender.sent) == 1
    await env.stop()
