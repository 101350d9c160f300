"""Sending replies to interactions, and the one place errors become member-facing messages.

`send` answers an interaction whether or not it was already deferred, always with mentions off.
`report_error` maps `UserError` to its own friendly message and anything else to a generic apology
(the real error is logged with its traceback for the operator, never shown to the member). Both
the `CommandTree.on_error` handler and the persistent buttons use it.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.common.cards import Reply, notice, to_embeds
from bot.common.db import is_busy, is_storage_fault, member_message, storage_error
from bot.common.permissions import Actor, roles
from index.errors import UserError

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
GENERIC_ERROR = (
    "Sorry, something went wrong on my side and I couldn't finish that. "
    "Please try again in a moment; if it keeps happening, tell an officer."
)


def actor_of(interaction: discord.Interaction[Any]) -> Actor:
    """The services' view of who is acting: id, name, Manage Server, role ids."""
    user = interaction.user
    perms = interaction.permissions
    manage = bool(perms.manage_guild or perms.administrator) if interaction.guild_id else False
    role_ids: set[int] = set()
    if isinstance(user, discord.Member):
        role_ids.update(r.id for r in user.roles)
        # Roles not (yet) in the guild cache are still in the member payload.
        role_ids.update(int(r) for r in getattr(user, "_roles", ()))
    return Actor(id=user.id, name=str(user), manage_guild=manage, role_ids=roles(role_ids))


async def send(
    interaction: discord.Interaction[Any],
    reply: Reply,
    *,
    ephemeral: bool = False,
    view: discord.ui.View | None = None,
    file: discord.File | None = None,
) -> None:
    """Reply (or follow up, if already responded/deferred) with `reply`; never pings anyone."""
    kwargs: dict[str, Any] = {
        "content": reply.content or None,
        "embeds": to_embeds(reply),
        "ephemeral": ephemeral,
        "allowed_mentions": NO_MENTIONS,
    }
    if view is not None:
        kwargs["view"] = view
    if file is not None:
        kwargs["file"] = file
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


def user_message(error: BaseException) -> str | None:
    """The member-facing text for a known error, or None when it is a bug."""
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        inner = error.__cause__ or getattr(error, "original", None)
        if inner is not None and inner is not error:
            return user_message(inner)
    storage = member_message(error)
    if storage is not None:
        return storage
    if isinstance(error, UserError):
        return str(error)
    if isinstance(error, app_commands.NoPrivateMessage):
        return "That command only works inside the coalition's server."
    if isinstance(error, app_commands.MissingPermissions | app_commands.CheckFailure):
        return "Sorry, you can't use that command here. Nothing was changed."
    if isinstance(error, app_commands.CommandNotFound):
        return "I don't know that command any more; Discord may still be updating the list."
    return None


async def report_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """Tell the member what went wrong (ephemeral); log bugs with their traceback."""
    message = user_message(error)
    fault = _storage_fault(error)
    if fault is not None:
        settings = getattr(interaction.client, "settings", None)
        line = storage_error(fault, settings.db_path) if settings is not None else fault
        (log.warning if is_busy(fault) else log.error)("%s", line)
    if message is None:
        name = interaction.command.qualified_name if interaction.command else "interaction"
        log.error("%s failed for user %s", name, interaction.user.id, exc_info=error)
        message = GENERIC_ERROR
    try:
        await send(interaction, notice(message), ephemeral=True)
    except discord.HTTPException:
        log.warning("could not deliver an error reply to user %s", interaction.user.id)


def _storage_fault(error: BaseException) -> BaseException | None:
    """The storage fault inside `error` (command errors wrap the original), if any."""
    seen: BaseException | None = error
    while seen is not None:
        if is_storage_fault(seen):
            return seen
        inner = seen.__cause__ or getattr(seen, "original", None)
        seen = inner if inner is not seen else None
    return None


async def on_tree_error(
    interaction: discord.Interaction[Any], error: app_commands.AppCommandError
) -> None:
    """`CommandTree.on_error`: every slash-command failure ends here."""
    await report_error(interaction, error)
