"""Injected time: the scheduler and service never read the wall clock directly.

`SystemClock` is the real thing; `ManualClock` lets tests and benchmarks move time explicitly and
see who is sleeping, so no test ever waits on the wall clock.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """What the schedule needs from time: an aware UTC `now()` and an awaitable sleep."""

    def now(self) -> datetime:
        """The current instant as an aware UTC datetime."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of this clock's time (may be cancelled)."""
        ...


class SystemClock:
    """The real clock: `datetime.now(UTC)` and `asyncio.sleep`."""

    def now(self) -> datetime:
        """The current instant in UTC."""
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        """Sleep on the event loop."""
        await asyncio.sleep(max(0.0, seconds))


@dataclass
class _Sleeper:
    deadline: datetime
    future: asyncio.Future[None]


@dataclass
class ManualClock:
    """A clock that only moves when told to; sleepers wake when `advance`/`set` passes them."""

    current: datetime
    _sleepers: list[_Sleeper] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.current.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self.current = self.current.astimezone(UTC)

    def now(self) -> datetime:
        """The clock's current instant."""
        return self.current

    async def sleep(self, seconds: float) -> None:
        """Block until the clock has been moved `seconds` forward."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        sleeper = _Sleeper(self.current + timedelta(seconds=max(0.0, seconds)), future)
        if seconds <= 0:
            future.set_result(None)
        else:
            self._sleepers.append(sleeper)
        try:
            await future
        finally:
            if sleeper in self._sleepers:
                self._sleepers.remove(sleeper)

    def set(self, when: datetime) -> None:
        """Jump to `when` (never backwards) and wake every sleeper whose deadline has passed."""
        when = when.astimezone(UTC)
        if when < self.current:
            raise ValueError("ManualClock cannot go backwards")
        self.current = when
        for sleeper in list(self._sleepers):
            if sleeper.deadline <= when and not sleeper.future.done():
                sleeper.future.set_result(None)
                self._sleepers.remove(sleeper)

    def advance(self, delta: timedelta) -> None:
        """Move forward by `delta`."""
        self.set(self.current + delta)

    @property
    def sleeping(self) -> int:
        """How many sleeps are waiting for the clock to move."""
        return sum(1 for s in self._sleepers if not s.future.done())

    def next_deadline(self) -> datetime | None:
        """When the earliest sleeper would wake, if any."""
        pending = [s.deadline for s in self._sleepers if not s.future.done()]
        return min(pending) if pending else None
