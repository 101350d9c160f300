"""Term tables kept beside a generation's Whoosh files: a term, and how many passages use it.

- `words.tsv`, the spelling vocabulary: every word as `analysis.words` gives it (lower-cased,
  accent-folded, nothing dropped) of a passage's title, headings and text. The corrector asks
  three things of it: does the corpus use this word, in how many passages, and which words lie
  within one or two edits of a typo.
- `title_stems.tsv`: the stems of the document titles, counted per passage. Titles are never
  searched (a question names a section, not a file), only asked whether they use a word
  (`Vocabulary.in_titles`) and how often (document frequency).

Both were Whoosh fields once. An indexed field holds one posting per term per passage, and
writing them was over a third of a large build, for tables that are this small.

Each file has one `term<TAB>passages` line per distinct term, sorted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from index.analysis import folded_words

WORDS_FILE = "words.tsv"
TITLE_STEMS_FILE = "title_stems.tsv"


class TermCounter:
    """Counts, while a generation is built, the passages that use each term."""

    def __init__(self) -> None:
        self._df: Counter[str] = Counter()

    def add_terms(self, terms: Iterable[str], passages: int = 1) -> None:
        """Count `terms` (each distinct one once) for `passages` passages."""
        for term in set(terms):
            self._df[term] += passages

    def add_words(self, text: str) -> None:
        """Count one passage's words (each distinct word once)."""
        self._df.update(set(folded_words(text)))

    def counts(self) -> Counter[str]:
        """The counts so far (a copy)."""
        return Counter(self._df)

    def update(self, counts: Mapping[str, int]) -> None:
        """Add another counter's counts (a share of the same generation's passages)."""
        self._df.update(counts)

    def save(self, path: Path) -> None:
        """Write the table to `path` (in a generation directory, fsynced with the rest)."""
        lines = "".join(f"{w}\t{n}\n" for w, n in sorted(self._df.items()))
        path.write_text(lines, encoding="utf-8")


class Terms:
    """One table, read once; `within` finds the near neighbours of a typo."""

    def __init__(self, df: dict[str, int]) -> None:
        self._df = df
        #: (first letter, length) → the words with that first letter and length
        self._groups: dict[tuple[str, int], list[str]] | None = None

    @classmethod
    def load(cls, path: Path) -> Terms | None:
        """The table at `path`, or None when the file is missing or malformed."""
        try:
            text = path.read_text(encoding="utf-8")
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
        """Passages using `word` (0 for a term the table lacks)."""
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
