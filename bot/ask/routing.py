"""One entry point for answering a member's question: the live schedule first, then the corpus.

Questions like "when is the next meeting?" must be answered from the schedule store, with the
real time, not from stale document text; everything else goes to the search index. The cog, the
console and the CLI all call `answer_question`, so they can never disagree.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from bot.common.search import SearchCore
from index.models import Answer

log = logging.getLogger(__name__)

#: Answers a schedule question from the live store, or returns None when it is not one.
ScheduleAnswerer = Callable[[str], Answer | None]


def answer_question(
    question: str,
    *,
    engine: SearchCore,
    schedule: ScheduleAnswerer | None = None,
    limit: int = 5,
    max_chars: int = 500,
) -> Answer:
    """Answer `question` from the schedule when it is a schedule question, else from the index.

    A schedule question whose item is not on the schedule ("when is my online PD due?" with no
    such deadline) is `answered=False` from the schedule: the documents answer it when they can,
    and otherwise the schedule's "nothing like that is scheduled" is the reply.

    Raises `index.errors.QuestionError` for questions that cannot be searched (empty, too long).
    A failing schedule recogniser never blocks the corpus answer: it is logged and skipped.
    """
    scheduled = None
    if schedule is not None:
        try:
            scheduled = schedule(question)
        except Exception:
            log.exception("schedule recogniser failed; answering from the documents instead")
        if scheduled is not None and scheduled.answered:
            return scheduled
    found = engine.ask(question, limit=limit, max_chars=max_chars)
    if scheduled is not None and not found.answered:
        return dataclasses.replace(scheduled, answered=True)
    return found
