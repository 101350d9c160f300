"""Meetings and deadlines commands over the schedule service (registered once it exists)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.client import AllianceBot


async def setup(bot: AllianceBot) -> None:
    """Extension entry point: nothing to add until the schedule domain is wired."""
