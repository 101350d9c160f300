"""`BotCore`: every command's behaviour, Discord-free, shared by the cogs and the console.

A cog (or a console line) turns its input into plain arguments and an `Actor`, calls one method
here, and renders the result. Methods block (search, SQLite, file I/O): the cogs call them through
`asyncio.to_thread`. Errors meant for the member are `index.errors.UserError` subclasses; admin
methods check permissions first and write every attempt, allowed or refused, to the audit log.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from bot.answering import ScheduleAnswerer, SearchCore, answer_question
from bot.services import uploads
from bot.services.errors import NotFound, PermissionDenied, RateLimited, UploadRejected
from bot.services.permissions import Actor, require_admin
from bot.services.ratelimit import RateLimiter
from bot.services.records import Gap, Records, utcnow
from bot.settings import Settings
from index.errors import QuestionError, UserError
from index.models import (
    SECTION_SEPARATOR,
    Answer,
    DocumentOutline,
    Hit,
    IndexStatus,
    Passage,
    ReindexReport,
)
from index.outline import outline, resolve_section
from index.refusal import suggest

if TYPE_CHECKING:
    from bot.services.schedule_actions import ScheduleActions

log = logging.getLogger(__name__)
T = TypeVar("T")

#: How many passages the first reply quotes; "More sources" shows the ones after these.
SHOWN_SOURCES = 3
#: How many further passages "More sources" may show.
MORE_SOURCES = 5
#: Audited actions that rebuild the index (`/status` shows when the last one succeeded).
REINDEX_ACTIONS = ("reindex", "corpus add", "corpus remove", "corpus add (rollback)")
#: Marks a shortened value (autocomplete values are limited to 100 characters).
ELLIPSIS = "…"
#: An answer whose coverage of the question is less than this above `min_coverage` (the
#: abstention threshold) is listed in /gaps as weak. On the eval sets (332 answers), the 12 % of
#: answers under the line were wrong 36 % of the time, against 13 % for all answers.
WEAK_COVERAGE_MARGIN = 0.1
#: Hex digits of a suggested section's key (a button's custom_id carries it, not the path).
SECTION_KEY_CHARS = 16


def section_key(source: str, section: str) -> str:
    """A short, stable key for one heading path of one document, for a button's custom_id
    (Discord allows 100 characters; heading paths can be longer). It is only ever looked up
    among the indexed sections (`BotCore.suggested_section`), never trusted as a path."""
    digest = hashlib.sha256(f"{source}\x1f{section}".encode()).hexdigest()
    return digest[:SECTION_KEY_CHARS]


@dataclass(frozen=True, slots=True)
class SuggestedSection:
    """A close section a refusal offers: its `Document › … › heading` path as shown, and the
    key its button carries."""

    path: str
    key: str

    @property
    def heading(self) -> str:
        """The last heading of the path (the button's label)."""
        return self.path.rsplit(SECTION_SEPARATOR, 1)[-1]


def suggested_sections(answer: Answer) -> list[SuggestedSection]:
    """The refusal's suggestions (`Answer.suggestions`, in order) with the key of the passage
    section each one came from; empty for an answer."""
    if answer.answered:
        return []
    out: list[SuggestedSection] = []
    for path in answer.suggestions:
        hit = next((h for h in answer.hits if suggest([h]) == (path,)), None)
        if hit is not None and all(s.path != path for s in out):
            out.append(SuggestedSection(path, section_key(hit.passage.source, hit.passage.section)))
    return out


@dataclass(frozen=True, slots=True)
class SectionText:
    """One section as `/docs document:… section:…` shows it."""

    document: DocumentOutline
    heading: str
    passages: list[Passage]


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


@dataclass(frozen=True, slots=True)
class StatusReport:
    """What `/status` shows."""

    index: IndexStatus
    index_age_seconds: float | None
    uptime_seconds: float
    questions_logged: int
    latency_ms: float | None = None
    pending_reminders: int | None = None
    last_admin_reindex: datetime | None = None
    #: `PRAGMA quick_check` at start: () when sound, the problems found, None when not checked.
    database_problems: tuple[str, ...] | None = None
    _handoff_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _handoffs_in_flight: dict[int, int] = field(default_factory=dict, init=False, repr=False)


@dataclass(frozen=True, slots=True)
class UploadResult:
    """A saved upload and the reindex it triggered."""

    source: str
    report: ReindexReport


@dataclass
class BotCore:
    """The services behind the commands, wired once from settings."""

    settings: Settings
    engine: SearchCore
    records: Records
    clock: Callable[[], datetime] = utcnow
    schedule_answerer: ScheduleAnswerer | None = None
    pending_reminders: Callable[[], int] | None = None
    after_reindex: list[Callable[[], None]] = field(default_factory=list)
    limiter: RateLimiter | None = None
    started_at: datetime | None = None
    schedule: ScheduleActions | None = None
    database_problems: tuple[str, ...] | None = None
    _handoff_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _handoffs_in_flight: dict[int, int] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        clock = self.clock
        self._limiter: RateLimiter = self.limiter or RateLimiter(
            max(1, self.settings.ask_cooldown_uses),
            max(0.0, self.settings.ask_cooldown_seconds),
            clock=lambda: clock().timestamp(),
        )
        self._started: datetime = self.started_at or self.clock()

    # -- members -------------------------------------------------------------------------------

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

    def documents(self) -> list[DocumentOutline]:
        """Indexed documents with their outlines."""
        return self.engine.documents()

    def find_document(self, key: str) -> DocumentOutline:
        """The document whose source path or title matches `key` (case-insensitive)."""
        wanted = key.strip().lower()
        docs = self.documents()
        for doc in docs:
            if wanted in (doc.source.lower(), doc.title.lower()):
                return doc
        if wanted.startswith(ELLIPSIS):  # an autocomplete value for a path over 100 characters
            tails = [d for d in docs if d.source.lower().endswith(wanted[len(ELLIPSIS) :])]
            if len(tails) == 1:
                return tails[0]
        partial = [d for d in docs if wanted and (wanted in d.title.lower() or wanted in d.source)]
        if len(partial) == 1:
            return partial[0]
        raise NotFound(f"I don't have a document called '{_echo(key)}'. Use /docs to see the list.")

    def section_passages(self, source: str, section: str) -> list[Passage]:
        """The passages of one section and its subsections: exact heading path, an autocomplete
        "…tail" of one, or a forgiving match of a heading's name (`index.outline`), including
        headings with no text of their own."""
        doc = self.find_document(source)
        wanted = section.strip().lower()
        if wanted.startswith(ELLIPSIS):
            tail = wanted[len(ELLIPSIS) :]
            tails = [c for c in outline(doc.sections) if c.lower().endswith(tail)]
            if len(tails) == 1:
                return self.engine.passages_for(doc.source, tails[0])
        found = resolve_section(doc.sections, section)
        if found is not None:
            return self.engine.passages_for(doc.source, found)
        raise NotFound(
            f"'{doc.title}' has no section called '{_echo(section)}'. "
            "Leave the section empty to see its outline."
        )

    def section_text(self, document: str, section: str) -> SectionText:
        """What `/docs document:… section:…` shows: the document, the heading path the
        passages share, and the passages (see `section_passages`)."""
        doc = self.find_document(document)
        passages = self.section_passages(doc.source, section)
        return SectionText(doc, passages[0].section if passages else section, passages)

    def suggested_section(self, key: str) -> SectionText:
        """The section a refusal's button points at, found by its `section_key` among the
        sections indexed now (a reindex may have renamed or removed it: then `NotFound`)."""
        for doc in self.documents():
            for path in outline(doc.sections):
                if section_key(doc.source, path) == key:
                    passages = self.engine.passages_for(doc.source, path)
                    return SectionText(doc, path, passages)
        raise NotFound(
            "That section isn't in the documents any more (they were updated since). "
            "Use /docs to browse what's there now."
        )

    # -- admins --------------------------------------------------------------------------------

    def check_admin(self, actor: Actor, action: str, detail: str = "") -> None:
        """Refuse a non-admin before slow work starts (the refusal is audited)."""
        self._admin(actor, action, detail)

    def precheck_upload(self, actor: Actor, filename: str, size: int) -> None:
        """Admin, name, type and size checks before an attachment is downloaded."""
        detail = f"{filename[:200]} ({size} bytes)"
        self._admin(actor, "corpus add", detail)
        try:
            uploads.precheck(filename, size, max_bytes=self.settings.max_upload_bytes)
        except UploadRejected as exc:
            self._audit(actor, "corpus add", detail, f"rejected: {exc}")
            raise

    def _admin(self, actor: Actor, action: str, detail: str) -> None:
        """Refuse non-admins (audited as refused)."""
        try:
            require_admin(actor, self.settings.admin_role_id)
        except PermissionDenied:
            self._audit(actor, action, detail, "refused: not an admin")
            raise

    def admin_action(self, actor: Actor, action: str, detail: str, run: Callable[[], T]) -> T:
        """Check admin, run `run`, and audit its outcome (ok, user error, or failure)."""
        self._admin(actor, action, detail)
        try:
            result = run()
        except UserError as exc:
            self._audit(actor, action, detail, f"rejected: {exc}")
            raise
        except Exception as exc:
            self._audit(actor, action, detail, f"failed: {type(exc).__name__}")
            raise
        self._audit(actor, action, detail, "ok")
        return result

    def _audit(self, actor: Actor, action: str, detail: str, outcome: str) -> None:
        self.records.audit(
            actor_id=actor.id, actor_name=actor.name, action=action, detail=detail, outcome=outcome
        )

    def reindex(self, actor: Actor, *, dry_run: bool = False, force: bool = False) -> ReindexReport:
        """Rebuild the index (or preview with `dry_run`; `force` rebuilds even when nothing
        changed) as an admin."""
        action = "reindex --dry-run" if dry_run else "reindex --force" if force else "reindex"
        self._admin(actor, action, "")
        return self._reindex(actor, action, "", dry_run=dry_run, force=force)

    def _reindex(
        self, actor: Actor, action: str, detail: str, *, dry_run: bool, force: bool = False
    ) -> ReindexReport:
        try:
            report = self.engine.reindex(dry_run=dry_run, force=force)
        except Exception as exc:
            self._audit(actor, action, detail, f"failed: {type(exc).__name__}: {exc}")
            raise
        self._audit(actor, action, detail, summarize_report(report))
        if not dry_run:
            self._run_after_reindex()
        return report

    def _run_after_reindex(self) -> None:
        for hook in self.after_reindex:
            try:
                hook()
            except Exception:
                log.exception("after-reindex hook failed")

    def gaps(self, actor: Actor, *, days: int = 30, limit: int = 10) -> list[Gap]:
        """Recent unanswered, 👎 or weakly answered questions, junk left out and repeats folded,
        most frequent first (admins only; see `Records.gaps`)."""
        self._admin(actor, "gaps", f"days={days}")
        weak = self.settings.min_coverage + WEAK_COVERAGE_MARGIN
        result = self.records.gaps(days=days, limit=limit, weak_below=weak)
        self._audit(actor, "gaps", f"days={days}", f"{len(result)} gaps")
        return result

    def check_database(self) -> tuple[str, ...]:
        """Run `PRAGMA quick_check` (at start-up) and remember the result for `/status`; a
        damaged database is logged as an error naming the file and what to do."""
        problems = tuple(self.records.integrity())
        self.database_problems = problems
        if problems:
            log.error(
                "database %s is damaged (PRAGMA quick_check: %s); the bot keeps running but "
                "may lose or misread data: stop it, restore the file from a backup (or run "
                "sqlite3's .recover into a new file) and restart",
                self.settings.db_path,
                "; ".join(problems[:3]),
            )
        return problems

    def status(self, actor: Actor, *, latency_seconds: float | None = None) -> StatusReport:
        """Index size/age, uptime, latency and pending reminders (admins only)."""
        self._admin(actor, "status", "")
        index = self.engine.status()
        now = self.clock()
        age = (now - index.built_at).total_seconds() if index.built_at else None
        pending: int | None = None
        if self.pending_reminders is not None:
            try:
                pending = self.pending_reminders()
            except Exception:
                log.exception("could not count pending reminders")
        last = self.records.last_action_at(REINDEX_ACTIONS)
        latency = None
        if latency_seconds is not None and latency_seconds == latency_seconds:  # not NaN
            latency = latency_seconds * 1000
        try:
            self._audit(actor, "status", "", "shown")
        except (sqlite3.Error, OSError) as exc:  # a busy or full database must not hide /status
            log.warning("could not audit a /status call (%s)", exc)
        return StatusReport(
            index=index,
            index_age_seconds=age,
            uptime_seconds=(now - self._started).total_seconds(),
            questions_logged=self.records.question_count(),
            latency_ms=latency,
            pending_reminders=pending,
            last_admin_reindex=last,
            database_problems=self.database_problems,
        )


def summarize_report(report: ReindexReport) -> str:
    """One line describing a reindex, for the audit log."""
    if report.unchanged:
        return f"unchanged ({report.documents} documents, {report.passages} passages)"
    return (
        f"{'would change' if report.dry_run else 'ok'}: {report.documents} documents, "
        f"{report.passages} passages; +{len(report.added)} ~{len(report.changed)} "
        f"-{len(report.removed)} files; {len(report.skipped)} skipped; {report.seconds:.2f}s"
    )


def _echo(text: str) -> str:
    """A member's document or section name as it may be quoted back in an error: one line, at
    most 100 characters, letters, digits and plain punctuation only, so no markdown, masked link
    or mention can form from it."""
    return re.sub(r"[^\w\s.,:/'’-]", "", " ".join(text.split()))[:100]
