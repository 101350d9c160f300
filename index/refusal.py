"""The short "I don't know": what could not be found, in the member's words, and up to three
close sections to read instead (never a list of every document)."""

from __future__ import annotations

from collections.abc import Sequence

from index.analysis import text_stems
from index.models import SECTION_SEPARATOR, Answer, Hit
from index.question import Concept
from index.smalltalk import small_talk_reply

MAX_REFUSAL_CHARS = 300
MAX_SUGGESTIONS = 3


def refuse(
    question: str, concepts: Sequence[Concept], hits: Sequence[Hit], *, language: str = "en"
) -> Answer:
    """The refusal `Answer` for `question`, or a friendly reply when it is only small talk
    (answered, no passages: it is not a gap). `language="es"` refuses in Spanish."""
    friendly = small_talk_reply(question)
    if friendly is not None:
        return Answer(question, True, friendly, (), small_talk=True)
    suggestions = suggest(hits)
    text = refusal_text_es(hits) if language == "es" else refusal_text(question, concepts, hits)
    return Answer(question, False, text, tuple(hits), suggestions, language=language)


def refusal_text_es(hits: Sequence[Hit]) -> str:
    """The Spanish refusal: the documents are English, so the member's words are not quoted
    back as "not found" (the search read an English gloss of them)."""
    text = (
        "No encontré eso en los documentos de la coalición (están en inglés), "
        "así que no voy a adivinar."
    )
    if hits:
        return text + " Estas secciones son las más cercanas:"
    return text + " Pruebe /docs para ver los documentos."


def missing_words(question: str, concepts: Sequence[Concept], hits: Sequence[Hit]) -> list[str]:
    """The question's own words the documents do not have (unknown words first; else the ones
    no close passage contains)."""
    unknown = [c.word for c in concepts if not c.known and not c.hint]
    if unknown:
        return unknown
    found: set[str] = set()
    for hit in hits:
        found |= text_stems(f"{hit.passage.section} {hit.passage.text}")
    absent = [c.word for c in concepts if not c.hint and not (c.alternatives() & found)]
    return absent or [c.word for c in concepts if not c.hint]


def refusal_text(question: str, concepts: Sequence[Concept], hits: Sequence[Hit]) -> str:
    """At most `MAX_REFUSAL_CHARS`: what was not found, and that the bot won't guess."""
    words = missing_words(question, concepts, hits)
    quoted = " ".join(words[:4])
    what = f"anything about “{quoted}”" if quoted else "an answer to that"
    text = f"I couldn't find {what} in the coalition's documents, so I won't guess."
    text += " These sections come closest:" if hits else " Try /docs to browse the documents."
    if len(text) > MAX_REFUSAL_CHARS:
        text = "I couldn't find an answer to that in the coalition's documents, so I won't guess."
    return text


def suggest(hits: Sequence[Hit]) -> tuple[str, ...]:
    """Up to three distinct sections of the close passages, as `Document › section` paths."""
    out: list[str] = []
    for hit in hits:
        section = hit.passage.section or hit.passage.title
        if not section.startswith(hit.passage.title):
            section = f"{hit.passage.title}{SECTION_SEPARATOR}{section}"
        if section not in out:
            out.append(section)
        if len(out) == MAX_SUGGESTIONS:
            break
    return tuple(out)
