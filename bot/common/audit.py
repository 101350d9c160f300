"""`AdminGate`: the one place that checks an admin, runs the change and audits it.

Every admin use case (reindex, corpus, schedule, calendar) goes through this gate, so a refusal
and every outcome, allowed or not, lands in the audit log with the same wording whatever front
end (Discord, console, CLI) asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from bot.common.errors import PermissionDenied
from bot.common.permissions import Actor, require_admin
from bot.common.records import Records
from bot.settings import Settings
from index.errors import UserError

T = TypeVar("T")


class AdminGate:
    """Admin checks and the audit log, over the question/audit store."""

    def __init__(self, settings: Settings, records: Records) -> None:
        self.settings = settings
        self.records = records

    def check_admin(self, actor: Actor, action: str, detail: str = "") -> None:
        """Refuse a non-admin before slow work starts (the refusal is audited)."""
        try:
            require_admin(actor, self.settings.admin_role_id)
        except PermissionDenied:
            self.audit(actor, action, detail, "refused: not an admin")
            raise

    def admin_action(self, actor: Actor, action: str, detail: str, run: Callable[[], T]) -> T:
        """Check admin, run `run`, and audit its outcome (ok, user error, or failure)."""
        self.check_admin(actor, action, detail)
        try:
            result = run()
        except UserError as exc:
            self.audit(actor, action, detail, f"rejected: {exc}")
            raise
        except Exception as exc:
            self.audit(actor, action, detail, f"failed: {type(exc).__name__}")
            raise
        self.audit(actor, action, detail, "ok")
        return result

    def audit(self, actor: Actor, action: str, detail: str, outcome: str) -> None:
        """Write one audit line (who, what, on what, with what outcome)."""
        self.records.audit(
            actor_id=actor.id, actor_name=actor.name, action=action, detail=detail, outcome=outcome
        )
