"""Logging in one place: `discord.utils.setup_logging`, discord.py turned down, token redacted.

discord.py never logs the token itself, but a misconfigured proxy URL or an exception message
could; the `Redact` filter replaces the secret wherever it appears in a record, as a safety net.
"""

from __future__ import annotations

import logging

import discord

from bot.settings import Settings


class Redact(logging.Filter):
    """Replace `secret` in every log message (and its arguments) with `[redacted]`."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secret:
            return True
        message = record.getMessage()
        if self.secret in message:
            record.msg = message.replace(self.secret, "[redacted]")
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            text = str(record.exc_info[1])
            if self.secret in text:
                record.exc_info = None
                record.exc_text = None
                record.msg = f"{record.msg} (exception details withheld: they contained a secret)"
        return True


class DropVoiceWarnings(logging.Filter):
    """The bot never uses voice, so discord.py's "voice will NOT be supported" is only noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()


def setup_logging(settings: Settings) -> None:
    """Configure the root logger once for the whole process."""
    level = logging.getLevelName(settings.log_level.upper())
    if not isinstance(level, int):
        level = logging.INFO
    discord.utils.setup_logging(level=level, root=True)
    logging.getLogger("discord").setLevel(max(level, logging.WARNING))
    logging.getLogger("discord.client").addFilter(DropVoiceWarnings())
    token = settings.discord_token.get_secret_value() if settings.discord_token else ""
    if token:
        redact = Redact(token)
        for handler in logging.getLogger().handlers:
            handler.addFilter(redact)
