"""One entry point for answering a member's question: the live schedule first, then the corpus.

Questions like "when is the next meeting?" must be answered from the schedule store, with the
real time, not from stale document text; everything else goes to the search index. The cog, the
console and the CLI all call `answer_question`, so they can never disagree.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from index.models import Answer, DocumentOutline, IndexStatus, Passage, ReindexReport

if TYPE_CHECKING:
    from bot.schedule.service import ScheduleService
    from bot.settings import Settings

log = logging.getLogger(__name__)

#: Answers a schedule question from the live store, or returns None when it is not one.
ScheduleAnswerer = Callable[[str], Answer | None]


class SearchCore(Protocol):
    """The part of `index.engine.SearchEngine` the bot uses (thread-safe, blocking)."""

    def ask(self, question: str, *, limit: int = 5, max_chars: int = 500) -> Answer: ...

    def reindex(self, *, dry_run: bool = False, force: bool = False) -> ReindexReport: ...

    def status(self) -> IndexStatus: ...

    def serving_ok(self) -> bool: ...

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


def schedule_answer(
    question: str, service: ScheduleService, *, discord: bool = False
) -> Answer | None:
    """The live schedule's answer to `question` as an `Answer` (no passages), or None.

    `discord=True` renders times as `<t:…>` tags (each member sees their own zone); otherwise
    local time in the server's zone (console, CLI).
    """
    from bot.schedule.questions import answer_schedule_question

    found = answer_schedule_question(question, service)
    if found is None:
        return None
    text = found.discord_text if discord else found.text
    return Answer(question=question, answered=found.matched, answer=text, hits=())


def schedule_answerer_for(settings: Settings, *, discord: bool = False) -> ScheduleAnswerer:
    """A `ScheduleAnswerer` over the schedule store in `settings.data_dir` (for the CLI `ask`).

    Usage: `answer_question(q, engine=engine, schedule=schedule_answerer_for(settings))`.
    Use it from one thread (it owns one SQLite connection).
    """
    from bot.schedule.service import open_service

    service = open_service(settings)

    def answer(question: str) -> Answer | None:
        return schedule_answer(question, service, discord=discord)

    return answer
