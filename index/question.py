"""What a member's question asks for: its informative words as weighted *concepts*.

Each informative word becomes a concept with alternatives: its stem, a spelling correction from
the index vocabulary (when the word is unknown), the base form of an unknown irregular form
("paid" → "pay"), Porter variants, two index words run together,
and synonym-map expansions. A concept's weight is its IDF in this index, so "New Mexico" or
"students" weigh little in a corpus where every passage says them, whatever the corpus. Words the
index has never seen are sorted by the lexicon (`index.lexicon`): phrasing is dropped, a word
members ask about ("parking") counts in full, any other counts half.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

from index.analysis import ASKING_WORDS, COMMAND_WORDS, NUMBER_WORDS, QUESTION_WORDS, stem, words
from index.lexicon import Lexicon, irregular_forms, shipped, shorthand_forms
from index.options import SearchOptions
from index.spelling import slip
from index.synonyms import SynonymMap
from index.vocabulary import Vocabulary

#: Query and credit weight of a spelling correction, relative to the member's own word.
CORRECTED_WEIGHT = 0.8
#: Weight of a word the index has never seen, as a share of the largest IDF the index can give:
#: in full for a word members typically ask about when a corpus lacks it (the lexicon's
#: ask-topic words: "parking", "deadline", "salary"), half for a rare word, which is more often
#: phrasing than topic ("yardstick", "grandkids"), and less again for one of the frequent English
#: words (`Lexicon.frequent`: "picture", "growing", "series"), which is phrasing more often still
#: but can be the topic ("who won the World Series?"), so it is not dropped.
UNKNOWN_WEIGHT = 1.0
UNKNOWN_OTHER_WEIGHT = 0.5
UNKNOWN_FREQUENT_WEIGHT = 0.15


@dataclass(slots=True)
class Concept:
    """One informative word (or synonym-map phrase) of the question."""

    word: str
    stems: tuple[str, ...]  # the word's own stem, or its spelling correction's
    expansions: tuple[tuple[str, ...], ...] = ()  # synonym-map stem sequences
    weight: float = 0.0  # IDF of the best-known alternative (unknown words: the maximum)
    corrected: str | None = None
    known: bool = True
    variants: tuple[str, ...] = ()  # index stems that extend/truncate an unknown stem
    hint: bool = False  # a question word's synonyms ("why" → "purpose"): counts only if matched
    everyday: bool = False  # an everyday word ("happens", "far"): phrasing when left unmatched

    def credit(self, matched: AbstractSet[str]) -> float:
        """How much of this concept's weight `matched` stems earn: all of it when any alternative
        matched, less when the only one is a spelling correction of a short word (a guess at what
        was meant; a long word one or two letters off, "multilingualsim", is not much of a guess).
        Crediting synonyms less was tried: it cost a false abstention on the tuning set."""
        if not self.known or not (matched & self.alternatives()):
            return 0.0
        return self.weight * (CORRECTED_WEIGHT if self.corrected and len(self.word) < 7 else 1.0)

    def alternatives(self) -> frozenset[str]:
        """Every single stem that counts as matching this concept."""
        alts = set(self.stems) | set(self.variants)
        for exp in self.expansions:
            alts.update(exp)
        return frozenset(alts)


#: `word:` search-field syntax: glued to what follows ("title:values"), or a usual field name
#: followed by a space ("title: Our Values").
_FIELD_PREFIX = re.compile(
    r"(?<![\w:])(\w+):(?=\S)|(?<![\w:])(title|section|heading|body|text|source|author|content):",
    re.IGNORECASE,
)


def command_like(question: str, raw: list[str] | None = None) -> bool:
    """A question phrased as a command or a title ("list address groups"), not asked: no "?"
    and none of the words that make a text read as asked (`ASKING_WORDS`)."""
    if "?" in question:
        return False
    return not any(w in ASKING_WORDS for w in (words(question) if raw is None else raw))


def analyse_question(
    question: str,
    vocab: Vocabulary,
    synonyms: SynonymMap,
    options: SearchOptions,
    lexicon: Lexicon | None = None,
) -> list[Concept]:
    """The question's informative concepts, in question order, each weighted by IDF.

    `lexicon` (default: the shipped one) sorts the words the index has never seen."""
    lexicon = lexicon or shipped()
    raw = [NUMBER_WORDS.get(w, w) for w in words(question)]
    prefixes = {m.lower() for pair in _FIELD_PREFIX.findall(question) for m in pair if m}
    tokens = [(w, stem(w)) for w in raw]
    tokens = [(w, s) for w, s in tokens if s]  # stop words go
    if options.synonyms and options.spelling:
        tokens = [(w, _synonym_spelling(w, s, vocab, synonyms, lexicon)) for w, s in tokens]
    # synonym phrases are matched on corrected spelling ("mision statement")
    seq = [_index_spelling(w, s, vocab, lexicon) if options.spelling else s for w, s in tokens]
    ordered: list[tuple[int, Concept]] = []
    covered: set[int] = set()
    if options.synonyms:
        for start, end, expansions in synonyms.expand(seq):
            span = tokens[start:end]
            own = tuple(seq[i] for i in range(start, end) if tokens[i][0] not in QUESTION_WORDS)
            word = " ".join(w for w, _ in span)
            # "how many" → "up to", "why" → "purpose": only the expansions are looked for, never
            # a bare "how"; and such a concept is a hint, so it counts only when it matched
            hint = not own
            ordered.append((start, Concept(word, own, expansions, hint=hint)))
            covered.update(range(start, end))
    commanded = command_like(question, raw)
    for i, (word, s) in enumerate(tokens):
        if i in covered:
            continue
        if options.question_words and word in QUESTION_WORDS:
            if not (commanded and word in COMMAND_WORDS):
                continue
        ordered.append((i, Concept(word, (s,))))
    result: list[Concept] = []
    for _, concept in sorted(ordered, key=lambda ic: ic[0]):
        if concept.word in prefixes and not any(vocab.df(s) for s in concept.stems):
            continue  # `title:`-style search syntax, not a word to correct or look for
        _weigh(concept, vocab, options, lexicon)
        concept.everyday = lexicon.generic(concept.word)
        if not concept.known and lexicon.phrasing(concept.word):
            continue  # everyday phrasing the index never uses: not a missing topic
        result.append(concept)
    return _dedupe(result)


def _index_spelling(word: str, term: str, vocab: Vocabulary, lexicon: Lexicon) -> str:
    """The stem of the index word closest to an unknown `word`, else `term` unchanged."""
    if vocab.df(term) or vocab.knows_word(word) or lexicon.real_word(word):
        return term
    fixed = vocab.correct(word)
    return (stem(fixed) or term) if fixed else term


def _synonym_spelling(
    word: str, term: str, vocab: Vocabulary, synonyms: SynonymMap, lexicon: Lexicon
) -> str:
    """A misspelt synonym-map key ("aply" for `apply`) when the index does not know the word:
    the map is part of the vocabulary a member's typo is corrected against."""
    if len(term) < 4 or vocab.df(term) or vocab.knows_word(word):
        return term
    if word in QUESTION_WORDS or lexicon.generic(word):
        return term
    keys = _single_keys(synonyms)
    if term in keys:
        return term
    close = sorted(k for k in keys if slip(term, k))
    return close[0] if close else term


@lru_cache(maxsize=8)
def _single_keys(synonyms: SynonymMap) -> frozenset[str]:
    return frozenset(key[0] for key, _ in synonyms.entries if len(key) == 1)


def _weigh(concept: Concept, vocab: Vocabulary, options: SearchOptions, lexicon: Lexicon) -> None:
    known_stems = [s for s in concept.stems if vocab.df(s) > 0]
    if not known_stems and options.variants:
        concept.variants = tuple(v for s in concept.stems for v in vocab.variants(s))
        known_stems = list(concept.variants)
    if not known_stems and " " not in concept.word:
        base = irregular_forms().get(concept.word)
        if base is not None and vocab.df(stem(base)) > 0:  # "paid" where the corpus says "pay"
            concept.stems = (*concept.stems, stem(base))
            known_stems = [stem(base)]
    if not known_stems and " " not in concept.word:
        full = shorthand_forms().get(concept.word)
        parts = tuple(s for s in (stem(w) for w in full.split()) if s) if full else ()
        if parts and all(vocab.df(p) for p in parts):  # "dept" where the corpus says "department"
            if len(parts) == 1:
                concept.stems = (*concept.stems, parts[0])
                known_stems = [parts[0]]
            else:
                concept.expansions = (*concept.expansions, parts)
    if not known_stems and options.spelling and " " not in concept.word:
        parts = _compound_parts(concept.word, vocab)
        if parts:  # "highschools", "coursework": two index words run together
            concept.expansions = (*concept.expansions, parts)
        elif not vocab.knows_word(concept.word) and not lexicon.real_word(concept.word):
            fixed = vocab.correct(concept.word)
            if fixed is not None and stem(fixed):
                concept.corrected = fixed
                concept.stems = (stem(fixed),)
                known_stems = [s for s in concept.stems if vocab.df(s) > 0]
    alt_weights = [vocab.idf(s) for s in known_stems]
    alt_weights += [
        min(vocab.idf(s) for s in exp)
        for exp in concept.expansions
        if all(vocab.df(s) for s in exp)
    ]
    concept.known = bool(alt_weights)
    if known_stems:
        concept.weight = max(vocab.idf(s) for s in known_stems)
    elif alt_weights:
        concept.weight = max(alt_weights)
    else:
        if lexicon.asks_topic(concept.word):
            share = UNKNOWN_WEIGHT
        elif lexicon.frequent(concept.word):
            share = UNKNOWN_FREQUENT_WEIGHT
        else:
            share = UNKNOWN_OTHER_WEIGHT
        concept.weight = share * vocab.max_idf


def _compound_parts(word: str, vocab: Vocabulary) -> tuple[str, ...]:
    """Stems of two index words that run together into an unknown `word` ("highschools" →
    `high`, `school`), splitting as evenly as possible; () when there is no such split."""
    if len(word) < 7 or not word.isalpha() or vocab.knows_word(word):
        return ()
    splits = sorted(
        ((min(i, len(word) - i), word[:i], word[i:]) for i in range(3, len(word) - 2)),
        reverse=True,
    )
    for _, left, right in splits:
        stems = (stem(left), stem(right))
        if all(stems) and all(vocab.df(s) for s in stems):  # "course" + "work" ~ "courses"
            return stems
    return ()


def _dedupe(concepts: list[Concept]) -> list[Concept]:
    seen: set[tuple[str, ...]] = set()
    out = []
    for c in concepts:
        key = c.stems + tuple(s for e in c.expansions for s in e)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out
