""" "Ask a person" on the real client against the fake Discord: the member's text reaches the
officers inert, a refused post is not counted as passed on, and hand-offs are limited per member
and per question (counted in the database)."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from tests.e2e import fake_discord as fd

OFFICERS = rf"/channels/{fd.OFFICER_CHANNEL_ID}/messages$"
LIVE_MASKED_LINK = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\(")
SUPPRESS_EMBEDS = 1 << 2


def handoffs(bot: Any) -> list[tuple[int, int]]:
    with sqlite3.connect(bot.settings.db_path) as db:
        return db.execute("SELECT question_id, user_id FROM bot_escalations").fetchall()


async def ask(fake: fd.FakeDiscord, question: str) -> tuple[dict[str, Any], str]:
    """Ask as the member; the answer's message and its "Ask a person" button id."""
    reply = await fake.reply(await fake.slash("ask", {"question": question}))
    person = next(i for i in reply.custom_ids if i.startswith("ab:person:"))
    return fake.message_for(reply), person


async def press(
    fake: fd.FakeDiscord, message: dict[str, Any], person: str, user_id: int = fd.MEMBER_ID
) -> fd.Reply:
    ack = await fake.reply(await fake.click(message, person, user_id=user_id))
    assert ack.ephemeral
    return ack


async def test_the_officer_post_keeps_masked_links_markdown_and_mentions_inert(fake, bot):
    question = (
        f"[bank login](https://evil.example) **urgent** @everyone <@&{fd.OFFICER_ROLE_ID}> "
        f"<@{fd.ADMIN_ID}> how do I apply?"
    )
    message, person = await ask(fake, question)
    ack = await press(fake, message, person)
    assert "passed your question" in ack.content
    post = await fake.wait_request("POST", OFFICERS)
    content = post.json["content"]
    assert not LIVE_MASKED_LINK.search(content)
    assert r"\[bank login\](https://evil.example)" in content and r"\*\*urgent\*\*" in content
    assert content.startswith(f"<@&{fd.OFFICER_ROLE_ID}> ")
    assert content.count(f"<@&{fd.OFFICER_ROLE_ID}>") == 1  # the member's copy is broken
    assert f"<@{fd.ADMIN_ID}>" not in content and "@everyone" not in content
    mentions = post.json["allowed_mentions"]
    assert mentions["parse"] == [] and not mentions.get("users")
    assert [int(r) for r in mentions["roles"]] == [fd.OFFICER_ROLE_ID]
    assert post.json.get("flags", 0) & SUPPRESS_EMBEDS  # no preview card of evil.example


async def test_a_refused_post_is_not_passed_on_and_the_button_works_again(fake, bot):
    message, person = await ask(fake, "who decides the summer institute dates?")
    qid = int(person.split(":")[2])
    for status in (403, 503):
        fake.fail_next("POST", OFFICERS, status)
        ack = await press(fake, message, person)
        assert "did not reach the officers" in ack.content and "\n" not in ack.content
        assert handoffs(bot) == []
    ack = await press(fake, message, person)
    assert "passed your question" in ack.content
    assert [r.status for r in fake.find_requests("POST", OFFICERS)] == [403, 503, 200]
    assert handoffs(bot) == [(qid, fd.MEMBER_ID)]
    again = await press(fake, message, person)
    assert "already" in again.content
    assert len(fake.find_requests("POST", OFFICERS)) == 3


async def test_hand_offs_are_limited_per_member_and_per_question(fake, runner, make_settings):
    bot = await runner.start(make_settings(handoffs_per_hour=2))
    asked = [await ask(fake, f"who runs the {topic} working group?") for topic in "abc"]
    for message, person in asked[:2]:
        assert "passed your question" in (await press(fake, message, person)).content
    over = await press(fake, *asked[2])
    assert "2 questions to the officers in the last hour" in over.content
    assert "<t:" in over.content and "\n" not in over.content
    assert len(fake.find_requests("POST", OFFICERS)) == 2
    # Another member pressing the same public button does not ping the officers again.
    same = await press(fake, *asked[0], user_id=fd.ADMIN_ID)
    assert "already" in same.content
    assert len(fake.find_requests("POST", OFFICERS)) == 2
    assert len(handoffs(bot)) == 2
