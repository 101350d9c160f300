"""Shared fixtures: a fresh schedule database, a manual clock, a recording sender."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.common.db import connect
from bot.schedule.domain.clock import ManualClock
from bot.schedule.domain.errors import RetryableSendError
from bot.schedule.domain.models import Reminder
from bot.schedule.domain.scheduler import ReminderScheduler, SchedulerConfig
from bot.schedule.domain.service import ScheduleService

DENVER = ZoneInfo("America/Denver")
# "Today" for the project: Monday 2026-11-23, noon in Denver.
NOW = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)


def local(*args: int) -> datetime:
    """An aware Denver wall-clock time."""
    return datetime(*args, tzinfo=DENVER)


@dataclass
class Sent:
    target: str
    target_id: int
    reminder: Reminder
    at: datetime


@dataclass
class FakeSender:
    """Records what it is handed; `failures[(target, id)]` lists exceptions to raise in turn."""

    clock: ManualClock
    sent: list[Sent] = field(default_factory=list)
    attempts: list[Sent] = field(default_factory=list)
    failures: dict[tuple[str, int], list[BaseException]] = field(default_factory=dict)
    hang: set[tuple[str, int]] = field(default_factory=set)
    started: asyncio.Event = field(default_factory=asyncio.Event)
    #: the next send to these targets is delivered, then its answer is lost (raises / hangs)
    lost_answer: set[tuple[str, int]] = field(default_factory=set)
    hang_after_delivery: set[tuple[str, int]] = field(default_factory=set)
    #: exceptions `find_sent` raises in turn; `checks` records every call
    check_failures: list[BaseException] = field(default_factory=list)
    checks: list[tuple[str, int, str]] = field(default_factory=list)
    on_send: list[object] = field(default_factory=list)

    async def find_sent(
        self, target: str, target_id: int, reminder: Reminder, since: datetime
    ) -> bool:
        self.checks.append((target, target_id, reminder.nonce))
        if self.check_failures:
            raise self.check_failures.pop(0)
        return any(
            (s.target, s.target_id, s.reminder.nonce) == (target, target_id, reminder.nonce)
            and s.at >= since
            for s in self.sent
        )

    async def _send(self, target: str, target_id: int, reminder: Reminder) -> None:
        record = Sent(target, target_id, reminder, self.clock.now())
        self.attempts.append(record)
        self.started.set()
        for callback in self.on_send:
            callback(record)  # type: ignore[operator]
        if (target, target_id) in self.hang:
            await asyncio.Future()  # never answers
        if (target, target_id) in self.lost_answer:
            self.lost_answer.discard((target, target_id))
            self.sent.append(record)
            raise RetryableSendError("503 Service Unavailable (after creating the message)")
        if (target, target_id) in self.hang_after_delivery:
            self.hang_after_delivery.discard((target, target_id))
            self.sent.append(record)
            await asyncio.Future()
        queue = self.failures.get((target, target_id))
        if queue:
            raise queue.pop(0)
        self.sent.append(record)

    async def send_channel(self, channel_id: int, reminder: Reminder) -> None:
        await self._send("channel", channel_id, reminder)

    async def send_dm(self, user_id: int, reminder: Reminder) -> None:
        await self._send("dm", user_id, reminder)


@dataclass
class Env:
    """A service + scheduler over one database file, driven by a manual clock."""

    path: object
    clock: ManualClock
    service: ScheduleService
    sender: FakeSender
    config: SchedulerConfig
    scheduler: ReminderScheduler | None = None

    async def start(self) -> ReminderScheduler:
        conn = connect(self.path)  # a separate connection, as a restarted process would have
        self.scheduler = ReminderScheduler(conn, self.sender, self.clock, self.config)
        self.service.on_change = self.scheduler.notify
        self.scheduler.start()
        await self.scheduler.settled()
        return self.scheduler

    async def stop(self) -> None:
        assert self.scheduler is not None
        await self.scheduler.stop()
        self.scheduler.conn.close()
        self.scheduler = None
        self.service.on_change = None

    async def run_until(self, when: datetime) -> None:
        """Let time pass up to `when`, waking the scheduler at each of its deadlines."""
        assert self.scheduler is not None
        await self.scheduler.settled()
        while True:
            nxt = self.clock.next_deadline()
            if nxt is None or nxt > when:
                self.clock.set(max(when, self.clock.now()))
                await self.scheduler.settled()
                return
            self.clock.set(nxt)
            await self.scheduler.settled()

    async def run_for(self, delta: timedelta) -> None:
        await self.run_until(self.clock.now() + delta)

    def sent_titles(self) -> list[tuple[str, int, str, int]]:
        return [
            (s.target, s.target_id, s.reminder.title, int(s.reminder.lead.total_seconds()))
            for s in self.sender.sent
        ]


def make_env(tmp_path, now: datetime = NOW, **config) -> Env:
    clock = ManualClock(now)
    path = tmp_path / "alliance.sqlite3"
    conn = connect(path)
    service = ScheduleService(conn, DENVER, clock)
    cfg = SchedulerConfig(**{"external_check_interval": 86400.0, **config})
    return Env(path, clock, service, FakeSender(clock), cfg)


@pytest.fixture
def env(tmp_path) -> Env:
    return make_env(tmp_path)


@pytest.fixture
def service(env: Env) -> ScheduleService:
    return env.service
