"""Turn a member's question into a Whoosh query, run it, and judge whether anything answers it.

User text never reaches Whoosh's `QueryParser`: the question is analysed into words, and the query
is built from `Term`/`Phrase` objects, so `title:`, `*`, `AND`, quotes and brackets are just
characters. Each informative word of the question becomes a *concept* with alternatives: its stem,
a spelling correction from the index vocabulary (when the word is unknown), and synonym-map
expansions. Informativeness is the word's IDF in this index, so "New Mexico" or "students" weigh
little in a corpus where every passage says them, whatever the corpus.

Abstention uses the IDF-weighted *coverage* of the question's concepts by the top three passages
(the ones an answer is composed from) and the weight of what matched, relative to the most
informative weight the index can give. Both are ratios of the index's own statistics, so the
thresholds carry over to other corpora. Words the index has never seen are sorted by
`index.lexicon`: phrasing is ignored, a word members ask about ("parking") counts in full, any
other counts half. `index.answer_types` then refuses questions that ask for a kind of fact (a
count, a time, a date, a named school) the passages do not hold.
"""

from __future__ import annotations

import math
import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache

from whoosh.lang import stopwords_for_language
from whoosh.query.compound import Or
from whoosh.query.positional import Phrase
from whoosh.query.qcore import NullQuery, Query
from whoosh.query.terms import Term
from whoosh.searching import Searcher

from index.analysis import NUMBER_WORDS, QUESTION_WORDS, STOP_WORDS, stem, words
from index.answer_types import Source, answer_type_present
from index.lexicon import ASK_TOPIC_WORDS, EVERYDAY_WORDS, GENERIC_WORDS, PLACE_WORDS
from index.semantic import DenseRanking
from index.synonyms import SynonymMap

SCORED_FIELDS = ("title", "heading", "body")
#: Fields the Whoosh query searches. The document title is indexed (its counts feed IDF) but not
#: searched: every passage of a document shares it, so it ranks nothing and cost a third of the
#: matching time; the heading re-rank below covers questions that name a section.
QUERY_FIELDS = ("heading", "body")
#: Query weight of a spelling correction and of a synonym, relative to the member's own word.
CORRECTED_WEIGHT = 0.8
SYNONYM_WEIGHT = 0.6
VARIANT_WEIGHT = 0.8
#: What Porter leaves on one form of a word but not another ("mobiliz"/"mobil",
#: "legislatur"/"legisl"); agent endings ("governor"/"govern") are different words.
VARIANT_ENDINGS = frozenset(
    {"e", "i", "y", "al", "at", "ic", "is", "iz", "li", "ur", "ion", "atur"}
)
#: Rerank bonus when all neighbouring question concepts sit within `PROXIMITY` words.
PHRASE_WEIGHT = 0.15
PROXIMITY = 3
#: Rerank bonus per unit of IDF-weighted question coverage by the passage's own headings (below
#: the document title): a question that names a section ("the alliance's values") lands on it
#: rather than on a longer passage that merely mentions the word.
HEADING_WEIGHT = 0.5
#: Rerank weight of the passage's IDF-weighted coverage of the question, beside its BM25F score
#: relative to the best candidate's (weight 1).
COVERAGE_WEIGHT = 1.5
#: Question words with IDF under this share of the index's largest IDF ("students", "new" in a
#: corpus where most passages say them) are left out of the Whoosh query when the question has
#: more informative words: they match most passages, so scoring them costs the most and decides
#: the least. The coverage re-rank and abstention still count them. 0.25 rather than 0.2 keeps an
#: organisation's own name ("Learning Alliance") from outscoring the word the question is about
#: ("families"): on 600 questions Recall@3 rose from 0.944 to 0.955 and refusals fell 4.0 → 3.1 %.
LOW_INFORMATION = 0.25
#: Candidates fetched from Whoosh before re-ranking by coverage.
CANDIDATES = 20
#: Abstention thresholds. MIN_COVERAGE was swept on 600 questions (dev, held-out, both tuning
#: files and the four blind sets after each one's first run): 0.69-0.70 is a plateau (81 % of
#: unanswerable questions abstained on, 4.0 % of answerable ones refused); 0.695 is its middle.
MIN_COVERAGE = 0.695
MIN_MATCHED_WEIGHT = 0.15
#: Share of its weight that a known but unmatched question word counts against coverage. A word
#: the index lacks entirely is the strong sign of a missing topic ("budget"); a known word the top
#: passages happen not to use is more often phrasing ("considered", "offer"). Swept on the dev and
#: tuning questions: 0.5 with a 0.60-0.65 threshold was a plateau (3 of 84 answerable questions
#: refused, 30 of 31 unanswerable abstained); 1.0 refused 7 at the same abstention.
UNMATCHED_KNOWN_WEIGHT = 0.5
#: Weight of a word the index has never seen, as a share of the largest IDF the index can give:
#: in full for a word members typically ask about when a corpus lacks it (`ASK_TOPIC_WORDS`:
#: "parking", "deadline", "salary"), less for any other unknown word, which is more often
#: phrasing than topic ("yardstick", "grandkids").
UNKNOWN_WEIGHT = 1.0
UNKNOWN_OTHER_WEIGHT = 0.5
#: Passages the answer is composed from, and so judged together for abstention.
ANSWER_WINDOW = 3
#: Chunks of one section allowed among the first `SHOWN` results.
PER_SECTION = 2
SHOWN = 5
#: Passages the embedding model ranks highest that join the lexical candidates.
DENSE_CANDIDATES = 10
#: Rerank weight of a passage's cosine on the question's own scale (`DenseRanking.relative`).
DENSE_WEIGHT = 1.0


@dataclass(frozen=True, slots=True)
class SearchOptions:
    """Switches for each recall technique (all on in production; the eval toggles them)."""

    stemming: bool = True
    question_words: bool = True
    spelling: bool = True
    variants: bool = True
    synonyms: bool = True
    phrases: bool = True
    coverage_rerank: bool = True
    semantic: bool = True
    abstain: bool = True
    min_coverage: float = MIN_COVERAGE
    min_matched_weight: float = MIN_MATCHED_WEIGHT


@dataclass(slots=True)
class Concept:
    """One informative word (or synonym-map phrase) of the question."""

    word: str
    stems: tuple[str, ...]  # the word's own stem, or its spelling correction's
    expansions: tuple[tuple[str, ...], ...] = ()  # synonym-map stem sequences
    weight: float = 0.0  # IDF of the best-known alternative (unknown words: the maximum)
    corrected: str | None = None
    known: bool = True
    variants: tuple[str, ...] = ()  # index stems that extend/truncate an unknown stem
    hint: bool = False  # a question word's synonyms ("why" → "purpose"): counts only if matched

    def credit(self, matched: AbstractSet[str]) -> float:
        """How much of this concept's weight `matched` stems earn: all of it when any alternative
        matched, less when the only one is a spelling correction of a short word (a guess at what
        was meant; a long word one or two letters off, "multilingualsim", is not much of a guess).
        Crediting synonyms less was tried: it cost a false abstention on the tuning set."""
        if not self.known or not (matched & self.alternatives()):
            return 0.0
        return self.weight * (CORRECTED_WEIGHT if self.corrected and len(self.word) < 7 else 1.0)

    def alternatives(self) -> frozenset[str]:
        """Every single stem that counts as matching this concept."""
        alts = set(self.stems) | set(self.variants)
        for exp in self.expansions:
            alts.update(exp)
        return frozenset(alts)


@dataclass(slots=True)
class Candidate:
    """One passage found for a question, with what it matched."""

    docnum: int
    fields: dict[str, object]
    score: float
    matched: set[str] = field(default_factory=set)  # stems matched in any field
    body_matched: set[str] = field(default_factory=set)
    coverage: float = 0.0
    heading_coverage: float = 0.0
    matched_weight: float = 0.0
    rerank: float = 0.0
    dense: float = 0.0  # cosine on the question's scale: 1 best passage, 0 median (0: no model)


@dataclass(slots=True)
class SearchResult:
    concepts: list[Concept]
    candidates: list[Candidate]
    answered: bool
    coverage: float
    matched_weight: float
    wanted: frozenset[str] = frozenset()  # every stem that matches one of the known concepts


class Vocabulary:
    """Index statistics for one generation: document frequencies, IDF, known words, spelling."""

    def __init__(self, searcher: Searcher) -> None:
        reader = searcher.reader()
        self._reader = reader
        self.n = max(1, reader.doc_count())
        self.max_idf = self._idf(0)
        self._df: dict[str, int] = {}
        self._spell: dict[str, str | None] = {}
        self._known_words: dict[str, bool] = {}
        self._variants: dict[str, tuple[str, ...]] = {}

    def _idf(self, df: int) -> float:
        return math.log(1.0 + (self.n - df + 0.5) / (df + 0.5))

    def df(self, term: str) -> int:
        """Passages containing stem `term` in any field."""
        if term not in self._df:
            # passages with the term in any scored field, approximated by the largest field
            # count (a separate all-fields index would cost a third more build time)
            self._df[term] = max(int(self._reader.doc_frequency(f, term)) for f in SCORED_FIELDS)
        return self._df[term]

    def idf(self, term: str) -> float:
        return self._idf(self.df(term))

    def knows_word(self, word: str) -> bool:
        if word not in self._known_words:
            self._known_words[word] = self._reader.doc_frequency("spell", word) > 0
        return self._known_words[word]

    def correct(self, word: str) -> str | None:
        """The closest index word to an unknown `word` (edit distance first, then frequency)."""
        if word in self._spell:
            return self._spell[word]
        best: str | None = None
        if len(word) >= 4 and word.isalpha():
            # One edit first, found by a distance-1 automaton plus the word's swapped neighbours
            # (the automaton would count a swap as two edits). Only words over six letters, and
            # only when no one-edit word exists, get the distance-2 walk: it is the slowest step
            # of a typo question on a large vocabulary. Four-letter words are only corrected for
            # a swap ("veiw") or a dropped letter ("vist"): one changed letter usually makes
            # another real word ("team" is not a typo of "term").
            scored = self._scored_candidates(word, 1)
            if not scored and len(word) > 6:
                scored = self._scored_candidates(word, 2)
            if scored:
                best = min(scored)[2]
        if len(self._spell) < 50_000:
            self._spell[word] = best
        return best

    def _scored_candidates(self, word: str, maxdist: int) -> list[tuple[int, int, str]]:
        """(distance, -frequency, word) for index words within `maxdist` edits of `word`."""
        found = set(self._reader.terms_within("spell", word, maxdist, prefix=1))
        if maxdist == 1:
            swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
            found.update(w for w in swaps if self.knows_word(w))
        scored = []
        for cand in found:
            if not cand.isalpha() or len(cand) < 3 or cand == word:
                continue
            dist = damerau(word, cand)
            if len(word) == 4:
                swap = sorted(word) == sorted(cand)
                dropped = len(cand) == 5
                if dist != 1 or not (swap or dropped):
                    continue
            if dist <= maxdist:
                freq = self._reader.doc_frequency("spell", cand)
                scored.append((dist, -freq, cand))
        return scored

    def variants(self, term: str) -> tuple[str, ...]:
        """Index stems that extend or truncate `term` (≥ 5 shared letters): Porter leaves
        "mobilizing" as `mobiliz` but "mobilization" as `mobil`; this joins such pairs."""
        if len(term) < 5:
            return ()
        if term not in self._variants:
            found = []
            seen: set[str] = set()
            for fieldname in ("body", "heading"):
                for raw in self._reader.expand_prefix(fieldname, term[:5]):
                    seen.add(raw.decode("utf-8") if isinstance(raw, bytes) else str(raw))
            for cand in sorted(seen):
                longer, shorter = (cand, term) if len(cand) > len(term) else (term, cand)
                if longer.startswith(shorter) and longer[len(shorter) :] in VARIANT_ENDINGS:
                    found.append((len(longer) - len(shorter), cand))
            self._variants[term] = tuple(c for _, c in sorted(found)[:3])
        return self._variants[term]


@lru_cache(maxsize=4096)
def damerau(a: str, b: str) -> int:
    """Optimal-string-alignment edit distance (a swap of neighbours counts as one edit)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


@lru_cache(maxsize=1)
def _generic_stems() -> frozenset[str]:
    return frozenset(stem(w) for w in GENERIC_WORDS | EVERYDAY_WORDS) - {""}


def _real_word(word: str) -> bool:
    """A word from the lexicons here (everyday, place, stop, question or ask-topic words): it is
    spelt right, so it is never "corrected" into an index word ("mailing" is not "making")."""
    return _asks_topic(word) or _generic(word) or word in QUESTION_WORDS


def _asks_topic(word: str) -> bool:
    """A word (or phrase containing one) from `ASK_TOPIC_WORDS`, in any of its forms."""
    return any(w in ASK_TOPIC_WORDS or stem(w) in _ask_topic_stems() for w in word.split())


@lru_cache(maxsize=1)
def _ask_topic_stems() -> frozenset[str]:
    return frozenset(stem(w) for w in ASK_TOPIC_WORDS) - {""}


def _generic(word: str) -> bool:
    """An everyday word in any of its forms ("changed", "changes" like "change"), or a place
    a member names as context."""
    if _asks_topic(word):
        return False  # "paid", "parking": a topic, whatever else it could be
    return (
        word in GENERIC_WORDS
        or word in EVERYDAY_WORDS
        or word in PLACE_WORDS
        or word in _ENGLISH_STOP_WORDS
        or stem(word) in _generic_stems()
    )


#: Snowball's English stop list (prepositions and pronouns such as "over", "off", "yourselves"):
#: never a topic, whatever the corpus.
_ENGLISH_STOP_WORDS = frozenset(stopwords_for_language("en")) | {"onto", "into", "upon"}  # type: ignore[no-untyped-call]


def _phrasing(word: str) -> bool:
    """An unknown word that shapes the question rather than naming a missing topic: an everyday
    word, chat shorthand of one or two letters ("yr", "u"), or a misspelt question word ("wut",
    "wich"). Three-letter words can be topics ("pay", "fee"), so they count unless misspelt."""
    if _generic(word) or len(word) <= 2 or word in _NUMBERS or any(ch.isdigit() for ch in word):
        return True
    if " " in word or len(word) > 6:
        return False
    return any(_slip(word, q) for q in _misspellable_words())


def _slip(typed: str, meant: str) -> bool:
    """`typed` is `meant` with one letter dropped, doubled or swapped. One *changed* letter too
    often makes another real word ("paid" is not "said", "dress" is not "press")."""
    if typed[0] != meant[0] or abs(len(typed) - len(meant)) > 1:
        return False
    if len(typed) == len(meant) and sorted(typed) != sorted(meant):
        return False
    return damerau(typed, meant) == 1


_NUMBERS = frozenset(NUMBER_WORDS.values())


@lru_cache(maxsize=1)
def _misspellable_words() -> tuple[str, ...]:
    """Function and question words of three or more letters: an unknown word one edit from one
    of them is a slip ("hve", "wich", "thier"), not a topic."""
    return tuple(sorted(w for w in STOP_WORDS | QUESTION_WORDS if len(w) >= 3 and w.isalpha()))


#: `word:` search-field syntax: glued to what follows ("title:values"), or a usual field name
#: followed by a space ("title: Our Values").
_FIELD_PREFIX = re.compile(
    r"(?<![\w:])(\w+):(?=\S)|(?<![\w:])(title|section|heading|body|text|source|author|content):",
    re.IGNORECASE,
)


def analyse_question(
    question: str, vocab: Vocabulary, synonyms: SynonymMap, options: SearchOptions
) -> list[Concept]:
    """The question's informative concepts, in question order, each weighted by IDF."""
    raw = [NUMBER_WORDS.get(w, w) for w in words(question)]
    prefixes = {m.lower() for pair in _FIELD_PREFIX.findall(question) for m in pair if m}
    tokens = [(w, stem(w)) for w in raw]
    tokens = [(w, s) for w, s in tokens if s]  # stop words go
    if options.synonyms and options.spelling:
        tokens = [(w, _synonym_spelling(w, s, vocab, synonyms)) for w, s in tokens]
    # synonym phrases are matched on corrected spelling ("mision statement")
    seq = [_index_spelling(w, s, vocab) if options.spelling else s for w, s in tokens]
    ordered: list[tuple[int, Concept]] = []
    covered: set[int] = set()
    if options.synonyms:
        for start, end, expansions in synonyms.expand(seq):
            span = tokens[start:end]
            own = tuple(seq[i] for i in range(start, end) if tokens[i][0] not in QUESTION_WORDS)
            word = " ".join(w for w, _ in span)
            # "how many" → "up to", "why" → "purpose": only the expansions are looked for, never
            # a bare "how"; and such a concept is a hint, so it counts only when it matched
            hint = not own
            ordered.append((start, Concept(word, own, expansions, hint=hint)))
            covered.update(range(start, end))
    for i, (word, s) in enumerate(tokens):
        if i in covered:
            continue
        if options.question_words and word in QUESTION_WORDS:
            continue
        ordered.append((i, Concept(word, (s,))))
    result: list[Concept] = []
    for _, concept in sorted(ordered, key=lambda ic: ic[0]):
        if concept.word in prefixes and not any(vocab.df(s) for s in concept.stems):
            continue  # `title:`-style search syntax, not a word to correct or look for
        _weigh(concept, vocab, options)
        if not concept.known and _phrasing(concept.word):
            continue  # everyday phrasing the index never uses: not a missing topic
        result.append(concept)
    return _dedupe(result)


def _index_spelling(word: str, term: str, vocab: Vocabulary) -> str:
    """The stem of the index word closest to an unknown `word`, else `term` unchanged."""
    if vocab.df(term) or vocab.knows_word(word) or _real_word(word):
        return term
    fixed = vocab.correct(word)
    return (stem(fixed) or term) if fixed else term


def _synonym_spelling(word: str, term: str, vocab: Vocabulary, synonyms: SynonymMap) -> str:
    """A misspelt synonym-map key ("aply" for `apply`) when the index does not know the word:
    the map is part of the vocabulary a member's typo is corrected against."""
    if len(term) < 4 or vocab.df(term) or vocab.knows_word(word):
        return term
    if word in QUESTION_WORDS or _generic(word):
        return term
    keys = _single_keys(synonyms)
    if term in keys:
        return term
    close = sorted(k for k in keys if _slip(term, k))
    return close[0] if close else term


@lru_cache(maxsize=8)
def _single_keys(synonyms: SynonymMap) -> frozenset[str]:
    return frozenset(key[0] for key, _ in synonyms.entries if len(key) == 1)


def _weigh(concept: Concept, vocab: Vocabulary, options: SearchOptions) -> None:
    known_stems = [s for s in concept.stems if vocab.df(s) > 0]
    if not known_stems and options.variants:
        concept.variants = tuple(v for s in concept.stems for v in vocab.variants(s))
        known_stems = list(concept.variants)
    if not known_stems and options.spelling and " " not in concept.word:
        parts = _compound_parts(concept.word, vocab)
        if parts:  # "highschools", "coursework": two index words run together
            concept.expansions = (*concept.expansions, parts)
        elif not vocab.knows_word(concept.word) and not _real_word(concept.word):
            fixed = vocab.correct(concept.word)
            if fixed is not None and stem(fixed):
                concept.corrected = fixed
                concept.stems = (stem(fixed),)
                known_stems = [s for s in concept.stems if vocab.df(s) > 0]
    alt_weights = [vocab.idf(s) for s in known_stems]
    alt_weights += [
        min(vocab.idf(s) for s in exp)
        for exp in concept.expansions
        if all(vocab.df(s) for s in exp)
    ]
    concept.known = bool(alt_weights)
    if known_stems:
        concept.weight = max(vocab.idf(s) for s in known_stems)
    elif alt_weights:
        concept.weight = max(alt_weights)
    else:
        share = UNKNOWN_WEIGHT if _asks_topic(concept.word) else UNKNOWN_OTHER_WEIGHT
        concept.weight = share * vocab.max_idf


def _compound_parts(word: str, vocab: Vocabulary) -> tuple[str, ...]:
    """Stems of two index words that run together into an unknown `word` ("highschools" →
    `high`, `school`), splitting as evenly as possible; () when there is no such split."""
    if len(word) < 7 or not word.isalpha() or vocab.knows_word(word):
        return ()
    splits = sorted(
        ((min(i, len(word) - i), word[:i], word[i:]) for i in range(3, len(word) - 2)),
        reverse=True,
    )
    for _, left, right in splits:
        stems = (stem(left), stem(right))
        if all(stems) and all(vocab.df(s) for s in stems):  # "course" + "work" ~ "courses"
            return stems
    return ()


def _dedupe(concepts: list[Concept]) -> list[Concept]:
    seen: set[tuple[str, ...]] = set()
    out = []
    for c in concepts:
        key = c.stems + tuple(s for e in c.expansions for s in e)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def build_query(concepts: list[Concept], vocab: Vocabulary, options: SearchOptions) -> Query:
    """A Whoosh query object built only from analysed terms (never parsed from user text)."""
    fields = QUERY_FIELDS if options.stemming else ("spell",)
    parts: list[Query] = []
    informative = [c for c in concepts if c.known and c.weight >= LOW_INFORMATION * vocab.max_idf]
    for c in concepts:
        if not c.known or (informative and c not in informative):
            continue
        own_boost = CORRECTED_WEIGHT if c.corrected else 1.0
        own = c.stems if options.stemming else ((c.corrected or c.word),)
        for s in own:
            parts.extend(Term(f, s, boost=own_boost) for f in fields)
        for v in c.variants if options.stemming else ():
            parts.extend(Term(f, v, boost=VARIANT_WEIGHT) for f in fields)
        if options.synonyms and options.stemming:
            # a phrase key ("more than one language") says what was meant more surely than a
            # single word does, so its expansions count like the member's own words
            boost = 1.0 if " " in c.word else SYNONYM_WEIGHT
            for exp in c.expansions:
                if not all(vocab.df(s) for s in exp):
                    continue
                if len(exp) == 1:
                    parts.extend(Term(f, exp[0], boost=boost) for f in fields)
                else:
                    parts.extend(
                        Phrase(f, list(exp), slop=1, boost=boost) for f in ("heading", "body")
                    )
    if not parts:
        return NullQuery
    query = Or(parts)
    # Whoosh picks an array matcher for indexes under 5,000 passages that zero-fills a
    # 2,048-slot array per query: on the seed corpus that was a third of the question time.
    query.matcher_type = Or.DEFAULT_MATCHER
    return query


def search(
    searcher: Searcher,
    vocab: Vocabulary,
    question: str,
    synonyms: SynonymMap,
    *,
    limit: int,
    options: SearchOptions,
    dense: DenseRanking | None = None,
) -> SearchResult:
    """Run the question and rank candidates; `answered` says whether the top ones answer it.

    With `dense` (the embedding model's ranking of this question), the passages it ranks highest
    join the lexical candidates and every candidate's rerank adds its relative cosine.
    """
    concepts = analyse_question(question, vocab, synonyms, options)
    q = build_query(concepts, vocab, options)
    if not options.semantic:
        dense = None
    if q is NullQuery and dense is None:
        return SearchResult(concepts, [], False, 0.0, 0.0)
    # No `terms=True`: collecting matched terms disables Whoosh's block-quality skipping and
    # scores every matching passage; the few candidates are checked for matches below instead.
    found: list[tuple[int, dict[str, object], float]] = []
    if q is not NullQuery:
        results = searcher.search(q, limit=max(limit, CANDIDATES))
        found = [(hit.docnum, dict(hit.fields()), float(hit.score)) for hit in results]
    if dense is not None:
        seen = {docnum for docnum, _, _ in found}
        for docnum in dense.top(DENSE_CANDIDATES):
            if docnum not in seen:
                found.append((docnum, dict(searcher.reader().stored_fields(docnum)), 0.0))
    total = sum(c.weight for c in concepts if not c.hint) or 1.0
    wanted = frozenset().union(*(c.alternatives() for c in concepts if c.known))
    candidates: list[Candidate] = []
    for docnum, fields, score in found:
        body_stems = text_stems(str(fields.get("text", "")))
        head_stems = text_stems(str(fields.get("section", "")))
        body = set(body_stems & wanted)
        matched = body | (head_stems & wanted)
        cand = Candidate(docnum, fields, score, matched, body)
        weight = sum(c.credit(matched) for c in concepts)
        cand.matched_weight = weight
        hinted = sum(c.weight for c in concepts if c.hint and c.credit(matched))
        cand.coverage = weight / (total + hinted)
        own = own_heading_stems(str(fields.get("section", ""))) & wanted
        cand.heading_coverage = sum(c.credit(own) for c in concepts) / total
        if dense is not None:
            cand.dense = dense.relative(docnum)
        candidates.append(cand)
    pairs = _adjacent_pairs(concepts) if options.phrases else []
    if (options.coverage_rerank or pairs or dense is not None) and candidates:
        top = max(c.score for c in candidates) or 1.0
        for cand in candidates:
            cand.rerank = cand.score / top
            if options.coverage_rerank:
                cand.rerank += COVERAGE_WEIGHT * cand.coverage
                cand.rerank += HEADING_WEIGHT * cand.heading_coverage
            if pairs:
                near = _near_pairs(str(cand.fields.get("text", "")), pairs)
                cand.rerank += PHRASE_WEIGHT * near / len(pairs)
            cand.rerank += DENSE_WEIGHT * cand.dense
        candidates.sort(key=lambda c: -c.rerank)
    candidates = _spread_sections(_drop_duplicates(candidates))[:limit]
    if not candidates:
        return SearchResult(concepts, [], False, 0.0, 0.0, wanted)
    coverage, relative = judge(concepts, candidates[:ANSWER_WINDOW], vocab)
    answered = not options.abstain or (
        coverage >= options.min_coverage
        and relative >= options.min_matched_weight
        and answer_type_present(question, [_source(c) for c in candidates[:ANSWER_WINDOW]], wanted)
    )
    return SearchResult(concepts, candidates, answered, coverage, relative, wanted)


def _source(candidate: Candidate) -> Source:
    f = candidate.fields
    return Source(str(f.get("title", "")), str(f.get("section", "")), str(f.get("text", "")))


def _adjacent_pairs(concepts: list[Concept]) -> list[tuple[frozenset[str], frozenset[str]]]:
    """Neighbouring known concepts of the question, as alternative-stem sets."""
    known = [c for c in concepts if c.known]
    return [(a.alternatives(), b.alternatives()) for a, b in zip(known, known[1:], strict=False)]


def _near_pairs(text: str, pairs: list[tuple[frozenset[str], frozenset[str]]]) -> int:
    """How many of the question's neighbouring concept pairs occur near each other in `text`.

    A proximity boost computed on the few candidates only: Whoosh phrase queries in the main
    query would stop its top-k skipping and score every matching passage (2-3x slower at 20k).
    """
    where = stem_positions(text)
    found = 0
    for left, right in pairs:
        right_at = [p for term in right for p in where.get(term, ())]
        if right_at and any(
            abs(p - q) <= PROXIMITY for term in left for p in where.get(term, ()) for q in right_at
        ):
            found += 1
    return found


@lru_cache(maxsize=4096)
def stem_positions(text: str) -> dict[str, tuple[int, ...]]:
    """Where each index term of a stored text occurs (cached per text; do not mutate)."""
    where: dict[str, list[int]] = {}
    for i, term in enumerate(stem_sequence(text)):
        where.setdefault(term, []).append(i)
    return {term: tuple(at) for term, at in where.items()}


@lru_cache(maxsize=4096)
def stem_sequence(text: str) -> tuple[str, ...]:
    """Index terms of a stored text in order (stop words dropped), cached per text."""
    return tuple(s for s in (stem(w) for w in words(text)) if s)


@lru_cache(maxsize=4096)
def own_heading_stems(section: str) -> frozenset[str]:
    """Index terms of a heading path below the document title ("Our Values", not "Vision,
    Mission, and Values › Our Values"): the title is shared by every passage of a document."""
    _, _, below = section.partition(" › ")
    return text_stems(below)


@lru_cache(maxsize=4096)
def text_stems(text: str) -> frozenset[str]:
    """Index terms of a stored text (cached: the same passages come back for many questions)."""
    return frozenset(stem_sequence(text))


def judge(concepts: list[Concept], top: list[Candidate], vocab: Vocabulary) -> tuple[float, float]:
    """(coverage, relative weight) of the question by the passages an answer is built from.

    Coverage is the IDF-weighted share of the question's concepts that those passages match;
    a word the index has never seen counts with the largest IDF, so a question whose key word
    is missing from the corpus ("weather") falls short however well its generic words match,
    while a known word the passages do not use counts at `UNMATCHED_KNOWN_WEIGHT`.
    Relative weight is the matched IDF over the largest IDF this index can give.
    """
    matched: set[str] = set().union(*(c.matched for c in top)) if top else set()
    total = 0.0
    found = 0.0
    for c in concepts:
        credit = c.credit(matched)
        if c.hint and not credit:
            continue
        found += credit
        total += c.weight if credit or not c.known else c.weight * UNMATCHED_KNOWN_WEIGHT
    if total <= 0:
        return 0.0, 0.0
    return found / total, found / vocab.max_idf


def _spread_sections(candidates: list[Candidate]) -> list[Candidate]:
    """At most `PER_SECTION` chunks of one section among the first `SHOWN` (the rest move down
    in order): a long section's chunks all match the same words and would otherwise crowd out
    the other places that answer."""
    shown: list[Candidate] = []
    later: list[Candidate] = []
    count: dict[tuple[str, str], int] = {}
    for c in candidates:
        key = (str(c.fields.get("source", "")), str(c.fields.get("section", "")))
        if len(shown) < SHOWN and count.get(key, 0) < PER_SECTION:
            count[key] = count.get(key, 0) + 1
            shown.append(c)
        else:
            later.append(c)
    return shown + later


def _drop_duplicates(candidates: list[Candidate]) -> list[Candidate]:
    """The same text in two documents (a page quoting another) is shown once, best first."""
    seen: set[str] = set()
    out = []
    for c in candidates:
        key = " ".join(str(c.fields.get("text", "")).split())
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out
