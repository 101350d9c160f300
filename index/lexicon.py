"""Word lists that tell a member's phrasing from the topic of a question, as data admins can edit.

They matter only for words the index has never seen (see `index.question`): an unknown everyday
word or place is phrasing and is ignored; an unknown ask-topic word ("parking", "stipend") is a
strong sign that the corpus does not cover the question; any other unknown word counts, but less.
Words on these lists are spelt right, so they are never "corrected" into index words.

The shipped lists live in `index/data/lexicon.toml` (general English and New Mexico places, not
tuned to one corpus). Admins add to them, or take words out, in `lexicon.toml` in the corpus dir,
next to `synonyms.toml`:

    [ask_topics]
    add = "mentor mentors"
    remove = "rank"
    [places]
    add = "mesilla"
    [everyday]
    add = "gonna"

A broken admin file never stops answering: it is logged, reported by reindex, and ignored (the
shipped lists are used). It is re-read when it changes, like the synonym map.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from whoosh.lang import stopwords_for_language

from index.admin_file import AdminFile
from index.analysis import NUMBER_WORDS, QUESTION_WORDS, STOP_WORDS, stem
from index.spelling import slip

LEXICON_FILE = "lexicon.toml"
KINDS = ("ask_topics", "places", "everyday")

#: Snowball's English stop list (prepositions and pronouns such as "over", "off", "yourselves"):
#: never a topic, whatever the corpus.
ENGLISH_STOP_WORDS = frozenset(stopwords_for_language("en")) | {"onto", "into", "upon"}  # type: ignore[no-untyped-call]

_NUMBERS = frozenset(NUMBER_WORDS.values())

#: Function and question words of three or more letters: an unknown word one edit from one of
#: them is a slip ("hve", "wich", "thier"), not a topic.
MISSPELLABLE = tuple(sorted(w for w in STOP_WORDS | QUESTION_WORDS if len(w) >= 3 and w.isalpha()))


@dataclass(frozen=True, slots=True, eq=False)
class Lexicon:
    """The three lists, with their stems, and the word tests search makes with them."""

    ask_topics: frozenset[str]
    places: frozenset[str]
    everyday: frozenset[str]
    ask_topic_stems: frozenset[str]
    everyday_stems: frozenset[str]

    @classmethod
    def of(
        cls, ask_topics: frozenset[str], places: frozenset[str], everyday: frozenset[str]
    ) -> Lexicon:
        return cls(
            ask_topics,
            places,
            everyday,
            frozenset(stem(w) for w in ask_topics) - {""},
            frozenset(stem(w) for w in everyday) - {""},
        )

    def with_phrasing(self, words: frozenset[str]) -> Lexicon:
        """This lexicon with `words` read as everyday phrasing too (a Spanish question's words
        the glossary could not translate)."""
        if not words:
            return self
        extra = words - self.ask_topics
        return Lexicon(
            self.ask_topics,
            self.places,
            self.everyday | extra,
            self.ask_topic_stems,
            self.everyday_stems | (frozenset(stem(w) for w in extra) - {""}),
        )

    def asks_topic(self, word: str) -> bool:
        """A word (or phrase containing one) members ask about, in any of its forms; an everyday
        word that shares a stem with one ("even" and "evening", "found" and "founded") is not."""
        return any(
            w in self.ask_topics or (w not in self.everyday and stem(w) in self.ask_topic_stems)
            for w in word.split()
        )

    def generic(self, word: str) -> bool:
        """An everyday word in any of its forms ("changed", "changes" like "change"), a stop
        word, or a place a member names as context; never an ask-topic word ("paid")."""
        if self.asks_topic(word):
            return False
        return (
            word in self.everyday
            or word in self.places
            or word in ENGLISH_STOP_WORDS
            or stem(word) in self.everyday_stems
        )

    def real_word(self, word: str) -> bool:
        """A word from these lists or a question word: spelt right, so never "corrected" into an
        index word ("mailing" is not "making")."""
        return self.asks_topic(word) or self.generic(word) or word in QUESTION_WORDS

    def phrasing(self, word: str) -> bool:
        """An unknown word that shapes the question rather than naming a missing topic: an
        everyday word, chat shorthand of one or two letters ("yr", "u"), a number, or a misspelt
        question word ("wut", "wich"). Three-letter words can be topics ("pay", "fee"), so they
        count unless misspelt."""
        if self.generic(word) or len(word) <= 2 or word in _NUMBERS:
            return True
        if any(ch.isdigit() for ch in word):
            return True
        if " " in word or len(word) > 6:
            return False
        return any(slip(word, q) for q in MISSPELLABLE)


def _words(value: Any, where: str) -> frozenset[str]:
    """Words given as one whitespace-separated string or a list of strings, lower-cased."""
    if isinstance(value, str):
        return frozenset(value.lower().split())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return frozenset(w for v in value for w in v.lower().split())
    raise ValueError(f"{where} must be a string of words or a list of words")


@lru_cache(maxsize=1)
def shipped_lists() -> dict[str, frozenset[str]]:
    """The packaged lists (`index/data/lexicon.toml`)."""
    text = resources.files("index").joinpath("data", LEXICON_FILE).read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return {kind: _words(data[kind]["words"], f"[{kind}] words") for kind in KINDS}


@lru_cache(maxsize=1)
def shipped() -> Lexicon:
    """The packaged lexicon with no admin changes."""
    lists = shipped_lists()
    return Lexicon.of(lists["ask_topics"], lists["places"], lists["everyday"])


def parse_lexicon(text: str) -> Lexicon:
    """The shipped lists with an admin file's `add`/`remove` words applied per kind."""
    data = tomllib.loads(text)
    unknown = sorted(set(data) - set(KINDS))
    if unknown:
        raise ValueError(f"unknown table [{unknown[0]}]; the tables are {', '.join(KINDS)}")
    lists = dict(shipped_lists())
    for kind, table in data.items():
        if not isinstance(table, dict):
            raise ValueError(f"[{kind}] must be a table with add = ... and/or remove = ...")
        extra = sorted(set(table) - {"add", "remove"})
        if extra:
            raise ValueError(f"[{kind}] has {extra[0]!r}; only add and remove are read")
        added = _words(table.get("add", ""), f"[{kind}] add")
        removed = _words(table.get("remove", ""), f"[{kind}] remove")
        lists[kind] = (lists[kind] | added) - removed
    return Lexicon.of(lists["ask_topics"], lists["places"], lists["everyday"])


def lexicon_source(corpus_dir: Path) -> AdminFile[Lexicon]:
    """`lexicon.toml` in the corpus dir, re-read when it changes; the shipped lists when it is
    missing or broken."""
    return AdminFile(corpus_dir / LEXICON_FILE, parse_lexicon, shipped(), "lexicon")
