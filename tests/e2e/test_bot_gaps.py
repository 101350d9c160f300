"""`/gaps` through the real client: junk questions left out, repeats folded, weak answers
listed, and a member's markdown, masked links and mentions shown inert (mentions off)."""

from __future__ import annotations

from tests.e2e import fake_discord as fd

ADMIN = {"user_id": fd.ADMIN_ID, "permissions": fd.ADMIN_PERMS}
WEAK = "does the alliance have some kind of checklist to judge a proposed school change?"
NASTY = (
    "is there a **stipend** for [members](https://evil.example) <@900000000000000401> @everyone?"
)


async def test_gaps_shows_what_an_officer_can_act_on(fake, bot):
    for question in ("quit", "exit", "🙂", "?", "x", "lol", "test"):
        await fake.reply(await fake.slash("ask", {"question": question}))
    for question in ("What is the parking policy?", "what is the parking policy", WEAK, NASTY):
        await fake.reply(await fake.slash("ask", {"question": question}))
    reply = await fake.reply(await fake.slash("gaps", {"days": 7}, **ADMIN))
    assert reply.ephemeral
    assert reply.request.json["data"]["allowed_mentions"]["parse"] == []
    desc = reply.embeds[0]["description"]
    lines = desc.splitlines()
    assert len(lines) == 3, desc
    assert "parking policy" in lines[0].lower() and "asked 2×" in lines[0]
    weak = next(line for line in lines if "checklist" in line)
    assert "weak answer 1×" in weak and "matched" in weak
    nasty = next(line for line in lines if "stipend" in line)
    assert "\\*\\*stipend\\*\\*" in nasty and "[members](" not in nasty
    assert "<@900000000000000401>" not in nasty and "@everyone" not in nasty


async def test_the_question_echoed_above_an_answer_or_refusal_is_inert(fake, bot):
    for question in (NASTY, "what are the **values** of the [alliance](https://evil.example)?"):
        reply = await fake.reply(await fake.slash("ask", {"question": question}))
        title = reply.embeds[0]["title"]
        assert "](" not in title.replace("\\](", "") and "**" not in title.replace("\\*", "")
        assert "<@900000000000000401>" not in title and "@everyone" not in title
