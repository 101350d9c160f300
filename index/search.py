"""One question through the search pipeline: analyse, query, find, re-rank, judge.

Each stage is its own module: `index.question` (what the question asks for, as weighted
concepts), `index.query` (the Whoosh query built from them), `index.ranking` (re-ranking the
passages found, with the embedding model's meaning beside the words), `index.abstention` (whether
they answer). This module only runs them in order and carries the result.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh.query.qcore import NullQuery, Query
from whoosh.searching import Searcher

from index.abstention import answers
from index.lexicon import Lexicon
from index.matching import TermArrays, UnsupportedQuery
from index.options import SearchOptions
from index.query import build_query
from index.question import Concept, analyse_question, command_like
from index.ranking import SHOWN, TITLE_WEIGHT, Candidate, Found, rerank, score_candidates
from index.semantic import DenseRanking
from index.synonyms import SynonymMap
from index.vocabulary import Vocabulary

#: Candidates fetched from Whoosh before re-ranking.
CANDIDATES = 20
#: Documents an index needs before a known-item question shows one passage per document.
KNOWN_ITEM_DOCUMENTS = 100
#: Passages the embedding model ranks highest that join the lexical candidates.
DENSE_CANDIDATES = 10


@dataclass(slots=True)
class SearchResult:
    concepts: list[Concept]
    candidates: list[Candidate]
    answered: bool
    coverage: float
    matched_weight: float
    wanted: frozenset[str] = frozenset()  # every stem that matches one of the known concepts


def search(
    searcher: Searcher,
    vocab: Vocabulary,
    question: str,
    synonyms: SynonymMap,
    *,
    limit: int,
    options: SearchOptions,
    dense: DenseRanking | None = None,
    lexicon: Lexicon | None = None,
    known_item: bool | None = None,
    spanish: bool = False,
    arrays: TermArrays | None = None,
) -> SearchResult:
    """Run the question and rank candidates; `answered` says whether the top ones answer it.

    With `dense` (the embedding model's ranking of this question), the passages it ranks highest
    join the lexical candidates and every candidate's rerank loses its cosine's gap to the best.
    `known_item` says whether the question names a thing (None: `question.command_like`
    decides). `spanish` says `question` is the English gloss of a Spanish question: it has lost
    the asking words, so it never reads as naming a thing, and the meaning layer's off-topic
    judgement (measured on English questions) is left out.
    `arrays` (the reader's `index.matching.TermArrays`) scores the query the way Whoosh does,
    faster; without it Whoosh's own matchers do.
    """
    concepts = analyse_question(question, vocab, synonyms, options, lexicon)
    if spanish:
        known_item = False
    commanded = command_like(question) if known_item is None else known_item
    # in a corpus of many documents such a question keeps its common words (`index.query`)
    many = commanded and vocab.documents() >= KNOWN_ITEM_DOCUMENTS
    q = build_query(concepts, vocab, options, keep_common=many)
    if not options.semantic:
        dense = None
    if q is NullQuery and dense is None:
        return SearchResult(concepts, [], False, 0.0, 0.0)
    # No `terms=True`: collecting matched terms disables Whoosh's block-quality skipping and
    # scores every matching passage; the few candidates are checked for matches instead.
    found: list[Found] = []
    if q is not NullQuery:
        found = _top(searcher, arrays, q, max(limit, CANDIDATES))
    if dense is not None:
        seen = {docnum for docnum, _, _ in found}
        for docnum in dense.top(DENSE_CANDIDATES):
            if docnum not in seen:
                found.append((docnum, dict(searcher.reader().stored_fields(docnum)), 0.0))
    scored, wanted = score_candidates(found, concepts, dense)
    # a command or a title ("list address groups") names one thing, most likely a document:
    # its title counts, and in a corpus of many documents one passage a document among the
    # first shown lets more of them be seen (in a few documents, neighbouring passages of one
    # are often the answers)
    per_doc = 1 if many else SHOWN
    ranked = (
        rerank(scored, concepts, options, dense, title_weight=TITLE_WEIGHT, per_document=per_doc)
        if commanded
        else rerank(scored, concepts, options, dense)
    )
    candidates = ranked[:limit]
    if not candidates:
        return SearchResult(concepts, [], False, 0.0, 0.0, wanted)
    answered, coverage, relative = answers(
        question, concepts, ranked, vocab, wanted, options, dense=dense, spanish=spanish
    )
    return SearchResult(concepts, candidates, answered, coverage, relative, wanted)


def _top(searcher: Searcher, arrays: TermArrays | None, q: Query, limit: int) -> list[Found]:
    """The query's best `limit` passages: (docnum, stored fields, score)."""
    if arrays is not None:
        try:
            top = arrays.top(q, limit)
        except UnsupportedQuery:
            pass
        else:
            stored = searcher.reader().stored_fields
            return [(docnum, dict(stored(docnum)), score) for docnum, score in top]
    results = searcher.search(q, limit=limit)
    return [(hit.docnum, dict(hit.fields()), float(hit.score)) for hit in results]
