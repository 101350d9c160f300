"""Re-rank the passages found for a question: BM25F beside coverage, headings, proximity, meaning.

Each candidate's rerank is its BM25F score relative to the best candidate's, plus the
IDF-weighted share of the question it covers, plus how much of the question its own heading
covers, plus a proximity bonus for neighbouring question words found near each other, less how
far the passage's cosine to the question falls below the best passage's (the embedding model's
share). Then one section may fill at most `PER_SECTION` of the first `SHOWN` results, and text
quoted in two documents is shown once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from index.analysis import stem_sequence, text_stems
from index.options import SearchOptions
from index.question import Concept
from index.semantic import DenseRanking

#: Rerank bonus when all neighbouring question concepts sit within `PROXIMITY` words.
PHRASE_WEIGHT = 0.15
PROXIMITY = 3
#: Rerank bonus per unit of IDF-weighted question coverage by the passage's own headings (below
#: the document title): a question that names a section ("the alliance's values") lands on it
#: rather than on a longer passage that merely mentions the word.
HEADING_WEIGHT = 0.5
#: Rerank weights of the passage's BM25F score relative to the best candidate's and of its
#: IDF-weighted coverage of the question: covering more of the question counts four times as much
#: as scoring higher on the words it shares (BM25F rewards repeating one word).
BM25_WEIGHT = 0.5
COVERAGE_WEIGHT = 2.0
#: Rerank weight of how far a passage's cosine falls below the question's best passage's
#: (`DenseRanking.gap`): e5 cosines of one question spread over a few hundredths, so 30 turns a
#: gap of 0.03 into one point, the weight of the whole BM25F share.
DENSE_WEIGHT = 30.0
#: Rerank bonus per unit of IDF-weighted question coverage by the document's title, for
#: questions phrased as a command or a title (`question.command_like`), which name one thing.
TITLE_WEIGHT = 1.0
#: Chunks of one section allowed among the first `SHOWN` results.
PER_SECTION = 2
SHOWN = 5

#: A passage found for a question: (docnum, stored fields, BM25F score; 0 for meaning-only).
Found = tuple[int, dict[str, object], float]


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
    rerank: float = 0.0
    dense: float = 0.0  # cosine minus the question's best passage's: 0 best, below 0 the rest

    @property
    def by_words(self) -> float:
        """The rerank without the meaning layer's share: how the words alone rank it."""
        return self.rerank - DENSE_WEIGHT * self.dense


def score_candidates(
    found: list[Found], concepts: list[Concept], dense: DenseRanking | None
) -> tuple[list[Candidate], frozenset[str]]:
    """Each found passage with what of the question it matched and covers; and the stems that
    match any known concept (`wanted`)."""
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
        hinted = sum(c.weight for c in concepts if c.hint and c.credit(matched))
        cand.coverage = weight / (total + hinted)
        own = own_heading_stems(str(fields.get("section", ""))) & wanted
        cand.heading_coverage = sum(c.credit(own) for c in concepts) / total
        if dense is not None:
            cand.dense = dense.gap(docnum)
        candidates.append(cand)
    return candidates, wanted


def rerank(
    candidates: list[Candidate],
    concepts: list[Concept],
    options: SearchOptions,
    dense: DenseRanking | None,
    *,
    title_weight: float = 0.0,
    per_document: int = SHOWN,
) -> list[Candidate]:
    """Candidates best first by the combined rerank, spread over sections, duplicates dropped."""
    pairs = _adjacent_pairs(concepts) if options.phrases else []
    total = sum(c.weight for c in concepts if not c.hint) or 1.0
    wanted_all = frozenset().union(*(c.alternatives() for c in concepts if c.known))
    if (options.coverage_rerank or pairs or dense is not None) and candidates:
        top = max(c.score for c in candidates) or 1.0
        for cand in candidates:
            cand.rerank = BM25_WEIGHT * cand.score / top
            if options.coverage_rerank:
                cand.rerank += COVERAGE_WEIGHT * cand.coverage
                cand.rerank += HEADING_WEIGHT * cand.heading_coverage
            if pairs:
                near = _near_pairs(str(cand.fields.get("text", "")), pairs)
                cand.rerank += PHRASE_WEIGHT * near / len(pairs)
            cand.rerank += DENSE_WEIGHT * cand.dense
            if title_weight:
                own = text_stems(str(cand.fields.get("title", ""))) & wanted_all
                cand.rerank += title_weight * sum(c.credit(own) for c in concepts) / total
        candidates.sort(key=lambda c: -c.rerank)
    return _spread_sections(_drop_duplicates(candidates), per_document=per_document)


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
def own_heading_stems(section: str) -> frozenset[str]:
    """Index terms of a heading path below the document title ("Our Values", not "Vision,
    Mission, and Values › Our Values"): the title is shared by every passage of a document."""
    _, _, below = section.partition(" › ")
    return text_stems(below)


def _spread_sections(candidates: list[Candidate], per_document: int = SHOWN) -> list[Candidate]:
    """At most `PER_SECTION` chunks of one section among the first `SHOWN` (the rest move down
    in order): a long section's chunks all match the same words and would otherwise crowd out
    the other places that answer."""
    shown: list[Candidate] = []
    later: list[Candidate] = []
    count: dict[tuple[str, str], int] = {}
    docs: dict[str, int] = {}
    for c in candidates:
        key = (str(c.fields.get("source", "")), str(c.fields.get("section", "")))
        if (
            len(shown) < SHOWN
            and count.get(key, 0) < PER_SECTION
            and docs.get(key[0], 0) < per_document
        ):
            count[key] = count.get(key, 0) + 1
            docs[key[0]] = docs.get(key[0], 0) + 1
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
