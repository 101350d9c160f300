"""The calendar features through the real client against the fake Discord: RSVP buttons on
reminders (live counts, one answer per member, still working after a restart), the organisers'
list, the opt-in reminder role, and the live feed's link and rotation (fetched over real HTTP).

Time only moves when the test moves the `ManualClock`; waits are on recorded requests.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import aiohttp
import icalendar
import pytest

from bot.schedule.domain.clock import ManualClock
from tests.e2e import fake_discord as fd

ADMIN = {"user_id": fd.ADMIN_ID, "permissions": fd.ADMIN_PERMS}
START = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # Mon 08:00 in Denver
MEETING_UTC = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # Wed 10:00 MST
OCC = int(MEETING_UTC.timestamp())
ANNOUNCE = rf"/channels/{fd.ANNOUNCE_CHANNEL_ID}/messages$"
REMINDER_ROLE = 900000000000000302
OTHER_MEMBER = fd.MEMBER_ID + 1
THIRD_MEMBER = fd.MEMBER_ID + 2


@pytest.fixture
async def clock() -> ManualClock:
    return ManualClock(START)


async def add_meeting(
    fake, title: str = "Coalition call", when: str = "2026-11-25 10:00", **extra: object
) -> int:
    reply = await fake.reply(
        await fake.slash(
            "schedule",
            {"title": title, "when": when, "where": "Zoom", **extra},
            sub="add-meeting",
            **ADMIN,
        )
    )
    assert reply.content.startswith("Scheduled: #"), reply.content
    return int(re.match(r"Scheduled: #(\d+)", reply.content)[1])


def labels(data: dict) -> dict[str, str]:
    return {
        c["custom_id"].rsplit(":", 1)[1]: c["label"]
        for row in data.get("components", [])
        for c in row["components"]
    }


async def reminder_message(fake, sbot, clock) -> dict:
    await sbot.scheduler.settled()
    clock.set(MEETING_UTC - timedelta(days=1))
    post = await fake.wait_request("POST", ANNOUNCE)
    assert post.status == 200
    return next(
        m
        for m in fake.messages.values()
        if m["channel_id"] == str(fd.ANNOUNCE_CHANNEL_ID) and "Coalition call" in m["content"]
    )


def forged(message: dict, custom_id: str) -> dict:
    """`message` with its first button's id replaced (what a tampered or stale client sends)."""
    button = {**message["components"][0]["components"][0], "custom_id": custom_id}
    return {**message, "components": [{"type": 1, "components": [button]}]}


async def click(fake, message: dict, custom_id: str, user_id: int) -> tuple[fd.Reply, str]:
    """Click; return the message edit (type 7) and the ephemeral note that follows it."""
    ix = await fake.click(message, custom_id, user_id=user_id)
    edit = await fake.reply(ix)
    note = await fake.wait_request("POST", rf"/webhooks/{fd.APP_ID}/{ix.token}$")
    assert note.json["flags"] & fd.EPHEMERAL
    return edit, note.json["content"]


async def test_rsvp_on_a_reminder_counts_live_and_keeps_one_answer_per_member(
    fake, runner, make_settings, clock
):
    sbot = await runner.start(make_settings(), clock=clock)
    item = await add_meeting(fake)
    message = await reminder_message(fake, sbot, clock)
    going, maybe, no = (f"ab:rsvp:{item}:{OCC}:{a}" for a in ("going", "maybe", "no"))
    assert labels(message) == {"going": "Going (0)", "maybe": "Maybe (0)", "no": "Can't (0)"}

    edit, note = await click(fake, message, going, fd.MEMBER_ID)
    assert edit.kind == 7 and labels(edit.data)["going"] == "Going (1)"
    assert "you're going" in note
    edit, note = await click(fake, message, no, fd.MEMBER_ID)  # changing replaces the answer
    assert labels(edit.data) == {"going": "Going (0)", "maybe": "Maybe (0)", "no": "Can't (1)"}
    edit, note = await click(fake, message, no, fd.MEMBER_ID)
    assert "nothing changed" in note and labels(edit.data)["no"] == "Can't (1)"
    edit, _ = await click(fake, message, going, OTHER_MEMBER)
    assert labels(edit.data) == {"going": "Going (1)", "maybe": "Maybe (0)", "no": "Can't (1)"}

    await runner.stop(sbot)  # the buttons on the old message still work in a new process
    second = await runner.start(make_settings(), clock=ManualClock(clock.now()))
    edit, _ = await click(fake, message, maybe, THIRD_MEMBER)
    assert labels(edit.data) == {"going": "Going (1)", "maybe": "Maybe (1)", "no": "Can't (1)"}

    listed = await fake.reply(await fake.slash("meetings", {"days": 7}))
    assert "✅ 1 going · ❔ 1 maybe · ❌ 1 can't" in listed.text
    nxt = await fake.reply(await fake.slash("next"))
    assert labels(nxt.data)["going"] == "Going (1)" and going in nxt.custom_ids

    who = await fake.reply(await fake.slash("calendar", {"item": item}, sub="rsvps", **ADMIN))
    assert who.ephemeral
    assert f"Going: <@{OTHER_MEMBER}>" in who.content
    assert f"Can't: <@{fd.MEMBER_ID}>" in who.content
    assert f"Maybe: <@{THIRD_MEMBER}>" in who.content
    refused = await fake.reply(await fake.slash("calendar", {"item": item}, sub="rsvps"))
    assert refused.ephemeral and "only coalition admins" in refused.content
    assert str(fd.MEMBER_ID) not in refused.content
    del second


async def test_rsvp_after_the_meeting_or_on_a_cancelled_one_is_refused_kindly(
    fake, runner, make_settings, clock
):
    sbot = await runner.start(make_settings(), clock=clock)
    item = await add_meeting(fake)
    message = await reminder_message(fake, sbot, clock)
    clock.set(MEETING_UTC + timedelta(hours=2))
    ix = await fake.click(message, f"ab:rsvp:{item}:{OCC}:going")
    reply = await fake.reply(ix)
    assert reply.ephemeral and "is over" in reply.content
    assert "/schedule" not in reply.content and "alliance-bot" not in reply.content

    other = await add_meeting(fake, "Second call", "2026-11-30 10:00")
    await fake.reply(await fake.slash("schedule", {"item": other}, sub="cancel", **ADMIN))
    fake_message = forged(message, f"ab:rsvp:{other}:{OCC}:going")
    reply = await fake.reply(await fake.click(fake_message, f"ab:rsvp:{other}:{OCC}:going"))
    assert reply.ephemeral and "no longer on the schedule" in reply.content
    who = await fake.reply(await fake.slash("calendar", {"item": item}, sub="rsvps", **ADMIN))
    assert "no meeting ahead" in who.content


async def test_a_made_up_occurrence_takes_no_answer(fake, runner, make_settings, clock):
    sbot = await runner.start(make_settings(), clock=clock)
    item = await add_meeting(fake)
    message = await reminder_message(fake, sbot, clock)
    wrong = f"ab:rsvp:{item}:{OCC + 3600}:going"
    reply = await fake.reply(await fake.click(forged(message, wrong), wrong))
    assert "no longer meets at that time" in reply.content
    listed = await fake.reply(await fake.slash("meetings", {"days": 7}))
    assert "going" not in listed.text


async def test_channel_reminders_mention_the_reminder_role_and_nothing_else(
    fake, runner, make_settings, clock
):
    sbot = await runner.start(make_settings(reminder_role_id=REMINDER_ROLE), clock=clock)
    item = await add_meeting(fake)
    await fake.reply(await fake.slash("subscribe", {"item": item}))
    await sbot.scheduler.settled()
    clock.set(MEETING_UTC - timedelta(days=1))
    post = await fake.wait_request("POST", ANNOUNCE)
    assert post.json["content"].startswith(f"<@&{REMINDER_ROLE}> ")
    allowed = post.json["allowed_mentions"]
    assert allowed["parse"] == [] and [int(r) for r in allowed["roles"]] == [REMINDER_ROLE]
    assert not allowed.get("users") and not allowed.get("replied_user")
    dm = await fake.wait_request("POST", rf"/channels/{fd.MEMBER_ID + 7}/messages$")
    assert "<@&" not in dm.json["content"] and dm.json["allowed_mentions"]["parse"] == []
    assert "roles" not in dm.json["allowed_mentions"] or not dm.json["allowed_mentions"]["roles"]


async def test_without_a_reminder_role_nothing_is_mentioned(fake, runner, make_settings, clock):
    sbot = await runner.start(make_settings(), clock=clock)
    await add_meeting(fake)
    await sbot.scheduler.settled()
    clock.set(MEETING_UTC - timedelta(days=1))
    post = await fake.wait_request("POST", ANNOUNCE)
    assert "<@&" not in post.json["content"]
    assert post.json["allowed_mentions"]["parse"] == []
    assert not post.json["allowed_mentions"].get("roles")
    reply = await fake.reply(await fake.slash("reminder-role"))
    assert reply.ephemeral and "no reminder role" in reply.content
    assert not fake.find_requests("PUT", r"/roles/")


async def test_members_take_and_leave_the_reminder_role(fake, runner, make_settings):
    await runner.start(make_settings(reminder_role_id=REMINDER_ROLE))
    taken = await fake.reply(await fake.slash("reminder-role"))
    assert taken.ephemeral and "will notify you" in taken.content
    assert fake.member_roles[fd.MEMBER_ID] == {REMINDER_ROLE}
    left = await fake.reply(await fake.slash("reminder-role", roles=[REMINDER_ROLE]))
    assert "won't notify you" in left.content
    assert fake.member_roles[fd.MEMBER_ID] == set()
    fake.fail_next("PUT", rf"/members/{fd.MEMBER_ID}/roles/{REMINDER_ROLE}$", 403, times=5)
    trouble = await fake.reply(await fake.slash("reminder-role"))
    assert trouble.ephemeral and "Manage Roles" in trouble.content


async def fetch(address: str) -> tuple[int, bytes]:
    async with aiohttp.ClientSession() as session, session.get(address) as resp:
        return resp.status, await resp.read()


async def test_feed_link_in_ics_and_help_and_admin_rotation(fake, runner, make_settings, clock):
    settings = make_settings(feed_port=0, feed_public_url="https://cal.example.org")
    sbot = await runner.start(settings, clock=clock)
    assert sbot.feed is not None and sbot.feed.port
    await add_meeting(fake)
    ics = await fake.reply(await fake.slash("ics"))
    found = re.search(r"webcal://cal\.example\.org/calendar/([A-Za-z0-9_-]+)\.ics", ics.content)
    assert found, ics.content
    secret = found[1]
    assert f"https://cal.example.org/calendar/{secret}.ics" in ics.content
    help_reply = await fake.reply(await fake.slash("help"))
    assert f"webcal://cal.example.org/calendar/{secret}.ics" in help_reply.text

    local = f"http://127.0.0.1:{sbot.feed.port}/calendar/{{}}.ics"
    status, body = await fetch(local.format(secret))
    assert status == 200
    events = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Coalition call"]

    refused = await fake.reply(await fake.slash("calendar", sub="rotate-feed"))
    assert refused.ephemeral and "only coalition admins" in refused.content
    assert (await fetch(local.format(secret)))[0] == 200
    rotated = await fake.reply(await fake.slash("calendar", sub="rotate-feed", **ADMIN))
    new = re.search(r"webcal://cal\.example\.org/calendar/([A-Za-z0-9_-]+)\.ics", rotated.content)
    assert rotated.ephemeral and new and new[1] != secret
    assert (await fetch(local.format(secret)))[0] == 404
    assert (await fetch(local.format(new[1])))[0] == 200

    await runner.stop(sbot)  # stopped with the bot
    with pytest.raises(aiohttp.ClientConnectionError):
        await fetch(local.format(new[1]))


async def test_feed_off_shows_no_link(fake, runner, make_settings, clock):
    sbot = await runner.start(make_settings(), clock=clock)
    assert sbot.feed is None
    await add_meeting(fake)
    ics = await fake.reply(await fake.slash("ics"))
    assert "webcal://" not in ics.content
    help_reply = await fake.reply(await fake.slash("help"))
    assert "webcal://" not in help_reply.text
    off = await fake.reply(await fake.slash("calendar", sub="rotate-feed", **ADMIN))
    assert "feed is off" in off.content


async def test_adding_the_same_meeting_twice_warns_and_names_the_first(
    fake, runner, make_settings, clock
):
    await runner.start(make_settings(), clock=clock)
    first = await add_meeting(fake)
    reply = await fake.reply(
        await fake.slash(
            "schedule",
            {"title": "  coalition   CALL ", "when": "Nov 25 at 10am"},
            sub="add-meeting",
            **ADMIN,
        )
    )
    assert reply.content.startswith("Scheduled: #")
    assert f"⚠️ #{first} already has this title and start" in reply.content
    other_time = await fake.reply(
        await fake.slash(
            "schedule",
            {"title": "Coalition call", "when": "2026-11-26 10:00"},
            sub="add-meeting",
            **ADMIN,
        )
    )
    assert "⚠️" not in other_time.content


async def test_subscribe_offers_only_items_still_ahead(fake, runner, make_settings, clock):
    await runner.start(make_settings(), clock=clock)
    soon = await add_meeting(fake)
    later = await add_meeting(fake, "Planning session", "2026-12-02 10:00")
    auto = await fake.reply(await fake.autocomplete("subscribe", {"item": ""}, "item"))
    assert [c["value"] for c in auto.data["choices"]] == [soon, later]  # no past standing items
    clock.set(MEETING_UTC + timedelta(hours=2))
    auto = await fake.reply(await fake.autocomplete("subscribe", {"item": ""}, "item"))
    assert [c["value"] for c in auto.data["choices"]] == [later]
    past = await fake.reply(await fake.slash("subscribe", {"item": soon}))
    assert past.ephemeral and "already happened" in past.content


@pytest.mark.parametrize("command", ["subscribe", "unsubscribe", "ics"])
async def test_member_errors_name_slash_commands_not_the_cli(
    fake, runner, make_settings, clock, command
):
    await runner.start(make_settings(), clock=clock)
    reply = await fake.reply(await fake.slash(command, {"item": 987654}))
    assert reply.ephemeral and "987654" in reply.content
    assert "/meetings" in reply.content
    assert "alliance-bot" not in reply.content and "--" not in reply.content


async def test_admins_skip_and_move_one_date_and_reminders_follow(
    fake, runner, make_settings, clock
):
    sbot = await runner.start(make_settings(), clock=clock)
    reply = await fake.reply(
        await fake.slash(
            "schedule",
            {"title": "Check-in", "when": "2026-11-24 09:00", "repeat": "weekly"},
            sub="add-meeting",
            **ADMIN,
        )
    )
    item = int(re.match(r"Scheduled: #(\d+)", reply.content)[1])
    first = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
    second = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    moved = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)

    refused = await fake.reply(
        await fake.slash("schedule", {"item": item, "date": "Nov 24"}, sub="skip")
    )
    assert "only coalition admins" in refused.content
    skipped = await fake.reply(
        await fake.slash("schedule", {"item": item, "date": "Nov 24"}, sub="skip", **ADMIN)
    )
    assert skipped.ephemeral and f"<t:{int(first.timestamp())}:F>" in skipped.content
    wrong = await fake.reply(
        await fake.slash("schedule", {"item": item, "date": "Nov 25"}, sub="skip", **ADMIN)
    )
    assert "does not meet on Wed Nov 25" in wrong.content
    done = await fake.reply(
        await fake.slash(
            "schedule",
            {"item": item, "date": "Dec 1", "to": "Dec 2 at 10am"},
            sub="move",
            **ADMIN,
        )
    )
    assert f"<t:{int(moved.timestamp())}:F>" in done.content

    listed = await fake.reply(await fake.slash("meetings", {"days": 30}))
    assert listed.text.count(f"#{item} Check-in") == 1  # one line for the series
    assert f"<t:{int(moved.timestamp())}:F>" in listed.text
    assert str(int(first.timestamp())) not in listed.text
    assert f"<t:{int(second.timestamp())}:F>" not in listed.text
    assert f"moved from <t:{int(second.timestamp())}:f>" in listed.text

    ics = await fake.reply(await fake.slash("ics", {"item": item}))
    (_, blob), *_ = ics.request.files.items()
    assert b"EXDATE;TZID=America/Denver:20261124T090000" in blob
    assert b"RECURRENCE-ID;TZID=America/Denver:20261201T090000" in blob

    await sbot.scheduler.settled()
    clock.set(first - timedelta(minutes=30))  # both reminders of the skipped date would be due
    await sbot.scheduler.settled()
    assert not fake.find_requests("POST", ANNOUNCE)
    clock.set(moved - timedelta(days=1))
    post = await fake.wait_request("POST", ANNOUNCE)
    assert f"<t:{int(moved.timestamp())}:F>" in post.json["content"]
    posts = [r.json["content"] for r in fake.find_requests("POST", ANNOUNCE)]
    assert posts and not any(str(int(second.timestamp())) in p for p in posts)


async def test_a_feed_port_in_use_is_logged_and_the_bot_still_serves(
    fake, runner, make_settings, caplog
):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = make_settings(feed_port=port, feed_public_url="https://cal.example.org")
        sbot = await runner.start(settings)
        assert sbot.feed is None
        assert any("calendar feed not started" in r.getMessage() for r in caplog.records)
        reply = await fake.reply(await fake.slash("next"))
        assert not reply.ephemeral
