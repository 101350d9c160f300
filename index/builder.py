"""Atomic reindex: build a new generation directory, then swap the `current` symlink.

Layout of the index dir::

    index/
      current -> gen-20261123T023000-1a2b3c   (relative symlink; the generation now serving)
      gen-…/                                  (Whoosh files, words.tsv, title_stems.tsv,
                                               vectors when the meaning layer is on, manifest.json)
      reindex.lock                            (serialises reindexes across threads and processes)

A reader that opened the old generation keeps reading its files; a new reader follows `current`.
A build that fails leaves `current` untouched and removes its half-built directory. The manifest
records each file's content hash and passage ids, so the next reindex can report what was added,
changed and removed, and skip the rebuild entirely when nothing changed (without cutting the
documents into passages again: the manifest has them).
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from index.chunking import chunk_document
from index.errors import IndexBusyError
from index.loader import LoadResult, load_corpus
from index.models import Passage, ReindexReport, SkippedFile
from index.schema import INDEX_FORMAT
from index.segments import (
    PARALLEL_MIN_CHARS,
    Part,
    adopt_segments,
    build_parts,
    default_processes,
    wants_processes,
    write_segment,
)
from index.semantic import MAX_PASSAGES, Embedder, Vectors, build_vectors
from index.words import TITLE_STEMS_FILE, WORDS_FILE, TermCounter, Terms

log = logging.getLogger(__name__)

CURRENT = "current"
MANIFEST = "manifest.json"
LOCK_FILE = "reindex.lock"
GEN_PREFIX = "gen-"
#: A reindex's scratch folder (a large build's segments before they move into the generation).
SCRATCH_PREFIX = ".build-"
#: Old generations kept besides `current` (a searcher opened just before a swap may still read).
KEEP_OLD = 1
#: The term tables every generation holds beside its Whoosh files (`index.words`).
TABLES = (WORDS_FILE, TITLE_STEMS_FILE)


@dataclass(frozen=True, slots=True)
class Manifest:
    """What one generation holds; written beside the Whoosh files."""

    built_at: datetime
    files: dict[str, dict[str, Any]]  # source → {"digest", "title", "passages": [ids]}
    skipped: tuple[SkippedFile, ...]
    passages: int
    format: int = INDEX_FORMAT
    semantic: str = ""  # the model whose vectors this generation holds ("" when lexical only)
    semantic_note: str = ""  # why there are no vectors, in words (when `semantic` is "")

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "built_at": self.built_at.isoformat(),
            "files": self.files,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "passages": self.passages,
            "semantic": self.semantic,
            "semantic_note": self.semantic_note,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        return cls(
            built_at=datetime.fromisoformat(data["built_at"]),
            files=dict(data["files"]),
            skipped=tuple(SkippedFile(s["path"], s["reason"]) for s in data.get("skipped", [])),
            passages=int(data.get("passages", 0)),
            format=int(data.get("format", 0)),
            semantic=str(data.get("semantic", "")),
            semantic_note=str(data.get("semantic_note", "")),
        )


def current_generation(index_dir: Path) -> Path | None:
    """The generation directory `current` points to, or None when there is no usable index."""
    link = index_dir / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    gen = index_dir / target
    return gen if (gen / MANIFEST).is_file() else None


def read_manifest(generation: Path) -> Manifest | None:
    """The manifest of a generation, or None when it is missing or unreadable."""
    try:
        data = json.loads((generation / MANIFEST).read_text(encoding="utf-8"))
        return Manifest.from_json(data)
    except (OSError, ValueError, KeyError, TypeError):
        return None


@contextmanager
def reindex_lock(index_dir: Path, *, timeout: float = 30.0, poll: float = 0.05) -> Iterator[None]:
    """Hold the reindex lock (an `flock`), waiting up to `timeout` seconds, else IndexBusyError."""
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise IndexBusyError(
                        "Another reindex is running right now; please try again in a minute."
                    ) from None
                time.sleep(poll)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


#: Where the text of PDFs is kept by content hash (`index.loader.load_corpus`).
TEXT_CACHE = "pdf-text"


def reindex(
    corpus_dir: Path,
    index_dir: Path,
    *,
    dry_run: bool = False,
    lock_timeout: float = 30.0,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    embedder: Embedder | None = None,
    semantic_off: str = "",
    max_vectors: int = MAX_PASSAGES,
    force: bool = False,
    processes: int | None = None,
    parallel_min_chars: int = PARALLEL_MIN_CHARS,
) -> ReindexReport:
    """Rebuild the index from `corpus_dir` if anything changed; see the module docstring.

    "Nothing changed" also needs the serving generation to open and hold as many passages as
    its manifest says (`serving_ok`): a damaged generation is rebuilt whatever the manifest
    says, and `force` always rebuilds.

    With an `embedder`, the generation also holds passage vectors (`index.semantic`), unless the
    corpus has more than `max_vectors` passages; `semantic_off` says why there is no embedder.
    A change of model or of that state alone is a change: the next reindex rebuilds.

    A corpus of at least `parallel_min_chars` characters is cut and written by `processes`
    processes (default: the cores available, up to `index.segments.MAX_PROCESSES`); the
    passages, rankings and answers are the same whatever the number (`index.segments`).
    """
    started = time.perf_counter()
    with reindex_lock(index_dir, timeout=lock_timeout):
        scratch = index_dir / f"{SCRATCH_PREFIX}{os.getpid()}-{os.urandom(3).hex()}"
        try:
            return _reindex_locked(
                corpus_dir,
                index_dir,
                scratch,
                started=started,
                dry_run=dry_run,
                clock=clock,
                embedder=embedder,
                semantic_off=semantic_off,
                max_vectors=max_vectors,
                force=force,
                processes=default_processes() if processes is None else processes,
                parallel_min_chars=parallel_min_chars,
            )
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def _reindex_locked(
    corpus_dir: Path,
    index_dir: Path,
    scratch: Path,
    *,
    started: float,
    dry_run: bool,
    clock: Callable[[], datetime],
    embedder: Embedder | None,
    semantic_off: str,
    max_vectors: int,
    force: bool,
    processes: int,
    parallel_min_chars: int,
) -> ReindexReport:
    loaded = load_corpus(corpus_dir, text_cache=index_dir / TEXT_CACHE)
    old_gen = current_generation(index_dir)
    old = read_manifest(old_gen) if old_gen else None

    def cut(write: bool) -> tuple[dict[str, list[Passage]], list[Part]]:
        """The passages by source, and, for a large build, their segments written already."""
        docs = loaded.documents
        if write and wants_processes(docs, processes, parallel_min_chars):
            scratch.mkdir()
            parts = build_parts(docs, scratch, processes)
            return {s: ps for part in parts for s, ps in part.passages.items()}, parts
        return {doc.source: chunk_document(doc) for doc in docs}, []

    # every file as the serving generation has it: its passages are known without cutting
    # the documents again (the slowest step of a no-change reindex)
    files = None if force else _unchanged_entries(loaded, old)
    passages: dict[str, list[Passage]] | None = None
    parts: list[Part] = []
    if files is None:
        passages, parts = cut(write=not dry_run)
        files = _file_entries(loaded, passages)
    report = _diff(old, files, loaded.skipped, dry_run=dry_run)
    count = report.passages
    model, note = _semantic_plan(embedder, semantic_off, count, max_vectors)
    same = (
        not force
        and old is not None
        and old_gen is not None
        and old.format == INDEX_FORMAT
        and not (report.added or report.changed or report.removed)
        and old.skipped == loaded.skipped
        and old.files == files
        and old.semantic == model
    )
    if same and not dry_run and old_gen is not None and old is not None:
        if not serving_ok(old_gen, old):
            log.warning("index generation %s is damaged: rebuilding it", old_gen.name)
            same = False
    if same or dry_run:
        kept = (old.semantic, old.semantic_note) if same and old else (model, note)
        return _with(
            report,
            unchanged=same,
            seconds=time.perf_counter() - started,
            semantic=kept[0],
            semantic_note=kept[1],
        )
    if passages is None:
        passages, parts = cut(write=True)
    vectors, embedded = None, 0
    if embedder is not None and model:
        ordered = [p for source in sorted(passages) for p in passages[source]]
        previous = Vectors.load(old_gen) if old_gen else None
        vectors, embedded = build_vectors(embedder, ordered, previous)
    manifest = Manifest(
        built_at=clock(),
        files=files,
        skipped=loaded.skipped,
        passages=count,
        semantic=model,
        semantic_note=note,
    )
    gen = build_generation(index_dir, passages, manifest, vectors=vectors, parts=parts)
    swap_current(index_dir, gen)
    cleanup_generations(index_dir, keep=gen, scratch=scratch)
    return _with(
        report,
        seconds=time.perf_counter() - started,
        semantic=model,
        semantic_note=note,
        embedded=embedded,
    )


def _semantic_plan(embedder: Embedder | None, off: str, passages: int, cap: int) -> tuple[str, str]:
    """(model the new generation embeds with or "", why not in words)."""
    if embedder is None:
        return "", off or "no embedding model"
    if passages > cap:
        return "", f"{passages:,} passages is over the {cap:,}-passage limit for meaning search"
    return embedder.name, ""


def _unchanged_entries(
    loaded: LoadResult, old: Manifest | None
) -> dict[str, dict[str, Any]] | None:
    """The old manifest's file entries when the corpus holds exactly its files, each with the
    same content hash and title, and it was written by this index format (which chunking is
    part of); otherwise None, and the documents are cut again."""
    if old is None or old.format != INDEX_FORMAT:
        return None
    if {doc.source for doc in loaded.documents} != set(old.files):
        return None
    for doc in loaded.documents:
        entry = old.files[doc.source]
        if entry.get("digest") != doc.digest or entry.get("title") != doc.title:
            return None
    return {doc.source: old.files[doc.source] for doc in loaded.documents}


def _file_entries(
    loaded: LoadResult, passages: dict[str, list[Passage]]
) -> dict[str, dict[str, Any]]:
    return {
        doc.source: {
            "digest": doc.digest,
            "title": doc.title,
            "passages": [p.id for p in passages[doc.source]],
        }
        for doc in loaded.documents
    }


def _diff(
    old: Manifest | None,
    files: dict[str, dict[str, Any]],
    skipped: tuple[SkippedFile, ...],
    *,
    dry_run: bool,
) -> ReindexReport:
    before = old.files if old else {}
    added = sorted(set(files) - set(before))
    removed = sorted(set(before) - set(files))
    changed = sorted(
        s for s in set(files) & set(before) if files[s]["digest"] != before[s]["digest"]
    )
    old_ids = {pid for entry in before.values() for pid in entry["passages"]}
    new_ids = {pid for entry in files.values() for pid in entry["passages"]}
    return ReindexReport(
        documents=len(files),
        passages=sum(len(e["passages"]) for e in files.values()),
        added=tuple(added),
        changed=tuple(changed),
        removed=tuple(removed),
        skipped=skipped,
        passages_added=len(new_ids - old_ids),
        passages_removed=len(old_ids - new_ids),
        dry_run=dry_run,
    )


def _with(report: ReindexReport, **changes: Any) -> ReindexReport:
    return replace(report, **changes)


def build_generation(
    index_dir: Path,
    passages: dict[str, list[Passage]],
    manifest: Manifest,
    *,
    vectors: Vectors | None = None,
    parts: Sequence[Part] = (),
) -> Path:
    """Write a complete new generation directory; on any failure remove it and re-raise.
    The manifest is written last: a generation without one is never served.

    With `parts` (the same passages, already written as segments by `index.segments`), their
    segments are moved in instead of writing the passages again."""
    stamp = manifest.built_at.strftime("%Y%m%dT%H%M%S")
    gen = index_dir / f"{GEN_PREFIX}{stamp}-{os.urandom(3).hex()}"
    gen.mkdir(parents=True)
    try:
        if parts:
            adopt_segments(parts, gen)
            counts = [(part.words, part.titles) for part in parts]
        else:
            counts = [write_segment(gen, passages)]
        words, titles = TermCounter(), TermCounter()
        for share_words, share_titles in counts:
            words.update(share_words)
            titles.update(share_titles)
        words.save(gen / WORDS_FILE)
        titles.save(gen / TITLE_STEMS_FILE)
        if vectors is not None:
            vectors.save(gen)
        tmp = gen / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(manifest.to_json(), indent=1), encoding="utf-8")
        os.replace(tmp, gen / MANIFEST)
        _fsync_tree(gen)
    except BaseException:
        shutil.rmtree(gen, ignore_errors=True)
        raise
    return gen


def serving_ok(gen: Path, manifest: Manifest) -> bool:
    """The generation opens and holds as many passages as its manifest says (a truncated or
    missing segment, a lost TOC fail this), and its vectors load when it was built with them."""
    try:
        ix = whoosh_index.open_dir(str(gen))
        try:
            with ix.searcher() as searcher:
                count = int(searcher.doc_count())
                if count:
                    searcher.stored_fields(count - 1)
        finally:
            ix.close()  # type: ignore[no-untyped-call]
    except Exception as exc:  # whoosh raises many kinds on damaged files
        log.warning("index generation %s does not open: %s", gen.name, exc)
        return False
    if count != manifest.passages:
        log.warning(
            "index generation %s holds %d passages, not %d", gen.name, count, manifest.passages
        )
        return False
    for table in TABLES:
        if Terms.load(gen / table) is None:
            log.warning("index generation %s lost its %s", gen.name, table)
            return False
    if manifest.semantic and Vectors.load(gen) is None:
        log.warning("index generation %s lost its vectors", gen.name)
        return False
    return True


def _fsync_tree(gen: Path) -> None:
    """Flush every file of a new generation and the directory itself to disk, so the `current`
    swap never points at files a power cut could leave empty."""
    for path in gen.iterdir():
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    fd = os.open(gen, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def swap_current(index_dir: Path, gen: Path) -> None:
    """Point `current` at `gen` atomically (`os.replace` of a fresh symlink)."""
    tmp_link = index_dir / f".{CURRENT}.{os.getpid()}.{os.urandom(3).hex()}"
    os.symlink(gen.name, tmp_link)
    try:
        os.replace(tmp_link, index_dir / CURRENT)
    except BaseException:
        tmp_link.unlink(missing_ok=True)
        raise
    fd = os.open(index_dir, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    log.info("index generation %s is now serving", gen.name)


def cleanup_generations(index_dir: Path, *, keep: Path, scratch: Path | None = None) -> None:
    """Delete half-built generations (no manifest: a build that died) and generations older
    than the newest `KEEP_OLD` complete ones besides `keep` (best effort), so what is kept as the
    previous generation is always one that was whole. Scratch folders of builds that died
    (every one but this build's `scratch`; reindexes hold the lock) go too."""
    for stale in index_dir.glob(f"{SCRATCH_PREFIX}*"):
        if stale.is_dir() and (scratch is None or stale.name != scratch.name):
            shutil.rmtree(stale, ignore_errors=True)
    others = [p for p in index_dir.glob(f"{GEN_PREFIX}*") if p.is_dir() and p.name != keep.name]
    whole = [p for p in others if (p / MANIFEST).is_file()]
    for half in set(others) - set(whole):
        shutil.rmtree(half, ignore_errors=True)
    whole.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in whole[KEEP_OLD:]:
        shutil.rmtree(old, ignore_errors=True)
