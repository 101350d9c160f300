"""Errors whose message is written for the person who asked, not for a developer."""


class UserError(Exception):
    """A problem with the input or the corpus that the user can fix; `str(exc)` is the message."""


class QuestionError(UserError):
    """The question cannot be searched as given (empty, too long, nothing searchable)."""


class IndexBusyError(UserError):
    """Another reindex is running; try again shortly."""


class CorpusError(UserError):
    """The corpus directory is missing or unusable as a whole (single bad files are skipped)."""
