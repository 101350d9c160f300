"""`/ask` and `/more` typed in the console: the same use case and reply as in Discord, with the
buttons Discord would show named on a line under the answer."""

from __future__ import annotations

from bot.ask.replies import answer_button_labels, answer_reply, more_sources_reply
from bot.ask.usecases import SHOWN_SOURCES, Asking
from bot.common.cards import Card, Reply
from bot.common.console_input import ConsoleCommand
from bot.common.permissions import Actor
from bot.docs.usecases import Library
from index.errors import UserError


class AskConsole:
    """The console's questions; remembers the last one for `/more`."""

    def __init__(self, questions: Asking, library: Library, actor: Actor) -> None:
        self.questions = questions
        self.library = library
        self.actor = actor
        self.last_question_id: int | None = None

    def commands(self) -> dict[str, ConsoleCommand]:
        return {"ask": (("question", "private"), self.ask), "more": ((), self.more)}

    def ask(self, opts: dict[str, str]) -> Reply:
        # `private:` is accepted as in Discord; console replies are only ever seen by the operator.
        result = self.questions.ask(self.actor, opts.get("question", ""), rate_limit=False)
        self.last_question_id = result.question_id
        answer = result.answer
        topics = [] if answer.answered else [d.title for d in self.library.documents()]
        question_id = None if answer.small_talk else result.question_id  # no buttons under "hi"
        ask_person = (
            self.questions.settings.officer_channel_id is not None and question_id is not None
        )
        reply = answer_reply(answer, topics=topics, ask_person=ask_person)
        buttons = answer_button_labels(
            question_id,
            more=answer.answered and len(answer.hits) > SHOWN_SOURCES,
            ask_person=ask_person,
        )
        if not buttons:
            return reply
        return Reply(reply.content, (*reply.cards, Card(description=f"[{' · '.join(buttons)}]")))

    def more(self, opts: dict[str, str]) -> Reply:
        if self.last_question_id is None:
            raise UserError("Ask a question first; /more shows further sources for it.")
        answer, hits = self.questions.more_sources(self.last_question_id)
        return more_sources_reply(answer, hits)
