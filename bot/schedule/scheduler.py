"""The reminder engine: one asyncio task that sleeps until the next due reminder and sends it.

Planning is index-backed: each wake asks SQLite for MIN(due) of pending reminders, MIN(next
attempt) of pending deliveries and MIN(refill) of recurring items, then sleeps until the earliest
(no scan over rows, no per-minute polling). In-process changes call `notify()`, which sets an
`asyncio.Event` and re-plans at once. Changes from another process (the CLI) are noticed by a
cheap `PRAGMA data_version` check every `external_check_interval` seconds (15 s by default): an
unchanged value costs no query at all.

Delivery ledger (exactly-once in practice): a due reminder is *fired* in one transaction that
creates its deliveries (the item's channel and each subscribed member's DMs). Each delivery is
claimed (`sending`) in a transaction before the sender is called and marked `sent` in another
right after. A crash between the two leaves `sending`; on start-up those are retried with the same
`Reminder.nonce`, which a Discord sender passes as the message nonce so the platform can drop the
duplicate. A restart never loses a reminder (rows persist) and never repeats a `sent` one.

Late rules: a reminder fired more than `late_grace` after its due time (it fell due while the bot
was down) is marked `late` — a delivery delayed by retries keeps the flag it was fired with; one
whose event has already begun is skipped with a log line.

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
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.schedule import store
from bot.schedule.clock import Clock
from bot.schedule.errors import PermanentSendError, RetryableSendError
from bot.schedule.models import Item, Reminder, ts, utc_from_ts

log = logging.getLogger(__name__)


class ReminderSender(Protocol):
    """Delivers reminders; implemented by the Discord layer (and fakes in tests).

    Return normally on success. Raise `RetryableSendError` (optionally with `retry_after`) for
    transient failures and `PermanentSendError` for ones retrying cannot fix. Any other
    exception is logged and retried like a transient failure.
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


class ReminderScheduler:
    """Runs the reminder loop over a schedule database."""

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

    # ------------------------------------------------------------- lifecycle
    def start(self) -> asyncio.Task[None]:
        """Start the loop as a task (idempotent)."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self.run(), name="reminder-scheduler")
        return self._task

    async def stop(self) -> None:
        """Cancel the loop; an in-flight send stays `sending` and is retried on next start."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def notify(self) -> None:
        """Tell the loop the schedule changed (safe to call from service callbacks)."""
        self._wake.set()
        self._idle.clear()

    async def run(self) -> None:
        """Recover, then sleep until the next due work, forever."""
        self.recover()
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
            version = self._read_data_version()
            if version != self._data_version:
                self._data_version = version
                next_wake = await self._safe_tick()

    async def settled(self, max_yields: int = 100_000) -> None:
        """Return once the loop is asleep with nothing due (tests with a `ManualClock`)."""
        for _ in range(max_yields):
            if self._task is not None and self._task.done():
                self._task.result()
                raise RuntimeError("scheduler stopped")
            if (
                self._idle.is_set()
                and not self._wake.is_set()
                and (self._sleep_until is None or self._sleep_until > self.clock.now())
            ):
                return
            await asyncio.sleep(0)
        raise TimeoutError("scheduler did not settle")

    # ------------------------------------------------------------------ work
    def recover(self) -> int:
        """After a restart: deliveries left `sending` by a crash go back to `pending`."""
        with store.transaction(self.conn):
            cur = self.conn.execute(
                "UPDATE schedule_deliveries SET state = 'pending' WHERE state = 'sending'"
            )
        if cur.rowcount:
            log.warning("re-sending %d reminder(s) interrupted by a restart", cur.rowcount)
        self._data_version = self._read_data_version()
        return cur.rowcount

    async def tick(self) -> datetime | None:
        """Do everything due now (refill, fire, deliver); return when work is next due."""
        now = self.clock.now()
        self._refill(now)
        while self._fire_due(now) >= self.config.batch:
            pass
        while await self._deliver_due(now) >= self.config.batch:
            pass
        return self.next_due()

    def next_due(self) -> datetime | None:
        """The earliest instant at which the loop has work (index-backed MINs)."""
        candidates = [
            t
            for t in (
                store.next_reminder_due(self.conn),
                store.next_delivery_due(self.conn),
                store.next_refill(self.conn),
            )
            if t is not None
        ]
        return utc_from_ts(min(candidates)) if candidates else None

    async def _safe_tick(self) -> datetime | None:
        try:
            return await self.tick()
        except asyncio.CancelledError:
            raise
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
        """Turn due reminders into deliveries (or skip them); return how many were handled."""
        rows = self.conn.execute(
            "SELECT id, item_id, occurrence_utc, lead_s, due_utc FROM schedule_reminders"
            " WHERE state = 'pending' AND due_utc <= ? ORDER BY due_utc, id LIMIT ?",
            (ts(now), self.config.batch),
        ).fetchall()
        items: dict[int, Item | None] = {}
        for row in rows:
            item_id = int(row["item_id"])
            if item_id not in items:
                items[item_id] = store.get_item(self.conn, item_id)
            item = items[item_id]
            occurrence = utc_from_ts(row["occurrence_utc"])
            due = utc_from_ts(row["due_utc"])
            with store.transaction(self.conn):
                if item is None or item.status != "active" or occurrence <= now:
                    self.conn.execute(
                        "UPDATE schedule_reminders SET state = 'skipped', fired_utc = ?"
                        " WHERE id = ? AND state = 'pending'",
                        (ts(now), row["id"]),
                    )
                    self.stats["skipped"] += 1
                    title = item.title if item else f"item {item_id}"
                    log.warning(
                        "skipped %s reminder for %r: the event at %s has already passed",
                        _lead_text(row["lead_s"]),
                        title,
                        occurrence.isoformat(),
                    )
                    continue
                late = now - due > self.config.late_grace
                self.conn.execute(
                    "UPDATE schedule_reminders SET state = 'fired', fired_utc = ?, late = ?"
                    " WHERE id = ? AND state = 'pending'",
                    (ts(now), int(late), row["id"]),
                )
                targets: list[tuple[str, int]] = []
                channel = item.channel_id or self.config.default_channel_id
                if channel:
                    targets.append(("channel", channel))
                targets.extend(("dm", uid) for uid in store.subscribers(self.conn, item_id))
                self.conn.executemany(
                    "INSERT OR IGNORE INTO schedule_deliveries"
                    "(reminder_id, target, target_id, next_attempt_utc) VALUES (?,?,?,?)",
                    [(row["id"], kind, target, ts(now)) for kind, target in targets],
                )
                if late:
                    self.stats["late"] += 1
                    log.info("reminder for %r is late (was due %s)", item.title, due.isoformat())
                if not targets:
                    log.info("reminder for %r has no channel and no subscribers", item.title)
        return len(rows)

    async def _deliver_due(self, now: datetime) -> int:
        rows = self.conn.execute(
            "SELECT d.id, d.target, d.target_id, d.attempts, r.item_id, r.occurrence_utc,"
            " r.lead_s, r.due_utc, r.late FROM schedule_deliveries d"
            " JOIN schedule_reminders r ON r.id = d.reminder_id"
            " WHERE d.state = 'pending' AND d.next_attempt_utc <= ?"
            " ORDER BY d.next_attempt_utc, d.id LIMIT ?",
            (ts(now), self.config.batch),
        ).fetchall()
        items: dict[int, Item | None] = {}
        jobs = []
        for row in rows:
            item_id = int(row["item_id"])
            if item_id not in items:
                items[item_id] = store.get_item(self.conn, item_id)
            jobs.append(self._deliver(row, items[item_id]))
        if jobs:
            await asyncio.gather(*jobs)
        return len(rows)

    async def _deliver(self, row: sqlite3.Row, item: Item | None) -> None:
        delivery_id = int(row["id"])
        async with self._semaphore:
            now = self.clock.now()
            occurrence = utc_from_ts(row["occurrence_utc"])
            if item is None or item.status != "active" or occurrence <= now:
                self._finish(delivery_id, "dropped", "the event began before it could be sent")
                self.stats["dropped"] += 1
                return
            with store.transaction(self.conn):
                claimed = self.conn.execute(
                    "UPDATE schedule_deliveries SET state = 'sending', attempts = attempts + 1"
                    " WHERE id = ? AND state = 'pending'",
                    (delivery_id,),
                ).rowcount
            if not claimed:
                return
            due = utc_from_ts(row["due_utc"])
            reminder = Reminder(
                item_id=item.id,
                kind=item.kind,
                title=item.title,
                event=occurrence,
                end=occurrence + item.duration,
                lead=timedelta(seconds=row["lead_s"]),
                due=due,
                late=bool(row["late"]),
                location=item.location,
                link=item.link,
                description=item.description,
                nonce=f"rem-{delivery_id}",
                delivery_id=delivery_id,
            )
            target, target_id = row["target"], int(row["target_id"])
            attempts = int(row["attempts"]) + 1
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
                self._finish(delivery_id, "failed", f"permanent: {exc}")
                self.stats["failed"] += 1
                return
            except Exception as exc:
                retry_after = exc.retry_after if isinstance(exc, RetryableSendError) else None
                if not isinstance(exc, RetryableSendError):
                    log.exception("unexpected error sending reminder %s", reminder.nonce)
                self._retry_or_fail(delivery_id, attempts, occurrence, exc, retry_after)
                return
            self._finish(delivery_id, "sent", None)
            self.stats["sent"] += 1

    async def _send_with_timeout(self, target: str, target_id: int, reminder: Reminder) -> None:
        if target == "channel":
            send = asyncio.ensure_future(self.sender.send_channel(target_id, reminder))
        else:
            send = asyncio.ensure_future(self.sender.send_dm(target_id, reminder))
        timer = asyncio.ensure_future(self.clock.sleep(self.config.send_timeout))
        try:
            await asyncio.wait({send, timer}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            timer.cancel()
            if not send.done():
                send.cancel()
        if send.cancelled():
            raise RetryableSendError(f"no answer within {self.config.send_timeout:.0f}s")
        send.result()

    def _retry_or_fail(
        self,
        delivery_id: int,
        attempts: int,
        occurrence: datetime,
        exc: BaseException,
        retry_after: float | None,
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
            self._finish(delivery_id, "failed", f"gave up after {attempts} attempts: {reason}")
            self.stats["failed"] += 1
            return
        with store.transaction(self.conn):
            self.conn.execute(
                "UPDATE schedule_deliveries SET state = 'pending', next_attempt_utc = ?,"
                " last_error = ? WHERE id = ?",
                (ts(next_try) + (1 if next_try.microsecond else 0), reason, delivery_id),
            )
        self.stats["retried"] += 1
        log.info("reminder delivery %d will retry in %.0fs (%s)", delivery_id, delay, reason)

    def _finish(self, delivery_id: int, state: str, error: str | None) -> None:
        with store.transaction(self.conn):
            self.conn.execute(
                "UPDATE schedule_deliveries SET state = ?, last_error = ?,"
                " sent_utc = CASE WHEN ? = 'sent' THEN ? ELSE sent_utc END WHERE id = ?",
                (state, error, state, ts(self.clock.now()), delivery_id),
            )


def _lead_text(lead_s: int) -> str:
    from bot.schedule.render import humanize_lead

    return humanize_lead(timedelta(seconds=lead_s))
