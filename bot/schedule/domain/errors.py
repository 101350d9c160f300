"""Errors of the schedule domain: user-facing input errors and typed sending outcomes.

Input errors subclass `index.errors.UserError`, so the CLI prints them as one line and the cog as
an ephemeral reply. Sending outcomes are raised by a `ReminderSender` and decide retry vs. record.
"""

from __future__ import annotations

from index.errors import UserError


class ScheduleError(UserError):
    """A schedule request that cannot be carried out as given; the message says how to fix it."""


class TimeParseError(ScheduleError):
    """A date/time the parser cannot read, or one that is ambiguous, past or nonexistent."""


class RecurrenceError(ScheduleError):
    """A repeat rule that is malformed or would produce an unreasonable number of occurrences."""


class NotFoundError(ScheduleError):
    """No active item with that id (or of that kind)."""


class StandingScheduleError(ScheduleError):
    """`schedule.toml` is malformed; nothing from it was applied."""


class SendError(Exception):
    """Base of the outcomes a `ReminderSender` may raise instead of returning normally."""


class RetryableSendError(SendError):
    """A transient failure (Discord 5xx, 429, network): try again later.

    `retry_after` (seconds) is honoured when the platform gave one (HTTP 429).
    """

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class PermanentSendError(SendError):
    """A failure that retrying cannot fix (deleted channel, missing access, DMs closed)."""
