"""Schedule questions ("when is the next meeting?") answered from the live store as an `Answer`,
for `/ask`'s routing (`bot.ask.routing.answer_question`) and the CLI's `ask`."""

from __future__ import annotations

from collections.abc import Callable

from bot.schedule.domain.questions import answer_schedule_question
from bot.schedule.domain.service import ScheduleService, open_service
from bot.settings import Settings
from index.models import Answer


def schedule_answer(
    question: str, service: ScheduleService, *, discord: bool = False
) -> Answer | None:
    """The live schedule's answer to `question` as an `Answer` (no passages), or None.

    `discord=True` renders times as `<t:…>` tags (each member sees their own zone); otherwise
    local time in the server's zone (console, CLI).
    """
    found = answer_schedule_question(question, service)
    if found is None:
        return None
    text = found.discord_text if discord else found.text
    return Answer(question=question, answered=found.matched, answer=text, hits=())


def schedule_answerer_for(
    settings: Settings, *, discord: bool = False
) -> Callable[[str], Answer | None]:
    """A schedule answerer over the schedule store in `settings.data_dir` (for the CLI `ask`).

    Usage: `answer_question(q, engine=engine, schedule=schedule_answerer_for(settings))`.
    Use it from one thread (it owns one SQLite connection).
    """
    service = open_service(settings)

    def answer(question: str) -> Answer | None:
        return schedule_answer(question, service, discord=discord)

    return answer
