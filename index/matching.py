"""The passages a query matches, best first, scored as Whoosh's BM25F scores them, with numpy.

Whoosh finds a query's top passages by walking every term's postings one Python call at a time
(`UnionMatcher` over leaf matchers, a BM25F scorer call per posting). On 20,000 passages that
walk was four fifths of a question's time. `TermArrays` reads each (field, term)'s postings
once into arrays and scores them all at once, with the same formula, statistics and field
parameters, so the same passages come back in the same order (ties go to the lower docnum,
as in Whoosh's collector); `tests/index/test_matching.py` compares the two.

A query here is what `index.query.build_query` makes: an `Or` of `Term`s and `Phrase`s (or a
single one of them). Terms are scored here; phrases (a few synonym expansions, each matching
few passages) are left to Whoosh and their scores added, as an `Or` adds its parts' scores.

The arrays are cached per reader, up to `MAX_CACHED_POSTINGS` postings (least recently used
terms go first): a 20,000-passage index holds about 430,000. A multi-segment index (a large
build's, `index.segments`) is read one segment at a time, each at its docnum offset.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.query.compound import Or
from whoosh.query.positional import Phrase
from whoosh.query.qcore import Query
from whoosh.query.terms import Term
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

MAX_CACHED_POSTINGS = 4_000_000

Ids = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


class UnsupportedQuery(TypeError):
    """The query has a part this module does not score (the caller asks Whoosh instead)."""


class TermArrays:
    """One reader's postings as arrays, and the top passages of a query over them."""

    def __init__(self, searcher: Searcher, weighting: BM25F) -> None:
        self._searcher = searcher
        self._reader = searcher.reader()
        self._n = int(self._reader.doc_count_all())
        self._leaves: list[tuple[Any, int]] = list(self._reader.leaf_readers())
        self._weighting = weighting
        self._lengths: dict[str, Floats] = {}
        #: (field, term) → (docnums, BM25F score of each before the query's boost)
        self._scored: OrderedDict[tuple[str, str], tuple[Ids, Floats]] = OrderedDict()
        self._cached = 0

    def top(self, query: Query, limit: int) -> list[tuple[int, float]]:
        """(docnum, score) of the `limit` best passages, best first (ties: lower docnum)."""
        parts: Iterable[Query] = query.subqueries if isinstance(query, Or) else (query,)
        terms: list[Term] = []
        phrases: list[Query] = []
        for part in parts:
            if type(part) is Term:
                terms.append(part)
            elif type(part) is Phrase:
                phrases.append(part)
            else:
                raise UnsupportedQuery(f"cannot score {part!r}")
        if isinstance(query, Or) and (query.boost != 1.0 or query.minmatch or query.scale):
            raise UnsupportedQuery(f"cannot score {query!r}")
        scores = np.zeros(self._n, dtype=np.float64)
        matched = np.zeros(self._n, dtype=bool)
        for term in terms:
            ids, values = self._term_scores(term.fieldname, term.text)
            if ids.size:
                scores[ids] += values * term.boost
                matched[ids] = True
        if phrases:
            hits = self._searcher.search(Or(phrases), limit=None)
            for hit in hits:
                scores[hit.docnum] += float(hit.score)
                matched[hit.docnum] = True
        found = np.flatnonzero(matched)
        if found.size == 0:
            return []
        values = scores[found]
        if found.size > limit:
            kth = np.partition(values, found.size - limit)[found.size - limit]
            keep = values >= kth  # every passage tied with the last place, for the tie-break
            found, values = found[keep], values[keep]
        order = np.lexsort((found, -values))[:limit]
        return [(int(found[i]), float(values[i])) for i in order]

    def _term_scores(self, field: str, text: str) -> tuple[Ids, Floats]:
        key = (field, text)
        cached = self._scored.get(key)
        if cached is not None:
            self._scored.move_to_end(key)
            return cached
        ids, weights = self._postings(field, text)
        scored = (ids, self._bm25f(field, text, ids, weights))
        self._scored[key] = scored
        self._cached += ids.size
        while self._cached > MAX_CACHED_POSTINGS and len(self._scored) > 1:
            _key, (old, _values) = self._scored.popitem(last=False)
            self._cached -= old.size
        return scored

    def _postings(self, field: str, text: str) -> tuple[Ids, Floats]:
        """Every passage using `text` in `field`, with its weight, read segment by segment
        (a large build writes several: `index.segments`) at each segment's docnum offset."""
        btext = self._searcher.schema[field].to_bytes(text)
        ids: list[int] = []
        weights: list[float] = []
        for leaf, offset in self._leaves:
            if (field, btext) not in leaf:
                continue
            m: Any = leaf.postings(field, btext)
            if type(m) is W3LeafMatcher:
                # a block at a time, as the leaf matcher itself reads them
                block: Any = m
                while block.is_active():
                    block._read_ids()
                    block._read_weights()
                    ids.extend([d + offset for d in block._ids] if offset else block._ids)
                    weights.extend(block._weights)
                    block._next_block()
            else:
                while m.is_active():
                    ids.append(m.id() + offset)
                    weights.append(m.weight())
                    m.next()
        return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)

    def _bm25f(self, field: str, text: str, ids: Ids, weights: Floats) -> Floats:
        """`whoosh.scoring.BM25FScorer` on every posting at once."""
        searcher: Any = self._searcher
        if not searcher.schema[field].scorable:
            return weights
        w = self._weighting
        b = w._field_B.get(field, w.B)
        k1 = w.K1
        idf = float(searcher.idf(field, text))
        avgfl = searcher.avg_field_length(field) or 1
        lengths = self._field_lengths(field)[ids]
        return idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / avgfl)))

    def _field_lengths(self, field: str) -> Floats:
        """Each passage's length in `field` as the scorer reads it (one-byte encoded, 1 if
        absent)."""
        lengths = self._lengths.get(field)
        if lengths is None:
            length_of = self._reader.doc_field_length
            lengths = np.fromiter(
                (length_of(d, field, 1) for d in range(self._n)), dtype=np.float64, count=self._n
            )
            self._lengths[field] = lengths
        return lengths
