"""Replies of the `/corpus` commands that go beyond a reindex report: the removal prompt, the
removal and undo confirmations. Document titles and paths are member-visible text, so they are
escaped like everything else the bot echoes."""

from __future__ import annotations

import discord

from bot.rendering import COLOR_ADMIN, Card, CardField, Reply, clip, fit_reply, reindex_reply
from bot.services.corpus_admin import (
    RefreshReport,
    Removal,
    Restored,
    UrlResult,
    added_by_admins,
)
from index.models import DocumentOutline


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def removal_prompt(
    doc: DocumentOutline, *, how: str = "Press Remove to go ahead, or Cancel."
) -> Reply:
    """The question `/corpus remove` asks before it changes anything; `how` says how to answer."""
    shipped = (
        ""
        if added_by_admins(doc.source)
        else (" It came with the repository: an upgrade may bring it back.")
    )
    card = Card(
        title="Remove this document?",
        description=(
            f"**{discord.utils.escape_markdown(doc.title)}** ({_code(doc.source)}) will be taken "
            "out of the index and moved to the trash; `/corpus undo` puts it back." + shipped
        ),
        footer=how,
        color=COLOR_ADMIN,
    )
    return fit_reply(Reply(cards=(card,)))


def removal_reply(removal: Removal) -> Reply:
    """What `/corpus remove` did, and how to undo it."""
    reply = reindex_reply(removal.report, title=f"Removed {removal.source}")
    return Reply(
        content=f"Moved to the trash as {_code(removal.removed_id)}; `/corpus undo` puts it back.",
        cards=reply.cards,
    )


def restored_reply(restored: Restored) -> Reply:
    """What `/corpus undo` did."""
    return reindex_reply(restored.report, title=f"Restored {restored.source}")


def url_reply(result: UrlResult) -> Reply:
    """What `/corpus add-url` did ("Nothing changed" when the stored copy has the same text)."""
    if result.unchanged:
        title = f"Nothing changed: {result.source} already has this page's text"
    else:
        title = f"Added {result.source}"
    reply = reindex_reply(result.report, title=title)
    content = f"**{discord.utils.escape_markdown(result.title)}** from <{result.url}>"
    return Reply(content=clip(content, 1900), cards=reply.cards)


def refresh_reply(result: RefreshReport) -> Reply:
    """What a refresh of the web documents found, with a short diff of each changed page."""
    if not result.entries:
        return Reply(content="No web documents yet: add one with `/corpus add-url`.")
    fields = []
    for entry in result.entries[:20]:
        if entry.status == "changed":
            body = "\n".join(entry.diff[:12]) or "(title only)"
            value = "```diff\n" + clip(body.replace("`", "'"), 900) + "\n```"
        elif entry.status == "failed":
            value = clip(entry.detail, 1000)
        else:
            value = "unchanged"
        fields.append(CardField(f"{entry.status}: {entry.source}"[:256], value))
    card = Card(
        title="Web documents refreshed",
        description=(
            f"{result.count('changed')} changed, {result.count('unchanged')} unchanged, "
            f"{result.count('failed')} failed"
            + ("" if result.report is not None else "; the index was left as it is.")
        ),
        fields=tuple(fields),
        color=COLOR_ADMIN,
    )
    cards = (card,) + (reindex_reply(result.report).cards if result.report else ())
    return fit_reply(Reply(cards=cards))
