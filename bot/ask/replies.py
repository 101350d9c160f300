"""`/ask`'s replies: the cited answer, the refusal with its suggestions, more sources, the
officers' hand-off post, and which buttons go under an answer (Discord and console alike)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.ask.usecases import SHOWN_SOURCES
from bot.common.cards import (
    COLOR_ABSTAIN,
    COLOR_ANSWER,
    COLOR_INFO,
    CONTENT_LIMIT,
    QUOTE_CHARS,
    Card,
    CardField,
    Reply,
    clip,
    escape_member_text,
    fit_reply,
)
from bot.docs.replies import docs_command
from index.answer import first_use_order
from index.models import SECTION_SEPARATOR, Answer, Hit

EXAMPLE_QUESTIONS = (
    "what are the alliance's values?",
    "what does the coalition expect of its members?",
    "what are the year-one outcomes?",
    "when is the next meeting?",
)


def citation(hit: Hit) -> str:
    """`[n] Document title › section` (never a file path or capture note)."""
    section = hit.passage.section
    where = hit.passage.title or "Untitled document"
    if section and section != where:
        where = section if section.startswith(where) else f"{where} › {section}"
    return f"[{hit.rank}] {where}"


def quote(hit: Hit, limit: int = QUOTE_CHARS) -> str:
    """The passage as a block quote (matched terms bold), clipped, with a link to the document's
    page when it has one. Capture notes and file paths stay out: they are for admins."""
    text = hit.highlighted or hit.passage.text
    lines = [" ".join(line.split()) for line in text.splitlines()]
    flat = "\n".join(line for line in lines if line)
    body = "\n".join("> " + line for line in clip(flat, limit).splitlines())
    if hit.passage.url:
        return f"{body}\n— <{hit.passage.url}>"
    return body


#: How the console names each button under an answer.
ANSWER_BUTTON_LABELS = {
    "more": "More sources (/more)",
    "up": "👍",
    "down": "👎",
    "ask": "Ask a person",
}


def answer_buttons(question_id: int | None, *, more: bool, ask_person: bool) -> list[str]:
    """Which buttons go under an answer, in order (Discord's view and the console's line both
    follow this): none without a logged question, which small talk never has."""
    if question_id is None:
        return []
    return [*(["more"] if more else []), "up", "down", *(["ask"] if ask_person else [])]


def answer_button_labels(question_id: int | None, *, more: bool, ask_person: bool) -> list[str]:
    """The buttons under an answer, as the console names them."""
    kinds = answer_buttons(question_id, more=more, ask_person=ask_person)
    return [ANSWER_BUTTON_LABELS[kind] for kind in kinds]


def answer_reply(
    answer: Answer, *, topics: Sequence[str] = (), ask_person: bool = True, buttons: bool = False
) -> Reply:
    """The reply to `/ask`: answer with [n] markers, then the top passages quoted and cited.
    `ask_person` says whether the "Ask a person" button is there (the footer names it only
    then); `buttons` that a refusal's suggested sections come as buttons (Discord) rather than
    as `/docs` commands (console)."""
    if answer.small_talk:
        return fit_reply(Reply(cards=(Card(description=answer.answer, color=COLOR_INFO),)))
    if not answer.answered:
        return abstain_reply(answer, topics=topics, ask_person=ask_person, buttons=buttons)
    answer = first_use_order(answer)
    if not answer.hits:  # answered from the live schedule, not from a document
        card = Card(
            title=escape_member_text(answer.question),
            description=answer.answer,
            footer="From the live schedule · /meetings and /deadlines list what's coming up.",
            color=COLOR_ANSWER,
        )
        return fit_reply(Reply(cards=(card,)))
    shown = answer.hits[:SHOWN_SOURCES]
    fields = tuple(CardField(citation(h), quote(h)) for h in shown)
    more = len(answer.hits) - len(shown)
    footer = answer_footer(more, ask_person=ask_person, spanish=answer.language == "es")
    card = Card(
        title=escape_member_text(answer.question),
        description=answer.answer,
        fields=fields,
        footer=footer,
        color=COLOR_ANSWER,
    )
    return fit_reply(Reply(cards=(card,)))


def answer_footer(more: int, *, ask_person: bool, spanish: bool) -> str:
    """The line under an answer: further sources, the votes, "Ask a person" when it is there;
    in Spanish for a Spanish question (the buttons keep their names)."""
    if spanish:
        footer = "¿Le sirvió? Use 👍 / 👎." + (
            " ¿No era lo que buscaba? Pulse “Ask a person”." if ask_person else ""
        )
        if more > 0:
            footer = f"Hay {more} fuente{'s' if more != 1 else ''} más. " + footer
        return footer
    footer = "Was this helpful? Use 👍 / 👎." + (
        " Not what you needed? Ask a person." if ask_person else ""
    )
    if more > 0:
        footer = f"{more} more source{'s' if more != 1 else ''} available. " + footer
    return footer


def abstain_reply(
    answer: Answer, *, topics: Sequence[str] = (), ask_person: bool = True, buttons: bool = False
) -> Reply:
    """A short "I don't know": what was not found and up to three close sections, each with the
    `/docs` command that shows it, or, with `buttons`, a pointer to the buttons that show them
    in one click. `topics` is kept for callers; every document is no longer listed. A Spanish
    question gets Spanish labels."""
    spanish = answer.language == "es"
    lines = [answer.answer or "I couldn't find that in the coalition's documents."]
    for path in answer.suggestions[:3]:
        names = path.split(SECTION_SEPARATOR)
        where = f"{names[-1]} ({names[0]})" if len(names) > 1 else names[0]
        lines.append(f"• {where}" if buttons else f"• {where} — `{docs_command(path)}`")
    if buttons and answer.suggestions:
        lines.append(
            "Pulse el botón de una sección para leerla aquí."
            if spanish
            else "Press a section's button below to read it here."
        )
    if not answer.suggestions:
        example = "Por ejemplo" if spanish else "For example"
        lines += ["", f"{example}: /ask {EXAMPLE_QUESTIONS[0]}"]
    if spanish:
        footer = (
            "Pulse “Ask a person” para pasar su pregunta a los responsables de la coalición."
            if ask_person
            else "Pruebe con otras palabras, o /docs para ver los documentos."
        )
    else:
        footer = (
            "Press “Ask a person” to pass your question to the coalition's officers."
            if ask_person
            else "Try other words, or /docs to browse the documents."
        )
    card = Card(
        title=escape_member_text(answer.question),
        description="\n".join(lines),
        footer=footer,
        color=COLOR_ABSTAIN,
    )
    return fit_reply(Reply(cards=(card,)))


def more_sources_reply(answer: Answer, hits: Sequence[Hit]) -> Reply:
    """The passages after the first ones, for "More sources"."""
    card = Card(
        title=f"More sources: {escape_member_text(answer.question)}",
        fields=tuple(CardField(citation(h), quote(h, 500)) for h in hits),
        color=COLOR_INFO,
    )
    return fit_reply(Reply(cards=(card,)))


def officer_message(
    question: str, *, asker_id: int, role_id: int | None, channel_id: int | None
) -> str:
    """The "Ask a person" post for the officers' channel (the only place a role is pinged).

    The member's question is quoted through `escape_member_text`: a masked link, markdown or a
    mention in it shows as plain text, so the officer-role ping is the post's only live markup
    (the caller also lists that role alone in `allowed_mentions`)."""
    ping = f"<@&{role_id}> " if role_id is not None else ""
    where = f" in <#{channel_id}>" if channel_id else ""
    head = f"{ping}A member (<@{asker_id}>){where} would like a person to answer:\n"
    body = escape_member_text(question) or "(empty)"
    return clip(f"{head}> {body}", CONTENT_LIMIT)
