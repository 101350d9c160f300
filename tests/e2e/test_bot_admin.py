"""Admin commands on the real bot: /reindex, /corpus add|remove, /status, /gaps, and the refusals.

Admins are members with Manage Server or the configured admin role; everyone else gets an
ephemeral refusal and nothing changes (no file written, no reindex, no download, audited).
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from tests.e2e import fake_discord as fd

ADMIN = {"user_id": fd.ADMIN_ID, "permissions": fd.ADMIN_PERMS}
ROLE_ADMIN = {"user_id": fd.ADMIN_ID, "roles": [fd.ADMIN_ROLE_ID]}
REFUSAL = "only coalition admins"

NEW_DOC = b"""---
title: Zebra Grant Guide
---
# Zebra Grant Guide

## Eligibility
The zebra grant funds rural tutoring programmes in New Mexico pueblos.
"""


def corpus_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def audit(bot) -> list[tuple[str, str]]:
    with sqlite3.connect(bot.settings.db_path) as db:
        return db.execute("SELECT action, outcome FROM bot_audit ORDER BY id").fetchall()


def attachment_option(fake, name: str, data: bytes) -> tuple[dict, dict]:
    att = fake.add_attachment(name, data)
    return {"type": 11, "value": att["id"]}, {"attachments": {att["id"]: att}}


async def test_reindex_and_dry_run_for_an_admin(fake, bot):
    dry = await fake.reply(await fake.slash("reindex", {"dry_run": True}, **ADMIN))
    assert dry.ephemeral
    assert dry.embeds[0]["title"].startswith("Reindex preview")
    assert "took" in dry.embeds[0]["footer"]["text"]
    real = await fake.reply(await fake.slash("reindex", **ADMIN))
    assert real.embeds[0]["title"] in ("Reindex finished",)
    names = [f["name"] for f in real.embeds[0]["fields"]]
    assert names[:3] == ["Added", "Changed", "Removed"]
    actions = [a for a, _ in audit(bot)]
    assert actions[-2:] == ["reindex --dry-run", "reindex"]


async def test_reindex_force_rebuilds_when_nothing_changed(fake, bot):
    from index import builder

    await fake.reply(await fake.slash("reindex", **ADMIN))
    before = builder.current_generation(bot.settings.index_dir)
    forced = await fake.reply(await fake.slash("reindex", {"force": True}, **ADMIN))
    assert forced.embeds[0]["title"] == "Reindex finished"
    assert builder.current_generation(bot.settings.index_dir) != before
    assert [a for a, _ in audit(bot)][-1] == "reindex --force"


async def test_admin_role_is_enough_without_manage_server(fake, bot):
    status = await fake.reply(await fake.slash("status", **ROLE_ADMIN))
    assert status.ephemeral
    fields = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}
    assert {"Index", "Uptime", "Gateway latency", "Pending reminders"} <= set(fields)
    assert fields["Gateway latency"].endswith("ms")
    assert fields["Pending reminders"].isdigit()


async def test_non_admins_are_refused_and_nothing_changes(fake, bot, corpus_dir):
    before_files = corpus_files(corpus_dir)
    before_status = bot.app.engine.status()
    opt, resolved = attachment_option(fake, "sneaky.md", NEW_DOC)
    attempts = [
        ("reindex", {}, None, None),
        ("reindex", {"dry_run": True}, None, None),
        ("status", {}, None, None),
        ("gaps", {}, None, None),
        ("corpus", {"file": opt}, "add", resolved),
        ("corpus", {"document": "learning-alliance"}, "remove", None),
        ("schedule", {"title": "Secret", "when": "2030-01-01 10:00"}, "add-meeting", None),
        ("schedule", {"title": "Secret", "due": "2030-01-01 10:00"}, "add-deadline", None),
        ("schedule", {"item": 1, "title": "Hijacked"}, "edit", None),
        ("schedule", {"item": 1}, "cancel", None),
    ]
    items_before = [(i.id, i.title, i.status) for i in bot.app.schedule.service.items()]
    for name, options, sub, res in attempts:
        ix = await fake.slash(name, options, sub=sub, resolved=res, roles=[fd.OFFICER_ROLE_ID])
        reply = await fake.reply(ix)
        assert reply.ephemeral, name
        assert REFUSAL in reply.content and "Nothing was changed" in reply.content, name
    assert corpus_files(corpus_dir) == before_files
    assert bot.app.engine.status() == before_status
    assert not fake.find_requests("GET", r"^/attachments/")  # never downloaded
    assert bot.app.schedule is not None
    assert [(i.id, i.title, i.status) for i in bot.app.schedule.service.items()] == items_before
    outcomes = audit(bot)
    assert len(outcomes) == len(attempts)
    assert all(outcome.startswith("refused") for _, outcome in outcomes)


async def test_corpus_add_indexes_the_file_then_remove_takes_it_out(fake, bot, corpus_dir):
    opt, resolved = attachment_option(fake, "zebra-grant.md", NEW_DOC)
    added = await fake.reply(
        await fake.slash("corpus", {"file": opt}, sub="add", resolved=resolved, **ADMIN)
    )
    assert added.ephemeral
    assert added.embeds[0]["title"] == "Added uploads/zebra-grant.md"
    assert (corpus_dir / "uploads" / "zebra-grant.md").read_bytes() == NEW_DOC
    assert fake.find_requests("GET", r"^/attachments/.*/zebra-grant.md$")

    answer = await fake.reply(
        await fake.slash("ask", {"question": "who does the zebra grant fund?"})
    )
    assert "[1]" in answer.embeds[0]["description"]
    assert "Zebra Grant Guide" in answer.text and ".md" not in answer.text

    auto = await fake.reply(
        await fake.autocomplete("corpus", {"document": "zebra"}, "document", sub="remove", **ADMIN)
    )
    assert "uploads/zebra-grant.md" in [c["value"] for c in auto.data["choices"]]
    asked = await fake.reply(
        await fake.slash("corpus", {"document": "uploads/zebra-grant.md"}, sub="remove", **ADMIN)
    )
    assert asked.ephemeral and asked.embeds[0]["title"] == "Remove this document?"
    assert (corpus_dir / "uploads" / "zebra-grant.md").exists()  # only asked so far
    prompt = fake.message_for(asked)
    confirm = next(c for c in asked.custom_ids if c)
    click = await fake.click(prompt, confirm, **ADMIN)
    removed = await fake.wait_for(
        lambda: next(
            (
                r
                for r in fake.find_requests("POST", r"/webhooks/")
                if click.token in r.path and "Removed" in str(r.json)
            ),
            None,
        ),
        10.0,
        "the removal report",
    )
    assert removed.json["embeds"][0]["title"] == "Removed uploads/zebra-grant.md"
    assert "/corpus undo" in removed.json["content"]
    assert not (corpus_dir / "uploads" / "zebra-grant.md").exists()
    assert "uploads/zebra-grant.md" not in [d.source for d in bot.app.library.documents()]
    assert [a for a, o in audit(bot) if o.startswith(("ok", "unchanged"))][-2:] == [
        "corpus add",
        "corpus remove",
    ]


async def test_corpus_add_rejects_unsafe_or_invalid_files(fake, bot, corpus_dir):
    before = corpus_files(corpus_dir)
    cases = [
        ("../../etc/evil.md", NEW_DOC, "not allowed"),
        ("notes.exe", b"MZ\x90\x00", ""),
        ("latin1.md", "caf\xe9 and r\xe9sum\xe9".encode("latin-1"), "UTF-8"),
        ("big.md", b"x" * (bot.settings.max_upload_bytes + 1), ""),
    ]
    for name, data, hint in cases:
        opt, resolved = attachment_option(fake, name.rsplit("/", 1)[-1], data)
        resolved["attachments"][opt["value"]]["filename"] = name
        reply = await fake.reply(
            await fake.slash("corpus", {"file": opt}, sub="add", resolved=resolved, **ADMIN)
        )
        assert reply.ephemeral, name
        assert reply.content and "Traceback" not in reply.content, name
        assert hint in reply.content, (name, reply.content)
    assert corpus_files(corpus_dir) == before


async def test_gaps_lists_unanswered_and_downvoted_questions_most_frequent_first(fake, bot):
    for _ in range(2):
        await fake.reply(await fake.slash("ask", {"question": "what is the wifi password?"}))
    reply = await fake.reply(
        await fake.slash("ask", {"question": "what are the alliance's values?"})
    )
    down = next(i for i in reply.custom_ids if i.endswith(":down"))
    await fake.reply(await fake.click(fake.message_for(reply), down))
    gaps = await fake.reply(await fake.slash("gaps", {"days": 7}, **ADMIN))
    desc = gaps.embeds[0]["description"]
    assert desc.index("wifi password") < desc.index("values")
    assert "asked 2×" in desc and "👎 1" in desc


async def test_dry_run_shows_the_diff_without_swapping(fake, bot, corpus_dir):
    (corpus_dir / "zebra.md").write_bytes(NEW_DOC)
    question = {"question": "who does the zebra grant fund?"}
    dry = await fake.reply(await fake.slash("reindex", {"dry_run": True}, **ADMIN))
    fields = {f["name"]: f["value"] for f in dry.embeds[0]["fields"]}
    assert "zebra.md" in fields["Added"]
    assert "zebra.md" not in [d.source for d in bot.app.library.documents()]
    before = await fake.reply(await fake.slash("ask", question))
    assert "zebra.md" not in before.text
    real = await fake.reply(await fake.slash("reindex", **ADMIN))
    assert "zebra.md" in {f["name"]: f["value"] for f in real.embeds[0]["fields"]}["Added"]
    after = await fake.reply(await fake.slash("ask", question, user_id=fd.ADMIN_ID))
    assert "Zebra Grant Guide" in after.text and "[1]" in after.embeds[0]["description"]
    again = await fake.reply(await fake.slash("reindex", **ADMIN))
    assert "Nothing changed" in again.embeds[0]["description"]


async def test_corpus_add_refuses_to_overwrite_unless_replace(fake, bot, corpus_dir):
    opt, resolved = attachment_option(fake, "zebra-grant.md", NEW_DOC)
    await fake.reply(
        await fake.slash("corpus", {"file": opt}, sub="add", resolved=resolved, **ADMIN)
    )
    changed = NEW_DOC.replace(b"rural tutoring", b"urban mentoring")
    opt2, resolved2 = attachment_option(fake, "zebra-grant.md", changed)
    refused = await fake.reply(
        await fake.slash("corpus", {"file": opt2}, sub="add", resolved=resolved2, **ADMIN)
    )
    assert refused.ephemeral and "replace" in refused.content
    assert (corpus_dir / "uploads" / "zebra-grant.md").read_bytes() == NEW_DOC
    opt3, resolved3 = attachment_option(fake, "zebra-grant.md", changed)
    replaced = await fake.reply(
        await fake.slash(
            "corpus", {"file": opt3, "replace": True}, sub="add", resolved=resolved3, **ADMIN
        )
    )
    assert replaced.embeds[0]["title"] == "Added uploads/zebra-grant.md"
    assert (corpus_dir / "uploads" / "zebra-grant.md").read_bytes() == changed


async def test_status_counts_pending_reminders(fake, bot):
    await fake.reply(
        await fake.slash(
            "schedule",
            {"title": "Coalition call", "when": "in 2 years"},
            sub="add-meeting",
            **ADMIN,
        )
    )
    status = await fake.reply(await fake.slash("status", **ADMIN))
    fields = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}
    assert int(fields["Pending reminders"]) >= 2  # 1 day and 1 hour before


async def test_corpus_remove_confirmation_is_checked_again_on_click(fake, bot, corpus_dir):
    opt, resolved = attachment_option(fake, "zebra-grant.md", NEW_DOC)
    await fake.reply(
        await fake.slash("corpus", {"file": opt}, sub="add", resolved=resolved, **ADMIN)
    )
    asked = await fake.reply(
        await fake.slash("corpus", {"document": "uploads/zebra-grant.md"}, sub="remove", **ADMIN)
    )
    prompt = fake.message_for(asked)
    confirm, cancel = asked.custom_ids
    # Someone else clicking is turned away; the asker who lost the admin rights too.
    other = await fake.reply(await fake.click(prompt, confirm, user_id=fd.MEMBER_ID))
    assert "Only the admin who asked" in other.content and other.ephemeral
    demoted = await fake.reply(await fake.click(prompt, confirm, user_id=fd.ADMIN_ID))
    assert REFUSAL in demoted.content
    assert (corpus_dir / "uploads" / "zebra-grant.md").exists()
    assert audit(bot)[-1] == ("corpus remove", "refused: not an admin")


async def test_shipped_documents_are_refused_and_cancel_changes_nothing(fake, bot, corpus_dir):
    before = corpus_files(corpus_dir)
    shipped = next(
        d.source for d in bot.app.library.documents() if not d.source.startswith("uploads/")
    )
    refused = await fake.reply(
        await fake.slash("corpus", {"document": shipped}, sub="remove", **ADMIN)
    )
    assert "came with the repository" in refused.content and not refused.custom_ids
    asked = await fake.reply(
        await fake.slash("corpus", {"document": shipped, "force": True}, sub="remove", **ADMIN)
    )
    assert "came with the repository" in asked.embeds[0]["description"]
    _, cancel = asked.custom_ids
    cancelled = await fake.reply(await fake.click(fake.message_for(asked), cancel, **ADMIN))
    assert cancelled.kind == 7 and "nothing was removed" in cancelled.content
    assert corpus_files(corpus_dir) == before


async def test_identical_reupload_says_nothing_changed(fake, bot, corpus_dir):
    for expected in ("Added uploads/zebra-grant.md", "Nothing changed"):
        opt, resolved = attachment_option(fake, "zebra-grant.md", NEW_DOC)
        reply = await fake.reply(
            await fake.slash("corpus", {"file": opt}, sub="add", resolved=resolved, **ADMIN)
        )
        assert reply.embeds[0]["title"].startswith(expected)


async def test_undo_puts_a_removed_document_back(fake, bot, corpus_dir):
    opt, resolved = attachment_option(fake, "zebra-grant.md", NEW_DOC)
    await fake.reply(
        await fake.slash("corpus", {"file": opt}, sub="add", resolved=resolved, **ADMIN)
    )
    await asyncio.to_thread(bot.app.corpus.remove, fd_actor(), "uploads/zebra-grant.md")
    auto = await fake.reply(
        await fake.autocomplete("corpus", {"document": "zebra"}, "document", sub="undo", **ADMIN)
    )
    choice = auto.data["choices"][0]
    assert "uploads/zebra-grant.md" in choice["name"]
    restored = await fake.reply(
        await fake.slash("corpus", {"document": choice["value"]}, sub="undo", **ADMIN)
    )
    assert restored.embeds[0]["title"] == "Restored uploads/zebra-grant.md"
    assert (corpus_dir / "uploads" / "zebra-grant.md").read_bytes() == NEW_DOC
    nothing = await fake.reply(await fake.slash("corpus", {}, sub="undo", **ADMIN))
    assert "nothing to undo" in nothing.content


def fd_actor():
    from bot.common.permissions import Actor

    return Actor(fd.ADMIN_ID, "admin", manage_guild=True)
