"""One entry point for answering a member's question: the live schedule first, then the corpus.

Questions like "when is the next meeting?" must be answered from the schedule store, with the
real time, not from stale document text; everything else goes to the search index. The cog, the
console and the CLI all call `answer_question`, so they can never disagree.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from index.models import Answer, DocumentOutline, IndexStatus, Passage, ReindexReport

log = logging.getLogger(__name__)

#: Answers a schedule question from the live store, or returns None when it is not one.
ScheduleAnswerer = Callable[[str], Answer | None]


class SearchCore(Protocol):
    """The part of `index.engine.SearchEngine` the bot uses (thread-safe, blocking)."""

    def ask(self, question: str, *, limit: int = 5, max_chars: int = 500) -> Answer: ...

    def reindex(self, *, dry_run: bool = False) -> ReindexReport: ...

    def status(self) -> IndexStatus: ...

    def documents(self) -> list[DocumentOutline]: ...

    def passages_for(self, source: str, section: str | None = None) -> list[Passage]: ...


def answer_question(
    question: str,
    *,
    engine: SearchCore,
    schedule: ScheduleAnswerer | None = None,
    limit: int = 5,
    max_chars: int = 500,
) -> Answer:
    """Answer `question` from the schedule when it is a schedule question, else from the index.

    Raises `index.errors.QuestionError` for questions that cannot be searched (empty, too long).
    A failing schedule recogniser never blocks the corpus answer: it is logged and skipped.
    """
    if schedule is not None:
        try:
            scheduled = schedule(question)
        except Exception:
            log.exception("schedule recogniser failed; answering from the documents instead")
            scheduled = None
        if scheduled is not None:
            return scheduled
    return engine.ask(question, limit=limit, max_chars=max_chars)
