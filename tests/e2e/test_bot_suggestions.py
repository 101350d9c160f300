"""A refusal's suggested sections as buttons, through the real client against the fake Discord:
one click shows the section exactly as `/docs document:… section:…` does, the buttons survive a
restart, and a section a reindex removed gets a friendly line instead of an error.
"""

from __future__ import annotations

import asyncio
import shutil

from tests.e2e import fake_discord as fd

#: Questions the seed corpus does not answer but has close sections for.
REFUSED = (
    "what is the parking policy?",
    "how much is the stipend for members?",
    "who is the treasurer of the alliance?",
)


def section_ids(reply: fd.Reply) -> list[str]:
    return [i for i in reply.custom_ids if i.startswith("ab:sec:")]


def labels(reply: fd.Reply) -> dict[str, str]:
    return {
        c["custom_id"]: c.get("label") or ""
        for row in reply.data.get("components") or []
        for c in row.get("components", [])
    }


async def test_each_refusal_offers_up_to_three_section_buttons_that_open_like_docs(fake, bot):
    seen_any = False
    for question in REFUSED:
        reply = await fake.reply(await fake.slash("ask", {"question": question}))
        description = reply.embeds[0]["description"]
        assert "I couldn't find" in description, question
        ids = section_ids(reply)
        assert 1 <= len(ids) <= 3 and len(set(ids)) == len(ids), (question, ids)
        assert all(len(i) <= 100 for i in ids)
        assert "/docs document:" not in description  # the buttons replace the typed commands
        assert "button" in description
        message = fake.message_for(reply)
        for cid in ids:
            label = labels(reply)[cid]
            assert label and label in description, (label, description)
            shown = await fake.reply(await fake.click(message, cid))
            assert shown.ephemeral
            document = shown.embeds[0]["footer"]["text"]
            heading = shown.embeds[0]["title"].rsplit(" › ", 1)[-1]
            assert heading == label
            docs = await fake.reply(
                await fake.slash("docs", {"document": document, "section": heading})
            )
            assert shown.embeds == docs.embeds, (question, label)
            seen_any = True
    assert seen_any


async def test_section_buttons_work_after_a_restart(fake, runner, make_settings):
    first = await runner.start(make_settings())
    reply = await fake.reply(await fake.slash("ask", {"question": REFUSED[0]}))
    old = fake.message_for(reply)
    before = await fake.reply(await fake.click(old, section_ids(reply)[0]))
    await runner.stop(first)

    await runner.start(make_settings())
    after = await fake.reply(await fake.click(old, section_ids(reply)[0]))
    assert after.ephemeral and after.embeds == before.embeds


async def test_a_section_removed_by_a_reindex_gets_a_friendly_line(fake, bot, corpus_dir):
    reply = await fake.reply(await fake.slash("ask", {"question": REFUSED[0]}))
    message = fake.message_for(reply)
    for folder in [p for p in corpus_dir.iterdir() if p.is_dir()]:
        shutil.rmtree(folder)
    (corpus_dir / "other.md").write_text("# Other\n\nSomething else entirely, about picnics.\n")
    await asyncio.to_thread(bot.app.engine.reindex)
    gone = await fake.reply(await fake.click(message, section_ids(reply)[0]))
    assert gone.ephemeral
    assert "isn't in the documents any more" in gone.content
    assert "/docs" in gone.content and "Traceback" not in gone.content


async def test_a_forged_section_key_is_only_looked_up_never_trusted(fake, bot):
    reply = await fake.reply(await fake.slash("ask", {"question": REFUSED[0]}))
    message = fake.message_for(reply)
    forged = "ab:sec:" + "0" * 16
    message["components"].append(
        {"type": 1, "components": [{"type": 2, "style": 2, "label": "x", "custom_id": forged}]}
    )
    answer = await fake.reply(await fake.click(message, forged))
    assert answer.ephemeral and "isn't in the documents any more" in answer.content
