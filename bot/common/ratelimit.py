"""Per-user sliding-window rate limiter for `/ask`, with an injected monotonic clock.

`uses` requests are allowed per `per_seconds` window for each key (a user id); the next one is
refused with the number of seconds until a slot frees up. Tests drive the clock explicitly.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Hashable


class RateLimiter:
    """Sliding-window limiter; thread-safe because commands run handlers on worker threads."""

    def __init__(
        self,
        uses: int,
        per_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if uses < 1 or per_seconds < 0:
            raise ValueError("uses must be >= 1 and per_seconds >= 0")
        self.uses = uses
        self.per_seconds = per_seconds
        self._clock = clock
        self._hits: dict[Hashable, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: Hashable) -> float:
        """Record one use by `key` if allowed and return 0.0; else return seconds to wait."""
        now = self._clock()
        with self._lock:
            window = self._hits.setdefault(key, deque())
            while window and now - window[0] >= self.per_seconds:
                window.popleft()
            if len(window) >= self.uses:
                return max(0.0, self.per_seconds - (now - window[0]))
            window.append(now)
            if len(self._hits) > 10_000:
                self._prune(now)
            return 0.0

    def _prune(self, now: float) -> None:
        """Forget keys whose whole window has expired, so memory stays bounded."""
        stale = [k for k, w in self._hits.items() if not w or now - w[-1] >= self.per_seconds]
        for key in stale:
            del self._hits[key]
