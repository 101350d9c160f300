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
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import discord
import discord.utils as discord_utils

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


# -- documents ----------------------------------------------------------------------------------


# -- help ---------------------------------------------------------------------------------------


# -- admin --------------------------------------------------------------------------------------


def notice(text: str) -> Reply:
    """A short plain reply (errors, confirmations)."""
    return Reply(content=clip(text, CONTENT_LIMIT))


# -- schedule -----------------------------------------------------------------------------------


def escape_text(text: str) -> str:
    """Member- or admin-written text shown as-is: markdown and masked links neutralised."""
    return discord_utils.escape_markdown(discord_utils.escape_mentions(text))
