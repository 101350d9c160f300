"""The corpus's own words and how many passages use each: the spelling vocabulary.

The spelling corrector asks three things of the corpus: does it use this word, in how many
passages, and which of its words lie within one or two edits of a typo. A generation answers
them from `words.tsv` (one `word<TAB>passages` line per distinct word, sorted) written beside the
Whoosh files, not from an unscored Whoosh field: such a field holds one posting per word per
passage, as many as the scored fields together, and writing them was a third of a large build.

Words are what `analysis.words` gives (lower-cased, accent-folded, nothing dropped) of a
passage's title, headings and text.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from index.analysis import WORD, fold

WORDS_FILE = "words.tsv"


class WordCounter:
    """Counts, while a generation is built, the passages that use each word."""

    def __init__(self) -> None:
        self._df: Counter[str] = Counter()
        self._folded: dict[str, str] = {}

    def add(self, text: str) -> None:
        """Count one passage's text (each distinct word once)."""
        memo = self._folded
        seen = set()
        for raw in WORD.findall(text):
            word = memo.get(raw)
            if word is None:
                if len(memo) > 200_000:
                    memo.clear()
                word = memo[raw] = fold(raw)
            seen.add(word)
        self._df.update(seen)

    def save(self, gen: Path) -> None:
        """Write `words.tsv` into the generation directory `gen` (fsynced with the rest)."""
        lines = "".join(f"{w}\t{n}\n" for w, n in sorted(self._df.items()))
        path = gen / WORDS_FILE
        path.write_text(lines, encoding="utf-8")


class Words:
    """One generation's words, read once; `within` finds the near neighbours of a typo."""

    def __init__(self, df: dict[str, int]) -> None:
        self._df = df
        #: (first letter, length) → the words with that first letter and length
        self._groups: dict[tuple[str, int], list[str]] | None = None

    @classmethod
    def load(cls, gen: Path) -> Words | None:
        """The generation's words, or None when the file is missing or malformed."""
        try:
            text = (gen / WORDS_FILE).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        df: dict[str, int] = {}
        for line in text.splitlines():
            word, sep, count = line.partition("\t")
            if not sep or not count.isdigit():
                return None
            df[word] = int(count)
        return cls(df)

    def __len__(self) -> int:
        return len(self._df)

    def df(self, word: str) -> int:
        """Passages using `word` (0 for a word the corpus lacks)."""
        return self._df.get(word, 0)

    def within(self, word: str, maxdist: int) -> list[str]:
        """Corpus words within `maxdist` insertions, deletions or substitutions of `word` that
        start with its first letter (a typo rarely changes the first letter, and keeping it
        makes the search small)."""
        if not word:
            return []
        groups = self._grouped()
        first = word[0]
        choices = [
            w
            for length in range(max(1, len(word) - maxdist), len(word) + maxdist + 1)
            for w in groups.get((first, length), ())
        ]
        found = process.extract(
            word, choices, scorer=Levenshtein.distance, score_cutoff=maxdist, limit=None
        )
        return [str(choice) for choice, _score, _index in found]

    def _grouped(self) -> dict[tuple[str, int], list[str]]:
        if self._groups is None:
            groups: dict[tuple[str, int], list[str]] = {}
            for w in self._df:
                if w:
                    groups.setdefault((w[0], len(w)), []).append(w)
            self._groups = groups
        return self._groups
