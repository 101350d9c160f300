"""`/docs`'s use cases, Discord-free: the indexed documents, one outline, one section, and the
sections a refusal suggests (found again by a short key when their button is pressed)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from bot.common.errors import NotFound
from bot.common.search import SearchCore
from index.models import SECTION_SEPARATOR, Answer, DocumentOutline, Passage
from index.outline import outline, resolve_section
from index.refusal import suggest

#: Marks a shortened value (autocomplete values are limited to 100 characters).
ELLIPSIS = "…"
#: Hex digits of a suggested section's key (a button's custom_id carries it, not the path).
SECTION_KEY_CHARS = 16


def section_key(source: str, section: str) -> str:
    """A short, stable key for one heading path of one document, for a button's custom_id
    (Discord allows 100 characters; heading paths can be longer). It is only ever looked up
    among the indexed sections (`Library.suggested_section`), never trusted as a path."""
    digest = hashlib.sha256(f"{source}\x1f{section}".encode()).hexdigest()
    return digest[:SECTION_KEY_CHARS]


@dataclass(frozen=True, slots=True)
class SuggestedSection:
    """A close section a refusal offers: its `Document › … › heading` path as shown, and the
    key its button carries."""

    path: str
    key: str

    @property
    def heading(self) -> str:
        """The last heading of the path (the button's label)."""
        return self.path.rsplit(SECTION_SEPARATOR, 1)[-1]


def suggested_sections(answer: Answer) -> list[SuggestedSection]:
    """The refusal's suggestions (`Answer.suggestions`, in order) with the key of the passage
    section each one came from; empty for an answer."""
    if answer.answered:
        return []
    out: list[SuggestedSection] = []
    for path in answer.suggestions:
        hit = next((h for h in answer.hits if suggest([h]) == (path,)), None)
        if hit is not None and all(s.path != path for s in out):
            out.append(SuggestedSection(path, section_key(hit.passage.source, hit.passage.section)))
    return out


@dataclass(frozen=True, slots=True)
class SectionText:
    """One section as `/docs document:… section:…` shows it."""

    document: DocumentOutline
    heading: str
    passages: list[Passage]


class Library:
    """The documents as the index holds them now."""

    def __init__(self, engine: SearchCore) -> None:
        self.engine = engine

    def documents(self) -> list[DocumentOutline]:
        """Indexed documents with their outlines."""
        return self.engine.documents()

    def find_document(self, key: str) -> DocumentOutline:
        """The document whose source path or title matches `key` (case-insensitive)."""
        wanted = key.strip().lower()
        docs = self.documents()
        for doc in docs:
            if wanted in (doc.source.lower(), doc.title.lower()):
                return doc
        if wanted.startswith(ELLIPSIS):  # an autocomplete value for a path over 100 characters
            tails = [d for d in docs if d.source.lower().endswith(wanted[len(ELLIPSIS) :])]
            if len(tails) == 1:
                return tails[0]
        partial = [d for d in docs if wanted and (wanted in d.title.lower() or wanted in d.source)]
        if len(partial) == 1:
            return partial[0]
        raise NotFound(f"I don't have a document called '{_echo(key)}'. Use /docs to see the list.")

    def section_passages(self, source: str, section: str) -> list[Passage]:
        """The passages of one section and its subsections: exact heading path, an autocomplete
        "…tail" of one, or a forgiving match of a heading's name (`index.outline`), including
        headings with no text of their own."""
        doc = self.find_document(source)
        wanted = section.strip().lower()
        if wanted.startswith(ELLIPSIS):
            tail = wanted[len(ELLIPSIS) :]
            tails = [c for c in outline(doc.sections) if c.lower().endswith(tail)]
            if len(tails) == 1:
                return self.engine.passages_for(doc.source, tails[0])
        found = resolve_section(doc.sections, section)
        if found is not None:
            return self.engine.passages_for(doc.source, found)
        raise NotFound(
            f"'{doc.title}' has no section called '{_echo(section)}'. "
            "Leave the section empty to see its outline."
        )

    def section_text(self, document: str, section: str) -> SectionText:
        """What `/docs document:… section:…` shows: the document, the heading path the
        passages share, and the passages (see `section_passages`)."""
        doc = self.find_document(document)
        passages = self.section_passages(doc.source, section)
        return SectionText(doc, passages[0].section if passages else section, passages)

    def suggested_section(self, key: str) -> SectionText:
        """The section a refusal's button points at, found by its `section_key` among the
        sections indexed now (a reindex may have renamed or removed it: then `NotFound`)."""
        for doc in self.documents():
            for path in outline(doc.sections):
                if section_key(doc.source, path) == key:
                    passages = self.engine.passages_for(doc.source, path)
                    return SectionText(doc, path, passages)
        raise NotFound(
            "That section isn't in the documents any more (they were updated since). "
            "Use /docs to browse what's there now."
        )


def _echo(text: str) -> str:
    """A member's document or section name as it may be quoted back in an error: one line, at
    most 100 characters, letters, digits and plain punctuation only, so no markdown, masked link
    or mention can form from it."""
    return re.sub(r"[^\w\s.,:/'’-]", "", " ".join(text.split()))[:100]
