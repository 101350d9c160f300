"""An admin-edited file in the corpus dir, parsed anew only when it changes on disk.

`synonyms.toml` and `lexicon.toml` are edited by admins while the bot runs and take effect on the
next question, without a reindex. A broken file never stops answering: it is logged, its problem
is kept for the reindex report, and the fallback value serves until the file is fixed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class AdminFile(Generic[T]):
    """`get()` is `parse(text)` of the file, or `fallback` when it is missing or cannot be
    parsed (`problem()` then says why, prefixed by `what`); re-read only when mtime or size
    change. Thread-safe."""

    def __init__(self, path: Path, parse: Callable[[str], T], fallback: T, what: str) -> None:
        self.path = path
        self._parse = parse
        self._fallback = fallback
        self._what = what
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._value = fallback
        self._problem: str | None = None

    def get(self) -> T:
        try:
            st = self.path.stat()
            stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = None
        with self._lock:
            if stamp != self._stamp:
                self._value, self._problem = (
                    self._read() if stamp is not None else (self._fallback, None)
                )
                self._stamp = stamp
            return self._value

    def problem(self) -> str | None:
        """Why the file is being ignored (None when it is missing or fine), for the reindex
        report: a TOML slip such as a repeated key would otherwise switch the file off with only
        a log line."""
        self.get()
        return self._problem

    def _read(self) -> tuple[T, str | None]:
        try:
            return self._parse(self.path.read_text(encoding="utf-8")), None
        except (OSError, UnicodeDecodeError, ValueError) as exc:  # TOMLDecodeError is ValueError
            log.warning("ignoring %s: %s", self.path, exc)
            return self._fallback, f"{self._what} ignored: {exc}"
