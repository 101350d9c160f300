"""`/docs` typed in the console: the list, one outline or one section, as in Discord."""

from __future__ import annotations

from bot.common.cards import Reply
from bot.common.console_input import ConsoleCommand
from bot.docs.replies import documents_reply, outline_reply, section_reply
from bot.docs.usecases import Library


class DocsConsole:
    """Browsing the corpus from the console."""

    def __init__(self, library: Library) -> None:
        self.library = library

    def commands(self) -> dict[str, ConsoleCommand]:
        return {"docs": (("document", "section"), self.docs)}

    def docs(self, opts: dict[str, str]) -> Reply:
        document = opts.get("document", "")
        if not document:
            return documents_reply(self.library.documents())
        section = opts.get("section", "")
        if not section:
            return outline_reply(self.library.find_document(document))
        shown = self.library.section_text(document, section)
        return section_reply(shown.document, shown.heading, shown.passages)
