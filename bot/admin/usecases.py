"""The admin use cases, Discord-free: reindex, `/status`, `/gaps`, the start-up database check
and the upload pre-check. Every one checks the actor through `AdminGate`, which audits it."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.admin import uploads
from bot.common.audit import AdminGate
from bot.common.errors import UploadRejected
from bot.common.permissions import Actor
from bot.common.records import Gap, Records, utcnow
from bot.common.search import SearchCore
from bot.settings import Settings
from index.models import IndexStatus, ReindexReport

log = logging.getLogger(__name__)

#: Audited actions that rebuild the index (`/status` shows when the last one succeeded).
REINDEX_ACTIONS = ("reindex", "corpus add", "corpus remove", "corpus add (rollback)")
#: An answer whose coverage of the question is less than this above `min_coverage` (the
#: abstention threshold) is listed in /gaps as weak. On the eval sets (332 answers), the 12 % of
#: answers under the line were wrong 36 % of the time, against 13 % for all answers.
WEAK_COVERAGE_MARGIN = 0.1


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


@dataclass(frozen=True, slots=True)
class UploadResult:
    """A saved upload and the reindex it triggered."""

    source: str
    report: ReindexReport


class Administration:
    """Index and health work for admins."""

    def __init__(
        self,
        settings: Settings,
        engine: SearchCore,
        records: Records,
        gate: AdminGate,
        *,
        clock: Callable[[], datetime] = utcnow,
        pending_reminders: Callable[[], int] | None = None,
        after_reindex: Sequence[Callable[[], None]] = (),
        started_at: datetime | None = None,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.records = records
        self.gate = gate
        self.clock = clock
        self.pending_reminders = pending_reminders
        self.after_reindex = list(after_reindex)
        self.started_at = started_at or clock()
        self.database_problems: tuple[str, ...] | None = None

    def precheck_upload(self, actor: Actor, filename: str, size: int) -> None:
        """Admin, name, type and size checks before an attachment is downloaded."""
        detail = f"{filename[:200]} ({size} bytes)"
        self.gate.check_admin(actor, "corpus add", detail)
        try:
            uploads.precheck(filename, size, max_bytes=self.settings.max_upload_bytes)
        except UploadRejected as exc:
            self.gate.audit(actor, "corpus add", detail, f"rejected: {exc}")
            raise

    def reindex(self, actor: Actor, *, dry_run: bool = False, force: bool = False) -> ReindexReport:
        """Rebuild the index (or preview with `dry_run`; `force` rebuilds even when nothing
        changed) as an admin."""
        action = "reindex --dry-run" if dry_run else "reindex --force" if force else "reindex"
        self.gate.check_admin(actor, action, "")
        return self.rebuild(actor, action, "", dry_run=dry_run, force=force)

    def rebuild(
        self, actor: Actor, action: str, detail: str, *, dry_run: bool, force: bool = False
    ) -> ReindexReport:
        """Rebuild inside an admin action already checked (a corpus change): the outcome is
        audited under `action`, and the after-reindex hooks run."""
        try:
            report = self.engine.reindex(dry_run=dry_run, force=force)
        except Exception as exc:
            self.gate.audit(actor, action, detail, f"failed: {type(exc).__name__}: {exc}")
            raise
        self.gate.audit(actor, action, detail, summarize_report(report))
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
        self.gate.check_admin(actor, "gaps", f"days={days}")
        weak = self.settings.min_coverage + WEAK_COVERAGE_MARGIN
        result = self.records.gaps(days=days, limit=limit, weak_below=weak)
        self.gate.audit(actor, "gaps", f"days={days}", f"{len(result)} gaps")
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
        self.gate.check_admin(actor, "status", "")
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
            self.gate.audit(actor, "status", "", "shown")
        except (sqlite3.Error, OSError) as exc:  # a busy or full database must not hide /status
            log.warning("could not audit a /status call (%s)", exc)
        return StatusReport(
            index=index,
            index_age_seconds=age,
            uptime_seconds=(now - self.started_at).total_seconds(),
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
