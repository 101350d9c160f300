"""Meetings, deadlines and reminders through Discord: the schedule commands, and reminders posted
to the announcement channel (and by DM) when an injected clock reaches them, with 5xx/429 retries.

Time only moves when the test moves the `ManualClock`; waits are on recorded requests.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from bot.schedule.domain.clock import ManualClock
from tests.e2e import fake_discord as fd

ADMIN = {"user_id": fd.ADMIN_ID, "permissions": fd.ADMIN_PERMS}
START = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # Mon 08:00 in Denver (MST, UTC-7)
MEETING_LOCAL = "2026-11-25 10:00"  # Wed 10:00 MST = 17:00 UTC
MEETING_UTC = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
ANNOUNCE = rf"/channels/{fd.ANNOUNCE_CHANNEL_ID}/messages$"


@pytest.fixture
async def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
async def sbot(runner, make_settings, clock):
    return await runner.start(make_settings(), clock=clock)


async def add_meeting(fake, title: str = "Coalition call", when: str = MEETING_LOCAL) -> int:
    reply = await fake.reply(
        await fake.slash(
            "schedule",
            {"title": title, "when": when, "where": "Zoom"},
            sub="add-meeting",
            **ADMIN,
        )
    )
    assert reply.ephemeral and reply.content.startswith("Scheduled: #"), reply.content
    assert f"<t:{int(MEETING_UTC.timestamp())}:F>" in reply.content
    return int(re.match(r"Scheduled: #(\d+)", reply.content)[1])


async def test_schedule_commands_end_to_end(fake, sbot):
    item = await add_meeting(fake)
    due = await fake.reply(
        await fake.slash(
            "schedule",
            {"title": "Grant application", "due": "2026-12-05 17:00"},
            sub="add-deadline",
            **ADMIN,
        )
    )
    assert due.content.startswith("Recorded: #") and "Grant application" in due.content

    nxt = await fake.reply(await fake.slash("next"))
    assert not nxt.ephemeral
    assert f"#{item} Coalition call" in nxt.text and "<t:" in nxt.text
    meetings = await fake.reply(await fake.slash("meetings", {"days": 7}))
    assert "Coalition call" in meetings.text and "Grant application" not in meetings.text
    deadlines = await fake.reply(await fake.slash("deadlines"))
    assert "Grant application" in deadlines.text and "Coalition call" not in deadlines.text

    auto = await fake.reply(await fake.autocomplete("subscribe", {"item": "coal"}, "item"))
    assert [c["value"] for c in auto.data["choices"]] == [item]
    sub = await fake.reply(await fake.slash("subscribe", {"item": item}))
    assert sub.ephemeral and "Coalition call" in sub.content
    unsub = await fake.reply(await fake.slash("unsubscribe"))
    assert "no more DM reminders" in unsub.content

    ics = await fake.reply(await fake.slash("ics", {"item": item}))
    assert ics.ephemeral
    (name, blob), *_ = ics.request.files.items()
    assert name == f"alliance-item-{item}.ics"
    cal = icalendar.Calendar.from_ical(blob)
    events = [c for c in cal.walk("VEVENT")]
    assert [str(e["SUMMARY"]) for e in events] == ["Coalition call"]
    assert events[0].decoded("DTSTART").astimezone(UTC) == MEETING_UTC

    edited = await fake.reply(
        await fake.slash(
            "schedule", {"item": item, "title": "Coalition call (moved)"}, sub="edit", **ADMIN
        )
    )
    assert edited.content.startswith("Updated: #") and "(moved)" in edited.content
    cancelled = await fake.reply(
        await fake.slash("schedule", {"item": item}, sub="cancel", **ADMIN)
    )
    assert cancelled.content.startswith(f"Cancelled #{item}")
    after = await fake.reply(await fake.slash("meetings", {"days": 7}))
    assert "Coalition call" not in after.text


async def test_bad_time_gets_a_clear_error_and_adds_nothing(fake, sbot):
    before = [i.id for i in sbot.app.schedule.items()]
    reply = await fake.reply(
        await fake.slash(
            "schedule", {"title": "Oops", "when": "someday soonish"}, sub="add-meeting", **ADMIN
        )
    )
    assert reply.ephemeral and reply.content and "Traceback" not in reply.content
    past = await fake.reply(
        await fake.slash(
            "schedule", {"title": "Oops", "when": "2020-01-01 10:00"}, sub="add-meeting", **ADMIN
        )
    )
    assert "past" in past.content.lower()
    assert [i.id for i in sbot.app.schedule.items()] == before


async def test_reminder_is_posted_to_the_channel_and_dmed_when_due(fake, sbot, clock):
    item = await add_meeting(fake)
    await fake.reply(await fake.slash("subscribe", {"item": item}))
    await sbot.scheduler.settled()
    assert not fake.find_requests("POST", ANNOUNCE)
    clock.set(MEETING_UTC - timedelta(days=1))
    post = await fake.wait_request("POST", ANNOUNCE)
    assert post.status == 200
    assert "Coalition call" in post.json["content"] and "Meeting reminder" in post.json["content"]
    assert f"<t:{int(MEETING_UTC.timestamp())}:F>" in post.json["content"]
    assert post.json["allowed_mentions"]["parse"] == []
    dm_open = await fake.wait_request("POST", r"/users/@me/channels$")
    assert int(dm_open.json["recipient_id"]) == fd.MEMBER_ID
    dm = await fake.wait_request("POST", rf"/channels/{fd.MEMBER_ID + 7}/messages$")
    assert "Coalition call" in dm.json["content"]
    await sbot.scheduler.settled()
    assert len(fake.find_requests("POST", ANNOUNCE)) == 1  # exactly once


async def test_reminder_post_survives_a_5xx_by_retrying_later(fake, sbot, clock):
    await add_meeting(fake)
    await sbot.scheduler.settled()
    fake.fail_next("POST", ANNOUNCE, 503)
    clock.set(MEETING_UTC - timedelta(days=1))
    first = await fake.wait_request("POST", ANNOUNCE)
    assert first.status == 503
    await sbot.scheduler.settled()
    assert len(fake.find_requests("POST", ANNOUNCE)) == 1  # backing off, not hammering
    clock.advance(timedelta(minutes=5))
    second = await fake.wait_request("POST", ANNOUNCE, since=fake.requests.index(first) + 1)
    assert second.status == 200 and "Coalition call" in second.json["content"]
    await sbot.scheduler.settled()
    assert [r.status for r in fake.find_requests("POST", ANNOUNCE)] == [503, 200]


async def test_reminder_post_rate_limited_once_is_retried(fake, sbot, clock):
    await add_meeting(fake)
    await sbot.scheduler.settled()
    fake.fail_next("POST", ANNOUNCE, 429, retry_after=0.01)
    clock.set(MEETING_UTC - timedelta(days=1))
    await fake.wait_for(
        lambda: [r.status for r in fake.find_requests("POST", ANNOUNCE)] == [429, 200],
        what="a 429 then a successful post",
    )
    await sbot.scheduler.settled()
    assert [r.status for r in fake.find_requests("POST", ANNOUNCE)] == [429, 200]


async def test_schedule_question_in_ask_uses_the_live_schedule(fake, sbot):
    await add_meeting(fake)
    reply = await fake.reply(await fake.slash("ask", {"question": "when is the next meeting?"}))
    assert "Coalition call" in reply.text
    assert f"<t:{int(MEETING_UTC.timestamp())}" in reply.text


async def test_closed_dms_are_recorded_and_do_not_block_the_channel_post(fake, sbot, clock):
    item = await add_meeting(fake)
    await fake.reply(await fake.slash("subscribe", {"item": item}))
    await sbot.scheduler.settled()
    dm_messages = rf"/channels/{fd.MEMBER_ID + 7}/messages$"
    fake.fail_next("POST", dm_messages, 403, times=10)
    clock.set(MEETING_UTC - timedelta(days=1))
    post = await fake.wait_request("POST", ANNOUNCE)
    assert post.status == 200
    refused = await fake.wait_request("POST", dm_messages)
    assert refused.status == 403
    await sbot.scheduler.settled()
    clock.advance(timedelta(hours=2))  # well past any backoff
    await sbot.scheduler.settled()
    assert len(fake.find_requests("POST", dm_messages)) == 1  # permanent: not retried
    assert sbot.scheduler.stats["failed"] >= 1


async def test_ics_for_everything_upcoming(fake, sbot):
    await add_meeting(fake)
    await fake.reply(
        await fake.slash(
            "schedule",
            {"title": "Grant application", "due": "2026-12-05 17:00"},
            sub="add-deadline",
            **ADMIN,
        )
    )
    reply = await fake.reply(await fake.slash("ics"))
    (name, blob), *_ = reply.request.files.items()
    assert name == "alliance-schedule.ics"
    titles = sorted(str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(blob).walk("VEVENT"))
    assert titles == ["Coalition call", "Deadline: Grant application"]
