"""Who counts as an admin: a pure function so it is tested without Discord.

An admin has the Manage Server permission in the guild, or holds the configured admin role
(`ALLIANCE_ADMIN_ROLE_ID`). Commands check this in code; Discord's `default_permissions` only hides
commands in the client and can be overridden by server owners, so it is not relied upon.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.common.errors import PermissionDenied

REFUSAL = (
    "Sorry, only coalition admins can do that (Manage Server permission or the admin role). "
    "Nothing was changed."
)


@dataclass(frozen=True, slots=True)
class Actor:
    """The person behind a command, as the services need to see them (ids, name, powers)."""

    id: int
    name: str
    manage_guild: bool = False
    role_ids: frozenset[int] = field(default_factory=frozenset)


def is_admin(actor: Actor, admin_role_id: int | None) -> bool:
    """True when `actor` may run admin commands."""
    if actor.manage_guild:
        return True
    return admin_role_id is not None and admin_role_id in actor.role_ids


def require_admin(actor: Actor, admin_role_id: int | None) -> None:
    """Raise `PermissionDenied` (with the member-facing refusal) unless `actor` is an admin."""
    if not is_admin(actor, admin_role_id):
        raise PermissionDenied(REFUSAL)


def roles(ids: Iterable[int]) -> frozenset[int]:
    """Normalise role ids into the set an `Actor` holds."""
    return frozenset(int(i) for i in ids)
