"""`/ask`'s use cases, Discord-free: answer a question, more sources, votes, "Ask a person".

The cog, its buttons, the console and the tests call these methods; they block (search, SQLite)
and the Discord side calls them through `asyncio.to_thread`. Errors meant for the member are
`index.errors.UserError` subclasses.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.ask.routing import ScheduleAnswerer, answer_question
from bot.common.errors import NotFound, RateLimited
from bot.common.permissions import Actor
from bot.common.ratelimit import RateLimiter
from bot.common.records import Records, utcnow
from bot.common.search import SearchCore
from bot.settings import Settings
from index.errors import QuestionError
from index.models import Answer, Hit

log = logging.getLogger(__name__)

#: How many passages the first reply quotes; "More sources" shows the ones after these.
SHOWN_SOURCES = 3
#: How many further passages "More sources" may show.
MORE_SOURCES = 5


@dataclass(frozen=True, slots=True)
class AskResult:
    """An answer plus the question-log id that its buttons carry (None when the log could not
    be written: the member still gets the answer, without buttons)."""

    question_id: int | None
    answer: Answer


#: The window of the per-member "Ask a person" limit (`Settings.handoffs_per_hour`).
HANDOFF_WINDOW = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Escalation:
    """A question a member wants a person to answer (`first_time` False: the officers already
    have it, or its post is under way)."""

    question_id: int
    question: str
    asker_id: int
    channel_id: int | None
    first_time: bool


class Asking:
    """Members' questions: answered from the schedule or the documents, logged, rate limited."""

    def __init__(
        self,
        settings: Settings,
        engine: SearchCore,
        records: Records,
        *,
        schedule_answerer: ScheduleAnswerer | None = None,
        clock: Callable[[], datetime] = utcnow,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.records = records
        self.schedule_answerer = schedule_answerer
        self.clock = clock
        self._limiter = limiter or RateLimiter(
            max(1, settings.ask_cooldown_uses),
            max(0.0, settings.ask_cooldown_seconds),
            clock=lambda: clock().timestamp(),
        )
        self._handoff_lock = threading.Lock()
        self._handoffs_in_flight: dict[int, int] = {}

    def check_question(self, question: str) -> str:
        """Return the trimmed question or raise `QuestionError` saying how to fix it."""
        text = " ".join(question.split())
        if not text:
            raise QuestionError("Please type a question, for example: what are the values?")
        limit = self.settings.max_question_chars
        if len(text) > limit:
            raise QuestionError(
                f"That question is {len(text)} characters long; please keep it under {limit} "
                "characters (one question at a time works best)."
            )
        return text

    def ask(
        self,
        actor: Actor,
        question: str,
        *,
        guild_id: int | None = None,
        channel_id: int | None = None,
        rate_limit: bool = True,
    ) -> AskResult:
        """Answer one question for `actor`, applying the length cap and the per-user cooldown."""
        text = self.check_question(question)
        if rate_limit:
            wait = self._limiter.hit(actor.id)
            if wait > 0:
                raise RateLimited(
                    f"You're asking quickly! Please wait {max(1, round(wait))} seconds and ask "
                    "again.",
                    retry_after=wait,
                )
        answer = self._answer(text, limit=SHOWN_SOURCES + MORE_SOURCES)
        top = answer.hits[0].passage.source if answer.answered and answer.hits else None
        try:
            qid: int | None = self.records.log_question(
                user_id=actor.id,
                question=text,
                answered=answer.answered,
                top_source=top,
                guild_id=guild_id,
                channel_id=channel_id,
                coverage=answer.coverage if answer.answered and answer.hits else None,
            )
        except (sqlite3.Error, OSError) as exc:  # answering never depends on the question log
            log.error("could not log a question (%s); answered it anyway", exc)
            qid = None
        return AskResult(qid, answer)

    def _answer(self, question: str, *, limit: int) -> Answer:
        return answer_question(
            question,
            engine=self.engine,
            schedule=self.schedule_answerer,
            limit=limit,
            max_chars=self.settings.max_question_chars,
        )

    def logged(self, question_id: int) -> str:
        """The text of a logged question (buttons carry only its id)."""
        row = self.records.question(question_id)
        if row is None:
            raise NotFound("I can't find that question any more; please ask it again with /ask.")
        return row.question

    def more_sources(self, question_id: int) -> tuple[Answer, list[Hit]]:
        """The passages after the first `SHOWN_SOURCES` for a logged question."""
        answer = self._answer(self.logged(question_id), limit=SHOWN_SOURCES + MORE_SOURCES)
        extra = list(answer.hits[SHOWN_SOURCES:])
        if not answer.answered or not extra:
            raise NotFound("There are no more sources for this question.")
        return answer, extra

    def feedback(self, question_id: int, actor: Actor, helpful: bool) -> bool:
        """Store a 👍/👎; returns False when this member had already voted the same way."""
        self.logged(question_id)
        return self.records.vote(question_id, actor.id, 1 if helpful else -1)

    def escalate(self, question_id: int, actor: Actor) -> Escalation:
        """Reserve "Ask a person" for a logged question. The caller posts it to the officers
        and then calls `escalation_done` with whether the post went out.

        Nothing is stored before the post succeeded, so a failed post (Discord down, no
        permission in the channel) leaves the question escalatable. While a post is under way
        the question is held in memory (one bot process per data directory), so a double
        click cannot post twice. Limits: one hand-off per question, whoever presses, and
        `settings.handoffs_per_hour` per member in any hour, counted in the database (a restart
        does not reset it) plus the ones under way; over it, `RateLimited` says when the next
        one is possible."""
        if self.settings.officer_channel_id is None:
            raise NotFound(
                "No officer channel is set up yet, so I can't pass this on. Please ask an "
                "officer directly (admins: set ALLIANCE_OFFICER_CHANNEL_ID)."
            )
        row = self.records.question(question_id)
        if row is None:
            raise NotFound("I can't find that question any more; please ask it again with /ask.")
        with self._handoff_lock:
            counts = self.records.handoffs(question_id, actor.id, within=HANDOFF_WINDOW)
            if counts.question or question_id in self._handoffs_in_flight:
                return Escalation(question_id, row.question, actor.id, row.channel_id, False)
            under_way = sum(1 for uid in self._handoffs_in_flight.values() if uid == actor.id)
            limit = self.settings.handoffs_per_hour
            if counts.member_recent + under_way >= limit:
                now = self.clock()
                free_at = (counts.member_oldest or now) + HANDOFF_WINDOW
                wait = max(60.0, (free_at - now).total_seconds())
                raise RateLimited(
                    f"You've passed {limit} question{'s' if limit != 1 else ''} to the officers "
                    f"in the last hour, the most I send for one member; you can pass on another "
                    f"<t:{int(now.timestamp() + wait)}:R>, or ask an officer directly.",
                    wait,
                )
            self._handoffs_in_flight[question_id] = actor.id
        return Escalation(question_id, row.question, actor.id, row.channel_id, True)

    def escalation_done(self, escalation: Escalation, *, posted: bool) -> None:
        """Release the hold `escalate` took; when the post went out, record the hand-off first.

        If that write fails (database locked or full) the hold stays for this process's life,
        so the question is not posted twice; the error is raised for the caller to log."""
        if posted:
            self.records.mark_escalated(escalation.question_id, escalation.asker_id)
        with self._handoff_lock:
            self._handoffs_in_flight.pop(escalation.question_id, None)
