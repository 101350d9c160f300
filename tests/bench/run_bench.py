"""`make bench`: alliance-bot's search core beside SQLite FTS5 on ~20,000 real-text passages.

Why: members feel latency, and Whoosh is pure Python. This measures, in one run and on the same
passages and questions, what the product's full question path (`SearchEngine.ask`) costs against
a C full-text engine, so tuning is guided by numbers rather than guesses.

How (each engine phase runs in its own fresh subprocess so peak memory is that phase's own
peak RSS (`VmHWM`, see `max_rss_mb`), and one phase's caches cannot help another):
1. Generate a corpus deterministically into a temp dir (see `corpus_gen`): the seed corpus plus
   Markdown documents made from Python docstrings, trimmed to the target passage count as counted
   by the project's real loader/chunker.
2. Build member-style questions from sampled passages (same list for both engines) and a separate
   warm-up list (so a result cache in the engine could not flatter the timed run).
3. Phases: Whoosh full build; Whoosh no-change reindex + `ask` latencies; FTS5 build + query
   latencies; `ask` latencies on the seed corpus; optionally a cProfile of `ask`; the schedule
   benchmark if `tests/bench/bench_schedule.py` exists.

Usage: `python -m tests.bench.run_bench [--passages N] [--questions N] [--json] [--quick]
[--profile FILE]`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import pstats
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from index.models import Passage
from tests.bench import corpus_gen

REPO = Path(__file__).resolve().parents[2]
SEED_CORPUS = REPO / "corpus"
SCHEDULE_BENCH = Path(__file__).with_name("bench_schedule.py")

GOAL_RATIO = 3.0
GOAL_P99_MS = 150.0
GOAL_SEED_P50_MS = 5.0
GOAL_SEED_MEANING_P50_MS = 50.0
WARMUP = 30
TOP_K = 5


# --- small helpers -----------------------------------------------------------------------------


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0-100) of a non-empty sequence."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summarize(latencies_ms: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/mean/max of latencies in milliseconds."""
    return {
        "n": float(len(latencies_ms)),
        "p50": percentile(latencies_ms, 50),
        "p95": percentile(latencies_ms, 95),
        "p99": percentile(latencies_ms, 99),
        "mean": sum(latencies_ms) / len(latencies_ms),
        "max": max(latencies_ms),
    }


def max_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB.

    Reads `VmHWM` from /proc/self/status: unlike `ru_maxrss`, which Linux carries over from the
    parent across fork+exec (so a phase would report the big orchestrating process's peak), the
    high-water mark belongs to this process's own address space. Falls back to `ru_maxrss` (KB).
    """
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_calls(fn: Callable[[str], Any], questions: Sequence[str]) -> list[float]:
    """Latency in ms of `fn(q)` for each question, in order."""
    out: list[float] = []
    for q in questions:
        start = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - start) * 1000)
    return out


# --- SQLite FTS5 comparator --------------------------------------------------------------------

_TERM_RE = re.compile(r"\w+", re.UNICODE)


def fts5_query(question: str) -> str:
    """The question's terms OR-ed, each double-quoted so FTS5 syntax in user text is inert.

    Returns "" when the question has no terms (the caller then returns no hits).
    """
    terms = list(dict.fromkeys(t.lower() for t in _TERM_RE.findall(question)))
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)


class Fts5Index:
    """SQLite FTS5 (porter tokenizer, bm25 ranking) over the same passages; top 5 per question."""

    def __init__(self, path: Path | str) -> None:
        self.conn = sqlite3.connect(str(path))

    def build(self, passages: Sequence[Passage]) -> None:
        """Create the table and insert every passage in one transaction."""
        with self.conn:
            self.conn.execute("DROP TABLE IF EXISTS passages")
            self.conn.execute(
                "CREATE VIRTUAL TABLE passages USING fts5("
                "pid UNINDEXED, source UNINDEXED, title, section, body, tokenize='porter')"
            )
            self.conn.executemany(
                "INSERT INTO passages(pid, source, title, section, body) VALUES (?, ?, ?, ?, ?)",
                ((p.id, p.source, p.title, p.section, p.text) for p in passages),
            )

    def search(self, question: str, limit: int = TOP_K) -> list[tuple[str, float, str, str, str]]:
        """(passage id, bm25 score, title, section, text) best first; [] for no terms/matches."""
        query = fts5_query(question)
        if not query:
            return []
        rows = self.conn.execute(
            "SELECT pid, bm25(passages), title, section, body FROM passages "
            "WHERE passages MATCH ? ORDER BY bm25(passages) LIMIT ?",
            (query, limit),
        ).fetchall()
        return [(r[0], float(r[1]), r[2], r[3], r[4]) for r in rows]

    def close(self) -> None:
        self.conn.close()


# --- passages: the project's loader, or a plain fallback while it does not exist ---------------


def load_passages(corpus_dir: Path) -> tuple[list[Passage], str]:
    """Passages of `corpus_dir` from the project's loader/chunker, and which code produced them."""
    try:
        from index import chunking, loader  # noqa: PLC0415 - optional while being built
    except ImportError:
        return fallback_passages(corpus_dir), "bench fallback chunker (index.chunking missing)"
    return _project_passages(loader, chunking, corpus_dir), "index.loader + index.chunking"


def _project_passages(loader: Any, chunking: Any, corpus_dir: Path) -> list[Passage]:
    result = loader.load_corpus(corpus_dir)
    out: list[Passage] = []
    for doc in result.documents:
        out.extend(chunking.chunk_document(doc))
    return out


_FRONT_RE = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def fallback_passages(corpus_dir: Path) -> list[Passage]:
    """One passage per paragraph under its heading path; used only until index.loader exists."""
    out: list[Passage] = []
    for path in sorted(corpus_dir.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        meta: dict[str, str] = {}
        m = _FRONT_RE.match(text)
        if m:
            for line in m.group(1).splitlines():
                key, _, val = line.partition(":")
                meta[key.strip()] = val.strip().strip('"')
            text = text[m.end() :]
        rel = path.relative_to(corpus_dir).as_posix()
        heads: list[str] = []
        for i, block in enumerate(re.split(r"\n\s*\n", text)):
            block = block.strip()
            hm = re.match(r"^(#+)\s+(.*)$", block)
            if hm:
                heads = heads[: len(hm.group(1)) - 1] + [hm.group(2)]
                continue
            if block:
                out.append(
                    Passage(
                        id=f"{rel}#{i}",
                        source=rel,
                        title=meta.get("title", rel),
                        section=" › ".join(heads),
                        text=block,
                        origin=meta.get("source", ""),
                        position=i,
                    )
                )
    return out


# --- corpus ------------------------------------------------------------------------------------


def build_corpus(
    out_dir: Path,
    target: int,
    loader_fn: Callable[[Path], tuple[list[Passage], str]] = load_passages,
) -> tuple[list[Passage], str, int]:
    """Seed corpus + generated documents, trimmed to >= `target` passages by the real chunker.

    Returns (passages, which loader, number of generated documents kept). Deterministic: the
    documents come in a fixed order and the cut is made at the first document that reaches the
    target.
    """
    if SEED_CORPUS.is_dir():
        shutil.copytree(SEED_CORPUS, out_dir / "seed", ignore=shutil.ignore_patterns("*.toml"))
        synonyms = SEED_CORPUS / "synonyms.toml"  # the admins' synonym map applies as in production
        if synonyms.is_file():
            shutil.copyfile(synonyms, out_dir / "synonyms.toml")
    else:
        out_dir.mkdir(parents=True, exist_ok=True)
    docs = corpus_gen.harvest_documents()
    written: list[str] = []
    budget = float(target)  # paragraphs to write before the next count
    paragraphs = 0
    exhausted = False
    while True:
        for doc in docs:
            written += corpus_gen.write_corpus(out_dir, [doc])
            paragraphs += doc.paragraphs
            if paragraphs >= budget:
                break
        else:
            exhausted = True
        passages, which = loader_fn(out_dir)
        generated = [p for p in passages if not p.source.startswith("seed/")]
        if len(passages) >= target or exhausted or not generated:
            break
        per_paragraph = len(generated) / max(1, paragraphs)
        budget = paragraphs + (target - len(passages)) / max(per_paragraph, 0.05) * 1.05
    per_source = Counter(p.source for p in passages)
    total = sum(n for s, n in per_source.items() if s.startswith("seed/"))
    keep: set[str] = set()
    for rel in written:
        if total >= target:
            (out_dir / rel).unlink()
            continue
        keep.add(rel)
        total += per_source.get(rel, 0)
    kept = [p for p in passages if p.source.startswith("seed/") or p.source in keep]
    return kept, which, len(keep)


def passage_vocabulary(passages: Sequence[Passage]) -> set[str]:
    """Every lower-cased word in the passages (so made-up words really match nothing)."""
    vocab: set[str] = set()
    for p in passages:
        vocab.update(w.lower() for w in _TERM_RE.findall(f"{p.title} {p.section} {p.text}"))
    return vocab


# --- phases (each runs in its own subprocess) ---------------------------------------------------


def _engine(corpus: Path, index: Path) -> Any:
    from index.engine import SearchEngine  # noqa: PLC0415 - imported inside the measured process

    return SearchEngine(corpus, index)


def phase_whoosh_build(args: argparse.Namespace) -> dict[str, Any]:
    """Full build from nothing: time, peak RSS, RSS before building."""
    from index.engine import SearchEngine  # noqa: PLC0415

    baseline = max_rss_mb()
    engine = SearchEngine(Path(args.corpus), Path(args.index))
    start = time.perf_counter()
    report = engine.reindex()
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "documents": report.documents,
        "passages": report.passages,
        "skipped": len(report.skipped),
        "peak_rss_mb": max_rss_mb(),
        "baseline_rss_mb": baseline,
    }


def _load_questions(path: str) -> tuple[list[str], list[str]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return list(data["warmup"]), list(data["questions"])


def phase_whoosh_query(args: argparse.Namespace) -> dict[str, Any]:
    """No-change reindex on an existing index, then `ask` latencies after warm-up.

    With `--fts-db`, each question is also run on the FTS5 index right after `ask`, so both
    engines are timed in the same moments: on a shared machine, load then hits both alike and the
    ratio stays meaningful. (Peak RSS here then includes SQLite's few MB.)
    """
    engine = _engine(Path(args.corpus), Path(args.index))
    start = time.perf_counter()
    report = engine.reindex()
    nochange = time.perf_counter() - start
    warmup, questions = _load_questions(args.questions_file)
    fts = Fts5Index(args.fts_db) if args.fts_db else None
    for q in warmup:
        engine.ask(q)
        if fts:
            fts.search(q)
    answered: list[bool] = []
    lat: list[float] = []
    fts_lat: list[float] = []
    for q in questions:
        t0 = time.perf_counter()
        ans = engine.ask(q)
        lat.append((time.perf_counter() - t0) * 1000)
        answered.append(bool(ans.answered))
        if fts:
            t0 = time.perf_counter()
            fts.search(q)
            fts_lat.append((time.perf_counter() - t0) * 1000)
    return {
        "nochange_seconds": nochange,
        "nochange_unchanged": bool(getattr(report, "unchanged", False)),
        "latency_ms": lat,
        "fts5_interleaved_ms": fts_lat,
        "answered": answered,
        "peak_rss_mb": max_rss_mb(),
    }


def phase_fts5(args: argparse.Namespace) -> dict[str, Any]:
    """FTS5 build (file-backed, like the Whoosh index) and query latencies after warm-up."""
    raw = json.loads(Path(args.passages_file).read_text(encoding="utf-8"))
    passages = [Passage(**p) for p in raw]
    db = Path(args.index) / "fts5.sqlite3"
    db.parent.mkdir(parents=True, exist_ok=True)
    fts = Fts5Index(db)
    start = time.perf_counter()
    fts.build(passages)
    build = time.perf_counter() - start
    warmup, questions = _load_questions(args.questions_file)
    for q in warmup:
        fts.search(q)
    lat: list[float] = []
    matched = 0
    for q in questions:
        t0 = time.perf_counter()
        hits = fts.search(q)
        lat.append((time.perf_counter() - t0) * 1000)
        matched += bool(hits)
    fts.close()
    return {
        "build_seconds": build,
        "latency_ms": lat,
        "matched": matched,
        "peak_rss_mb": max_rss_mb(),
    }


def phase_seed(args: argparse.Namespace) -> dict[str, Any]:
    """`ask` on the seed corpus: build, warm up, then the seed questions `--repeat` times."""
    engine = _engine(Path(args.corpus), Path(args.index))
    start = time.perf_counter()
    report = engine.reindex()
    build = time.perf_counter() - start
    warmup, questions = _load_questions(args.questions_file)
    for q in warmup:
        engine.ask(q)
    lat = timed_calls(engine.ask, questions * args.repeat)
    return {
        "build_seconds": build,
        "passages": report.passages,
        "latency_ms": lat,
        "peak_rss_mb": max_rss_mb(),
    }


def phase_profile(args: argparse.Namespace) -> dict[str, Any]:
    """cProfile of `ask` over the questions (after warm-up); top functions by own and total time."""
    engine = _engine(Path(args.corpus), Path(args.index))
    warmup, questions = _load_questions(args.questions_file)
    for q in warmup:
        engine.ask(q)
    prof = cProfile.Profile()
    start = time.perf_counter()
    prof.enable()
    for q in questions:
        engine.ask(q)
    prof.disable()
    wall = time.perf_counter() - start
    texts = {}
    for key in ("cumulative", "tottime"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(key).print_stats(35)
        texts[key] = buf.getvalue()
    return {"wall_seconds": wall, "questions": len(questions), **texts}


def phase_schedule(args: argparse.Namespace) -> dict[str, Any]:
    """The schedule benchmark's own figures (`tests/bench/bench_schedule.py: run()`)."""
    from tests.bench import bench_schedule  # noqa: PLC0415

    return {k: float(v) for k, v in bench_schedule.run().items()}


PHASES: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "whoosh-build": phase_whoosh_build,
    "whoosh-query": phase_whoosh_query,
    "fts5": phase_fts5,
    "seed": phase_seed,
    "profile": phase_profile,
    "schedule": phase_schedule,
}


def run_phase(name: str, env: dict[str, str] | None = None, **opts: Any) -> dict[str, Any]:
    """Run one phase in a fresh interpreter (with `env` added to the environment); its last
    stdout line is the JSON result."""
    cmd = [sys.executable, "-m", "tests.bench.run_bench", "--phase", name]
    for key, val in opts.items():
        cmd += [f"--{key.replace('_', '-')}", str(val)]
    proc = subprocess.run(  # noqa: S603 - our own interpreter and module
        cmd,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-8:]
        raise RuntimeError(f"phase {name} failed:\n" + "\n".join(tail))
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


# --- orchestration -----------------------------------------------------------------------------


def question_groups(qs: Sequence[corpus_gen.Question]) -> list[str]:
    """Group label per question (for a per-kind latency breakdown): kind, or "typo"."""
    return ["typo" if q.typo else q.kind for q in qs]


def by_group(latencies: Sequence[float], groups: Sequence[str]) -> dict[str, dict[str, float]]:
    """p50/p99 per question group; `latencies` and `groups` are in the same order."""
    out: dict[str, dict[str, float]] = {}
    for g in sorted(set(groups)):
        vals = [v for v, gg in zip(latencies, groups, strict=True) if gg == g]
        out[g] = {"n": float(len(vals)), "p50": percentile(vals, 50), "p99": percentile(vals, 99)}
    return out


def _write_questions(path: Path, warmup: Sequence[str], questions: Sequence[str]) -> None:
    path.write_text(json.dumps({"warmup": list(warmup), "questions": list(questions)}), "utf-8")


def _engine_available() -> bool:
    return (REPO / "index" / "engine.py").is_file()


def run(args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    """The whole benchmark; returns every figure (latency lists summarised)."""
    results: dict[str, Any] = {"python": sys.version.split()[0], "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="alliance-bench-") as tmp_s:
        tmp = Path(tmp_s)
        corpus = tmp / "corpus"
        t0 = time.perf_counter()
        passages, which, ndocs = build_corpus(corpus, args.passages)
        results["corpus"] = {
            "passages": len(passages),
            "generated_documents": ndocs,
            "chunker": which,
            "seconds": time.perf_counter() - t0,
        }
        log(
            f"corpus: {len(passages):,} passages ({ndocs} generated documents + seed) "
            f"via {which} in {results['corpus']['seconds']:.1f} s"
        )
        vocab = passage_vocabulary(passages)
        pairs = [(p.id, f"{p.section} {p.text}") for p in passages]
        qs = corpus_gen.make_questions(pairs, args.questions, vocabulary=vocab)
        warm = corpus_gen.make_questions(pairs, WARMUP, seed=7, vocabulary=vocab)
        qfile = tmp / "questions.json"
        _write_questions(qfile, [q.text for q in warm], [q.text for q in qs])
        results["questions"] = {
            "count": len(qs),
            "kinds": dict(Counter(q.kind for q in qs)),
            "typos": sum(q.typo for q in qs),
        }
        pfile = tmp / "passages.json"
        pfile.write_text(
            json.dumps(
                [
                    {
                        "id": p.id,
                        "source": p.source,
                        "title": p.title,
                        "section": p.section,
                        "text": p.text,
                        "origin": p.origin,
                        "position": p.position,
                    }
                    for p in passages
                ]
            ),
            "utf-8",
        )

        log("fts5: build + queries ...")
        fts = run_phase("fts5", passages_file=pfile, index=tmp / "fts", questions_file=qfile)
        groups = question_groups(qs)
        results["fts5"] = {
            **fts,
            "latency_ms": summarize(fts["latency_ms"]),
            "by_group": by_group(fts["latency_ms"], groups),
        }

        if _engine_available():
            log("whoosh: full build ...")
            wb = run_phase("whoosh-build", corpus=corpus, index=tmp / "whoosh")
            results["whoosh_build"] = wb
            log(f"whoosh: built {wb['passages']:,} passages in {wb['seconds']:.1f} s; queries ...")
            wq = run_phase(
                "whoosh-query",
                corpus=corpus,
                index=tmp / "whoosh",
                questions_file=qfile,
                fts_db=tmp / "fts" / "fts5.sqlite3",
            )
            # FTS5 figures beside Whoosh are the interleaved ones (same moments, same load);
            # the FTS5-only phase's own run is kept as a cross-check.
            results["fts5"]["alone_latency_ms"] = results["fts5"]["latency_ms"]
            results["fts5"]["latency_ms"] = summarize(wq["fts5_interleaved_ms"])
            results["fts5"]["by_group"] = by_group(wq.pop("fts5_interleaved_ms"), groups)
            kinds = [q.kind for q in qs]
            wq["answered_nomatch"] = sum(
                a for a, k in zip(wq["answered"], kinds, strict=True) if k == "nomatch"
            )
            wq["abstained_answerable"] = sum(
                not a for a, k in zip(wq["answered"], kinds, strict=True) if k != "nomatch"
            )
            wq["answered"] = sum(wq["answered"])
            results["whoosh"] = {
                **wq,
                "latency_ms": summarize(wq["latency_ms"]),
                "by_group": by_group(wq["latency_ms"], groups),
            }

            seed_passages, _ = load_passages(SEED_CORPUS)
            seed_pairs = [(p.id, f"{p.section} {p.text}") for p in seed_passages]
            seed_qs = corpus_gen.make_questions(seed_pairs, 100, seed=11)
            seed_warm = corpus_gen.make_questions(seed_pairs, 20, seed=12)
            sfile = tmp / "seed-questions.json"
            _write_questions(sfile, [q.text for q in seed_warm], [q.text for q in seed_qs])
            log("seed corpus: queries ...")
            for key, switch in (("seed", "off"), ("seed_meaning", "on")):
                sd = run_phase(
                    "seed",
                    env={"ALLIANCE_SEMANTIC": switch},
                    corpus=SEED_CORPUS,
                    index=tmp / f"{key}-index",
                    questions_file=sfile,
                    repeat=3,
                )
                results[key] = {**sd, "latency_ms": summarize(sd["latency_ms"])}
            if args.profile:
                log("profile: cProfile of ask ...")
                prof = run_phase(
                    "profile", corpus=corpus, index=tmp / "whoosh", questions_file=qfile
                )
                Path(args.profile).write_text(
                    f"# cProfile of SearchEngine.ask: {prof['questions']} questions, "
                    f"{prof['wall_seconds']:.2f} s under the profiler\n\n## by cumulative\n\n"
                    f"```\n{prof['cumulative']}```\n\n## by own time\n\n"
                    f"```\n{prof['tottime']}```\n",
                    "utf-8",
                )
                results["profile_file"] = str(args.profile)
        else:
            results["whoosh_missing"] = "index/engine.py does not exist yet"

    if SCHEDULE_BENCH.is_file():
        log("schedule: bench_schedule.run() ...")
        try:
            results["schedule"] = run_phase("schedule")
        except RuntimeError as exc:
            results["schedule_error"] = str(exc)
    return results


def format_table(r: dict[str, Any]) -> str:
    """Human-readable report of `run`'s results."""
    lines: list[str] = []
    c, q = r["corpus"], r["questions"]
    lines.append(
        f"Corpus: {c['passages']:,} passages ({c['generated_documents']} generated documents from "
        f"Python docstrings + seed corpus; chunked by {c['chunker']}); generated in "
        f"{c['seconds']:.1f} s"
    )
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(q["kinds"].items()))
    lines.append(f"Questions: {q['count']} ({kinds}; {q['typos']} with a typo); same list for both")
    lines.append(
        f"Machine: Python {r['python']}, {r['cpus']} CPUs; peak memory = VmHWM (peak "
        "RSS) of the phase's own subprocess"
    )
    lines.append("")
    f = r["fts5"]
    fl = f["latency_ms"]
    head = f"{'':34}{'alliance-bot (Whoosh)':>24}{'SQLite FTS5':>16}{'ratio':>9}"
    lines.append(head)
    lines.append("-" * len(head))
    w = r.get("whoosh")
    wb = r.get("whoosh_build")

    def row(label: str, wv: str, fv: str, ratio: str = "") -> None:
        lines.append(f"{label:34}{wv:>24}{fv:>16}{ratio:>9}")

    if w and wb:
        wl = w["latency_ms"]
        row(
            "full build (s)",
            f"{wb['seconds']:.2f}",
            f"{f['build_seconds']:.2f}",
            f"{wb['seconds'] / max(f['build_seconds'], 1e-9):.1f}x",
        )
        row("peak RSS while building (MB)", f"{wb['peak_rss_mb']:.0f}", f"{f['peak_rss_mb']:.0f}")
        row("  RSS before building (MB)", f"{wb['baseline_rss_mb']:.0f}", "")
        row(
            "no-change reindex (s)",
            f"{w['nochange_seconds']:.3f}" + ("" if w["nochange_unchanged"] else " (!)"),
            "",
        )
        for key in ("p50", "p95", "p99"):
            ratio = f"{wl[key] / max(fl[key], 1e-9):.1f}x" if key in ("p50", "p99") else ""
            row(f"latency {key} (ms)", f"{wl[key]:.2f}", f"{fl[key]:.2f}", ratio)
        fa = f.get("alone_latency_ms")
        if fa:
            alone = f"{fa['p50']:.1f}/{fa['p95']:.1f}/{fa['p99']:.1f}"
            row("  FTS5 timed alone p50/p95/p99", "", alone)
        row(
            "latency mean / max (ms)",
            f"{wl['mean']:.2f} / {wl['max']:.1f}",
            f"{fl['mean']:.2f} / {fl['max']:.1f}",
        )
        row(
            "questions answered / matched",
            f"{w['answered']}/{q['count']}",
            f"{f['matched']}/{q['count']}",
        )
        nomatch = q["kinds"].get("nomatch", 0)
        lines.append(
            f"  (ask answered {w['answered_nomatch']} of the {nomatch} no-match questions and "
            f"abstained on {w['abstained_answerable']} of the {q['count'] - nomatch} questions "
            "made from a passage)"
        )
        row("peak RSS while serving (MB)", f"{w['peak_rss_mb']:.0f}", "")
        for g, wg in w["by_group"].items():
            fg = f["by_group"][g]
            row(
                f"  {g} ({int(wg['n'])}) p50 / p99 (ms)",
                f"{wg['p50']:.1f} / {wg['p99']:.1f}",
                f"{fg['p50']:.1f} / {fg['p99']:.1f}",
            )
    else:
        row("full build (s)", "-", f"{f['build_seconds']:.2f}")
        for key in ("p50", "p95", "p99"):
            row(f"latency {key} (ms)", "-", f"{fl[key]:.2f}")
        lines.append(f"(Whoosh side skipped: {r.get('whoosh_missing', 'unknown')})")
    s = r.get("seed")
    sm = r.get("seed_meaning")
    for label, seed in (("words only", s), ("words + meaning", sm)):
        if not seed:
            continue
        sl = seed["latency_ms"]
        lines.append("")
        lines.append(
            f"Seed corpus, {label} ({seed['passages']} passages, {int(sl['n'])} asks): "
            f"p50 {sl['p50']:.2f} ms, p95 {sl['p95']:.2f} ms, p99 {sl['p99']:.2f} ms; "
            f"first build {seed['build_seconds']:.2f} s"
        )
    if w:
        lines.append(
            "(the large corpus is over the meaning layer's passage cap, so its figures are"
            " the words-only engine's)"
        )
    if w and wb:
        wl = w["latency_ms"]
        lines.append("")
        lines.append("Goals:")
        r50 = wl["p50"] / max(fl["p50"], 1e-9)
        r99 = wl["p99"] / max(fl["p99"], 1e-9)

        def goal(ok: bool, text: str) -> None:
            lines.append(f"  [{'met' if ok else 'MISSED'}] {text}")

        goal(
            r50 <= GOAL_RATIO and r99 <= GOAL_RATIO,
            f"within {GOAL_RATIO:.0f}x of FTS5 (p50 {r50:.1f}x, p99 {r99:.1f}x)",
        )
        goal(wl["p99"] < GOAL_P99_MS, f"p99 under {GOAL_P99_MS:.0f} ms ({wl['p99']:.1f} ms)")
        if s:
            sp = s["latency_ms"]["p50"]
            goal(sp < GOAL_SEED_P50_MS, f"seed p50 under {GOAL_SEED_P50_MS:.0f} ms ({sp:.2f} ms)")
        if sm:
            mp = sm["latency_ms"]["p50"]
            goal(
                mp < GOAL_SEED_MEANING_P50_MS,
                f"seed p50 with meaning under {GOAL_SEED_MEANING_P50_MS:.0f} ms ({mp:.2f} ms)",
            )
    if "profile_file" in r:
        lines.append(f"\ncProfile of ask written to {r['profile_file']}")
    if "schedule" in r:
        lines.append("")
        lines.append("Schedule (tests/bench/bench_schedule.py):")
        for k, v in r["schedule"].items():
            lines.append(f"  {k:44}{v:>12.3f}")
    if "schedule_error" in r:
        lines.append(f"\nSchedule bench failed: {r['schedule_error']}")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m tests.bench.run_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--passages", type=int, default=20000, help="target passage count (20000)")
    p.add_argument("--questions", type=int, default=400, help="timed questions (400)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.add_argument("--quick", action="store_true", help="small sizes for a smoke check")
    p.add_argument("--profile", metavar="FILE", help="also cProfile ask and write pstats here")
    # internal: one phase in this subprocess
    p.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    for opt in ("--corpus", "--index", "--questions-file", "--passages-file", "--fts-db"):
        p.add_argument(opt, help=argparse.SUPPRESS)
    p.add_argument("--repeat", type=int, default=1, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.quick:
        args.passages = min(args.passages, 1500)
        args.questions = min(args.questions, 60)
    if args.passages < 10 or args.questions < 10:
        p.error("--passages and --questions must be at least 10")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.phase:
        print(json.dumps(PHASES[args.phase](args)))
        return 0
    log: Callable[[str], None] = (
        (lambda m: None) if args.json else (lambda m: print(m, file=sys.stderr, flush=True))
    )
    start = time.perf_counter()
    try:
        results = run(args, log)
    except RuntimeError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    results["total_seconds"] = time.perf_counter() - start
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(format_table(results))
        print(f"\nWhole run: {results['total_seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
