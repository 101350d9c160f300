"""Whether the passages found answer the question, or the bot should say it does not know.

Abstention uses the IDF-weighted *coverage* of the question's concepts by the top passages (the
ones an answer is composed from) and the weight of what matched, relative to the most informative
weight the index can give. Both are ratios of the index's own statistics, so the thresholds
(`index.options`) carry over to other corpora. `index.answer_types` then refuses questions that
ask for a kind of fact (a count, a time, a date, a named school) the passages do not hold.
"""

from __future__ import annotations

import re

from index.answer_types import Source, answer_type_present
from index.options import SearchOptions
from index.question import Concept
from index.ranking import Candidate
from index.semantic import DenseRanking
from index.vocabulary import Vocabulary

#: Passages the answer is composed from, and so judged together.
ANSWER_WINDOW = 3
#: Share of its weight that a known but unmatched question word counts against coverage. A word
#: the index lacks entirely is the strong sign of a missing topic ("budget"); a known word the top
#: passages happen not to use is more often phrasing ("considered", "offer"), and a known
#: everyday word ("happens", "far", "come back") is phrasing outright, so it counts nothing.
UNMATCHED_KNOWN_WEIGHT = 0.5
UNMATCHED_EVERYDAY_WEIGHT = 0.0
#: Words a question needs before the meaning layer may call it off topic: e5 places one- and
#: two-word keyword searches ("capstone", "youth voice") low however well they match.
OFF_TOPIC_MIN_WORDS = 3


def answers(
    question: str,
    concepts: list[Concept],
    candidates: list[Candidate],
    vocab: Vocabulary,
    wanted: frozenset[str],
    options: SearchOptions,
    *,
    dense: DenseRanking | None = None,
    spanish: bool = False,
) -> tuple[bool, float, float]:
    """(answered, coverage, relative weight) of the question by its candidates, best first.

    Coverage is judged on the first `ANSWER_WINDOW` candidates as the words alone rank them
    (`Candidate.by_words`), the kind of fact on the first ones as shown. The meaning layer may
    lift a passage that shares few of the question's words into the answer; judging coverage on
    it would refuse the paraphrases the meaning layer is there to find, and the thresholds were
    measured on word rankings. A yes/no choice ("do we meet in person or is it all zoom?") is
    covered when one side is: coverage is the best of the whole question's and each side's
    alone (`_branches`). With `dense`, a question that is `off_topic` is refused whatever its
    words match."""
    top = candidates[:ANSWER_WINDOW]
    worded = sorted(candidates, key=lambda c: -c.by_words)[:ANSWER_WINDOW]
    coverage, relative = judge(concepts, worded, vocab)
    for branch in _branches(question, concepts):
        coverage = max(coverage, judge(branch, worded, vocab)[0])
    answered = not options.abstain or (
        coverage >= options.min_coverage
        and relative >= options.min_matched_weight
        and answer_type_present(question, [_source(c) for c in top], wanted)
        and not off_topic(question, dense, spanish=spanish)
    )
    return answered, coverage, relative


_OR = re.compile(r"\bor\b", re.IGNORECASE)
_WH = re.compile(r"\b(?:what|which|who|whom|whose|where|when|how|why)\b", re.IGNORECASE)


def _branches(question: str, concepts: list[Concept]) -> list[list[Concept]]:
    """The question's concepts with one side of an "A or B?" choice left out, for each side; none
    for a wh-question ("which superintendents or nonprofit leaders…" asks for both)."""
    parts = _OR.split(question.lower(), maxsplit=1)
    if len(parts) != 2:
        return []
    if _WH.search(parts[0]):
        return []
    left, right = (set(re.findall(r"[\w'’-]+", p)) for p in parts)
    left_only = [c for c in concepts if c.word.lower() in left and c.word.lower() not in right]
    right_only = [c for c in concepts if c.word.lower() in right and c.word.lower() not in left]
    if not left_only or not right_only:
        return []
    return [[c for c in concepts if c not in dropped] for dropped in (left_only, right_only)]


def off_topic(question: str, dense: DenseRanking | None, *, spanish: bool = False) -> bool:
    """An English question of a few words that comes no closer to any passage than questions
    about nothing in the corpus (`semantic.off_topic_floor`); such a question is refused even
    when its words match ("who won the World Series?" and the *World* View value). Spanish
    questions are left to the words: the floor is measured with English probes, and a Spanish
    question sits lower against English passages."""
    return (
        dense is not None
        and not spanish
        and len(question.split()) >= OFF_TOPIC_MIN_WORDS
        and dense.off_topic()
    )


def judge(concepts: list[Concept], top: list[Candidate], vocab: Vocabulary) -> tuple[float, float]:
    """(coverage, relative weight) of the question by the passages an answer is built from.

    Coverage is the IDF-weighted share of the question's concepts that those passages match;
    a word the index has never seen counts with the largest IDF, so a question whose key word
    is missing from the corpus ("weather") falls short however well its generic words match,
    while a known word the passages do not use counts at `UNMATCHED_KNOWN_WEIGHT` (a known
    everyday word not at all).
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
        if credit or not c.known:
            total += c.weight
        else:
            share = UNMATCHED_EVERYDAY_WEIGHT if c.everyday else UNMATCHED_KNOWN_WEIGHT
            total += c.weight * share
    if total <= 0:
        return 0.0, 0.0
    return found / total, found / vocab.max_idf


def _source(candidate: Candidate) -> Source:
    f = candidate.fields
    return Source(str(f.get("title", "")), str(f.get("section", "")), str(f.get("text", "")))
