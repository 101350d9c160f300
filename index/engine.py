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

import numpy as np
from whoosh import index as whoosh_index
from whoosh.searching import Searcher

from index import builder
from index.abstention import ANSWER_WINDOW
from index.answer import (
    LEAD_IN_UNITS,
    compose,
    compose_list,
    make_hits,
    named_subsection,
    promote,
    subsection_leads,
    to_passage,
    units,
    with_subsections,
)
from index.errors import QuestionError
from index.lexicon import LEXICON_FILE, lexicon_source
from index.matching import TermArrays
from index.models import (
    SECTION_SEPARATOR,
    Answer,
    DocumentOutline,
    IndexStatus,
    Passage,
    ReindexReport,
    SkippedFile,
)
from index.options import SearchOptions
from index.ranking import Candidate
from index.refusal import refuse
from index.schema import weighting
from index.search import search
from index.segments import PARALLEL_MIN_CHARS
from index.semantic import (
    MAX_PASSAGES,
    DenseRanking,
    Embedder,
    ServingVectors,
    Vectors,
    load_embedder,
    off_topic_floor,
    unavailable_reason,
)
from index.spanish import is_spanish, read_spanish
from index.synonyms import SYNONYMS_FILE, synonym_source
from index.vocabulary import Vocabulary
from index.words import TITLE_STEMS_FILE, WORDS_FILE, Terms

log = logging.getLogger(__name__)

#: Hits kept per answer: 5 shown, 5 more for the "More sources" button.
MAX_HITS = 10
#: How an answer to a Spanish question opens: the quotes that follow are the English documents.
SPANISH_PREFACE = "Los documentos de la coalición están en inglés. Esto es lo que dicen:"


@dataclass(slots=True)
class _Reader:
    generation: str
    searcher: Searcher
    vocab: Vocabulary
    arrays: TermArrays
    dense: ServingVectors | None = None


class SearchEngine:
    """Questions in, cited answers out; reindexing atomically underneath (see module docstring)."""

    def __init__(
        self,
        corpus_dir: Path,
        index_dir: Path,
        *,
        options: SearchOptions | None = None,
        lock_timeout: float = 30.0,
        semantic: bool | None = None,
        embedder: Embedder | None = None,
        max_vectors: int = MAX_PASSAGES,
        build_processes: int | None = None,
        parallel_min_chars: int = PARALLEL_MIN_CHARS,
    ) -> None:
        """`semantic` None follows `ALLIANCE_SEMANTIC`; `embedder` replaces the packaged model
        (tests); above `max_vectors` passages search stays lexical (see `index.semantic`).
        A reindex of at least `parallel_min_chars` characters of documents runs in
        `build_processes` processes (None: the cores available, up to four; see
        `index.segments`)."""
        self.corpus_dir = Path(corpus_dir)
        if embedder is None and semantic is not False:
            embedder = load_embedder(enabled=semantic)
        self.embedder = embedder
        self.semantic_off = "" if embedder else unavailable_reason(enabled=semantic)
        self.max_vectors = max_vectors
        self.build_processes = build_processes
        self.parallel_min_chars = parallel_min_chars
        self.index_dir = Path(index_dir)
        self.options = options or SearchOptions()
        self.lock_timeout = lock_timeout
        self.synonyms = synonym_source(self.corpus_dir)
        self.lexicon = lexicon_source(self.corpus_dir)
        self._local = threading.local()
        self._readers: list[_Reader] = []
        self._readers_lock = threading.Lock()
        self._build_lock = threading.Lock()
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
        spanish = is_spanish(text, names=reader.vocab.in_titles)
        lexicon = self.lexicon.get()
        searched = text
        if spanish:
            searched, kept = read_spanish(text, known=reader.vocab.knows_word)
            lexicon = lexicon.with_phrasing(kept)
        dense = self._dense(reader, text)
        result = search(
            reader.searcher,
            reader.vocab,
            searched,
            self.synonyms.get(),
            limit=MAX_HITS,
            options=self.options,
            dense=dense,
            lexicon=lexicon,
            spanish=spanish,
            arrays=reader.arrays,
        )
        candidates = result.candidates[:limit]
        if not result.answered or not candidates:
            hits = make_hits(candidates[:3], result.concepts) if candidates else ()
            refused = refuse(text, result.concepts, hits, language="es" if spanish else "en")
            coverage = None if refused.small_talk else result.coverage
            return dataclasses.replace(refused, coverage=coverage)
        top_source = str(candidates[0].fields.get("source", ""))
        siblings = self._by_source().get(top_source, [])
        named = named_subsection(candidates[0], siblings, result.wanted)
        leads = [] if named else subsection_leads(candidates[0], siblings)
        parent = None if named or leads else _parent_section(candidates)
        if parent is not None:
            result.candidates.remove(parent)
            result.candidates.insert(0, parent)
            candidates = result.candidates[:limit]
            leads = subsection_leads(parent, siblings)
        if named:
            candidates = promote(result.candidates, named, limit)
            composed = compose(candidates, result.concepts)
        elif leads:
            candidates = with_subsections(result.candidates, leads, max(limit, len(leads) + 1))
            composed = compose_list(candidates, len(leads))
        else:
            composed = compose(candidates, result.concepts)
        if spanish:
            composed = f"{SPANISH_PREFACE}\n\n{composed}"
            hits = make_hits(candidates, result.concepts)
            return Answer(text, True, composed, hits, language="es", coverage=result.coverage)
        hits = make_hits(candidates, result.concepts)
        return Answer(text, True, composed, hits, coverage=result.coverage)

    def _dense(self, reader: _Reader, text: str) -> DenseRanking | None:
        """The model's ranking of every passage for `text` (None: lexical search only)."""
        if reader.dense is None or self.embedder is None or not self.options.semantic:
            return None
        try:
            query = self.embedder.queries([text])[0]
        except Exception:  # the model failing must not take answering down
            log.exception("embedding the question failed; answering from words only")
            return None
        return DenseRanking.of(reader.dense, query)

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
        # a generation without its tables is rebuilt; until then, no spelling or title counts
        words = Terms.load(gen / WORDS_FILE) or Terms({})
        vocab = Vocabulary(searcher, words, Terms.load(gen / TITLE_STEMS_FILE) or Terms({}))
        arrays = TermArrays(searcher, weighting())
        fresh = _Reader(gen.name, searcher, vocab, arrays, self._vectors(gen, searcher))
        with self._readers_lock:
            if mine is not None:
                self._close_reader(mine)
            self._readers.append(fresh)
        self._local.reader = fresh
        return fresh

    def _vectors(self, gen: Path, searcher: Searcher) -> ServingVectors | None:
        """The generation's vectors with each row's docnum, when this engine's model made them."""
        if self.embedder is None:
            return None
        vectors = Vectors.load(gen)
        if vectors is None or vectors.model != self.embedder.name:
            return None
        docnum_of = {
            str(fields.get("id")): docnum for docnum, fields in searcher.reader().iter_docs()
        }
        rows = [i for i, pid in enumerate(vectors.ids) if pid in docnum_of]
        docnums = [docnum_of[vectors.ids[i]] for i in rows]
        matrix = np.ascontiguousarray(vectors.matrix[rows])
        return ServingVectors.of(docnums, matrix, off_topic_floor(self.embedder, matrix))

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

    def reindex(self, *, dry_run: bool = False, force: bool = False) -> ReindexReport:
        """Rebuild if the corpus changed or the serving generation is damaged (atomic swap);
        `force` always rebuilds; `dry_run` only reports the diff.
        A broken `synonyms.toml` or `lexicon.toml` is listed with the skipped files so the admin
        sees it."""
        report = builder.reindex(
            self.corpus_dir,
            self.index_dir,
            dry_run=dry_run,
            lock_timeout=self.lock_timeout,
            embedder=self.embedder,
            semantic_off=self.semantic_off,
            max_vectors=self.max_vectors,
            force=force,
            processes=self.build_processes,
            parallel_min_chars=self.parallel_min_chars,
        )
        problems = [
            SkippedFile(name, problem)
            for name, problem in (
                (SYNONYMS_FILE, self.synonyms.problem()),
                (LEXICON_FILE, self.lexicon.problem()),
            )
            if problem is not None
        ]
        if not problems:
            return report
        return dataclasses.replace(report, skipped=(*report.skipped, *problems))

    def serving_ok(self) -> bool:
        """Whether the generation now serving opens and matches its manifest (False when there
        is none); a cheap start-up check, where a full reindex would read the whole corpus."""
        gen = builder.current_generation(self.index_dir)
        manifest = builder.read_manifest(gen) if gen else None
        return gen is not None and manifest is not None and builder.serving_ok(gen, manifest)

    def status(self) -> IndexStatus:
        """Size and age of the index now serving (zeros when there is none yet)."""
        gen = builder.current_generation(self.index_dir)
        manifest = builder.read_manifest(gen) if gen else None
        if gen is None or manifest is None:
            return IndexStatus(0, 0, None, None)
        model, note = manifest.semantic, manifest.semantic_note
        if self.embedder is None:
            model, note = "", self.semantic_off
        elif model != self.embedder.name:
            model, note = "", note or "this index was built without meaning search; reindex"
        return IndexStatus(
            documents=len(manifest.files),
            passages=manifest.passages,
            built_at=manifest.built_at,
            generation=gen.name,
            skipped=manifest.skipped,
            semantic=model,
            semantic_note=note,
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


def _parent_section(candidates: list[Candidate]) -> Candidate | None:
    """A candidate among the first `ANSWER_WINDOW` whose section holds the top one's and whose
    own text only leads in to its subsections (a sentence or two) and which word matching alone
    ranks above it, when the question does not name the top one: "what are the
    qualifications?" is answered from the section that introduces both lists, not from the one
    list the meaning ranking put first."""
    top = candidates[0]
    source = str(top.fields.get("source", ""))
    section = str(top.fields.get("section", ""))
    for cand in candidates[1:ANSWER_WINDOW]:
        own = str(cand.fields.get("section", ""))
        leads_in = len(units(str(cand.fields.get("text", "")))) <= LEAD_IN_UNITS
        words_first = cand.by_words >= top.by_words
        if (
            leads_in
            and words_first
            and SECTION_SEPARATOR in own  # not the document's untitled opening
            and str(cand.fields.get("source", "")) == source
            and section.startswith(own + SECTION_SEPARATOR)
        ):
            return cand
    return None
