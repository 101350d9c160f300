"""The admin replies: what a reindex did, `/status`, `/gaps`, and the `/corpus` confirmations
(added, removal prompt, removed, restored, web page added, refresh)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import discord

from bot.admin.corpus import RefreshReport, Removal, Restored, UrlResult, added_by_admins
from bot.admin.usecases import StatusReport, UploadResult
from bot.common.cards import (
    COLOR_ADMIN,
    Card,
    CardField,
    Reply,
    clip,
    escape_member_text,
    fit_reply,
)
from bot.common.records import Gap
from index.models import DocumentOutline, ReindexReport


def _paths(paths: Sequence[str], limit: int = 15) -> str:
    shown = [f"`{p}`" for p in paths[:limit]]
    if len(paths) > limit:
        shown.append(f"…and {len(paths) - limit} more")
    return ", ".join(shown) or "none"


def reindex_reply(report: ReindexReport, *, title: str | None = None) -> Reply:
    """What a reindex did (or would do)."""
    if title is None:
        title = "Reindex preview (nothing changed)" if report.dry_run else "Reindex finished"
    if report.unchanged:
        desc = "Nothing changed since the last build; the index was left as it is."
    else:
        verb = "would have" if report.dry_run else "now has"
        desc = (
            f"The index {verb} **{report.documents}** documents and **{report.passages}** "
            f"passages (+{report.passages_added} / −{report.passages_removed} passages)."
        )
    fields = [
        CardField("Added", _paths(report.added), inline=True),
        CardField("Changed", _paths(report.changed), inline=True),
        CardField("Removed", _paths(report.removed), inline=True),
        CardField("Search", f"{report.search_mode}; {report.embedded} passages embedded"),
    ]
    if report.skipped:
        fields.append(
            CardField(
                f"Skipped ({len(report.skipped)})",
                "\n".join(f"`{s.path}`: {s.reason}" for s in report.skipped[:15]),
            )
        )
    card = Card(
        title=title,
        description=desc,
        fields=tuple(fields),
        footer=f"took {report.seconds:.2f} s",
        color=COLOR_ADMIN,
    )
    return fit_reply(Reply(cards=(card,)))


def upload_reply(result: UploadResult) -> Reply:
    """Confirmation of `/corpus add` ("Nothing changed" when the file was already there)."""
    if result.report.unchanged:
        return reindex_reply(
            result.report, title=f"Nothing changed: {result.source} is identical to this file"
        )
    return reindex_reply(result.report, title=f"Added {result.source}")


def duration(seconds: float | None) -> str:
    """`3d 4h`, `5m 2s` style."""
    if seconds is None:
        return "unknown"
    s = max(0, int(seconds))
    days, s = divmod(s, 86400)
    hours, s = divmod(s, 3600)
    minutes, s = divmod(s, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    if minutes:
        return f"{minutes}m {s}s"
    return f"{s}s"


def stamp(when: datetime | None) -> str:
    """An absolute UTC time, readable in the console and in Discord."""
    if when is None:
        return "never"
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def status_reply(status: StatusReport) -> Reply:
    """`/status`."""
    idx = status.index
    fields = [
        CardField("Index", f"{idx.documents} documents · {idx.passages} passages", inline=True),
        CardField(
            "Index built",
            f"{stamp(idx.built_at)} ({duration(status.index_age_seconds)} ago)"
            if idx.built_at
            else "not built yet",
            inline=True,
        ),
        CardField("Last admin reindex", stamp(status.last_admin_reindex), inline=True),
        CardField("Uptime", duration(status.uptime_seconds), inline=True),
        CardField(
            "Gateway latency",
            f"{status.latency_ms:.0f} ms" if status.latency_ms is not None else "n/a (console)",
            inline=True,
        ),
        CardField(
            "Pending reminders",
            str(status.pending_reminders) if status.pending_reminders is not None else "n/a",
            inline=True,
        ),
        CardField("Questions answered so far", str(status.questions_logged), inline=True),
        CardField("Search", idx.search_mode),
        CardField("Database", database_line(status.database_problems)),
    ]
    if idx.skipped:
        fields.append(
            CardField(
                f"Skipped files ({len(idx.skipped)})",
                "\n".join(f"`{s.path}`: {s.reason}" for s in idx.skipped[:10]),
            )
        )
    card = Card(title="alliance-bot status", fields=tuple(fields), color=COLOR_ADMIN)
    return fit_reply(Reply(cards=(card,)))


def database_line(problems: Sequence[str] | None) -> str:
    """The `/status` line for the start-up `PRAGMA quick_check`."""
    if problems is None:
        return "not checked"
    if not problems:
        return "ok (quick check at start)"
    shown = "; ".join(clip(p, 120) for p in problems[:3])
    return clip(
        f"DAMAGED: {shown}. Stop the bot, restore the database from a backup, then restart.", 1000
    )


def _gap_line(n: int, gap: Gap) -> str:
    parts = [f"asked {gap.times}×"]
    if gap.abstained:
        parts.append(f"unanswered {gap.abstained}×")
    if gap.weak:
        weak = f"weak answer {gap.weak}×"
        if gap.coverage is not None:
            weak += f" (matched {gap.coverage:.0%} of its words"
            weak += f", from `{gap.source}`)" if gap.source else ")"
        parts.append(weak)
    if gap.downvotes:
        parts.append(f"👎 {gap.downvotes}")
    return f"**{n}.** {escape_member_text(clip(gap.question, 200))} — " + ", ".join(parts)


def gaps_reply(gaps: Sequence[Gap], *, days: int) -> Reply:
    """`/gaps`: what the corpus seems to be missing, from what members asked. Questions are
    member text, shown escaped; junk and small talk were already left out (`Records.gaps`)."""
    if not gaps:
        desc = f"No unanswered, weakly answered or 👎 questions in the last {days} days."
    else:
        desc = "\n".join(_gap_line(i, g) for i, g in enumerate(gaps, 1))
    card = Card(
        title=f"Questions the documents don't answer well (last {days} days)",
        description=desc,
        footer=(
            "Unanswered: add a document with /corpus add. Weak: add the member's word to "
            "synonyms.toml or a clearer section. Junk and small talk are left out."
        ),
        color=COLOR_ADMIN,
    )
    return fit_reply(Reply(cards=(card,)))


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
