"""Cutting documents into passages and writing them as Whoosh segments, several processes at once.

A large reindex is pure Python from end to end (Markdown parsing, analysis, Whoosh's segment
writer) and so runs on one core. Here the documents, sorted by source, are split into a few
contiguous shares of about equal text; each share is cut and written as a one-segment index
by its own process (the calling process takes the first share, `index.segment_worker`
subprocesses the others), and the generation's table of contents lists the segments in share
order.

Nothing a member sees changes with the number of processes:

- a passage's docnum is its place in source order, as in a one-segment build, because the
  segments follow the shares' order (ties between equal scores still go to the lower docnum);
- Whoosh scores a multi-segment index with the whole index's statistics (document frequency,
  average field length: `BM25F.scorer` asks the parent searcher), and `index.matching` reads
  each segment's postings at its docnum offset;
- the term tables (`index.words`) are counts, summed over the shares.

`tests/index/test_segments.py` builds the same corpora both ways and compares passages, hits,
scores and answers. A worker that cannot start, fails or runs too long costs only time: its
share is then written in the calling process.

Shares and parts pass through pickle files in the reindex's scratch folder, inside the index
directory, which only this service writes.
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from index.analysis import stems
from index.chunking import chunk_document
from index.loader import Document
from index.models import SECTION_SEPARATOR, Passage
from index.schema import build_schema
from index.words import TermCounter
from index.writing import STEMMED, FastDocuments

log = logging.getLogger(__name__)

#: The text fields `index.writing` analyses (once per passage) instead of Whoosh's chains.
TEXT_FIELDS = {"heading": STEMMED, "body": STEMMED}
#: Fields whose text repeats across a document's passages (their analysis is cached).
REPEATED_FIELDS = frozenset({"heading"})
#: Below this much document text a build stays in one process: starting a worker (a Python
#: interpreter importing Whoosh and markdown-it, about a third of a second) would cost more
#: than it saves.
PARALLEL_MIN_CHARS = 1_500_000
#: The calling process's share against a worker's: a worker first starts an interpreter.
FIRST_SHARE = 1.15
#: At most this many processes write one generation.
MAX_PROCESSES = 4
#: A worker still running after this long is stopped and its share written here instead.
WORKER_TIMEOUT = 900.0
#: The module a worker process runs.
WORKER_MODULE = "index.segment_worker"
#: Whoosh's name for the one index a generation directory holds.
INDEX_NAME = "MAIN"
SHARE_FILE = "share.pickle"
PART_FILE = "part.pickle"
LOG_FILE = "worker.log"


@dataclass(slots=True)
class Part:
    """One share's passages (by source) and term counts, written as a one-segment index in
    `folder`."""

    folder: Path
    passages: dict[str, list[Passage]]
    words: Counter[str] = field(default_factory=Counter)
    titles: Counter[str] = field(default_factory=Counter)


def default_processes() -> int:
    """The processes a large build uses: the cores this process may run on, up to
    `MAX_PROCESSES`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(MAX_PROCESSES, cores))


def write_segment(
    folder: Path, passages: dict[str, list[Passage]]
) -> tuple[Counter[str], Counter[str]]:
    """Write `passages` (source → passages; written in sorted source order) as a new
    one-segment index in `folder`; return the (words, title stems) passage counts."""
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = ix.writer(procs=1, limitmb=256)
    words, titles = TermCounter(), TermCounter()
    try:
        docs = FastDocuments(writer, TEXT_FIELDS, repeated=REPEATED_FIELDS)
        for source in sorted(passages):
            for passage in passages[source]:
                fields = passage_fields(passage)
                docs.add(fields)
                words.add_words(f"{fields['title']} {fields['heading']} {fields['body']}")
            for title, count in Counter(p.title for p in passages[source]).items():
                titles.add_terms(stems(title), count)
        docs.install()
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    ix.close()  # type: ignore[no-untyped-call]
    return words.counts(), titles.counts()


def cut_and_write(documents: Iterable[Document], folder: Path) -> Part:
    """Cut `documents` into passages and write them as a one-segment index in `folder`."""
    passages = {doc.source: chunk_document(doc) for doc in documents}
    words, titles = write_segment(folder, passages)
    return Part(folder, passages, words, titles)


def shares(
    documents: Sequence[Document], count: int, first: float = FIRST_SHARE
) -> list[list[Document]]:
    """`documents` in source order, cut into at most `count` contiguous runs of about equal
    text (none empty), the first `first` times the others (it needs no process started)."""
    ordered = sorted(documents, key=lambda d: d.source)
    total = sum(len(d.text) for d in ordered)
    weights = [first] + [1.0] * (count - 1)
    ends = [total * sum(weights[: k + 1]) / sum(weights) for k in range(count)]
    runs: list[list[Document]] = [[]]
    done = 0
    for doc in ordered:
        if runs[-1] and len(runs) < count and done >= ends[len(runs) - 1]:
            runs.append([])
        runs[-1].append(doc)
        done += len(doc.text)
    return [run for run in runs if run]


def wants_processes(documents: Sequence[Document], processes: int, min_chars: int) -> bool:
    """Whether a build of `documents` is worth splitting over `processes` processes."""
    return processes > 1 and len(documents) > 1 and sum(len(d.text) for d in documents) >= min_chars


def build_parts(documents: Sequence[Document], scratch: Path, processes: int) -> list[Part]:
    """Cut and write `documents` in up to `processes` processes, each share in a folder of
    `scratch`; the parts come back in source order. A worker that fails is logged and its
    share written here."""
    runs = shares(documents, processes)
    folders = [scratch / f"part-{k}" for k in range(len(runs))]
    for folder in folders:
        folder.mkdir(parents=True)
    started = {k: _start_worker(runs[k], folders[k]) for k in range(1, len(runs))}
    parts: list[Part | None] = [None] * len(runs)
    try:
        parts[0] = cut_and_write(runs[0], folders[0])
        for k, proc in started.items():
            parts[k] = _finish_worker(proc, folders[k])
    finally:
        for proc in started.values():
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
    for k, part in enumerate(parts):
        if part is None:
            shutil.rmtree(folders[k], ignore_errors=True)
            folders[k].mkdir(parents=True)
            parts[k] = cut_and_write(runs[k], folders[k])
    return [part for part in parts if part is not None]


def adopt_segments(parts: Sequence[Part], gen: Path) -> None:
    """Move the parts' segment files into the empty generation directory `gen` and write one
    table of contents listing their segments in order."""
    segments = []
    for part in parts:
        toc: Any = TOC.read(_storage(part.folder), INDEX_NAME)  # type: ignore[no-untyped-call]
        for segment in toc.segments:
            prefix = f"{INDEX_NAME}_{segment.segid}."
            for path in part.folder.iterdir():
                if path.name.startswith(prefix):
                    os.replace(path, gen / path.name)
            segments.append(segment)
    contents: Any = TOC(build_schema(), segments, 1)  # type: ignore[no-untyped-call]
    contents.write(_storage(gen), INDEX_NAME)


def _storage(folder: Path) -> Any:
    return FileStorage(str(folder))  # type: ignore[no-untyped-call]


def passage_fields(passage: Passage) -> dict[str, Any]:
    """The Whoosh document for one passage (headings without the document title are scored)."""
    headings = passage.section.split(SECTION_SEPARATOR)
    if headings and headings[0] == passage.title:
        headings = headings[1:]
    heading = " ".join(headings)
    return {
        "id": passage.id,
        "source": passage.source,
        "title": passage.title,
        "heading": heading,
        "body": passage.text,
        "section": passage.section,
        "text": passage.text,
        "origin": passage.origin,
        "url": passage.url,
        "position": passage.position,
    }


def _start_worker(documents: list[Document], folder: Path) -> subprocess.Popen[bytes] | None:
    try:
        with open(folder / SHARE_FILE, "wb") as fh:
            pickle.dump(documents, fh, protocol=pickle.HIGHEST_PROTOCOL)
        root = str(Path(__file__).resolve().parents[1])
        env = worker_environment(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
        with open(folder / LOG_FILE, "wb") as errors:
            return subprocess.Popen(  # noqa: S603 (our interpreter, our module, our folder)
                [sys.executable, "-m", WORKER_MODULE, str(folder)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                env=env,
                cwd=root,
            )
    except (OSError, pickle.PicklingError, ValueError) as exc:
        log.warning("index build worker did not start (%s); writing its share here", exc)
        return None


#: Parts of environment variable names a worker never needs (the bot's token, say).
_SECRET_NAMES = ("TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "API_KEY", "PRIVATE_KEY")


def worker_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment a worker starts with: this process's, without secrets (a worker only
    reads documents and writes index files)."""
    return {k: v for k, v in environ.items() if not any(n in k.upper() for n in _SECRET_NAMES)}


def _finish_worker(proc: subprocess.Popen[bytes] | None, folder: Path) -> Part | None:
    if proc is None:
        return None
    try:
        code = proc.wait(timeout=WORKER_TIMEOUT)
    except subprocess.TimeoutExpired:
        log.warning("index build worker took over %.0f s; writing its share here", WORKER_TIMEOUT)
        return None
    if code != 0:
        log.warning(
            "index build worker failed (exit %s: %s); writing its share here", code, _tail(folder)
        )
        return None
    try:
        with open(folder / PART_FILE, "rb") as fh:
            part = pickle.load(fh)  # noqa: S301 (written by our worker in our scratch folder)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError) as exc:
        log.warning("index build worker left no readable result (%s); writing its share here", exc)
        return None
    if not isinstance(part, Part):
        log.warning("index build worker left a %s, not a part; writing its share here", type(part))
        return None
    part.folder = folder
    return part


def _tail(folder: Path) -> str:
    try:
        lines = (folder / LOG_FILE).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "no log"
    return lines[-1][:300] if lines else "no output"


def run_worker(folder: Path) -> None:
    """A worker's whole job: read the share in `folder`, write its segment and the part."""
    with open(folder / SHARE_FILE, "rb") as fh:
        documents = pickle.load(fh)  # noqa: S301 (written by the parent in its scratch folder)
    part = cut_and_write(documents, folder)
    tmp = folder / (PART_FILE + ".tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(part, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, folder / PART_FILE)
