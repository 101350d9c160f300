"""Members' commands on the real bot over the real discord.py client: /ask and its buttons, /docs
(with autocomplete), /help, the mention guard, Discord's length limits and a gateway RESUME.

The guard in conftest fails any of these on an ERROR log, an unserved route, a message over
Discord's limits, or a message that does not turn mentions off.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import threading

from index.models import Passage
from index.outline import outline
from tests.bot.fakes import FakeEngine
from tests.e2e import fake_discord as fd

VALUES_Q = "what are the alliance's values?"
EXPECTED = {
    "ask",
    "docs",
    "help",
    "reindex",
    "status",
    "gaps",
    "corpus",
    "next",
    "meetings",
    "deadlines",
    "subscribe",
    "unsubscribe",
    "ics",
    "schedule",
    "calendar",
    "reminder-role",
}


def field_names(reply: fd.Reply) -> list[str]:
    return [f["name"] for e in reply.embeds for f in e.get("fields") or []]


async def test_login_syncs_every_command_to_the_guild(fake, bot):
    assert bot.user.id == fd.BOT_ID
    assert bot.get_guild(fd.GUILD_ID) is not None
    assert {c["name"] for c in fake.synced[str(fd.GUILD_ID)]} == EXPECTED
    identify = [f for f in fake.gateway_log if f["op"] == 2][0]["d"]
    assert identify["intents"] & (1 << 0)  # guilds
    admin_only = {
        c["name"]
        for c in fake.synced[str(fd.GUILD_ID)]
        if int(c.get("default_member_permissions") or 0) == fd.MANAGE_GUILD
    }
    assert admin_only == {"reindex", "status", "gaps", "corpus", "schedule", "calendar"}


async def test_ask_answers_publicly_with_citations_and_buttons(fake, bot):
    ix = await fake.slash("ask", {"question": VALUES_Q})
    reply = await fake.reply(ix)
    assert not reply.ephemeral
    assert reply.request.json["data"]["allowed_mentions"]["parse"] == []
    embed = reply.embeds[0]
    assert embed["title"] == VALUES_Q
    assert "[1]" in embed["description"]
    names = field_names(reply)
    assert names and names[0].startswith("[1] ")
    assert not any(".md" in f["value"] or "captured" in f["value"] for f in embed["fields"])
    ids = reply.custom_ids
    assert any(i.startswith("ab:vote:") and i.endswith(":up") for i in ids)
    assert any(i.startswith("ab:vote:") and i.endswith(":down") for i in ids)
    assert any(i.startswith("ab:person:") for i in ids)


async def test_ask_private_answer_is_ephemeral(fake, bot):
    reply = await fake.reply(await fake.slash("ask", {"question": VALUES_Q, "private": True}))
    assert reply.ephemeral
    assert "[1]" in reply.embeds[0]["description"]


async def test_ask_abstains_kindly_and_suggests_what_it_knows(fake, bot):
    ix = await fake.slash("ask", {"question": "who won the football match in Paris yesterday?"})
    reply = await fake.reply(ix)
    text = reply.text
    sections = [i for i in reply.custom_ids if i.startswith("ab:sec:")]
    assert sections or "/ask " in text  # close sections as buttons, or example questions
    assert "[1]" not in text
    assert not any(i.startswith("ab:more:") for i in reply.custom_ids)
    assert any(i.startswith("ab:person:") for i in reply.custom_ids)


async def test_overlong_question_gets_a_friendly_ephemeral_error(fake, bot):
    reply = await fake.reply(await fake.slash("ask", {"question": "values " * 200}))
    assert reply.ephemeral
    assert "characters" in reply.content and "Traceback" not in reply.content


async def test_more_sources_and_feedback_buttons(fake, runner, make_settings):
    many = [
        Passage(
            id=f"p{i}",
            source="values.md",
            title="Values",
            section=f"Values › Value {i}",
            text=f"The alliance values thing number {i}.",
            origin="test",
        )
        for i in range(1, 8)
    ]
    bot = await runner.start(make_settings(), engine=FakeEngine(many))
    reply = await fake.reply(await fake.slash("ask", {"question": "alliance values"}))
    message = fake.message_for(reply)
    more_id = next(i for i in reply.custom_ids if i.startswith("ab:more:"))
    more = await fake.reply(await fake.click(message, more_id))
    assert more.ephemeral
    assert field_names(more)[0].startswith("[4] ")  # continues after the 3 shown

    down = next(i for i in reply.custom_ids if i.endswith(":down"))
    up = next(i for i in reply.custom_ids if i.endswith(":up"))
    first = await fake.reply(await fake.click(message, down))
    assert "👎" in first.content and first.ephemeral
    again = await fake.reply(await fake.click(message, down))
    assert "already" in again.content
    changed = await fake.reply(await fake.click(message, up))
    assert "👍" in changed.content
    qid = int(down.split(":")[2])
    with sqlite3.connect(bot.settings.db_path) as db:
        votes = db.execute("SELECT vote FROM bot_feedback WHERE question_id = ?", (qid,)).fetchall()
    assert votes == [(1,)]  # one vote per member, changed from 👎 to 👍


async def test_ask_a_person_posts_to_officers_without_pinging_everyone(fake, bot):
    question = "@everyone is the <@&123> grant open to charter schools? <@42>"
    reply = await fake.reply(await fake.slash("ask", {"question": question}))
    assert reply.request.json["data"]["allowed_mentions"]["parse"] == []
    person = next(i for i in reply.custom_ids if i.startswith("ab:person:"))
    click = await fake.click(fake.message_for(reply), person)
    ack = await fake.reply(click)
    assert "officers" in ack.content and ack.ephemeral
    post = await fake.wait_request("POST", rf"/channels/{fd.OFFICER_CHANNEL_ID}/messages$")
    assert "@\u200beveryone is the <@&\u200b123> grant" in post.json["content"]
    assert f"<@&{fd.OFFICER_ROLE_ID}>" in post.json["content"]
    mentions = post.json["allowed_mentions"]
    assert mentions["parse"] == []  # no @everyone, no users
    assert [int(r) for r in mentions.get("roles", [])] == [fd.OFFICER_ROLE_ID]
    twice = await fake.reply(await fake.click(fake.message_for(reply), person))
    assert "already" in twice.content
    assert len(fake.find_requests("POST", rf"/channels/{fd.OFFICER_CHANNEL_ID}/")) == 1


async def test_long_passages_stay_within_discord_limits(fake, runner, make_settings):
    huge = ("The coalition values long careful explanations of equity. " * 150).strip()
    passages = [
        Passage(
            id=f"h{i}",
            source=f"long/{'deep/' * 30}doc{i}.md",
            title="T" * 300,
            section=" › ".join(["A very long heading about values"] * 12) + str(i),
            text=huge,
            origin="O" * 400,
        )
        for i in range(8)
    ]
    await runner.start(make_settings(), engine=FakeEngine(passages))
    reply = await fake.reply(await fake.slash("ask", {"question": "coalition values equity"}))
    fd.check_limits(reply.data)  # also enforced for every message by the fake
    assert len(reply.embeds) <= 10 and reply.embeds[0]["fields"]
    assert any("…" in f["value"] for f in reply.embeds[0]["fields"])
    more_id = next(i for i in reply.custom_ids if i.startswith("ab:more:"))
    more = await fake.reply(await fake.click(fake.message_for(reply), more_id))
    fd.check_limits(more.data)
    section = await fake.reply(
        await fake.slash("docs", {"document": "long/" + "deep/" * 30 + "doc0.md"})
    )
    fd.check_limits(section.data)
    doc0 = "long/" + "deep/" * 30 + "doc0.md"
    auto = await fake.reply(
        await fake.autocomplete("docs", {"document": doc0, "section": ""}, "section")
    )
    choice = auto.data["choices"][-1]  # the deepest heading; limits are checked by the fake
    read = await fake.reply(
        await fake.slash("docs", {"document": doc0, "section": choice["value"]})
    )
    fd.check_limits(read.data)
    assert read.embeds[0]["description"].startswith("The coalition values")
    assert read.embeds[0]["description"].endswith("…")


async def test_docs_lists_documents_and_autocompletes(fake, bot):
    listing = await fake.reply(await fake.slash("docs"))
    docs = bot.app.library.documents()
    assert listing.ephemeral and docs
    assert f"Indexed documents ({len(docs)})" in listing.text
    first = docs[0]
    typed = first.title[:4].lower()
    auto = await fake.reply(await fake.autocomplete("docs", {"document": typed}, "document"))
    assert auto.kind == 8
    choices = auto.data["choices"]
    assert first.source in [c["value"] for c in choices]
    outline = await fake.reply(await fake.slash("docs", {"document": first.source}))
    assert outline.embeds[0]["title"] == first.title[:256]
    leaf = first.sections[-1]
    sec_auto = await fake.reply(
        await fake.autocomplete("docs", {"document": first.source, "section": ""}, "section")
    )
    assert sec_auto.data["choices"]
    section = await fake.reply(
        await fake.slash("docs", {"document": first.source, "section": leaf})
    )
    assert section.embeds[0]["description"]
    missing = await fake.reply(await fake.slash("docs", {"document": "no-such-document"}))
    assert "/docs" in missing.content and missing.ephemeral


async def test_help_lists_commands_and_admin_section_only_for_admins(fake, bot):
    member = await fake.reply(await fake.slash("help"))
    assert member.ephemeral and "/ask" in member.text and "/next" in member.text
    assert "For admins" not in member.text
    admin = await fake.reply(
        await fake.slash("help", user_id=fd.ADMIN_ID, permissions=fd.ADMIN_PERMS)
    )
    assert "For admins" in admin.text and "/reindex" in admin.text


async def test_bot_resumes_after_server_disconnect_and_gets_missed_commands(fake, bot):
    resumed = asyncio.Event()

    async def on_resumed() -> None:
        resumed.set()

    bot.add_listener(on_resumed)
    await fake.request_reconnect()
    ix = await fake.slash("ask", {"question": VALUES_Q})  # sent while the bot is away
    reply = await fake.reply(ix)
    assert "[1]" in reply.embeds[0]["description"]
    await asyncio.wait_for(resumed.wait(), 10)
    assert fake.identifies == 1 and fake.resumes == 1


async def test_interaction_callback_429_is_retried(fake, bot):
    fake.fail_next("POST", r"/callback$", 429)
    ix = await fake.slash("help")
    reply = await fake.reply(ix)
    assert "/ask" in reply.text
    statuses = [r.status for r in fake.find_requests("POST", rf"/interactions/{ix.id}/")]
    assert statuses == [429, 200]


class SlowEngine(FakeEngine):
    """Blocks `ask` until the test releases it, to force the defer-then-follow-up path."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def ask(self, question, *, limit=5, max_chars=500):
        assert self.release.wait(20), "test never released the engine"
        return super().ask(question, limit=limit, max_chars=max_chars)


async def test_slow_answer_defers_then_follows_up(fake, runner, make_settings, monkeypatch):
    engine = SlowEngine()
    await runner.start(make_settings(), engine=engine)
    # discord.py loads extensions as fresh module objects: patch the one the bot is running.
    monkeypatch.setattr(sys.modules["bot.ask.cog"], "DEFER_AFTER_SECONDS", 0.05)
    ix = await fake.slash("ask", {"question": VALUES_Q, "private": True})
    deferred = await fake.wait_request("POST", rf"/interactions/{ix.id}/{ix.token}/callback$")
    assert deferred.json["type"] == 5 and deferred.json["data"]["flags"] & fd.EPHEMERAL
    engine.release.set()
    reply = await fake.reply(ix)
    assert reply.kind == 0 and not reply.request.authorized  # webhook follow-up
    assert reply.ephemeral and "[1]" in reply.embeds[0]["description"]


async def test_ask_cooldown_gives_a_friendly_ephemeral_notice(fake, runner, make_settings):
    await runner.start(make_settings(ask_cooldown_uses=2, ask_cooldown_seconds=3600))
    for _ in range(2):
        ok = await fake.reply(await fake.slash("ask", {"question": VALUES_Q}))
        assert ok.embeds
    limited = await fake.reply(await fake.slash("ask", {"question": VALUES_Q}))
    assert limited.ephemeral and "wait" in limited.content and not limited.embeds
    other = await fake.reply(await fake.slash("ask", {"question": VALUES_Q}, user_id=fd.ADMIN_ID))
    assert other.embeds  # the cooldown is per member


class BrokenEngine(FakeEngine):
    def ask(self, question, *, limit=5, max_chars=500):
        raise RuntimeError("disk on fire at /srv/secret/path")


async def test_unexpected_failure_gives_an_apology_not_a_traceback(
    fake, runner, make_settings, error_log
):
    await runner.start(make_settings(), engine=BrokenEngine())
    reply = await fake.reply(await fake.slash("ask", {"question": VALUES_Q}))
    assert reply.ephemeral and "something went wrong" in reply.content
    assert "disk on fire" not in reply.content and "Traceback" not in reply.content
    logged = [r for r in error_log.records if r.name.startswith("bot.")]
    assert logged and "disk on fire" in repr(logged[0].exc_info[1])  # the operator sees it
    error_log.records.clear()  # expected here; the guard fails every other test on it


async def test_docs_autocomplete_values_open_the_document_even_for_long_paths(
    fake, runner, make_settings
):
    deep = "policies/" + "state-board-of-education/" * 5
    passages = [
        Passage(
            id=f"d{i}",
            source=f"{deep}rule-{i}.md",
            title=f"Rule {i}",
            section=f"Rule {i} › Scope",
            text=f"Rule {i} covers scope number {i}.",
            origin="test",
        )
        for i in range(3)
    ]
    await runner.start(make_settings(), engine=FakeEngine(passages))
    auto = await fake.reply(await fake.autocomplete("docs", {"document": "rule 2"}, "document"))
    (choice,) = auto.data["choices"]
    outline = await fake.reply(await fake.slash("docs", {"document": choice["value"]}))
    assert outline.embeds and outline.embeds[0]["title"] == "Rule 2", outline.content


async def test_every_section_offered_by_autocomplete_opens(fake, bot):
    opened = 0
    for doc in bot.app.library.documents():
        auto = await fake.reply(
            await fake.autocomplete("docs", {"document": doc.source, "section": ""}, "section")
        )
        choices = auto.data["choices"]
        assert len(choices) == min(25, len(outline(doc.sections)))
        for choice in choices:
            reply = await fake.reply(
                await fake.slash("docs", {"document": doc.source, "section": choice["value"]})
            )
            assert reply.embeds, (doc.source, choice, reply.content)
            last = choice["name"].rsplit("›", 1)[-1].strip()
            assert reply.embeds[0]["title"].rstrip("…").endswith(last[:50]) or last in reply.text
            opened += 1
    assert opened >= 3


async def test_long_sections_with_the_same_last_heading_open_the_one_chosen(
    fake, runner, make_settings
):
    root = "New Mexico High School Transformation Coalition Strategic Plan for Rural Districts"
    passages = [
        Passage(
            id=f"y{n}",
            source="plan.md",
            title="Plan",
            section=f"{root} › Potential Year-{year} Outcomes › Outcomes",
            text=f"In year {year.lower()} the coalition delivers result {n}.",
            origin="test",
        )
        for n, year in ((1, "One"), (2, "Two"))
    ]
    await runner.start(make_settings(), engine=FakeEngine(passages))
    auto = await fake.reply(
        await fake.autocomplete("docs", {"document": "plan.md", "section": ""}, "section")
    )
    year_two = next(c for c in auto.data["choices"] if "Year-Two" in c["name"])
    reply = await fake.reply(
        await fake.slash("docs", {"document": "plan.md", "section": year_two["value"]})
    )
    assert "year two" in reply.text, reply.text
