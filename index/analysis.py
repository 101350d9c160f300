"""Text analysis shared by indexing and querying, so both sides see the same terms.

`stem_analyzer` (words → lower case → accents folded → stop words dropped → Porter stems) feeds the
scored fields; `words` (no stemming, no stop words) gives the spelling vocabulary the corrector
checks against (`index.words`). `QUESTION_WORDS` are words members use to *ask*
("what", "tell me", "explain") that say nothing about the topic: they are dropped from questions
only, never from documents.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import cast

from whoosh.analysis.analyzers import Analyzer
from whoosh.analysis.filters import CharsetFilter, LowercaseFilter, StopFilter
from whoosh.analysis.morph import StemFilter
from whoosh.analysis.tokenizers import RegexTokenizer
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

#: Words so common in any English text that they never decide relevance.
STOP_WORDS = frozenset(
    """a an and are as at be by can for from have if in is it its may not of on or that the this
    to us we will with yet you your our ours s t d ll re ve m i me my they them their there these
    those was were been being has had do does did so than then into out also such""".split()
)

#: Words that shape a question rather than name its topic (dropped from questions only).
QUESTION_WORDS = frozenset(
    """what whats which who whom whose how why where when whereabouts tell explain describe
    please know want wanted wonder wondering find show give list say says said mean means meaning
    about any anything something some someone somebody would could should shall might must get
    getting got need needs like just really actually exactly kind sort type thing things there
    here hi hello hey thanks thank bot question questions answer ask asking much many lot lots
    else other others one ones way ways again still ever does doing done go going cant wat wht
    whta wut wot hw pls plz u ur""".split()
)


#: Question words that name what is wanted when the text is a command or a title rather than
#: asked ("list backups", "describe a cluster", "show fleet info"): kept in such questions.
COMMAND_WORDS = frozenset({"list", "describe", "show", "get", "find"})
#: Words that make a text read as asked (any of them, or a "?", and question words go).
ASKING_WORDS = (QUESTION_WORDS - COMMAND_WORDS) | frozenset(
    """is are was do does did can i im ive me my you your we our so ok okay if or""".split()
)

_WORD_PATTERN = r"\w+"

#: Small numbers a member types as digits are searched as words, so "year 2" finds "Year-Two".
#: Questions only: documents' digits are mostly dates ("July 1"), which must not become "one".
NUMBER_WORDS = {
    str(n): w for n, w in enumerate("zero one two three four five six seven eight nine ten".split())
}


@lru_cache(maxsize=1)
def stem_analyzer() -> Analyzer:
    """The analyzer of the scored fields (title, heading, body) and of query terms."""
    return (
        RegexTokenizer(_WORD_PATTERN)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=STOP_WORDS, minsize=2)
        | StemFilter(stemfn=porter_stem, cachesize=50_000)  # type: ignore[no-untyped-call]
    )


WORD = re.compile(_WORD_PATTERN)
_WORD = WORD
#: Whoosh types `accent_map` loosely; it is a `str.translate` table keyed by code point.
_FOLD = cast("dict[int, str]", accent_map)


def fold(word: str) -> str:
    """One word as the analyzers leave it: lower-cased, accents folded."""
    return word.lower().translate(_FOLD)


def words(text: str) -> list[str]:
    """Lower-cased, accent-folded words of `text`, in order, nothing dropped.

    The tokens the stemming chain sees before it drops stop words and stems, found with one regex
    pass: this runs on every question and every quoted passage, where a chain's per-token
    overhead shows.
    """
    return [m.group().lower().translate(_FOLD) for m in _WORD.finditer(text)]


#: Raw word → folded word, remembered across texts (`folded_words`).
_FOLDED: dict[str, str] = {}


def folded_words(text: str) -> list[str]:
    """`words(text)` with each distinct raw word folded once, for indexing: a build folds the
    same few thousand words millions of times."""
    memo = _FOLDED
    if len(memo) > 200_000:
        memo.clear()
    out = []
    for raw in _WORD.findall(text):
        word = memo.get(raw)
        if word is None:
            word = memo[raw] = fold(raw)
        out.append(word)
    return out


@lru_cache(maxsize=4096)
def word_spans(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, folded word) for each word of `text`, for highlighting (cached: the same
    passages are quoted for many questions)."""
    return tuple(
        (m.start(), m.end(), m.group().lower().translate(_FOLD)) for m in _WORD.finditer(text)
    )


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    """The index term of one plain word (Porter stem), or "" for a stop word."""
    if word in STOP_WORDS or len(word) < 2:
        return ""
    return str(porter_stem(word))  # type: ignore[no-untyped-call]


def stems(text: str) -> list[str]:
    """Index terms of `text` in order (stop words dropped)."""
    return [t.text for t in stem_analyzer()(text)]


@lru_cache(maxsize=4096)
def stem_sequence(text: str) -> tuple[str, ...]:
    """Index terms of a stored text in order (stop words dropped), cached per text."""
    return tuple(s for s in (stem(w) for w in words(text)) if s)


@lru_cache(maxsize=4096)
def text_stems(text: str) -> frozenset[str]:
    """Index terms of a stored text (cached: the same passages come back for many questions)."""
    return frozenset(stem_sequence(text))
