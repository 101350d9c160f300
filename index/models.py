"""Plain data passed between the search core and its callers (bot, console, CLI, tests).

These shapes are the contract between `index` and everything above it: keep them stable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SECTION_SEPARATOR = " › "


@dataclass(frozen=True, slots=True)
class Passage:
    """A readable chunk of one document: a heading path plus a few sentences.

    `id` is stable across reindexes as long as the document path, heading path and text are the
    same. `source` is the file path relative to the corpus dir, `origin` the front-matter source
    description (where the document came from), `text` the plain text with no Markdown markup,
    `url` the document's page when its front matter names one.
    """

    id: str
    source: str
    title: str
    section: str
    text: str
    origin: str = ""
    position: int = 0
    url: str = ""  # the document's own page (front matter `url:`), for a link in citations


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked passage for a question; `highlighted` marks matched terms with `**bold**`."""

    rank: int
    passage: Passage
    score: float
    highlighted: str


@dataclass(frozen=True, slots=True)
class Answer:
    """What `ask` returns: an extractive answer with `[n]` markers pointing into `hits`.

    `hits[n-1]` is citation `[n]`. When `answered` is false, `answer` is a kind explanation that
    says what the bot can answer; `hits` may still hold weak candidates (not shown as an answer).
    """

    question: str
    answered: bool
    answer: str
    hits: tuple[Hit, ...] = ()
    #: Refusals: up to three close sections (`Document › section`) to read instead.
    suggestions: tuple[str, ...] = ()
    #: A greeting, thanks or "ok" answered with a friendly line (no passages, not a gap).
    small_talk: bool = False
    language: str = "en"  # the question's language ("es": `answer` is introduced in Spanish)
    #: Share of the question's IDF-weighted words the passages the answer is built from cover
    #: (0–1; what abstention compares with its threshold). None: not from a search (schedule).
    coverage: float | None = None

    def to_json(self, limit: int = 5) -> dict[str, Any]:
        """The CLI's `ask --json` object (a contract other tools rely on); a refusal adds
        `suggestions`, the close sections to read instead."""
        out: dict[str, Any] = {
            "question": self.question,
            "answered": self.answered,
            "answer": self.answer,
            "passages": [
                {
                    "rank": hit.rank,
                    "source": hit.passage.source,
                    "title": hit.passage.title,
                    "section": hit.passage.section,
                    "text": hit.passage.text,
                    "score": round(float(hit.score), 4),
                }
                for hit in self.hits[:limit]
            ],
            "language": self.language,
        }
        if not self.answered:  # refusals only: answers keep exactly the keys above
            out["suggestions"] = list(self.suggestions)
        return out


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A corpus file that was not indexed, and why (in words an admin understands)."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class ReindexReport:
    """What a reindex did (or, with `dry_run`, would do); lists hold corpus-relative paths."""

    documents: int
    passages: int
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    skipped: tuple[SkippedFile, ...] = ()
    passages_added: int = 0
    passages_removed: int = 0
    seconds: float = 0.0
    unchanged: bool = False
    dry_run: bool = False
    semantic: str = ""  # embedding model of the generation serving ("" = lexical search only)
    semantic_note: str = ""  # why search is lexical only, in words
    embedded: int = 0  # passages embedded by this reindex (unchanged ones reuse their vectors)

    @property
    def search_mode(self) -> str:
        """How questions are searched after this reindex."""
        return search_mode(self.semantic, self.semantic_note)


@dataclass(frozen=True, slots=True)
class IndexStatus:
    """Size and age of the index now serving."""

    documents: int
    passages: int
    built_at: datetime | None
    generation: str | None
    skipped: tuple[SkippedFile, ...] = ()
    semantic: str = ""
    semantic_note: str = ""

    @property
    def search_mode(self) -> str:
        """How questions are searched, for `/status`."""
        return search_mode(self.semantic, self.semantic_note)


@dataclass(frozen=True, slots=True)
class DocumentOutline:
    """One indexed document and its heading paths, in reading order."""

    source: str
    title: str
    origin: str
    sections: tuple[str, ...] = field(default_factory=tuple)


def search_mode(model: str, note: str) -> str:
    """ "words + meaning (model)" or "words only (why)"."""
    if model:
        return f"words + meaning ({model})"
    return f"words only ({note})" if note else "words only"
