"""Schedule benchmark: scheduling 10,000 reminders, idle CPU with them pending, firing lateness.

`run()` returns flat figures (called by `tests/bench/run_bench.py`); `python -m
tests.bench.bench_schedule` prints them. Everything uses a temporary SQLite file (WAL) and the
real clock, so the figures include SQLite commits and asyncio scheduling. About 15 s.
"""

from __future__ import annotations

import asyncio
import json
import math
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.common.db import connect
from bot.schedule.domain.clock import SystemClock
from bot.schedule.domain.models import Reminder
from bot.schedule.domain.scheduler import ReminderScheduler, SchedulerConfig
from bot.schedule.domain.service import ScheduleService

TZ = ZoneInfo("America/Denver")
PENDING = 10_000
IDLE_SECONDS = 3.0
FIRE_SECONDS = 5
FIRE_PER_SECOND = 40


class _Recorder:
    """A sender that only notes when each reminder was handed over."""

    def __init__(self) -> None:
        self.lateness: list[float] = []

    async def send_channel(self, channel_id: int, reminder: Reminder) -> None:
        self.lateness.append(time.time() - reminder.due.timestamp())

    async def send_dm(self, user_id: int, reminder: Reminder) -> None:
        await self.send_channel(user_id, reminder)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def _schedule_pending(service: ScheduleService) -> float:
    """Add deadlines with two leads each, far enough ahead that nothing fires during the run."""
    base = datetime.now(UTC) + timedelta(days=2)
    start = time.perf_counter()
    for n in range(PENDING // 2):
        service.add_deadline(
            f"Deadline {n}",
            base + timedelta(minutes=7 * n),
            leads=[timedelta(days=1), timedelta(hours=2)],
            channel_id=1,
        )
    return time.perf_counter() - start


async def _measure(service: ScheduleService, db: Path) -> dict[str, float]:
    sender = _Recorder()
    conn = connect(db)
    scheduler = ReminderScheduler(conn, sender, SystemClock(), SchedulerConfig())
    service.on_change = scheduler.notify
    t0 = time.perf_counter()
    for _ in range(1000):
        scheduler.next_due()
    plan_us = (time.perf_counter() - t0) / 1000 * 1e6
    scheduler.start()
    await asyncio.sleep(0.2)  # let it start and go to sleep

    cpu0, wall0 = time.process_time(), time.perf_counter()
    await asyncio.sleep(IDLE_SECONDS)
    idle_cpu = time.process_time() - cpu0
    idle_wall = time.perf_counter() - wall0

    # Lateness: reminders falling due on whole seconds over the next few seconds, 40 per second,
    # mixed into the 10,000 pending ones; each deadline has a one-minute lead.
    first = math.ceil(time.time()) + 1
    for second in range(FIRE_SECONDS):
        for k in range(FIRE_PER_SECOND):
            due = datetime.fromtimestamp(first + second, UTC)
            service.add_deadline(
                f"Soon {second}-{k}",
                due + timedelta(minutes=1),
                leads=[timedelta(minutes=1)],
                channel_id=1,
            )
    expected = FIRE_SECONDS * FIRE_PER_SECOND
    deadline = time.perf_counter() + FIRE_SECONDS + 10
    while len(sender.lateness) < expected and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    await scheduler.stop()
    conn.close()
    late_ms = [x * 1000 for x in sender.lateness]
    return {
        "plan_query_us": plan_us,
        "idle_cpu_seconds": idle_cpu,
        "idle_cpu_percent": 100 * idle_cpu / idle_wall,
        "idle_wall_seconds": idle_wall,
        "fired": float(len(late_ms)),
        "fire_lateness_p50_ms": statistics.median(late_ms) if late_ms else float("nan"),
        "fire_lateness_p99_ms": _percentile(late_ms, 0.99) if late_ms else float("nan"),
        "fire_lateness_max_ms": max(late_ms) if late_ms else float("nan"),
    }


def run() -> dict[str, float]:
    """Measure and return the schedule figures."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        service = ScheduleService(connect(db), TZ, SystemClock())
        schedule_s = _schedule_pending(service)
        pending = service.pending_reminders()
        figures = asyncio.run(_measure(service, db))
        service.conn.close()
    return {
        "reminders_pending": float(pending),
        "schedule_10k_seconds": schedule_s,
        "schedule_per_reminder_us": schedule_s / max(pending, 1) * 1e6,
        **figures,
    }


def main() -> int:
    """Print the figures as a table and as one JSON line."""
    figures = run()
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value:12.3f}", file=sys.stderr)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
