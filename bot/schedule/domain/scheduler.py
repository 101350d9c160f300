"""The reminder engine: one asyncio task that sleeps until the next due reminder and sends it.

Planning is index-backed: each wake asks SQLite for MIN(due) of pending reminders, MIN(next
attempt) of pending deliveries and MIN(refill) of recurring items, then sleeps until the earliest
(no scan over rows, no per-minute polling). In-process changes call `notify()`, which sets an
`asyncio.Event` and re-plans at once. Changes from another process (the CLI) are noticed by a
cheap `PRAGMA data_version` check every `external_check_interval` seconds (15 s by default): an
unchanged value costs no query at all.

SQLite never runs on the event loop: every database call of the scheduler goes through
`asyncio.to_thread`, one call at a time on the scheduler's own connection (an `asyncio.Lock` so
calls queue without occupying worker threads, and a `threading.Lock` so a call abandoned by a
cancelled task still finishes before the next one starts). A database held by another process
(a backup, an operator's shell) delays reminders; it never freezes the bot.

Delivery ledger, exactly once: a due reminder is *fired* in one transaction that creates its
deliveries (the item's channel and each subscribed member's DMs). Each delivery is claimed
(`sending`, `claimed_utc` set on the first claim) before the sender is called, and its outcome is
recorded after. The rules that keep one message per delivery:

- Every message carries the delivery's marker, `<install token>-<delivery id>` (also its Discord
  nonce). The token is random per database (`store.install_token`), so two installs never share
  one.
- An attempt whose outcome is unknown sets `verify`: the process died while `sending` (found at
  start-up), the send timed out, or it failed with anything but a 429 (a 5xx can come after Discord
  created the message). Before any resend of such a delivery the scheduler *reconciles*: it asks
  the sender (`find_sent`) whether the bot's own message with that marker is in the channel or DM
  since the first claim (less `reconcile_margin` for clock skew). Found: recorded `sent`, nothing
  is posted. Not found: sent again. Discord's own nonce check is a second net, not the first.
- When the check itself fails, nothing is posted: the delivery waits like a failed send and is
  checked again; after `max_checks` failed checks it is recorded `failed` ("could not confirm"),
  because a reminder may be lost but is never sent twice. A sender without `find_sent` (a test
  double) cannot reconcile: an unknown outcome is then resent with the same nonce.
- Recording an outcome can fail (database locked past the busy timeout, disk full). The outcome
  is then kept in memory and written again with backoff (`mark_backoff` doubling to
  `max_mark_backoff`) while the bot runs; the row stays `sending`, which is never picked for a
  send, so a failed write never causes a resend. If the process dies first, start-up reconciles.

Catch-up after downtime: when several reminders of one item are due at once and late (the bot
was down across more than one lead time), only one is posted: the nearest occurrence's shortest
lead, which says "Sent late" and "starts <t:…:R>". The others are recorded `skipped` with a log
line. So a member sees one catch-up message per item, not a burst.

Late rules: a reminder fired more than `late_grace` after its due time is marked `late` — a
delivery delayed by retries keeps the flag it was fired with; one whose event has already begun is
skipped with a log line.

Failures: `RetryableSendError` (5xx, 429 with retry-after, timeouts, unknown exceptions) back off
exponentially (30 s doubling, capped at 30 min, at most 8 attempts, never past the event start);
`PermanentSendError` (deleted channel, DMs closed) is recorded as failed at once. Neither stops
the loop or delays other deliveries (sends run concurrently, each bounded by `send_timeout`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from bot.common import db
from bot.schedule.domain import store
from bot.schedule.domain.clock import Clock
from bot.schedule.domain.errors import PermanentSendError, RetryableSendError
from bot.schedule.domain.models import Item, Reminder, ts, utc_from_ts

log = logging.getLogger(__name__)

T = TypeVar("T")

#: What a failed write of the ledger looks like: SQLite busy/locked/full, or the OS refusing.
STORAGE_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, OSError)


class ReminderSender(Protocol):
    """Delivers reminders; implemented by the Discord layer (and fakes in tests).

    Return normally on success. Raise `RetryableSendError` (optionally with `retry_after`) for
    transient failures and `PermanentSendError` for ones retrying cannot fix. Any other
    exception is logged and retried like a transient failure.

    A sender may also offer `find_sent(target, target_id, reminder, since) -> bool`: whether the
    message for `reminder` (identified by `reminder.nonce`, which the sender puts in the message
    where it survives a read-back) is already in that channel or DM, posted after `since`. It
    raises like a send when it cannot tell. See the module docstring for how it is used.
    """

    async def send_channel(self, channel_id: int, reminder: Reminder) -> None:
        """Post `reminder` in the announcement channel `channel_id`."""
        ...

    async def send_dm(self, user_id: int, reminder: Reminder) -> None:
        """Send `reminder` to member `user_id` as a direct message."""
        ...


@dataclass(frozen=True)
class SchedulerConfig:
    """Tuning knobs; the defaults suit a coalition server."""

    default_channel_id: int | None = None
    late_grace: timedelta = timedelta(minutes=2)
    external_check_interval: float = 15.0
    send_timeout: float = 30.0
    max_attempts: int = 8
    base_backoff: float = 30.0
    max_backoff: float = 1800.0
    concurrency: int = 8
    batch: int = 500
    error_backoff: float = 5.0
    max_checks: int = 5
    reconcile_margin: timedelta = timedelta(minutes=5)
    mark_backoff: float = 1.0
    max_mark_backoff: float = 60.0
    busy_timeout: float = 5.0


@dataclass
class _Mark:
    """An outcome that could not be written yet; retried while the bot runs."""

    state: str
    error: str | None
    at: datetime
    next_attempt: int | None
    verify: bool
    check_failed: bool
    tries: int
    retry_at: datetime


@dataclass(frozen=True)
class _Claim:
    verify: bool
    claimed: datetime
    check_failures: int


class ReminderScheduler:
    """Runs the reminder loop over a schedule database (its own connection)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        sender: ReminderSender,
        clock: Clock,
        config: SchedulerConfig | None = None,
    ) -> None:
        self.conn = conn
        self.sender = sender
        self.clock = clock
        self.config = config or SchedulerConfig()
        self.stats: Counter[str] = Counter()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._sleep_until: datetime | None = None
        self._task: asyncio.Task[None] | None = None
        self._data_version = -1
        self._semaphore = asyncio.Semaphore(self.config.concurrency)
        self._db_lock = asyncio.Lock()
        self._thread_lock = threading.Lock()
        self._install = ""
        self._unrecorded: dict[int, _Mark] = {}

    # ------------------------------------------------------------- lifecycle
    def start(self) -> asyncio.Task[None]:
        """Start the loop as a task (idempotent)."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self.run(), name="reminder-scheduler")
        return self._task

    async def stop(self) -> None:
        """Cancel the loop and wait for its database call in flight; `sending` rows stay.

        A delivery cut off mid-send is reconciled on the next start. Outcomes not yet written
        get one last try here.
        """
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await asyncio.to_thread(self._locked, lambda: None)
        if self._unrecorded:
            with contextlib.suppress(Exception):
                await self._flush_marks(force=True)

    def notify(self) -> None:
        """Tell the loop the schedule changed (safe to call from service callbacks)."""
        self._wake.set()
        self._idle.clear()

    async def run(self) -> None:
        """Recover, then sleep until the next due work, forever."""
        await self.recover()
        next_wake = await self._safe_tick()
        while True:
            now = self.clock.now()
            if self._wake.is_set() or (next_wake is not None and next_wake <= now):
                self._wake.clear()
                next_wake = await self._safe_tick()
                continue
            delay = self.config.external_check_interval
            if next_wake is not None:
                delay = min(delay, (next_wake - now).total_seconds())
            await self._wait(delay)
            if self._wake.is_set() or (next_wake is not None and self.clock.now() >= next_wake):
                continue
            try:
                version = await self._db(self._read_data_version)
            except STORAGE_ERRORS as exc:
                log.warning("could not check the schedule database for changes: %s", exc)
                continue
            if version != self._data_version:
                self._data_version = version
                next_wake = await self._safe_tick()

    async def settled(self, timeout: float = 30.0) -> None:
        """Return once the loop is asleep with nothing due (tests with a `ManualClock`).

        Bounded by wall time, because database calls finish in worker threads.
        """
        give_up = time.monotonic() + timeout
        spins = 0
        while time.monotonic() < give_up:
            if self._task is not None and self._task.done():
                self._task.result()
                raise RuntimeError("scheduler stopped")
            if (
                self._idle.is_set()
                and not self._wake.is_set()
                and (self._sleep_until is None or self._sleep_until > self.clock.now())
            ):
                return
            spins += 1
            await asyncio.sleep(0 if spins < 200 else 0.001)
        raise TimeoutError("scheduler did not settle")

    @property
    def unrecorded(self) -> int:
        """Outcomes known in memory but not yet written to the database."""
        return len(self._unrecorded)

    # ------------------------------------------------------------ database
    async def _db(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(*args)` in a worker thread, one call at a time on this connection."""
        async with self._db_lock:
            return await asyncio.to_thread(self._locked, fn, *args)

    def _locked(self, fn: Callable[..., T], *args: Any) -> T:
        with self._thread_lock:
            return fn(*args)

    # ------------------------------------------------------------------ work
    async def recover(self) -> int:
        """After a restart: deliveries left `sending` go back to `pending`, to be reconciled."""
        count = await self._db(self._recover_sync)
        if count:
            log.warning(
                "%d reminder delivery(ies) were interrupted by a restart; checking Discord for "
                "each before sending again",
                count,
            )
        return count

    def _recover_sync(self) -> int:
        self.conn.execute(f"PRAGMA busy_timeout = {int(self.config.busy_timeout * 1000)}")
        db.migrate(self.conn, store.COMPONENT, store.MIGRATIONS)
        self._install = store.install_token(self.conn)
        with store.transaction(self.conn):
            reset = store.requeue_unfinished_sends(self.conn)
        self._data_version = self._read_data_version()
        return reset

    async def tick(self) -> datetime | None:
        """Do everything due now (outcomes, refill, fire, deliver); return when work is next due."""
        now = self.clock.now()
        await self._flush_marks()
        await self._db(self._refill, now)
        while await self._db(self._fire_due, now) >= self.config.batch:
            pass
        while await self._deliver_due(now) >= self.config.batch:
            pass
        return await self._db(self.next_due)

    def next_due(self) -> datetime | None:
        """The earliest instant at which the loop has work (index-backed MINs, then memory)."""
        candidates = [
            utc_from_ts(t)
            for t in (
                store.next_reminder_due(self.conn),
                store.next_delivery_due(self.conn),
                store.next_refill(self.conn),
            )
            if t is not None
        ]
        candidates += [m.retry_at for m in self._unrecorded.values()]
        return min(candidates) if candidates else None

    async def _safe_tick(self) -> datetime | None:
        try:
            return await self.tick()
        except asyncio.CancelledError:
            raise
        except STORAGE_ERRORS as exc:
            log.warning(
                "reminders paused: the schedule database failed (%s); retrying in %.0fs",
                exc,
                self.config.error_backoff,
            )
        except Exception:
            log.exception("reminder loop error; retrying in %.0fs", self.config.error_backoff)
        self.stats["loop_errors"] += 1
        return self.clock.now() + timedelta(seconds=self.config.error_backoff)

    async def _wait(self, delay: float) -> None:
        self._sleep_until = self.clock.now() + timedelta(seconds=max(0.0, delay))
        sleeper = asyncio.ensure_future(self.clock.sleep(max(0.0, delay)))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.sleep(0)  # let both start, so the clock knows we sleep before `idle`
            if not (sleeper.done() or waker.done()):
                self._idle.set()
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._idle.clear()
            self._sleep_until = None
            for fut in (sleeper, waker):
                fut.cancel()

    def _read_data_version(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def _refill(self, now: datetime) -> None:
        for item, until in store.items_needing_refill(self.conn, now):
            with store.transaction(self.conn):
                created = store.materialize(self.conn, item, after=until, now=now, fresh=False)
            log.debug("extended %s %d by %d reminder(s)", item.kind, item.id, created)

    def _fire_due(self, now: datetime) -> int:
        """Turn due reminders into deliveries (or skip them); return how many were handled.

        Catch-up: of one item's reminders that are due together and late, only the nearest
        occurrence's shortest lead is delivered; the rest are skipped as superseded.
        """
        rows = store.due_reminders(self.conn, now, self.config.batch)
        items: dict[int, Item | None] = {}
        for row in rows:
            item_id = int(row["item_id"])
            if item_id not in items:
                items[item_id] = store.get_item(self.conn, item_id)
        catch_up: dict[int, sqlite3.Row] = {}
        for row in rows:
            item = items[int(row["item_id"])]
            late = now - utc_from_ts(row["due_utc"]) > self.config.late_grace
            if item is None or item.status != "active" or row["occurrence_utc"] <= ts(now):
                continue
            if late:
                best = catch_up.get(item.id)
                key = (row["occurrence_utc"], row["lead_s"])
                if best is None or key < (best["occurrence_utc"], best["lead_s"]):
                    catch_up[item.id] = row
        for row in rows:
            item_id = int(row["item_id"])
            item = items[item_id]
            occurrence = utc_from_ts(row["occurrence_utc"])
            due = utc_from_ts(row["due_utc"])
            late = now - due > self.config.late_grace
            with store.transaction(self.conn):
                if item is None or item.status != "active" or occurrence <= now:
                    self._skip(row["id"], now)
                    self.stats["skipped"] += 1
                    title = item.title if item else f"item {item_id}"
                    log.warning(
                        "skipped %s reminder for %r: the event at %s has already passed",
                        _lead_text(row["lead_s"]),
                        title,
                        occurrence.isoformat(),
                    )
                    continue
                chosen = catch_up.get(item_id)
                if late and chosen is not None and chosen["id"] != row["id"]:
                    self._skip(row["id"], now)
                    self.stats["superseded"] += 1
                    log.info(
                        "skipped the missed %s reminder for %r: one catch-up reminder is sent",
                        _lead_text(row["lead_s"]),
                        item.title,
                    )
                    continue
                store.mark_reminder_fired(self.conn, row["id"], now, late=late)
                targets: list[tuple[str, int]] = []
                channel = item.channel_id or self.config.default_channel_id
                if channel:
                    targets.append(("channel", channel))
                targets.extend(("dm", uid) for uid in store.subscribers(self.conn, item_id))
                store.add_deliveries(self.conn, row["id"], targets, now)
                if late:
                    self.stats["late"] += 1
                    log.info("reminder for %r is late (was due %s)", item.title, due.isoformat())
                if not targets:
                    log.info("reminder for %r has no channel and no subscribers", item.title)
        return len(rows)

    def _skip(self, reminder_id: int, now: datetime) -> None:
        store.skip_reminder(self.conn, reminder_id, now)

    def _due_deliveries(self, now: datetime) -> list[tuple[sqlite3.Row, Item | None]]:
        rows = store.due_deliveries(self.conn, now, self.config.batch)
        items: dict[int, Item | None] = {}
        out = []
        for row in rows:
            item_id = int(row["item_id"])
            if item_id not in items:
                items[item_id] = store.get_item(self.conn, item_id)
            out.append((row, items[item_id]))
        return out

    async def _deliver_due(self, now: datetime) -> int:
        due = await self._db(self._due_deliveries, now)
        if due:
            await asyncio.gather(*(self._deliver(row, item) for row, item in due))
        return len(due)

    def _claim(self, delivery_id: int, now: datetime) -> _Claim | None:
        with store.transaction(self.conn):
            row = store.claim_delivery(self.conn, delivery_id, now)
        if row is None:
            return None
        return _Claim(bool(row["verify"]), utc_from_ts(row["claimed_utc"]), row["check_failures"])

    async def _deliver(self, row: sqlite3.Row, item: Item | None) -> None:
        delivery_id = int(row["id"])
        async with self._semaphore:
            now = self.clock.now()
            occurrence = utc_from_ts(row["occurrence_utc"])
            if item is None or item.status != "active" or occurrence <= now:
                await self._record(
                    delivery_id, _mark("dropped", "the event began before it could be sent", now)
                )
                self.stats["dropped"] += 1
                return
            claim = await self._db(self._claim, delivery_id, now)
            if claim is None:
                return
            reminder = Reminder(
                item_id=item.id,
                kind=item.kind,
                title=item.title,
                event=occurrence,
                end=occurrence + item.duration,
                lead=timedelta(seconds=row["lead_s"]),
                due=utc_from_ts(row["due_utc"]),
                late=bool(row["late"]),
                location=item.location,
                link=item.link,
                description=item.description,
                nonce=store.delivery_nonce(self._install, delivery_id),
                delivery_id=delivery_id,
            )
            target, target_id = str(row["target"]), int(row["target_id"])
            attempts = int(row["attempts"]) + 1
            if claim.verify and await self._reconciled(
                target, target_id, reminder, claim, attempts, occurrence
            ):
                return
            try:
                await self._send_with_timeout(target, target_id, reminder)
            except asyncio.CancelledError:
                raise
            except PermanentSendError as exc:
                log.warning(
                    "reminder %s to %s %d failed for good: %s",
                    reminder.nonce,
                    target,
                    target_id,
                    exc,
                )
                await self._record(delivery_id, _mark("failed", f"permanent: {exc}", now))
                self.stats["failed"] += 1
                return
            except Exception as exc:
                retry_after = exc.retry_after if isinstance(exc, RetryableSendError) else None
                if not isinstance(exc, RetryableSendError):
                    log.exception("unexpected error sending reminder %s", reminder.nonce)
                # Only a 429 proves Discord made nothing; anything else may have posted it.
                unknown = retry_after is None
                await self._retry_or_fail(
                    delivery_id, attempts, occurrence, exc, retry_after, verify=unknown
                )
                return
            await self._record(delivery_id, _mark("sent", None, self.clock.now()))
            self.stats["sent"] += 1

    async def _reconciled(
        self,
        target: str,
        target_id: int,
        reminder: Reminder,
        claim: _Claim,
        attempts: int,
        occurrence: datetime,
    ) -> bool:
        """Look for an earlier attempt's message; True when nothing more is to be done now."""
        find = getattr(self.sender, "find_sent", None)
        if find is None:
            return False
        since = claim.claimed - self.config.reconcile_margin
        now = self.clock.now()
        try:
            found = bool(await self._bounded(find(target, target_id, reminder, since)))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            failures = claim.check_failures + 1
            self.stats["check_failed"] += 1
            if isinstance(exc, PermanentSendError) or failures >= self.config.max_checks:
                log.warning(
                    "reminder %s to %s %d: could not confirm whether an earlier attempt was "
                    "delivered (%s); not sending it again, to avoid a duplicate",
                    reminder.nonce,
                    target,
                    target_id,
                    exc,
                )
                await self._record(
                    reminder.delivery_id,
                    _mark(
                        "failed",
                        f"could not confirm delivery after {failures} check(s): {exc}",
                        now,
                        check_failed=True,
                    ),
                )
                self.stats["failed"] += 1
                return True
            log.info(
                "reminder %s: delivery check failed (%s); will check again", reminder.nonce, exc
            )
            await self._retry_or_fail(
                reminder.delivery_id,
                attempts,
                occurrence,
                exc,
                None,
                verify=True,
                check_failed=True,
            )
            return True
        if found:
            log.info(
                "reminder %s to %s %d was already delivered; recorded it without sending again",
                reminder.nonce,
                target,
                target_id,
            )
            await self._record(reminder.delivery_id, _mark("sent", "reconciled", now))
            self.stats["reconciled"] += 1
            return True
        return False

    async def _send_with_timeout(self, target: str, target_id: int, reminder: Reminder) -> None:
        if target == "channel":
            await self._bounded(self.sender.send_channel(target_id, reminder))
        else:
            await self._bounded(self.sender.send_dm(target_id, reminder))

    async def _bounded(self, work: Coroutine[Any, Any, T]) -> T:
        """Await `work` for at most `send_timeout` of the scheduler's clock.

        On timeout the work is cancelled *and awaited*, so it finishes before the outcome is
        decided (reading the result of a task that was asked to cancel but has not finished is
        what used to log an `InvalidStateError` traceback).
        """
        task = asyncio.ensure_future(work)
        timer = asyncio.ensure_future(self.clock.sleep(self.config.send_timeout))
        try:
            await asyncio.wait({task, timer}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            timer.cancel()
            timed_out = not task.done()
            if timed_out:
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
        if timed_out:
            raise RetryableSendError(f"no answer within {self.config.send_timeout:.0f}s")
        return task.result()

    async def _retry_or_fail(
        self,
        delivery_id: int,
        attempts: int,
        occurrence: datetime,
        exc: BaseException,
        retry_after: float | None,
        *,
        verify: bool,
        check_failed: bool = False,
    ) -> None:
        now = self.clock.now()
        backoff = min(self.config.base_backoff * 2 ** (attempts - 1), self.config.max_backoff)
        delay = max(backoff, retry_after or 0.0)
        next_try = now + timedelta(seconds=delay)
        reason = f"{type(exc).__name__}: {exc}"
        if attempts >= self.config.max_attempts or next_try >= occurrence:
            log.warning(
                "giving up on reminder delivery %d after %d attempt(s): %s",
                delivery_id,
                attempts,
                reason,
            )
            await self._record(
                delivery_id,
                _mark(
                    "failed",
                    f"gave up after {attempts} attempts: {reason}",
                    now,
                    check_failed=check_failed,
                ),
            )
            self.stats["failed"] += 1
            return
        await self._record(
            delivery_id,
            _mark(
                "pending",
                reason,
                now,
                next_attempt=ts(next_try) + (1 if next_try.microsecond else 0),
                verify=verify,
                check_failed=check_failed,
            ),
        )
        self.stats["retried"] += 1
        log.info("reminder delivery %d will retry in %.0fs (%s)", delivery_id, delay, reason)

    # ------------------------------------------------------------- outcomes
    async def _record(self, delivery_id: int, mark: _Mark) -> None:
        """Write an outcome; if the database refuses, keep it and retry while running."""
        try:
            await self._db(self._write_mark, delivery_id, mark)
        except STORAGE_ERRORS as exc:
            mark.retry_at = self.clock.now() + timedelta(seconds=self.config.mark_backoff)
            self._unrecorded[delivery_id] = mark
            self.stats["mark_failed"] += 1
            log.warning(
                "could not record reminder delivery %d as %s (%s); keeping it in memory and "
                "retrying, it will not be sent again",
                delivery_id,
                mark.state,
                exc,
            )
            self.notify()

    async def _flush_marks(self, *, force: bool = False) -> None:
        now = self.clock.now()
        for delivery_id, mark in list(self._unrecorded.items()):
            if not force and mark.retry_at > now:
                continue
            try:
                await self._db(self._write_mark, delivery_id, mark)
            except STORAGE_ERRORS as exc:
                mark.tries += 1
                delay = min(self.config.mark_backoff * 2**mark.tries, self.config.max_mark_backoff)
                mark.retry_at = now + timedelta(seconds=delay)
                log.warning(
                    "still cannot record reminder delivery %d (%s); next try in %.0fs",
                    delivery_id,
                    exc,
                    delay,
                )
                continue
            del self._unrecorded[delivery_id]
            log.info("recorded reminder delivery %d as %s after a retry", delivery_id, mark.state)

    def _write_mark(self, delivery_id: int, mark: _Mark) -> None:
        with store.transaction(self.conn):
            store.record_delivery(
                self.conn,
                delivery_id,
                state=mark.state,
                error=mark.error,
                at=mark.at,
                next_attempt=mark.next_attempt,
                verify=mark.verify,
                check_failed=mark.check_failed,
            )


def _mark(
    state: str,
    error: str | None,
    at: datetime,
    *,
    next_attempt: int | None = None,
    verify: bool = False,
    check_failed: bool = False,
) -> _Mark:
    return _Mark(state, error, at, next_attempt, verify, check_failed, 0, at)


def _lead_text(lead_s: int) -> str:
    from bot.schedule.domain.display import humanize_lead

    return humanize_lead(timedelta(seconds=lead_s))
