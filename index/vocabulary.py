"""Index statistics for one generation: document frequencies, IDF, known words and spelling.

Everything here is read from the Whoosh reader of one generation, so the figures are the
corpus's own: a word is informative when few passages use it, a typo is corrected to the
closest word the index holds.
"""

from __future__ import annotations

import math

from whoosh.searching import Searcher

from index.analysis import stem
from index.spelling import damerau
from index.words import Terms

SCORED_FIELDS = ("heading", "body")
#: What Porter leaves on one form of a word but not another ("mobiliz"/"mobil",
#: "legislatur"/"legisl"); agent endings ("governor"/"govern") are different words.
VARIANT_ENDINGS = frozenset(
    {"e", "i", "y", "al", "at", "ic", "is", "iz", "li", "ur", "ion", "atur"}
)


class Vocabulary:
    """Index statistics for one generation: document frequencies, IDF, known words, spelling."""

    def __init__(self, searcher: Searcher, words: Terms, title_stems: Terms) -> None:
        reader = searcher.reader()
        self._words = words
        self._title_stems = title_stems
        self._reader = reader
        self.n = max(1, reader.doc_count())
        self.max_idf = self._idf(0)
        self._df: dict[str, int] = {}
        self._spell: dict[str, str | None] = {}
        self._variants: dict[str, tuple[str, ...]] = {}
        self._documents: int | None = None

    def documents(self) -> int:
        """Documents in the index (distinct `source` values), counted once."""
        if self._documents is None:
            self._documents = sum(1 for _ in self._reader.lexicon("source"))
        return self._documents

    def _idf(self, df: int) -> float:
        return math.log(1.0 + (self.n - df + 0.5) / (df + 0.5))

    def df(self, term: str) -> int:
        """Passages containing stem `term` in any field."""
        if term not in self._df:
            # passages with the term in the title, a heading or the text, approximated by the
            # largest of the three counts (an all-fields index would cost a third more build time)
            fields = max(int(self._reader.doc_frequency(f, term)) for f in SCORED_FIELDS)
            self._df[term] = max(fields, self._title_stems.df(term))
        return self._df[term]

    def idf(self, term: str) -> float:
        return self._idf(self.df(term))

    def in_titles(self, word: str) -> bool:
        """Whether a document title uses `word` (the corpus's own names: "Learning Alliance")."""
        return self._title_stems.df(stem(word)) > 0

    def knows_word(self, word: str) -> bool:
        """Whether some passage uses `word` as written (folded, not stemmed)."""
        return self._words.df(word) > 0

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
        found = set(self._words.within(word, maxdist))
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
                freq = self._words.df(cand)
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
