"""The calendar features' behaviour (Discord-free): the live feed, RSVPs, the reminder role.

`CalendarActions` owns one schedule connection of its own and a lock, and every method is a
short blocking call: the Discord layer runs them with `asyncio.to_thread`, the feed server from
its worker threads, tests directly. Admin operations go through `AdminGate.admin_action` (checked in
code and audited).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from bot.common.audit import AdminGate
from bot.common.db import migrate
from bot.common.errors import NotFound
from bot.common.permissions import Actor, require_admin
from bot.schedule import feed
from bot.schedule.domain import rsvp
from bot.schedule.domain.errors import ScheduleError
from bot.schedule.domain.models import Item, Occurrence, utc_from_ts
from bot.schedule.domain.service import ScheduleService


@dataclass(frozen=True)
class Attendance:
    """Who answered what for one occurrence (for organisers)."""

    occurrence: Occurrence
    answers: dict[rsvp.Answer, list[int]]

    @property
    def counts(self) -> rsvp.Counts:
        """The totals of `answers`."""
        return rsvp.Counts(**{a: len(ids) for a, ids in self.answers.items()})


class CalendarActions:
    """Feed, RSVP and reminder-role operations over their own connection."""

    def __init__(self, gate: AdminGate, service: ScheduleService) -> None:
        self.gate = gate
        self.service = service
        self._lock = threading.Lock()
        migrate(service.conn, feed.COMPONENT, feed.MIGRATIONS)
        migrate(service.conn, rsvp.COMPONENT, rsvp.MIGRATIONS)

    # -- feed ------------------------------------------------------------------------------------

    def feed_secret(self) -> str:
        """The feed's current secret (made on first use)."""
        with self._lock:
            return feed.current_secret(self.service.conn, self.service.clock.now())

    def feed_document(self) -> feed.FeedDocument:
        """The feed's calendar as it stands now."""
        with self._lock:
            return feed.FeedDocument(self.service.export_feed(), self.service.last_change())

    def feed_links(self) -> feed.FeedLinks | None:
        """The subscription addresses, or None while the feed is off."""
        settings = self.gate.settings
        if not settings.feed_enabled or settings.feed_public_url is None:
            return None
        return feed.links(settings.feed_public_url, self.feed_secret())

    def rotate_feed(self, actor: Actor) -> feed.FeedLinks:
        """Give the feed a new secret address (admins); the old one answers 404 at once."""
        settings = self.gate.settings
        if not settings.feed_enabled or settings.feed_public_url is None:
            require_admin(actor, settings.admin_role_id)
            raise NotFound(
                "The calendar feed is off on this bot, so there is no address to change."
            )
        public = settings.feed_public_url

        def run() -> feed.FeedLinks:
            with self._lock:
                secret = feed.rotate_secret(self.service.conn, self.service.clock.now())
            return feed.links(public, secret)

        return self.gate.admin_action(actor, "feed rotate", "new calendar feed address", run)

    # -- one occurrence -------------------------------------------------------------------------

    def skip_occurrence(self, actor: Actor, item_id: int, on: str) -> tuple[Item, datetime]:
        """Skip one date of a repeating meeting (admins)."""

        def run() -> tuple[Item, datetime]:
            with self._lock:
                return self.service.skip_occurrence(item_id, on)

        return self.gate.admin_action(actor, "occurrence skip", f"#{item_id} {on!r}", run)

    def move_occurrence(
        self, actor: Actor, item_id: int, on: str, to: str
    ) -> tuple[Item, datetime, datetime]:
        """Move one date of a repeating meeting (admins); its RSVPs move with it."""

        def run() -> tuple[Item, datetime, datetime]:
            with self._lock:
                item, original, new = self.service.move_occurrence(item_id, on, to)
                rsvp.move_answers(self.service.conn, item.id, original, new)
            return item, original, new

        return self.gate.admin_action(actor, "occurrence move", f"#{item_id} {on!r} -> {to!r}", run)

    def restore_occurrence(self, actor: Actor, item_id: int, on: str) -> tuple[Item, datetime]:
        """Put a skipped or moved date back at the series' own time (admins)."""

        def run() -> tuple[Item, datetime]:
            with self._lock:
                before = self.service.get(item_id)
                item, original = self.service.restore_occurrence(item_id, on)
                moved_to = dict(before.overrides).get(original)
                if moved_to is not None:
                    rsvp.move_answers(self.service.conn, item.id, moved_to, original)
            return item, original

        return self.gate.admin_action(actor, "occurrence restore", f"#{item_id} {on!r}", run)

    # -- items still ahead ------------------------------------------------------------------------

    def upcoming_items(self) -> list[Item]:
        """Active items with an occurrence still ahead, soonest first (for /subscribe)."""
        with self._lock:
            nexts = [
                (o.start, item)
                for item in self.service.items()
                if (o := self.service.next_occurrence(item)) is not None
            ]
        return [item for _, item in sorted(nexts, key=lambda pair: (pair[0], pair[1].id))]

    def require_ahead(self, item_id: int) -> Item:
        """The item, if it still has an occurrence ahead; otherwise a friendly `ScheduleError`."""
        with self._lock:
            item = self.service.get(item_id)
            if self.service.next_occurrence(item) is None:
                raise ScheduleError(
                    f"#{item.id} {item.title} has already happened, so there is nothing to "
                    "remind you of; /meetings and /deadlines show what is coming."
                )
        return item

    def same_meetings(self, item_id: int) -> list[Item]:
        """Other active meetings with this one's title and start (a likely double add)."""
        with self._lock:
            return self.service.same_meetings(self.service.get(item_id))

    # -- RSVP ------------------------------------------------------------------------------------

    def answer_rsvp(
        self, actor: Actor, item_id: int, occurrence_ts: int, choice: rsvp.Answer
    ) -> rsvp.Result:
        """Record a member's answer for one occurrence; returns the counts after it."""
        occurrence = utc_from_ts(occurrence_ts)
        with self._lock:
            item = self._meeting(item_id)
            return rsvp.answer(
                self.service.conn, item, occurrence, actor.id, choice, self.service.clock.now()
            )

    def rsvp_counts(self, occurrences: list[Occurrence]) -> dict[tuple[int, int], rsvp.Counts]:
        """Counts for list lines, keyed by (item id, occurrence Unix seconds)."""
        with self._lock:
            return rsvp.counts_for(self.service.conn, [(o.item.id, o.start) for o in occurrences])

    def occurrence_counts(self, item_id: int, occurrence_ts: int) -> rsvp.Counts:
        """Counts for one occurrence (for the buttons)."""
        with self._lock:
            return rsvp.counts(self.service.conn, item_id, utc_from_ts(occurrence_ts))

    def attendance(self, actor: Actor, item_id: int) -> Attendance:
        """Who is coming to a meeting's next occurrence (admins; audited like other admin work)."""

        def run() -> Attendance:
            with self._lock:
                item = self._meeting(item_id)
                occurrence = self.service.next_occurrence(item)
                if occurrence is None:
                    raise rsvp.RsvpError(f"“{item.title}” has no meeting ahead.")
                answers = rsvp.answers_of(self.service.conn, item.id, occurrence.start)
            return Attendance(occurrence, answers)

        return self.gate.admin_action(actor, "rsvp list", f"#{item_id}", run)

    def _meeting(self, item_id: int) -> Item:
        try:
            item = self.service.get(item_id, kind="meeting")
        except ScheduleError:
            raise rsvp.RsvpError(
                "That meeting is no longer on the schedule; use /meetings to see what is."
            ) from None
        return item

    def now(self) -> datetime:
        """The injected clock's now."""
        return self.service.clock.now()
