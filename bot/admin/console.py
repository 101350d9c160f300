"""The admin commands typed in the console: `/reindex`, `/status`, `/gaps`, `/corpus …`.

The console runs as the local operator, an admin; every action is checked and audited by the
same use cases the Discord commands call. `/corpus remove` only asks unless `confirm: yes`.
"""

from __future__ import annotations

from pathlib import Path

from bot.admin.corpus import CorpusAdmin
from bot.admin.replies import (
    gaps_reply,
    refresh_reply,
    reindex_reply,
    removal_prompt,
    removal_reply,
    restored_reply,
    status_reply,
    upload_reply,
    url_reply,
)
from bot.admin.usecases import Administration
from bot.common.cards import Reply
from bot.common.console_input import ConsoleCommand, flag, parse_options
from bot.common.errors import UploadRejected
from bot.common.permissions import Actor
from index.errors import UserError


class AdminConsole:
    """Index, health and corpus commands for the operator."""

    def __init__(self, admin: Administration, corpus: CorpusAdmin, actor: Actor) -> None:
        self.admin = admin
        self.corpus = corpus
        self.actor = actor

    def commands(self) -> dict[str, ConsoleCommand]:
        return {
            "reindex": (("dry_run", "force"), self.reindex),
            "status": ((), self.status),
            "gaps": (("days",), self.gaps),
            "corpus": (("action",), self.corpus_command),
        }

    def reindex(self, opts: dict[str, str]) -> Reply:
        report = self.admin.reindex(
            self.actor, dry_run=flag(opts.get("dry_run")), force=flag(opts.get("force"))
        )
        return reindex_reply(report)

    def status(self, opts: dict[str, str]) -> Reply:
        return status_reply(self.admin.status(self.actor))

    def gaps(self, opts: dict[str, str]) -> Reply:
        raw = opts.get("days", "30") or "30"
        if not raw.isdigit() or not 1 <= int(raw) <= 365:
            raise UserError("days must be a whole number from 1 to 365, e.g. /gaps days: 7")
        days = int(raw)
        return gaps_reply(self.admin.gaps(self.actor, days=days), days=days)

    def corpus_command(self, opts: dict[str, str]) -> Reply:
        action, _, rest = opts.get("action", "").partition(" ")
        action = action.lower()
        corpus = self.corpus
        if action == "add":
            sub = parse_options(rest, ("file", "replace"))
            path = Path(sub.get("file", "")).expanduser()
            if not sub.get("file") or not path.is_file():
                raise UploadRejected(f"No such file: '{sub.get('file', '')}'.")
            data = path.read_bytes()
            result = corpus.add(self.actor, path.name, data, replace=flag(sub.get("replace")))
            return upload_reply(result)
        if action == "remove":
            sub = parse_options(rest, ("document", "force", "confirm"))
            document = sub.get("document", "")
            if not document:
                raise UserError("Say which document, e.g. /corpus remove uploads/notes.md")
            force = flag(sub.get("force"))
            doc = corpus.removal_target(self.actor, document, force=force)
            if not flag(sub.get("confirm")):
                again = f"/corpus remove {doc.source}{' force: true' if force else ''} confirm: yes"
                return removal_prompt(doc, how=f"To go ahead, type: {again}")
            return removal_reply(corpus.remove(self.actor, doc.source, force=force))
        if action == "add-url":
            url = parse_options(rest, ("url",)).get("url", "")
            if not url:
                raise UserError("Say which page, e.g. /corpus add-url https://example.org/about")
            return url_reply(corpus.add_url(self.actor, url))
        if action == "refresh":
            return refresh_reply(corpus.refresh(self.actor))
        if action == "undo":
            which = parse_options(rest, ("document",)).get("document") or None
            return restored_reply(corpus.undo(self.actor, which))
        raise UserError(
            "Use /corpus add PATH [replace: true], /corpus add-url URL, /corpus refresh, "
            "/corpus remove DOCUMENT [force: true] or /corpus undo [DOCUMENT]."
        )
