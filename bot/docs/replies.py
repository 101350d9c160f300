"""`/docs`'s replies: the document list, one outline, one section's text, and the `/docs`
command that shows a section (quoted by refusals)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.common.cards import Card, CardField, Reply, clip, fit_reply
from index.models import SECTION_SEPARATOR, DocumentOutline, Passage
from index.outline import outline


def docs_command(path: str) -> str:
    """The `/docs` command that shows the section `Document › … › heading`."""
    names = path.split(SECTION_SEPARATOR)
    if len(names) == 1:
        return f"/docs document:{names[0]}"
    return f"/docs document:{names[0]} section:{names[-1]}"


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
