"""Replies of the `/corpus` commands that go beyond a reindex report: the removal prompt, the
removal and undo confirmations. Document titles and paths are member-visible text, so they are
escaped like everything else the bot echoes."""

from __future__ import annotations

import discord

from bot.rendering import COLOR_ADMIN, Card, Reply, fit_reply, reindex_reply
from bot.services.corpus_admin import Removal, Restored, added_by_admins
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
