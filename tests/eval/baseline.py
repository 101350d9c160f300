"""The comparator `make eval` prints beside the engine: SQLite FTS5 over the engine's own passages.

Why FTS5: it is what an admin gets for free from SQLite, so the engine has to beat it to earn its
complexity. Same passages (the project's loader and chunker), porter tokenizer, bm25 ranking, the
question's words OR-ed; it never abstains, so only its ranking figures mean anything (its
abstention is 0 and its false-abstention 0 by construction).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index.chunking import chunk_document
from index.loader import load_corpus
from index.models import Passage
from tests.bench.run_bench import Fts5Index

TOP_K = 5


@dataclass(frozen=True, slots=True)
class BaselineHit:
    """One ranked passage, shaped like the engine's hits for `run_eval.ask_all`."""

    passage: Passage
    score: float


@dataclass(frozen=True, slots=True)
class BaselineAnswer:
    answered: bool
    hits: tuple[BaselineHit, ...]


class Fts5Engine:
    """FTS5 in memory over the corpus's passages; `ask` returns the top five, never abstains."""

    def __init__(self, corpus: Path) -> None:
        passages = [p for doc in load_corpus(corpus).documents for p in chunk_document(doc)]
        self._by_id = {p.id: p for p in passages}
        self._index = Fts5Index(":memory:")
        self._index.build(passages)

    def ask(self, question: str) -> BaselineAnswer:
        found = self._index.search(question, limit=TOP_K)
        hits = tuple(BaselineHit(self._by_id[pid], -score) for pid, score, *_ in found)
        return BaselineAnswer(answered=True, hits=hits)

    def close(self) -> None:
        self._index.close()
