"""`SearchEngine`: the one object the bot, the console and the CLI use to ask and reindex.

Thread safety: Whoosh searchers are not safe to share, so each thread gets its own searcher on the
generation now serving (`current`). When the generation changes (a reindex here or in another
process), a thread closes its old searcher and opens a new one on its next question; `refresh()`
is never used. Statistics (`Vocabulary`) are per thread and per generation for the same reason.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.searching import Searcher

from index import builder
from index.answer import (
    compose,
    compose_list,
    make_hits,
    named_subsection,
    promote,
    subsection_leads,
    to_passage,
    with_subsections,
)
from index.errors import QuestionError
from index.models import (
    SECTION_SEPARATOR,
    Answer,
    DocumentOutline,
    IndexStatus,
    Passage,
    ReindexReport,
    SkippedFile,
)
from index.refusal import refuse
from index.schema import weighting
from index.search import SearchOptions, Vocabulary, search
from index.synonyms import SYNONYMS_FILE, SynonymSource

log = logging.getLogger(__name__)

#: Hits kept per answer: 5 shown, 5 more for the "More sources" button.
MAX_HITS = 10


@dataclass(slots=True)
class _Reader:
    generation: str
    searcher: Searcher
    vocab: Vocabulary


class SearchEngine:
    """Questions in, cited answers out; reindexing atomically underneath (see module docstring)."""

    def __init__(
        self,
        corpus_dir: Path,
        index_dir: Path,
        *,
        options: SearchOptions | None = None,
        lock_timeout: float = 30.0,
    ) -> None:
        self.corpus_dir = Path(corpus_dir)
        self.index_dir = Path(index_dir)
        self.options = options or SearchOptions()
        self.lock_timeout = lock_timeout
        self.synonyms = SynonymSource(self.corpus_dir)
        self._local = threading.local()
        self._readers: list[_Reader] = []
        self._readers_lock = threading.Lock()
        self._build_lock = threading.Lock()
        self._topics: tuple[str, str] | None = None  # (generation, text)
        self._passages: tuple[str, list[Passage]] | None = None  # (generation, passages)
        self._by_source_cache: tuple[list[Passage], dict[str, list[Passage]]] | None = None
        self._closed = False

    # -- asking --------------------------------------------------------------------------------

    def ask(self, question: str, *, limit: int = 5, max_chars: int = 500) -> Answer:
        """Answer `question` from the corpus; raises QuestionError for unusable input."""
        text = " ".join(str(question).split())
        if not text:
            raise QuestionError("Please type a question, for example: what are the values?")
        if len(text) > max_chars:
            raise QuestionError(
                f"That question is {len(text)} characters long; please keep it under "
                f"{max_chars} characters."
            )
        reader = self._reader()
        limit = max(1, min(limit, MAX_HITS))
        result = search(
            reader.searcher,
            reader.vocab,
            text,
            self.synonyms.get(),
            limit=MAX_HITS,
            options=self.options,
        )
        candidates = result.candidates[:limit]
        if not result.answered or not candidates:
            hits = make_hits(candidates[:3], result.concepts) if candidates else ()
            return refuse(text, result.concepts, hits)
        top_source = str(candidates[0].fields.get("source", ""))
        siblings = self._by_source().get(top_source, [])
        named = named_subsection(candidates[0], siblings, result.wanted)
        leads = [] if named else subsection_leads(candidates[0], siblings)
        if named:
            candidates = promote(result.candidates, named, limit)
            composed = compose(candidates, result.concepts)
        elif leads:
            candidates = with_subsections(result.candidates, leads, max(limit, len(leads) + 1))
            composed = compose_list(candidates, len(leads))
        else:
            composed = compose(candidates, result.concepts)
        return Answer(text, True, composed, make_hits(candidates, result.concepts))

    def _abstain_message(self, generation: str) -> str:
        if self._topics is None or self._topics[0] != generation:
            self._topics = (generation, _topics(self.documents()))
        return (
            "I couldn't find that in the coalition's documents, so I won't guess. "
            f"I can answer questions about {self._topics[1]}."
        )

    # -- readers -------------------------------------------------------------------------------

    def _reader(self) -> _Reader:
        if self._closed:
            raise RuntimeError("the search engine is closed")
        gen = builder.current_generation(self.index_dir)
        if gen is None:
            self._ensure_index()
            gen = builder.current_generation(self.index_dir)
            if gen is None:  # pragma: no cover - reindex always leaves a generation
                raise QuestionError("The index could not be built; ask an admin to run reindex.")
        mine: _Reader | None = getattr(self._local, "reader", None)
        if mine is not None and mine.generation == gen.name:
            return mine
        searcher = whoosh_index.open_dir(str(gen)).searcher(weighting=weighting())
        fresh = _Reader(gen.name, searcher, Vocabulary(searcher))
        with self._readers_lock:
            if mine is not None:
                self._close_reader(mine)
            self._readers.append(fresh)
        self._local.reader = fresh
        return fresh

    def _close_reader(self, reader: _Reader) -> None:
        try:
            reader.searcher.close()  # type: ignore[no-untyped-call]
        except Exception:  # closing must never break a question
            log.debug("closing an old searcher failed", exc_info=True)
        if reader in self._readers:
            self._readers.remove(reader)

    def _ensure_index(self) -> None:
        with self._build_lock:
            if builder.current_generation(self.index_dir) is None:
                log.info("no index yet: building it from %s", self.corpus_dir)
                self.reindex()

    # -- admin ---------------------------------------------------------------------------------

    def reindex(self, *, dry_run: bool = False) -> ReindexReport:
        """Rebuild if the corpus changed (atomic swap); `dry_run` only reports the diff.
        A broken `synonyms.toml` is listed with the skipped files so the admin sees it."""
        report = builder.reindex(
            self.corpus_dir, self.index_dir, dry_run=dry_run, lock_timeout=self.lock_timeout
        )
        problem = self.synonyms.problem()
        if problem is None:
            return report
        skipped = (*report.skipped, SkippedFile(SYNONYMS_FILE, problem))
        return dataclasses.replace(report, skipped=skipped)

    def status(self) -> IndexStatus:
        """Size and age of the index now serving (zeros when there is none yet)."""
        gen = builder.current_generation(self.index_dir)
        manifest = builder.read_manifest(gen) if gen else None
        if gen is None or manifest is None:
            return IndexStatus(0, 0, None, None)
        return IndexStatus(
            documents=len(manifest.files),
            passages=manifest.passages,
            built_at=manifest.built_at,
            generation=gen.name,
            skipped=manifest.skipped,
        )

    def documents(self) -> list[DocumentOutline]:
        """Every indexed document with its heading paths in reading order."""
        by_source: dict[str, list[Passage]] = {}
        for passage in self._all_passages():
            by_source.setdefault(passage.source, []).append(passage)
        outlines = []
        for source in sorted(by_source):
            passages = sorted(by_source[source], key=lambda p: p.position)
            sections: list[str] = []
            for p in passages:
                if p.section not in sections:
                    sections.append(p.section)
            first = passages[0]
            outlines.append(DocumentOutline(source, first.title, first.origin, tuple(sections)))
        return outlines

    def passages_for(self, source: str, section: str | None = None) -> list[Passage]:
        """A document's passages in order; with `section`, that heading path and its subsections."""
        found = [p for p in self._all_passages() if p.source == source]  # a copy: safe to filter
        if section is not None:
            prefix = section + SECTION_SEPARATOR
            found = [p for p in found if p.section == section or p.section.startswith(prefix)]
        return sorted(found, key=lambda p: p.position)

    def _by_source(self) -> dict[str, list[Passage]]:
        """Each document's passages in reading order (built once per generation: list answers
        look up a section's subsections on the question's hot path)."""
        passages = self._all_passages()
        cached = self._by_source_cache
        if cached is not None and cached[0] is passages:
            return cached[1]
        grouped: dict[str, list[Passage]] = {}
        for p in sorted(passages, key=lambda p: (p.source, p.position)):
            grouped.setdefault(p.source, []).append(p)
        self._by_source_cache = (passages, grouped)
        return grouped

    def _all_passages(self) -> list[Passage]:
        """Every stored passage of the serving generation (read once per generation)."""
        reader = self._reader()
        cached = self._passages
        if cached is not None and cached[0] == reader.generation:
            return cached[1]
        passages = [to_passage(dict(f)) for f in reader.searcher.reader().all_stored_fields()]
        self._passages = (reader.generation, passages)
        return passages

    def close(self) -> None:
        """Close every searcher this engine opened (in any thread)."""
        with self._readers_lock:
            for reader in list(self._readers):
                self._close_reader(reader)
        self._closed = True


def _topics(documents: list[DocumentOutline]) -> str:
    """A short list of what the corpus covers: document titles and their main sections."""
    parts = []
    for doc in documents:
        heads: list[str] = []
        for section in doc.sections:
            names = section.split(SECTION_SEPARATOR)
            if len(names) >= 2 and names[1] not in heads:
                heads.append(names[1])
        head = ", ".join(heads[:4])
        parts.append(f"{doc.title} ({head})" if head else doc.title)
    if not parts:
        return "the documents an admin adds to the corpus"
    return "; ".join(parts[:6])
