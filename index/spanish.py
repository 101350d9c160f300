"""Spanish questions over English documents: tell the language, and gloss the question in English.

Why: members write in Spanish; the documents are English. The embedding model (`index.semantic`)
matches across the two languages, but word matching and its abstention check cannot read Spanish,
so a Spanish question is also glossed word by word into English (`data/spanish.toml`) for them.
A word the glossary lacks is tried as a cognate (`cognates`: "instituciones" → "institutions",
"prioridad" → "priority", "implementar" → "implement") and read as the first of those English
forms the corpus itself uses; otherwise it is kept as typed.

The language is told by `py3langid` (a maintained fork of langid.py) limited to English and
Spanish, not by a word list: a question is Spanish when the model is at least `CONFIDENCE` sure
and it has at least `MIN_WORDS` words (two-word messages such as "hola amigos" or "lol ok" are
too short to tell reliably and stay English, which is also the safe default).
"""

from __future__ import annotations

import logging
import re
import threading
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from whoosh.lang import stopwords_for_language

log = logging.getLogger(__name__)

GLOSSARY = Path(__file__).with_name("data") / "spanish.toml"
CONFIDENCE = 0.9
MIN_WORDS = 3
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")

_identifier: Any = None
_identifier_lock = threading.Lock()


def _classifier() -> Any:
    global _identifier
    with _identifier_lock:
        if _identifier is None:
            try:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                ident.set_languages(["en", "es"])
                _identifier = ident
            except Exception as exc:  # no identifier: every question is read as English
                log.warning("language detection is off: %s", exc)
                _identifier = False
        return _identifier


def is_spanish(text: str, *, names: Callable[[str], bool] | None = None) -> bool:
    """True when `text` is confidently Spanish (see the module docstring).

    `names` says which words are the corpus's own names (words of its document titles): an
    organisation named in English ("cual es la mision de learning alliance") pulls a short
    Spanish question towards English, so when the whole text is not confidently Spanish it is
    classified again without them (still needing `MIN_WORDS` words)."""
    words = _WORD.findall(text)
    if len(words) < MIN_WORDS:
        return False
    if _confidently_spanish(text):
        return True
    if names is None:
        return False
    rest = [w for w in words if not names(w.lower())]
    return MIN_WORDS <= len(rest) < len(words) and _confidently_spanish(" ".join(rest))


def _confidently_spanish(text: str) -> bool:
    ident = _classifier()
    if not ident:
        return False
    try:
        lang, prob = ident.classify(text)
    except Exception:  # a detector failure must not take answering down
        log.exception("language detection failed")
        return False
    return bool(lang == "es" and float(prob) >= CONFIDENCE)


def fold(word: str) -> str:
    """Lower case without accents ("Misión" → "mision"), as glossary keys are written."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True, slots=True)
class Glossary:
    words: dict[str, str]
    phrases: dict[tuple[str, ...], str]
    longest: int

    @classmethod
    def load(cls, path: Path = GLOSSARY) -> Glossary:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        words = {fold(k): str(v) for k, v in data.get("words", {}).items()}
        phrases = {tuple(fold(k).split()): str(v) for k, v in data.get("phrases", {}).items()}
        longest = max((len(k) for k in phrases), default=1)
        return cls(words, phrases, longest)


@lru_cache(maxsize=1)
def _glossary() -> Glossary:
    """The packaged glossary; a missing or broken file leaves Spanish to the meaning layer."""
    try:
        return Glossary.load()
    except (OSError, ValueError) as exc:
        log.error("the Spanish glossary %s could not be read (%s)", GLOSSARY, exc)
        return Glossary({}, {}, 1)


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    return frozenset(fold(w) for w in stopwords_for_language("es"))  # type: ignore[no-untyped-call]


#: Spanish endings and the English endings their cognates have, longest first ("-ciones" →
#: "-tions"). An empty English ending drops the Spanish one ("implementar" → "implement").
_COGNATE_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("cionales", ("tional", "tionals")),
    ("cional", ("tional",)),
    ("ciones", ("tions", "tion")),
    ("cion", ("tion",)),
    ("siones", ("sions", "sion")),
    ("dades", ("ties", "ty")),
    ("dad", ("ty",)),
    ("ismos", ("isms", "ism")),
    ("ismo", ("ism",)),
    ("istas", ("ists", "ist")),
    ("ista", ("ist",)),
    ("encias", ("ences", "ence")),
    ("encia", ("ence",)),
    ("ancias", ("ances", "ance")),
    ("ancia", ("ance",)),
    ("mente", ("ly",)),
    ("ivos", ("ive", "ives")),
    ("ivas", ("ive", "ives")),
    ("ivo", ("ive",)),
    ("iva", ("ive",)),
    ("osos", ("ous",)),
    ("osas", ("ous",)),
    ("oso", ("ous",)),
    ("osa", ("ous",)),
    ("arios", ("ary", "aries")),
    ("arias", ("ary", "aries")),
    ("ario", ("ary",)),
    ("aria", ("ary",)),
    ("icos", ("ic", "ics", "ical")),
    ("icas", ("ic", "ics", "ical")),
    ("ico", ("ic", "ical")),
    ("ica", ("ic", "ical")),
    ("ables", ("able",)),
    ("ibles", ("ible",)),
    ("ales", ("al", "als")),
    ("antes", ("ant", "ants")),
    ("entes", ("ent", "ents")),
    ("ante", ("ant",)),
    ("ente", ("ent",)),
    ("ias", ("ies", "y")),
    ("ia", ("y",)),
    ("ar", ("", "ate", "e")),
    ("er", ("", "e")),
    ("ir", ("", "e")),
    ("an", ("", "ate", "e")),
    ("as", ("s", "")),
    ("os", ("s", "")),
    ("es", ("s", "", "es")),
    ("a", ("", "e")),
    ("o", ("", "e")),
    ("e", ("",)),
    ("s", ("",)),
)
#: Shorter words are too often another English word ("dato", "sal", "come").
_COGNATE_MIN_LENGTH = 5


def cognates(word: str) -> list[str]:
    """English forms a folded Spanish `word` may have as a cognate, most likely first (not
    checked against anything: `read_spanish` keeps the first the corpus uses)."""
    if len(word) < _COGNATE_MIN_LENGTH or not word.isalpha():
        return []
    out: list[str] = []
    for spanish, endings in _COGNATE_ENDINGS:
        if word.endswith(spanish) and len(word) - len(spanish) >= 3:
            stem = word[: len(word) - len(spanish)]
            out.extend(stem + english for english in endings)
    return list(dict.fromkeys(w for w in out if w != word))


def read_spanish(
    text: str,
    glossary: Glossary | None = None,
    *,
    known: Callable[[str], bool] | None = None,
) -> tuple[str, frozenset[str]]:
    """(an English reading, the words left as typed) of a Spanish question.

    The reading is for word matching: phrases and words in the glossary are translated, other
    Spanish function words dropped, a word whose cognate the corpus uses (`known`, which says
    whether a folded English word is in the corpus) read as it, the rest kept as typed. The
    words kept as typed (lower case, with and without accents) say nothing about what the
    corpus lacks when the index has never seen them, only that the glossary lacks them, so
    search treats them as phrasing and leaves the meaning layer to rank."""
    out, kept = _read(text, glossary, known)
    words = frozenset(w.lower() for w in kept) | frozenset(fold(w) for w in kept)
    return " ".join(w for w in out if w), words


def _read(
    text: str, glossary: Glossary | None, known: Callable[[str], bool] | None = None
) -> tuple[list[str], list[str]]:
    """(the English reading's words, the words kept as typed)."""
    table = glossary or _glossary()
    stop = _stop_words()
    typed = _WORD.findall(text)
    folded = [fold(w) for w in typed]
    out: list[str] = []
    kept: list[str] = []
    i = 0
    while i < len(folded):
        for size in range(min(table.longest, len(folded) - i), 1, -1):
            english = table.phrases.get(tuple(folded[i : i + size]))
            if english is not None:
                out.append(english)
                i += size
                break
        else:
            word = folded[i]
            if word in table.words:
                out.append(table.words[word])
            elif word not in stop:
                cognate = _known_cognate(word, known)
                if cognate is not None:
                    out.append(cognate)
                else:
                    out.append(typed[i])
                    kept.append(typed[i])
            i += 1
    return out, kept


def _known_cognate(word: str, known: Callable[[str], bool] | None) -> str | None:
    if known is None or known(word):  # a word the corpus uses as typed is a name or English
        return None
    return next((c for c in cognates(word) if known(c)), None)
