"""Retrieval and abstention metrics for the evaluation, as plain functions on plain data.

Definitions (the README of this folder repeats them):
- rank: 1-based position of the first relevant passage among the returned hits, or `None` when no
  returned passage is relevant *or the engine abstained* (an abstention is a miss for an
  answerable question, whatever weak candidates it still returned).
- Recall@k: share of answerable questions with rank <= k.
- MRR: mean of 1/rank over answerable questions (0 for a miss).
- abstention accuracy: share of unanswerable questions the engine abstained on.
- false-abstention rate: share of answerable questions the engine abstained on.
A metric with no questions to average over is `None` (printed "n/a"), never a fake 0 or 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ReturnedHit:
    """What the engine returned at one rank (only what the report needs)."""

    source: str
    section: str
    score: float


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """The outcome of asking one evaluation question."""

    id: str
    question: str
    category: str
    answerable: bool
    answered: bool
    rank: int | None
    hits: tuple[ReturnedHit, ...] = ()
    seconds: float = 0.0
    error: str | None = field(default=None)
    #: The composed answer as the member reads it and the texts of its passages, for
    #: `tests.eval.readability`; `cited` is empty for refusals, small talk and schedule answers
    #: (not composed), while a composed answer may have an empty text (a fault it counts).
    answer_text: str = ""
    cited: tuple[str, ...] = ()


def first_relevant_rank(
    hits: Sequence[ReturnedHit], relevant: Callable[[str, str], bool], answered: bool
) -> int | None:
    """1-based rank of the first relevant hit; `None` if none is relevant or it abstained."""
    if not answered:
        return None
    for position, hit in enumerate(hits, 1):
        if relevant(hit.source, hit.section):
            return position
    return None


def recall_at(ranks: Sequence[int | None], k: int) -> float | None:
    """Share of ranks that are not `None` and at most `k`."""
    if not ranks:
        return None
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def mean_reciprocal_rank(ranks: Sequence[int | None]) -> float | None:
    """Mean of 1/rank, counting a miss (`None`) as 0."""
    if not ranks:
        return None
    return sum(1.0 / r for r in ranks if r is not None) / len(ranks)


def share(flags: Sequence[bool]) -> float | None:
    """Share of true flags."""
    if not flags:
        return None
    return sum(1 for f in flags if f) / len(flags)


def percentile(values: Iterable[float], p: float) -> float | None:
    """The p-th percentile (0-100) by the nearest-rank method: always an observed value."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summarize(results: Sequence[QuestionResult]) -> dict[str, float | int | None]:
    """All headline figures for a group of results (a split or one category of it)."""
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    ranks = [r.rank for r in answerable]
    p50 = percentile((r.seconds for r in results), 50)
    p95 = percentile((r.seconds for r in results), 95)
    return {
        "questions": len(results),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "recall@1": recall_at(ranks, 1),
        "recall@3": recall_at(ranks, 3),
        "mrr": mean_reciprocal_rank(ranks),
        "abstention_accuracy": share([not r.answered for r in unanswerable]),
        "false_abstention_rate": share([not r.answered for r in answerable]),
        "p50_ms": None if p50 is None else p50 * 1000,
        "p95_ms": None if p95 is None else p95 * 1000,
        "errors": sum(1 for r in results if r.error is not None),
    }
