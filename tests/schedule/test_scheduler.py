"""The reminder engine under a manual clock: on time, once, across restarts, DST and failures."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, timedelta

from bot.common.db import connect
from bot.schedule.domain.errors import PermanentSendError, RetryableSendError
from bot.schedule.domain.service import ScheduleService

from .conftest import DENVER, NOW, local, make_env

CHANNEL = 555


def delivery_states(env):
    rows = env.service.conn.execute(
        "SELECT target, target_id, state, attempts, last_error FROM schedule_deliveries ORDER BY id"
    )
    return [tuple(r) for r in rows]


async def test_sleeps_until_due_and_sends_each_lead_once(env):
    item = env.service.add_meeting("Coalition meeting", "Nov 25 at 9:00", channel_id=CHANNEL)
    sched = await env.start()
    start = local(2026, 11, 25, 9, 0).astimezone(UTC)
    # It sleeps straight to the first due reminder, not minute by minute.
    assert env.clock.next_deadline() == start - timedelta(days=1)
    await env.run_until(start - timedelta(days=1))
    assert env.sent_titles() == [("channel", CHANNEL, "Coalition meeting", 86400)]
    first = env.sender.sent[0]
    assert first.at == start - timedelta(days=1) and not first.reminder.late
    assert first.reminder.event == start and first.reminder.item_id == item.id
    await env.run_until(start + timedelta(days=2))
    assert [s.reminder.lead for s in env.sender.sent] == [timedelta(days=1), timedelta(hours=1)]
    assert env.sender.sent[1].at == start - timedelta(hours=1)
    assert sched.next_due() is None
    await env.stop()


async def test_adding_a_sooner_item_wakes_the_scheduler(env):
    env.service.add_deadline("Far", "Dec 20 at 17:00", channel_id=CHANNEL)
    await env.start()
    far_wake = env.clock.next_deadline()
    env.service.add_meeting("Soon", "in 2 hours", channel_id=CHANNEL)  # 1h reminder due in 1h
    await env.scheduler.settled()
    assert env.clock.next_deadline() == NOW + timedelta(hours=1) < far_wake
    await env.run_for(timedelta(hours=1))
    assert env.sent_titles() == [("channel", CHANNEL, "Soon", 3600)]
    await env.stop()


async def test_restart_neither_loses_nor_repeats(env):
    # Reminders fall due on Nov 25 at 9:00 and Nov 26 at 8:00.
    env.service.add_meeting("M", "Nov 26 at 9:00", channel_id=CHANNEL)
    await env.start()
    await env.run_until(local(2026, 11, 25, 12, 0).astimezone(UTC))
    assert len(env.sender.sent) == 1
    await env.stop()  # the bot goes down ...
    env.clock.set(local(2026, 11, 26, 8, 30).astimezone(UTC))  # ... across the 1-hour reminder
    await env.start()  # a new process: new connection, new scheduler
    sent = env.sender.sent
    assert [s.reminder.lead for s in sent] == [timedelta(days=1), timedelta(hours=1)]
    assert sent[1].reminder.late and sent[1].at == env.clock.now()
    await env.run_until(local(2026, 11, 27, 0, 0).astimezone(UTC))
    await env.stop()
    await env.start()  # and again: nothing is sent twice
    await env.run_for(timedelta(days=3))
    assert len(env.sender.sent) == 2
    await env.stop()


async def test_reminders_for_events_that_passed_while_down_are_skipped(env, caplog):
    env.service.add_meeting("Missed", "Nov 25 at 9:00", channel_id=CHANNEL)
    env.clock.set(local(2026, 11, 25, 10, 0).astimezone(UTC))  # down until after the meeting
    with caplog.at_level(logging.WARNING, logger="bot.schedule.domain.scheduler"):
        await env.start()
    assert env.sender.attempts == []
    assert sum("already passed" in r.getMessage() for r in caplog.records) == 2
    states = env.service.conn.execute("SELECT state FROM schedule_reminders").fetchall()
    assert [s[0] for s in states] == ["skipped", "skipped"]
    await env.stop()


async def test_crash_between_claim_and_mark_resends_with_same_nonce(env):
    env.service.add_meeting("M", "Nov 25 at 9:00", channel_id=CHANNEL)
    env.sender.hang.add(("channel", CHANNEL))
    await env.start()
    env.clock.set(local(2026, 11, 24, 9, 0).astimezone(UTC))
    await asyncio.wait_for(env.sender.started.wait(), 5)
    nonce = env.sender.attempts[0].reminder.nonce
    await env.stop()  # killed mid-send: the delivery is left "sending"
    assert delivery_states(env)[0][2] == "sending"
    env.sender.hang.clear()
    await env.start()
    assert [s.reminder.nonce for s in env.sender.sent] == [nonce]
    assert delivery_states(env)[0][2] == "sent"
    await env.stop()


async def test_weekly_reminders_follow_local_time_across_march_dst(tmp_path):
    env = make_env(tmp_path, now=local(2027, 3, 1, 12, 0).astimezone(UTC))
    env.service.add_meeting(
        "Weekly", "2027-03-09 09:00", repeat="weekly", count=3, channel_id=CHANNEL, leads=["1h"]
    )
    await env.start()
    await env.run_until(local(2027, 3, 31, 0, 0).astimezone(UTC))
    fired = [s.at.astimezone(DENVER).strftime("%m-%d %H:%M %Z") for s in env.sender.sent]
    assert fired == ["03-09 08:00 MST", "03-16 08:00 MDT", "03-23 08:00 MDT"]
    assert env.scheduler.next_due() is None  # the series ended after COUNT=3
    await env.stop()


async def test_weekly_reminders_follow_local_time_across_november_dst(tmp_path):
    env = make_env(tmp_path, now=local(2027, 10, 25, 12, 0).astimezone(UTC))
    env.service.add_meeting(
        "Weekly",
        "2027-10-26 09:00",
        repeat="weekly",
        until="2027-11-09",
        channel_id=CHANNEL,
        leads=["1h"],
    )
    await env.start()
    await env.run_until(local(2027, 12, 1, 0, 0).astimezone(UTC))
    fired = [s.at.astimezone(DENVER).strftime("%m-%d %H:%M %Z") for s in env.sender.sent]
    assert fired == ["10-26 08:00 MDT", "11-02 08:00 MDT", "11-09 08:00 MST"]
    await env.stop()


async def test_endless_series_is_refilled_beyond_the_horizon(env):
    env.service.add_meeting(
        "Weekly", "Nov 24 at 9:00", repeat="weekly", channel_id=CHANNEL, leads=["1h"]
    )
    rows = env.service.conn.execute("SELECT COUNT(*) FROM schedule_reminders").fetchone()[0]
    assert rows < 10  # only a horizon's worth is materialised
    await env.start()
    await env.run_until(local(2027, 2, 17, 0, 0).astimezone(UTC))  # 13 weeks
    assert len(env.sender.sent) == 13  # Nov 24 ... Feb 16
    assert all(s.at.astimezone(DENVER).hour == 8 for s in env.sender.sent)
    await env.stop()


async def test_edit_moves_and_cancel_removes_pending_reminders(env):
    moved = env.service.add_meeting("Moved", "Nov 25 at 9:00", channel_id=CHANNEL, leads=["1h"])
    gone = env.service.add_meeting("Gone", "Nov 25 at 10:00", channel_id=CHANNEL, leads=["1h"])
    await env.start()
    env.service.edit(moved.id, when="Nov 25 at 15:00")
    env.service.cancel(gone.id)
    await env.run_until(local(2026, 11, 26, 0, 0).astimezone(UTC))
    assert [(s.reminder.title, s.at.astimezone(DENVER).hour) for s in env.sender.sent] == [
        ("Moved", 14)
    ]
    await env.stop()


async def test_changes_from_another_process_are_noticed(tmp_path):
    env = make_env(tmp_path, external_check_interval=15.0)
    await env.start()
    env.service.on_change = None  # pretend the change comes from the CLI: no in-process notify
    cli = ScheduleService(connect(env.path), DENVER, env.clock)
    cli.add_meeting("From CLI", "in 90 minutes", channel_id=CHANNEL, leads=["1h"])
    await env.run_for(timedelta(minutes=31))
    assert env.sent_titles() == [("channel", CHANNEL, "From CLI", 3600)]
    assert env.sender.sent[0].at - (NOW + timedelta(minutes=30)) <= timedelta(seconds=15)
    await env.stop()


async def test_dm_subscribers_get_their_own_delivery(env):
    a = env.service.add_meeting("A", "Nov 24 at 9:00", channel_id=CHANNEL, leads=["1h"])
    b = env.service.add_meeting("B", "Nov 24 at 10:00", leads=["1h"])
    env.service.subscribe(1001)  # all
    env.service.unsubscribe(1001, b.id)
    env.service.subscribe(1002, b.id)
    await env.start()
    await env.run_until(local(2026, 11, 24, 12, 0).astimezone(UTC))
    assert sorted((t, i, title) for t, i, title, _ in env.sent_titles()) == [
        ("channel", CHANNEL, "A"), ("dm", 1001, "A"), ("dm", 1002, "B")
    ]  # fmt: skip
    assert a.id != b.id
    await env.stop()


async def test_429_waits_retry_after_and_5xx_backs_off(env):
    env.service.add_meeting("M", "Nov 24 at 9:00", channel_id=CHANNEL, leads=["1h"])
    env.sender.failures[("channel", CHANNEL)] = [
        RetryableSendError("429 Too Many Requests", retry_after=120),
        RetryableSendError("503 Service Unavailable"),
    ]
    await env.start()
    await env.run_until(local(2026, 11, 24, 8, 30).astimezone(UTC))
    due = local(2026, 11, 24, 8, 0).astimezone(UTC)
    assert [a.at - due for a in env.sender.attempts] == [
        timedelta(0), timedelta(seconds=120), timedelta(seconds=120 + 60)
    ]  # fmt: skip
    assert len(env.sender.sent) == 1
    assert delivery_states(env)[0][2:4] == ("sent", 3)
    await env.stop()


async def test_permanent_failure_is_recorded_and_does_not_block_others(env):
    env.service.add_meeting("M", "Nov 24 at 9:00", channel_id=CHANNEL, leads=["1h"])
    env.service.subscribe(1001)
    env.service.subscribe(1002)
    env.sender.failures[("dm", 1001)] = [PermanentSendError("Cannot send messages to this user")]
    env.sender.failures[("channel", CHANNEL)] = [RuntimeError("boom")]  # unexpected: retried
    await env.start()
    await env.run_until(local(2026, 11, 24, 8, 0).astimezone(UTC))
    assert [(s.target, s.target_id) for s in env.sender.sent] == [("dm", 1002)]
    states = {(t, i): (s, err) for t, i, s, _, err in delivery_states(env)}
    assert states[("dm", 1001)][0] == "failed" and "Cannot send" in states[("dm", 1001)][1]
    assert states[("channel", CHANNEL)][0] == "pending"
    await env.run_for(timedelta(minutes=1))
    assert ("channel", CHANNEL) in [(s.target, s.target_id) for s in env.sender.sent]
    assert len([a for a in env.sender.attempts if a.target_id == 1001]) == 1  # never retried
    await env.stop()


async def test_retries_stop_once_the_event_has_begun(env):
    env.service.add_meeting("M", "Nov 24 at 9:00", channel_id=CHANNEL, leads=["1h"])
    env.sender.failures[("channel", CHANNEL)] = [RetryableSendError("503")] * 50
    await env.start()
    await env.run_until(local(2026, 11, 24, 12, 0).astimezone(UTC))
    assert env.sender.sent == []
    state, attempts, error = delivery_states(env)[0][2:]
    assert state == "failed" and "gave up" in error
    assert all(a.at < local(2026, 11, 24, 9, 0).astimezone(UTC) for a in env.sender.attempts)
    assert attempts == len(env.sender.attempts)
    await env.stop()


async def test_a_hung_send_times_out_and_is_retried(env):
    env.service.add_meeting("M", "Nov 24 at 9:00", channel_id=CHANNEL, leads=["1h"])
    env.sender.hang.add(("channel", CHANNEL))
    await env.start()
    env.clock.set(local(2026, 11, 24, 8, 0).astimezone(UTC))
    await asyncio.wait_for(env.sender.started.wait(), 5)
    env.sender.hang.clear()
    env.clock.advance(timedelta(seconds=env.config.send_timeout))  # the timeout fires
    await env.scheduler.settled()
    assert delivery_states(env)[0][2] == "pending"
    await env.run_for(timedelta(minutes=2))
    assert len(env.sender.sent) == 1 and len(env.sender.attempts) == 2
    await env.stop()


async def test_no_channel_and_no_subscribers_is_not_an_error(env, caplog):
    env.service.add_deadline("Quiet", "Nov 24 at 17:00", leads=["1h"])
    with caplog.at_level(logging.INFO, logger="bot.schedule.domain.scheduler"):
        await env.start()
        await env.run_until(local(2026, 11, 24, 18, 0).astimezone(UTC))
    assert env.sender.attempts == []
    assert any("no channel and no subscribers" in r.getMessage() for r in caplog.records)
    await env.stop()


async def test_default_channel_from_config(tmp_path):
    env = make_env(tmp_path, default_channel_id=777)
    env.service.add_deadline("Report", "Nov 24 at 17:00", leads=["2h"])
    await env.start()
    await env.run_until(local(2026, 11, 24, 16, 0).astimezone(UTC))
    assert env.sent_titles() == [("channel", 777, "Report", 7200)]
    await env.stop()


async def test_loop_survives_a_database_error(env, caplog):
    env.service.add_meeting("M", "Nov 24 at 9:00", channel_id=CHANNEL, leads=["1h"])
    await env.start()
    real_tick = env.scheduler.tick
    calls = {"n": 0}

    async def flaky_tick():
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database is locked")
        return await real_tick()

    env.scheduler.tick = flaky_tick
    with caplog.at_level(logging.ERROR, logger="bot.schedule.domain.scheduler"):
        await env.run_until(local(2026, 11, 24, 8, 1).astimezone(UTC))
    assert env.scheduler.stats["loop_errors"] == 1
    assert len(env.sender.sent) == 1
    await env.stop()
