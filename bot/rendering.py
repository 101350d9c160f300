"""Turn results into replies that always fit Discord's limits, and into console text.

Every reply is first laid out as `Card`s (title, description, fields, footer) by a pure function;
`fit_cards` then enforces Discord's limits whatever the input length: title 256, description 4,096,
field name 256, field value 1,024, 25 fields, footer 2,048, 6,000 characters across all embeds of
one message, at most 10 embeds; plain message content is capped at 2,000. `to_embed` makes a
`discord.Embed` (plain data, no network) and `to_text` the console's rendering of the same card, so
the console shows exactly what Discord would. Nothing here does I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import discord
import discord.utils as discord_utils

from bot.schedule.feed import FeedLinks
from bot.schedule.models import Item, Occurrence, ts
from bot.schedule.render import discord_time, local_time, render_occurrence
from bot.schedule.rsvp import ANSWERS, EMOJI, LABELS, Counts
from bot.services.calendar import Attendance
from bot.services.core import SHOWN_SOURCES, StatusReport, UploadResult
from bot.services.records import Gap
from index.answer import first_use_order
from index.models import (
    SECTION_SEPARATOR,
    Answer,
    DocumentOutline,
    Hit,
    Passage,
    ReindexReport,
)
from index.outline import outline

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELD_COUNT_LIMIT = 25
FOOTER_LIMIT = 2048
TOTAL_LIMIT = 6000
EMBED_COUNT_LIMIT = 10
#: Quotes longer than this are clipped even when the budget would allow more: a chat reply should
#: be readable at a glance; `/docs` shows whole sections.
QUOTE_CHARS = 700
ELLIPSIS = "…"

COLOR_ANSWER = 0x2E7D32
COLOR_ABSTAIN = 0xF9A825
COLOR_INFO = 0x1565C0
COLOR_ADMIN = 0x6A1B9A

EXAMPLE_QUESTIONS = (
    "what are the alliance's values?",
    "what does the coalition expect of its members?",
    "what are the year-one outcomes?",
    "when is the next meeting?",
)


@dataclass(frozen=True, slots=True)
class CardField:
    """One embed field."""

    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Card:
    """A Discord-independent embed layout."""

    title: str = ""
    description: str = ""
    fields: tuple[CardField, ...] = ()
    footer: str = ""
    color: int = COLOR_INFO

    def size(self) -> int:
        """Characters that count towards Discord's 6,000 per-message total."""
        return (
            len(self.title)
            + len(self.description)
            + len(self.footer)
            + sum(len(f.name) + len(f.value) for f in self.fields)
        )


@dataclass(frozen=True, slots=True)
class Reply:
    """A whole message: optional plain content plus cards."""

    content: str = ""
    cards: tuple[Card, ...] = field(default_factory=tuple)


# -- limits -------------------------------------------------------------------------------------


def clip(text: str, limit: int) -> str:
    """Shorten `text` to at most `limit` characters, ending with … and keeping **bold** balanced."""
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    cut = text[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    cut = cut.rstrip()
    if cut.count("**") % 2 == 1:
        cut = cut[: max(0, limit - len(ELLIPSIS) - 2)].rstrip()
        if cut.count("**") % 2 == 1:
            cut += "**"
    return cut + ELLIPSIS


#: Control characters and bidirectional overrides: never echoed (they reorder or hide text).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def escape_member_text(text: str) -> str:
    """Member text made inert for Discord: markdown escaped, every `[`/`]` escaped so no masked
    link (`[label](url)`) forms, mentions broken with a zero-width space, one line, control and
    bidi characters dropped. Every place that echoes a member's words uses this."""
    flat = _CONTROL.sub("", " ".join(text.split()))
    escaped = discord.utils.escape_markdown(flat)
    escaped = re.sub(r"(?<!\\)([\[\]])", r"\\\1", escaped)
    escaped = discord.utils.escape_mentions(escaped)
    return re.sub(r"<(@[!&]?|#)(\d+)>", "<\\1\u200b\\2>", escaped)


def fit_card(card: Card) -> Card:
    """Apply the per-embed limits to one card."""
    fields = card.fields
    if len(fields) > FIELD_COUNT_LIMIT:
        fields = fields[:FIELD_COUNT_LIMIT]
    return Card(
        title=clip(card.title, TITLE_LIMIT),
        description=clip(card.description, DESCRIPTION_LIMIT),
        fields=tuple(
            CardField(
                clip(f.name, FIELD_NAME_LIMIT) or "\u200b",
                clip(f.value, FIELD_VALUE_LIMIT) or "\u200b",
                f.inline,
            )
            for f in fields
        ),
        footer=clip(card.footer, FOOTER_LIMIT),
        color=card.color,
    )


#: Every description or field value kept after fitting gets at least this many characters.
MIN_BODY = 40


def fit_cards(cards: Sequence[Card]) -> tuple[Card, ...]:
    """Apply every per-embed and per-message limit.

    Fixed parts (titles, field names, footers) are kept; when even they do not fit, trailing
    fields and then trailing cards are dropped. The remaining budget is shared fairly between the
    descriptions and field values: short ones keep their full text, long ones are clipped.
    """
    fitted = [fit_card(c) for c in cards[:EMBED_COUNT_LIMIT]]
    if sum(c.size() for c in fitted) <= TOTAL_LIMIT:
        return tuple(fitted)
    while _fixed(fitted) + MIN_BODY * _bodies(fitted) > TOTAL_LIMIT:
        if not _drop_one(fitted):
            break
    budget = TOTAL_LIMIT - _fixed(fitted)
    lengths = [len(c.description) for c in fitted] + [
        len(f.value) for c in fitted for f in c.fields
    ]
    allowed = _water_fill(lengths, budget)
    out: list[Card] = []
    i = len(fitted)
    for ci, card in enumerate(fitted):
        fields = []
        for f in card.fields:
            fields.append(replace(f, value=clip(f.value, allowed[i]) or "\u200b"))
            i += 1
        out.append(
            replace(card, description=clip(card.description, allowed[ci]), fields=tuple(fields))
        )
    return tuple(out)


def _fixed(cards: Sequence[Card]) -> int:
    """Characters in parts that are never shortened further (titles, names, footers)."""
    return sum(len(c.title) + len(c.footer) + sum(len(f.name) for f in c.fields) for c in cards)


def _bodies(cards: Sequence[Card]) -> int:
    """How many shrinkable texts (non-empty descriptions and all field values) there are."""
    return sum(bool(c.description) + len(c.fields) for c in cards)


def _drop_one(cards: list[Card]) -> bool:
    """Drop the last field of the last card that has one, else the last card; False if stuck."""
    for ci in range(len(cards) - 1, -1, -1):
        if cards[ci].fields:
            cards[ci] = replace(cards[ci], fields=cards[ci].fields[:-1])
            return True
    if len(cards) > 1:
        cards.pop()
        return True
    return False


def _water_fill(lengths: list[int], budget: int) -> list[int]:
    """Share `budget` so no text gets more than it needs and the rest split the remainder."""
    allowed = [0] * len(lengths)
    remaining = max(0, budget)
    order = sorted(range(len(lengths)), key=lambda k: lengths[k])
    for n, k in enumerate(order):
        share = remaining // (len(order) - n)
        allowed[k] = min(lengths[k], share)
        remaining -= allowed[k]
    return allowed


def fit_reply(reply: Reply) -> Reply:
    """Apply all limits to a whole message."""
    return Reply(clip(reply.content, CONTENT_LIMIT), fit_cards(reply.cards))


# -- outputs ------------------------------------------------------------------------------------


def to_embed(card: Card) -> discord.Embed:
    """The `discord.Embed` for a (fitted) card."""
    embed = discord.Embed(
        title=card.title or None, description=card.description or None, color=card.color
    )
    for f in card.fields:
        embed.add_field(name=f.name, value=f.value, inline=f.inline)
    if card.footer:
        embed.set_footer(text=card.footer)
    return embed


def to_embeds(reply: Reply) -> list[discord.Embed]:
    """All embeds for a reply, after fitting."""
    return [to_embed(c) for c in fit_reply(reply).cards]


def to_text(reply: Reply) -> str:
    """The console rendering of a reply (same content as Discord, without the limits)."""
    parts: list[str] = []
    if reply.content:
        parts.append(reply.content)
    for card in reply.cards:
        lines: list[str] = []
        if card.title:
            lines += [card.title, "=" * min(len(card.title), 72)]
        if card.description:
            lines.append(card.description)
        for f in card.fields:
            lines.append("")
            lines.append(f.name)
            lines += ["  " + line for line in f.value.splitlines()]
        if card.footer:
            lines += ["", f"({card.footer})"]
        parts.append("\n".join(lines))
    return "\n\n".join(parts).rstrip() + "\n"


# -- answers ------------------------------------------------------------------------------------


def citation(hit: Hit) -> str:
    """`[n] Document title › section` (never a file path or capture note)."""
    section = hit.passage.section
    where = hit.passage.title or "Untitled document"
    if section and section != where:
        where = section if section.startswith(where) else f"{where} › {section}"
    return f"[{hit.rank}] {where}"


def quote(hit: Hit, limit: int = QUOTE_CHARS) -> str:
    """The passage as a block quote (matched terms bold), clipped, with a link to the document's
    page when it has one. Capture notes and file paths stay out: they are for admins."""
    text = hit.highlighted or hit.passage.text
    lines = [" ".join(line.split()) for line in text.splitlines()]
    flat = "\n".join(line for line in lines if line)
    body = "\n".join("> " + line for line in clip(flat, limit).splitlines())
    if hit.passage.url:
        return f"{body}\n— <{hit.passage.url}>"
    return body


#: How the console names each button under an answer.
ANSWER_BUTTON_LABELS = {
    "more": "More sources (/more)",
    "up": "👍",
    "down": "👎",
    "ask": "Ask a person",
}


def answer_buttons(question_id: int | None, *, more: bool, ask_person: bool) -> list[str]:
    """Which buttons go under an answer, in order (Discord's view and the console's line both
    follow this): none without a logged question, which small talk never has."""
    if question_id is None:
        return []
    return [*(["more"] if more else []), "up", "down", *(["ask"] if ask_person else [])]


def answer_button_labels(question_id: int | None, *, more: bool, ask_person: bool) -> list[str]:
    """The buttons under an answer, as the console names them."""
    kinds = answer_buttons(question_id, more=more, ask_person=ask_person)
    return [ANSWER_BUTTON_LABELS[kind] for kind in kinds]


def answer_reply(
    answer: Answer, *, topics: Sequence[str] = (), ask_person: bool = True, buttons: bool = False
) -> Reply:
    """The reply to `/ask`: answer with [n] markers, then the top passages quoted and cited.
    `ask_person` says whether the "Ask a person" button is there (the footer names it only
    then); `buttons` that a refusal's suggested sections come as buttons (Discord) rather than
    as `/docs` commands (console)."""
    if answer.small_talk:
        return fit_reply(Reply(cards=(Card(description=answer.answer, color=COLOR_INFO),)))
    if not answer.answered:
        return abstain_reply(answer, topics=topics, ask_person=ask_person, buttons=buttons)
    answer = first_use_order(answer)
    if not answer.hits:  # answered from the live schedule, not from a document
        card = Card(
            title=escape_member_text(answer.question),
            description=answer.answer,
            footer="From the live schedule · /meetings and /deadlines list what's coming up.",
            color=COLOR_ANSWER,
        )
        return fit_reply(Reply(cards=(card,)))
    shown = answer.hits[:SHOWN_SOURCES]
    fields = tuple(CardField(citation(h), quote(h)) for h in shown)
    more = len(answer.hits) - len(shown)
    footer = "Was this helpful? Use 👍 / 👎." + (
        " Not what you needed? Ask a person." if ask_person else ""
    )
    if more > 0:
        footer = f"{more} more source{'s' if more != 1 else ''} available. " + footer
    card = Card(
        title=escape_member_text(answer.question),
        description=answer.answer,
        fields=fields,
        footer=footer,
        color=COLOR_ANSWER,
    )
    return fit_reply(Reply(cards=(card,)))


def abstain_reply(
    answer: Answer, *, topics: Sequence[str] = (), ask_person: bool = True, buttons: bool = False
) -> Reply:
    """A short "I don't know": what was not found and up to three close sections, each with the
    `/docs` command that shows it, or, with `buttons`, a pointer to the buttons that show them
    in one click. `topics` is kept for callers; every document is no longer listed. A Spanish
    question gets Spanish labels."""
    spanish = answer.language == "es"
    lines = [answer.answer or "I couldn't find that in the coalition's documents."]
    for path in answer.suggestions[:3]:
        names = path.split(SECTION_SEPARATOR)
        where = f"{names[-1]} ({names[0]})" if len(names) > 1 else names[0]
        lines.append(f"• {where}" if buttons else f"• {where} — `{docs_command(path)}`")
    if buttons and answer.suggestions:
        lines.append(
            "Pulse el botón de una sección para leerla aquí."
            if spanish
            else "Press a section's button below to read it here."
        )
    if not answer.suggestions:
        example = "Por ejemplo" if spanish else "For example"
        lines += ["", f"{example}: /ask {EXAMPLE_QUESTIONS[0]}"]
    if spanish:
        footer = (
            "Pulse “Ask a person” para pasar su pregunta a los responsables de la coalición."
            if ask_person
            else "Pruebe con otras palabras, o /docs para ver los documentos."
        )
    else:
        footer = (
            "Press “Ask a person” to pass your question to the coalition's officers."
            if ask_person
            else "Try other words, or /docs to browse the documents."
        )
    card = Card(
        title=escape_member_text(answer.question),
        description="\n".join(lines),
        footer=footer,
        color=COLOR_ABSTAIN,
    )
    return fit_reply(Reply(cards=(card,)))


def docs_command(path: str) -> str:
    """The `/docs` command that shows the section `Document › … › heading`."""
    names = path.split(SECTION_SEPARATOR)
    if len(names) == 1:
        return f"/docs document:{names[0]}"
    return f"/docs document:{names[0]} section:{names[-1]}"


def more_sources_reply(answer: Answer, hits: Sequence[Hit]) -> Reply:
    """The passages after the first ones, for "More sources"."""
    card = Card(
        title=f"More sources: {escape_member_text(answer.question)}",
        fields=tuple(CardField(citation(h), quote(h, 500)) for h in hits),
        color=COLOR_INFO,
    )
    return fit_reply(Reply(cards=(card,)))


def officer_message(
    question: str, *, asker_id: int, role_id: int | None, channel_id: int | None
) -> str:
    """The "Ask a person" post for the officers' channel (the only place a role is pinged).

    The member's question is quoted through `escape_member_text`: a masked link, markdown or a
    mention in it shows as plain text, so the officer-role ping is the post's only live markup
    (the caller also lists that role alone in `allowed_mentions`)."""
    ping = f"<@&{role_id}> " if role_id is not None else ""
    where = f" in <#{channel_id}>" if channel_id else ""
    head = f"{ping}A member (<@{asker_id}>){where} would like a person to answer:\n"
    body = escape_member_text(question) or "(empty)"
    return clip(f"{head}> {body}", CONTENT_LIMIT)


# -- documents ----------------------------------------------------------------------------------


def documents_reply(docs: Sequence[DocumentOutline]) -> Reply:
    """The list of indexed documents."""
    if not docs:
        return Reply(
            cards=(
                Card(
                    title="No documents indexed yet",
                    description="An admin can add documents with /corpus add and run /reindex.",
                ),
            )
        )
    fields = tuple(
        CardField(
            clip(d.title, 200),
            f"{len(outline(d.sections))} section{'s' if len(outline(d.sections)) != 1 else ''}",
        )
        for d in docs
    )
    card = Card(
        title=f"Indexed documents ({len(docs)})",
        description="Use `/docs document:<name>` to see a document's outline.",
        fields=fields,
    )
    return fit_reply(Reply(cards=(card,)))


def outline_reply(doc: DocumentOutline) -> Reply:
    """One document's heading outline."""
    lines = []
    for section in outline(doc.sections):
        depth = section.count(SECTION_SEPARATOR)
        lines.append("  " * depth + "• " + section.rsplit(SECTION_SEPARATOR, 1)[-1].strip())
    card = Card(
        title=doc.title,
        description="\n".join(lines),
        footer="Add section:<name> to read a section",
    )
    return fit_reply(Reply(cards=(card,)))


def section_reply(doc: DocumentOutline, section: str, passages: Sequence[Passage]) -> Reply:
    """The text of one section, its subsections under their own headings; the title is the
    heading path the passages share (the section asked for, even one with no text of its own)."""
    shared = _shared_path([p.section for p in passages]) or section or doc.title
    parts: list[str] = []
    last = shared
    for p in passages:
        if p.section != last and p.section.startswith(shared):
            parts.append(f"**{p.section[len(shared) :].strip(' ›')}**")
            last = p.section
        parts.append(p.text)
    text = "\n\n".join(parts) or "(This section has no text of its own.)"
    card = Card(title=shared, description=text, footer=doc.title)
    return fit_reply(Reply(cards=(card,)))


def _shared_path(sections: Sequence[str]) -> str:
    """The longest heading path every one of `sections` starts with ("" when none)."""
    if not sections:
        return ""
    split = [s.split(SECTION_SEPARATOR) for s in sections]
    common: list[str] = []
    for names in zip(*split, strict=False):
        if len(set(names)) != 1:
            break
        common.append(names[0])
    return SECTION_SEPARATOR.join(common)


# -- help ---------------------------------------------------------------------------------------


def help_reply(*, schedule: bool, admin: bool, feed: FeedLinks | None = None) -> Reply:
    """What the bot can do, with examples (and the calendar feed's link when it is on)."""
    member = [
        "**/ask** `question:` — a short answer quoted from the coalition's documents, with "
        "sources. Add `private: True` to see it only yourself.",
        "**/docs** — the documents I know; `document:` shows one document's outline, "
        "`section:` its text.",
        "**/help** — this message.",
    ]
    if schedule:
        member += [
            "**/next** — the next meeting.",
            "**/meetings** · **/deadlines** — what's coming up.",
            "**/subscribe** · **/unsubscribe** — reminders by DM for one item or all.",
            "**/ics** — a calendar file to import into your calendar app.",
            "**/reminder-role** — be notified by channel reminders (again to stop).",
        ]
        if feed is not None:
            member.append(f"**Subscribe to the calendar** once: {feed.webcal}")
    fields = [
        CardField("For everyone", "\n".join(member)),
        CardField("Try asking", "\n".join(f"• /ask {q}" for q in EXAMPLE_QUESTIONS)),
    ]
    if admin:
        fields.append(
            CardField(
                "For admins",
                "**/reindex** `dry_run:` — rebuild the search index (preview with dry_run).\n"
                "**/corpus add** `file:` · **/corpus remove** `document:` — manage documents.\n"
                "**/status** — index size and age, uptime, latency, pending reminders.\n"
                "**/gaps** — questions I couldn't answer, answered weakly, or that got 👎.\n"
                "**/schedule** `add-meeting` · `add-deadline` · `edit` · `cancel` — manage "
                "meetings and deadlines (reminders follow automatically).\n"
                "**/calendar rsvps** `item:` — who is coming · **/calendar rotate-feed** — a new "
                "secret calendar address.",
            )
        )
    card = Card(
        title="alliance-bot — what I can do",
        description=(
            "I answer questions from the coalition's own documents and always show where the "
            "answer comes from. If I'm not sure, I say so."
        ),
        fields=tuple(fields),
    )
    return fit_reply(Reply(cards=(card,)))


# -- admin --------------------------------------------------------------------------------------


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


def notice(text: str) -> Reply:
    """A short plain reply (errors, confirmations)."""
    return Reply(content=clip(text, CONTENT_LIMIT))


# -- schedule -----------------------------------------------------------------------------------


def occurrences_reply(
    title: str,
    occurrences: Sequence[Occurrence],
    tz: ZoneInfo,
    *,
    discord: bool,
    empty: str,
    counts: Mapping[tuple[int, int], Counts] | None = None,
    group: bool = True,
) -> Reply:
    """A list of upcoming meetings/deadlines (Discord `<t:…>` tags or local time).

    With `group`, a repeating meeting takes one line (its next occurrence) followed by the
    dates of the next few (`SERIES_DATES`), instead of one line per week. `counts` adds the RSVP
    totals of the occurrence a line shows.
    """
    lines: list[str] = []
    for occurrence, later in group_series(occurrences) if group else [(o, []) for o in occurrences]:
        line = f"• {render_occurrence(occurrence, tz, discord=discord)}"
        moved_from = [o for o, n in occurrence.item.overrides if n == occurrence.start]
        if moved_from:
            line += f" — moved from {short_time(moved_from[0], tz, discord=discord)}"
        found = (counts or {}).get((occurrence.item.id, ts(occurrence.start)))
        if found is not None and found.total:
            line += f"\n  {found.summary()}"
        if later:
            shown = ", ".join(short_time(o.start, tz, discord=discord) for o in later)
            line += f"\n  then {shown}"
        lines.append(line)
    card = Card(
        title=title,
        description="\n".join(lines) if lines else empty,
        footer="/subscribe ITEM for DM reminders · /ics for your calendar",
        color=COLOR_INFO,
    )
    return fit_reply(Reply(cards=(card,)))


SERIES_DATES = 3


def group_series(
    occurrences: Sequence[Occurrence], later: int = SERIES_DATES
) -> list[tuple[Occurrence, list[Occurrence]]]:
    """Each item's first occurrence with up to `later` of its next ones, in time order."""
    firsts: dict[int, tuple[Occurrence, list[Occurrence]]] = {}
    for occurrence in occurrences:
        entry = firsts.get(occurrence.item.id)
        if entry is None:
            firsts[occurrence.item.id] = (occurrence, [])
        elif len(entry[1]) < later:
            entry[1].append(occurrence)
    return sorted(firsts.values(), key=lambda e: (e[0].start, e[0].item.id))


def short_time(when: datetime, tz: ZoneInfo, *, discord: bool) -> str:
    """A compact date and time: `<t:…:f>` in Discord, "Tue Dec 1, 9:00 AM" elsewhere."""
    if discord:
        return f"<t:{ts(when)}:f>"
    local = when.astimezone(tz)
    return f"{local:%a %b} {local.day}, {local:%I:%M %p}".replace(" 0", " ")


def _at(when: datetime, tz: ZoneInfo, discord: bool) -> str:
    return discord_time(when) if discord else local_time(when, tz)


def skipped_reply(item: Item, skipped: datetime, tz: ZoneInfo, *, discord: bool) -> Reply:
    """`/schedule skip`: one date of a series is off, the rest untouched."""
    return notice(
        f"Skipped #{item.id} {escape_text(item.title)} on {_at(skipped, tz, discord)}; its "
        "reminders for that date are removed and the rest of the series is unchanged. Undo with "
        f"/schedule restore item:{item.id}."
    )


def moved_reply(
    item: Item, original: datetime, new: datetime, tz: ZoneInfo, *, discord: bool
) -> Reply:
    """`/schedule move`: one date of a series moved."""
    return notice(
        f"Moved #{item.id} {escape_text(item.title)} from {_at(original, tz, discord)} to "
        f"{_at(new, tz, discord)}; reminders and RSVPs follow, the rest of the series is "
        "unchanged."
    )


def occurrence_restored_reply(
    item: Item, original: datetime, tz: ZoneInfo, *, discord: bool
) -> Reply:
    """`/schedule restore`: a skipped or moved date is back at its usual time."""
    return notice(
        f"Restored #{item.id} {escape_text(item.title)} on {_at(original, tz, discord)}, at its "
        "usual time."
    )


def feed_rotated_reply(links: FeedLinks) -> Reply:
    """`/calendar rotate-feed`: the new address, and what subscribers must do."""
    return notice(
        "The calendar feed has a new address; the old one stopped working. Members who "
        f"subscribed need the new link (shown by /ics):\n{links.webcal}"
    )


def attendance_reply(attendance: Attendance, *, tz: ZoneInfo | None = None) -> Reply:
    """Who answered the RSVP of one occurrence (for organisers; names as Discord mentions,
    which never ping because every message turns mentions off). With `tz` (the console), the
    date is shown in that zone instead of as a Discord timestamp."""
    occurrence = attendance.occurrence
    counts = attendance.counts
    lines = [
        f"**{escape_text(occurrence.item.title)}** — "
        + (f"<t:{ts(occurrence.start)}:F>" if tz is None else local_time(occurrence.start, tz)),
        counts.summary() or "Nobody has answered yet.",
    ]
    for answer in ANSWERS:
        ids = attendance.answers[answer]
        if ids:
            lines.append(f"{EMOJI[answer]} {LABELS[answer]}: " + ", ".join(f"<@{i}>" for i in ids))
    return notice("\n".join(lines))


def feed_text(links: FeedLinks, *, empty: bool) -> str:
    """How to subscribe to the live calendar (for /ics and /help)."""
    head = (
        "Nothing is scheduled in the coming year yet, but you can subscribe now"
        if empty
        else "Or subscribe once and see every change"
    )
    return (
        f"{head}: {links.webcal}\n(In Google Calendar use “From URL” with {links.http}; "
        "Apple Calendar and Outlook open the webcal link directly.)"
    )


def escape_text(text: str) -> str:
    """Member- or admin-written text shown as-is: markdown and masked links neutralised."""
    return discord_utils.escape_markdown(discord_utils.escape_mentions(text))


def schedule_item_reply(
    title: str, item: Item, occurrence: Occurrence | None, tz: ZoneInfo, *, discord: bool
) -> Reply:
    """Confirmation for an added/edited/cancelled item."""
    line = (
        render_occurrence(occurrence, tz, discord=discord)
        if occurrence is not None
        else f"#{item.id} {item.title} (no upcoming date)"
    )
    return notice(f"{title}: {line}")
