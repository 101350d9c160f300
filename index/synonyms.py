"""The admin-editable synonym and phrase map (`synonyms.toml` in the corpus dir).

Members say "goals" where the documents say "outcomes", "join" where they say "application". Keys
and expansions are compared as stem sequences, so word endings do not matter. A broken file never
stops answering: it is logged and treated as empty. The file is re-read when it changes.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.admin_file import AdminFile
from index.analysis import stems

SYNONYMS_FILE = "synonyms.toml"

Stems = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SynonymMap:
    """Stem-sequence keys → expansions (each a stem sequence), longest keys first."""

    entries: tuple[tuple[Stems, tuple[Stems, ...]], ...] = ()

    def expand(self, sequence: list[str]) -> list[tuple[int, int, tuple[Stems, ...]]]:
        """Matches in a question's stem sequence: (start, end, expansions), non-overlapping;
        where matches overlap, the entry earlier in `entries` (the longer key) wins."""
        by_first = _by_first_stem(self)
        hits: list[tuple[int, int, int]] = []  # (entry order, start, length)
        for start, term in enumerate(sequence):
            for order in by_first.get(term, ()):
                key = self.entries[order][0]
                if tuple(sequence[start : start + len(key)]) == key:
                    hits.append((order, start, len(key)))
        taken = [False] * len(sequence)
        found: list[tuple[int, int, tuple[Stems, ...]]] = []
        for order, start, n in sorted(hits):
            if not any(taken[start : start + n]):
                found.append((start, start + n, self.entries[order][1]))
                for i in range(start, start + n):
                    taken[i] = True
        return sorted(found)


@lru_cache(maxsize=8)
def _by_first_stem(synonyms: SynonymMap) -> dict[str, tuple[int, ...]]:
    """Entry positions by their key's first stem, so a question is matched in one pass."""
    index: dict[str, list[int]] = {}
    for order, (key, _) in enumerate(synonyms.entries):
        index.setdefault(key[0], []).append(order)
    return {k: tuple(v) for k, v in index.items()}


def parse_synonyms(text: str) -> SynonymMap:
    """Build a map from TOML text (`[synonyms]` table of `key = ["expansion", ...]`)."""
    data = tomllib.loads(text)
    table = data.get("synonyms", {})
    if not isinstance(table, dict):
        raise ValueError('[synonyms] must be a table of key = ["expansion", ...]')
    merged: dict[Stems, list[Stems]] = {}
    for key, values in table.items():
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValueError(f"synonym {key!r} must map to a list of words or phrases")
        key_stems = tuple(stems(str(key)))
        if not key_stems:
            continue
        bucket = merged.setdefault(key_stems, [])
        for value in values:
            value_stems = tuple(stems(value))
            if value_stems and value_stems != key_stems and value_stems not in bucket:
                bucket.append(value_stems)
    entries = sorted(
        ((k, tuple(v)) for k, v in merged.items() if v), key=lambda kv: (-len(kv[0]), kv[0])
    )
    return SynonymMap(tuple(entries))


def synonym_source(corpus_dir: Path) -> AdminFile[SynonymMap]:
    """`synonyms.toml` in the corpus dir, re-read when it changes; empty when missing or broken."""
    return AdminFile(corpus_dir / SYNONYMS_FILE, parse_synonyms, SynonymMap(), "synonym map")
