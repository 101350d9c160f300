"""Errors of the bot layer whose message is written for the member who triggered them.

They subclass `index.errors.UserError`, so the CLI, the console and the Discord error handler all
show `str(exc)` as-is and never a traceback.
"""

from __future__ import annotations

from index.errors import UserError


class PermissionDenied(UserError):
    """The member may not run an admin command; nothing was changed."""


class RateLimited(UserError):
    """The member asked too often; `retry_after` says how many seconds to wait."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UploadRejected(UserError):
    """An uploaded corpus file failed validation; nothing was saved."""


class NotFound(UserError):
    """A document, section or logged question that the member referred to does not exist."""


class AlreadyRunning(UserError):
    """Another bot process holds the data directory's lock."""
