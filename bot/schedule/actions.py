"""The schedule commands' use cases (Discord-free), over the domain's `ScheduleService`.

Every method blocks on SQLite, so the cogs call them through `asyncio.to_thread`, never on the
event loop. Two service instances over two connections, each used by one thread at a time (its
own lock; one SQLite connection must not run two transactions from two threads at once):
`service` serves members' and admins' commands and, in the bot, has a short busy timeout so a
database locked by another process fails fast with "busy, try again" inside Discord's 3-second
window; `shared` serves background work (schedule questions inside `/ask`, pending counts in
`/status`, the standing schedule sync after a reindex) with the normal timeout. Admin operations
are permission-checked and audited through `AdminGate.admin_action`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from bot.common.audit import AdminGate
from bot.common.permissions import Actor
from bot.schedule.answers import schedule_answer
from bot.schedule.domain.models import Item, Kind, Occurrence
from bot.schedule.domain.service import ScheduleService
from index.models import Answer

STANDING_FILE = "schedule.toml"
T = TypeVar("T")


class ScheduleActions:
    """Member and admin schedule operations."""

    def __init__(
        self, gate: AdminGate, service: ScheduleService, shared: ScheduleService, *, discord: bool
    ) -> None:
        self.gate = gate
        self.service = service
        self.shared = shared
        self.discord = discord
        self._lock = threading.Lock()
        self._service_lock = threading.RLock()

    # -- thread-safe hooks for /ask, /status and reindex ------------------------------------

    def answer(self, question: str) -> Answer | None:
        """A schedule question answered from the live store (None when it isn't one)."""
        with self._lock:
            return schedule_answer(question, self.shared, discord=self.discord)

    def pending(self) -> int:
        """Reminders still to be sent (for /status)."""
        with self._lock:
            return self.shared.pending_reminders()

    def sync_standing(self) -> str:
        """Load `corpus/schedule.toml` into the store; returns the one-line summary."""
        with self._lock:
            report = self.shared.sync_standing(self.gate.settings.corpus_dir / STANDING_FILE)
        return str(report.summary())

    def set_on_change(self, notify: Callable[[], None], threadsafe: Callable[[], None]) -> None:
        """Wake the reminder scheduler after changes (loop-thread and worker-thread variants)."""
        self.service.on_change = notify
        self.shared.on_change = threadsafe

    # -- members ---------------------------------------------------------------------------------

    def next_meeting(self) -> Occurrence | None:
        """The next meeting, if any within a year."""
        with self._service_lock:
            return self.service.next_meeting()

    def upcoming(self, kind: Kind | None, *, days: int = 30, limit: int = 20) -> list[Occurrence]:
        """Upcoming occurrences in time order."""
        with self._service_lock:
            return self.service.upcoming(kind, days=days, limit=limit)

    def subscribe(self, actor: Actor, item_id: int | None) -> Item | None:
        """Opt in to DM reminders for one item (returned) or all (None)."""
        with self._service_lock:
            self.service.subscribe(actor.id, item_id)
            return self.service.get(item_id) if item_id is not None else None

    def unsubscribe(self, actor: Actor, item_id: int | None) -> Item | None:
        """Opt out of DM reminders for one item (returned) or all (None)."""
        with self._service_lock:
            self.service.unsubscribe(actor.id, item_id)
            return self.service.get(item_id) if item_id is not None else None

    def ics(self, item_id: int | None) -> bytes:
        """An iCalendar file of one item or of everything upcoming."""
        with self._service_lock:
            return self.service.export_ics(item_id)

    def items(self) -> list[Item]:
        """Active items (for autocomplete)."""
        with self._service_lock:
            return self.service.items()

    def next_occurrence(self, item: Item) -> Occurrence | None:
        """The item's next occurrence (for the reply after a change)."""
        with self._service_lock:
            return self.service.next_occurrence(item)

    def _locked(self, run: Callable[[], T]) -> T:
        with self._service_lock:
            return run()

    # -- admins ----------------------------------------------------------------------------------

    def add_meeting(self, actor: Actor, title: str, when: str, **options: Any) -> Item:
        """Schedule a meeting (admins)."""
        return self.gate.admin_action(
            actor,
            "meeting add",
            f"{title!r} at {when!r} {options}",
            lambda: self._locked(lambda: self.service.add_meeting(title, when, **options)),
        )

    def add_deadline(self, actor: Actor, title: str, due: str, **options: Any) -> Item:
        """Record a deadline (admins)."""
        return self.gate.admin_action(
            actor,
            "deadline add",
            f"{title!r} due {due!r} {options}",
            lambda: self._locked(lambda: self.service.add_deadline(title, due, **options)),
        )

    def edit(self, actor: Actor, item_id: int, **changes: Any) -> Item:
        """Change an item (admins); only the given fields change."""
        return self.gate.admin_action(
            actor,
            "schedule edit",
            f"#{item_id} {changes}",
            lambda: self._locked(lambda: self.service.edit(item_id, **changes)),
        )

    def cancel(self, actor: Actor, item_id: int, *, kind: Kind | None = None) -> Item:
        """Cancel an item and its pending reminders (admins); with `kind`, only an item of
        that kind (the CLI's `meetings cancel` never cancels a deadline)."""
        return self.gate.admin_action(
            actor,
            "schedule cancel",
            f"#{item_id}",
            lambda: self._locked(lambda: self.service.cancel(item_id, kind=kind)),
        )


def standing_path(corpus_dir: Path) -> Path:
    """Where the standing schedule lives."""
    return corpus_dir / STANDING_FILE
