"""Admin changes to the corpus (Discord-free): add, remove with undo, and the shipped-file guard.

The corpus has two kinds of documents. Those under `uploads/` (from `/corpus add`) and `web/`
(from `/corpus add-url`) were added by admins; everything else came with the repository (the seed
captures), and removing one needs `force`, because it would come back, or be missed, on the next
upgrade. Removal moves the file to `<data_dir>/removed/` (`uploads.remove_document`), from which
`undo` puts it back. An upload whose bytes equal the stored copy changes nothing and says so.
Every action is permission-checked and audited through `AdminGate`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from bot.admin import uploads, webdocs
from bot.admin.usecases import Administration, UploadResult
from bot.admin.webfetch import Fetcher, FetchError, FetchPolicy
from bot.common.audit import AdminGate
from bot.common.errors import NotFound, UploadRejected
from bot.common.files import write_atomic
from bot.common.permissions import Actor
from bot.docs.usecases import Library
from bot.settings import Settings
from index.errors import UserError
from index.models import DocumentOutline, ReindexReport

log = logging.getLogger(__name__)

#: Corpus folders whose documents admins added (the rest shipped with the repository).
ADMIN_DIRS = (uploads.UPLOAD_SUBDIR, webdocs.WEB_SUBDIR)


def added_by_admins(source: str) -> bool:
    """True when corpus-relative `source` lives in an admin-managed folder."""
    parts = PurePosixPath(source).parts
    return len(parts) > 1 and parts[0] in ADMIN_DIRS


@dataclass(frozen=True, slots=True)
class Removal:
    """A removed document: where it was, its trash id for undo, and the reindex."""

    source: str
    title: str
    removed_id: str
    report: ReindexReport


@dataclass(frozen=True, slots=True)
class Restored:
    """A document put back from the trash, and the reindex."""

    source: str
    report: ReindexReport


@dataclass(frozen=True, slots=True)
class UrlResult:
    """A web page added (or found unchanged) by `/corpus add-url`."""

    source: str
    url: str
    title: str
    report: ReindexReport
    unchanged: bool


@dataclass(frozen=True, slots=True)
class RefreshEntry:
    """One web document in a refresh: `changed`, `unchanged` or `failed`, and why or how."""

    source: str
    url: str
    status: str
    detail: str = ""
    diff: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RefreshReport:
    """What `corpus refresh` did; `report` is None when nothing changed (no reindex ran)."""

    entries: list[RefreshEntry] = field(default_factory=list)
    report: ReindexReport | None = None

    def count(self, status: str) -> int:
        return sum(1 for e in self.entries if e.status == status)


def fetch_policy(settings: Settings) -> FetchPolicy:
    """The fetch limits from settings (`ALLIANCE_FETCH_*`)."""
    return FetchPolicy(
        allow_private=settings.fetch_allow_private,
        max_bytes=settings.fetch_max_bytes,
        timeout_seconds=settings.fetch_timeout_seconds,
        max_redirects=settings.fetch_max_redirects,
    )


class CorpusAdmin:
    """The `/corpus` commands' behaviour: every change checked and audited by `gate`, followed
    by a reindex through `admin` (rolled back when that fails)."""

    def __init__(
        self,
        settings: Settings,
        gate: AdminGate,
        admin: Administration,
        library: Library,
        *,
        clock: Callable[[], datetime],
    ) -> None:
        self.settings = settings
        self.gate = gate
        self.admin = admin
        self.library = library
        self.clock = clock

    @property
    def trash_dir(self) -> Path:
        """Where removed documents wait for undo."""
        return Path(self.settings.data_dir) / "removed"

    @property
    def corpus_dir(self) -> Path:
        return Path(self.settings.corpus_dir)

    def add(
        self, actor: Actor, filename: str, data: bytes, *, replace: bool = False
    ) -> UploadResult:
        """Validate, save and index an upload. Bytes identical to the stored copy are not written
        (the reindex then reports `unchanged`, shown as "Nothing changed", `replace` or not); any
        refusal leaves the corpus as it was."""
        detail = f"{filename[:200]} ({len(data)} bytes)"
        self.gate.check_admin(actor, "corpus add", detail)
        try:
            upload = uploads.validate_upload(
                filename, data, max_bytes=self.settings.max_upload_bytes
            )
            source = f"{uploads.UPLOAD_SUBDIR}/{upload.name}"
            previous = uploads.read_existing(self.corpus_dir, source)
            identical = previous == upload.data
            if not identical:
                uploads.save_upload(self.corpus_dir, upload, replace=replace)
        except UploadRejected as exc:
            self.gate.audit(actor, "corpus add", detail, f"rejected: {exc}")
            raise
        try:
            report = self.admin.rebuild(actor, "corpus add", detail, dry_run=False)
        except Exception as exc:
            if not identical:  # no half state: the corpus is as it was before the upload
                if previous is None:
                    uploads.delete_saved(self.corpus_dir, source)
                else:
                    write_atomic(Path(self.corpus_dir) / source, previous)
            if isinstance(exc, UserError):
                raise UploadRejected(f"'{upload.name}' was not added: {exc}") from exc
            raise
        if identical:
            return UploadResult(source, report)
        skipped = [s for s in report.skipped if s.path == source]
        if skipped:
            uploads.delete_saved(self.corpus_dir, source)
            self.admin.rebuild(actor, "corpus add (rollback)", detail, dry_run=False)
            raise UploadRejected(
                f"'{upload.name}' could not be indexed ({skipped[0].reason}), so it was not added."
            )
        return UploadResult(source, report)

    def removal_target(
        self, actor: Actor, document: str, *, force: bool = False
    ) -> DocumentOutline:
        """The document `/corpus remove` would take out, after every check that can refuse it:
        admin, the document exists, and it was added by admins (or `force`)."""
        self.gate.check_admin(actor, "corpus remove", document)
        try:
            doc = self.library.find_document(document)
            if not added_by_admins(doc.source) and not force:
                raise UploadRejected(
                    f"'{doc.source}' came with the repository; an upgrade would bring it back. "
                    "To take it out anyway, run the command again with force set to True."
                )
        except (UploadRejected, NotFound) as exc:
            self.gate.audit(actor, "corpus remove", document, f"rejected: {exc}")
            raise
        return doc

    def remove(self, actor: Actor, document: str, *, force: bool = False) -> Removal:
        """Move a document to the trash and reindex (checks as in `removal_target`)."""
        doc = self.removal_target(actor, document, force=force)
        try:
            moved = uploads.remove_document(
                self.corpus_dir, doc.source, trash_dir=self.trash_dir, now=self.clock()
            )
        except (UploadRejected, NotFound) as exc:
            self.gate.audit(actor, "corpus remove", doc.source, f"rejected: {exc}")
            raise
        removed_id = moved.relative_to(self.trash_dir.resolve()).parts[0]
        log.info("removed %s from the corpus (kept at %s)", doc.source, moved)
        report = self.admin.rebuild(actor, "corpus remove", doc.source, dry_run=False)
        return Removal(doc.source, doc.title, removed_id, report)

    def removed(self, actor: Actor) -> list[uploads.Removed]:
        """What `undo` can bring back, most recent first (admins only)."""
        self.gate.check_admin(actor, "corpus removed", "")
        return uploads.removed_documents(self.trash_dir)

    def undo(self, actor: Actor, which: str | None = None) -> Restored:
        """Put the last removed document (or the one named by trash id or path) back, reindex."""
        detail = which or "latest"
        self.gate.check_admin(actor, "corpus undo", detail)
        try:
            entry = uploads.restore_removed(self.corpus_dir, self.trash_dir, which)
        except (UploadRejected, NotFound) as exc:
            self.gate.audit(actor, "corpus undo", detail, f"rejected: {exc}")
            raise
        report = self.admin.rebuild(actor, "corpus undo", entry.source, dry_run=False)
        return Restored(entry.source, report)

    # -- web documents -------------------------------------------------------------------------

    def _fetch(self, fetcher: Fetcher, url: str) -> webdocs.Extracted | FetchError:
        """Fetch and extract one page (its own event loop: this runs in a worker thread)."""
        try:
            page = asyncio.run(fetcher.fetch(url))
            return webdocs.extract(page)
        except FetchError as exc:
            return exc

    def add_url(self, actor: Actor, url: str) -> UrlResult:
        """Fetch a page (guarded, `webfetch`), store its main text under `web/`, and index it.

        Blocking (network, files, index): the cog calls it in a worker thread. A page already
        stored with the same text is not rewritten (`unchanged`). Refusals change nothing."""
        detail = url.strip()[:300]
        self.gate.check_admin(actor, "corpus add-url", detail)
        fetcher = Fetcher(fetch_policy(self.settings))
        outcome = self._fetch(fetcher, url)
        if isinstance(outcome, FetchError):
            self.gate.audit(actor, "corpus add-url", detail, f"rejected: {outcome}")
            raise outcome
        wanted = url.strip()
        source = webdocs.source_for(self.corpus_dir, wanted)
        old = webdocs.read_document(self.corpus_dir, source)
        unchanged = webdocs.same(old, wanted, outcome)
        if not unchanged:
            text = webdocs.render(wanted, outcome, self.clock())
            webdocs.write(self.corpus_dir, source, text)
        report = self.admin.rebuild(actor, "corpus add-url", detail, dry_run=False)
        skipped = [s for s in report.skipped if s.path == source]
        if skipped and not unchanged:
            if old is None:
                (self.corpus_dir / source).unlink(missing_ok=True)
            self.admin.rebuild(actor, "corpus add-url (rollback)", detail, dry_run=False)
            raise FetchError(f"{wanted[:200]} could not be indexed ({skipped[0].reason})")
        return UrlResult(source, wanted, outcome.title, report, unchanged)

    def refresh(self, actor: Actor) -> RefreshReport:
        """Re-fetch every web document; rewrite only those whose text changed, reindex once.

        A page that fails (gone, refused, slow) keeps its stored copy and is listed as failed."""
        self.gate.check_admin(actor, "corpus refresh", "")
        fetcher = Fetcher(fetch_policy(self.settings))
        entries: list[RefreshEntry] = []
        for doc in webdocs.web_documents(self.corpus_dir):
            outcome = self._fetch(fetcher, doc.url)
            if isinstance(outcome, FetchError):
                entries.append(RefreshEntry(doc.source, doc.url, "failed", str(outcome)))
                continue
            if webdocs.same(doc, doc.url, outcome):
                entries.append(RefreshEntry(doc.source, doc.url, "unchanged"))
                continue
            webdocs.write(
                self.corpus_dir, doc.source, webdocs.render(doc.url, outcome, self.clock())
            )
            entries.append(
                RefreshEntry(doc.source, doc.url, "changed", diff=tuple(webdocs.diff(doc, outcome)))
            )
        result = RefreshReport(entries)
        summary = (
            f"{result.count('changed')} changed, {result.count('unchanged')} unchanged, "
            f"{result.count('failed')} failed"
        )
        if result.count("changed"):
            report = self.admin.rebuild(actor, "corpus refresh", summary, dry_run=False)
            return RefreshReport(entries, report)
        self.gate.audit(actor, "corpus refresh", "", f"ok: {summary}")
        return result


#: How often the bot re-fetches web documents when `ALLIANCE_WEB_REFRESH_DAILY` is on.
REFRESH_INTERVAL_SECONDS = 24 * 3600.0
#: Who the periodic refresh acts as in the audit log.
REFRESH_ACTOR = Actor(id=0, name="daily refresh", manage_guild=True)


async def refresh_periodically(
    corpus: CorpusAdmin,
    *,
    interval: float = REFRESH_INTERVAL_SECONDS,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    rounds: int | None = None,
) -> None:
    """Wait `interval`, refresh (in a worker thread), repeat; `rounds` bounds it for tests.

    The first refresh is one interval after start, so restarts do not hammer the site. A failed
    round is logged and the next one still runs."""
    done = 0
    while rounds is None or done < rounds:
        await sleep(interval)
        try:
            result = await asyncio.to_thread(corpus.refresh, REFRESH_ACTOR)
            log.info(
                "web refresh: %d changed, %d unchanged, %d failed",
                result.count("changed"),
                result.count("unchanged"),
                result.count("failed"),
            )
        except Exception as exc:
            log.warning("web refresh failed: %s: %s", type(exc).__name__, exc)
        done += 1
