"""`make bench-known-item`: find the manual page a NAME line describes, ours beside SQLite FTS5.

Why: a member often asks for a thing by what it does ("list directory contents") in a corpus far
bigger than the seed one. This takes ~2,000 manual pages from /usr/share/man (man1 and man8),
renders each (groff, else a small roff stripper) into a Markdown document with one `##` heading
per manual section (SYNOPSIS, DESCRIPTION, OPTIONS, ...), *leaves the NAME section out*, and asks
the NAME line's description as the question. A question is a hit at k when any passage of its
own page is among the first k. Both engines index the same passages (the project's loader and
chunker); ours is asked through `SearchEngine.ask` (the bot's call; a refusal's weak hits count,
up to the three it keeps), FTS5 through `tests.eval.baseline.Fts5Engine`.

Rendered pages are cached (`--cache`, default ~/.cache/alliance-bot/known-item), so only the
first run pays for groff. No man pages here: the benchmark says so and exits 0.

Usage: `python -m tests.bench.bench_known_item [--pages N] [--json] [--cache DIR]`.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.bench.run_bench import percentile

MAN_ROOT = Path("/usr/share/man")
SECTIONS = ("man1", "man8")
DEFAULT_PAGES = 2000
SEED = 10
TOP_K = 5
#: Pages larger than this (compressed) are skipped: a few huge pages (perl's, zsh's) would be
#: most of the corpus.
MAX_BYTES = 60_000
_DASHES = (" - ", " — ", " – ", " ‐ ", " \u2212 ")


@dataclass(frozen=True, slots=True)
class Page:
    """One manual page: its name, the NAME line's description, its other sections in order."""

    name: str  # "ls(1)" (from the file name)
    title: str  # "ls(1)", "gcloud beta services list(1)": the NAME line's names, the section
    description: str  # "list directory contents"
    sections: tuple[tuple[str, str], ...]  # (heading, text with blank lines between paragraphs)


# --- rendering ---------------------------------------------------------------------------------


def read_source(path: Path) -> str:
    """The roff text of a (possibly gzipped) man page file."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def render_groff(source: str) -> str | None:
    """Plain text of a roff page from groff (no hyphenation, long lines), or None on failure."""
    try:
        proc = subprocess.run(
            ["groff", "-t", "-Tutf8", "-man", "-rHY=0", "-rLL=250n", "-P-cbou"],
            input=source,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 and proc.stdout.strip() else None


_ESCAPES = [
    (re.compile(r"\\f(\[[^\]]*\]|\(..|.)"), ""),
    (re.compile(r"\\\((..)"), " "),
    (re.compile(r"\\\[[^\]]*\]"), " "),
    (re.compile(r"\\[-e]"), "-"),
    (re.compile(r"\\[&|^%:]"), ""),
    (re.compile(r"\\s[-+]?\d"), ""),
    (re.compile(r"\\\*(\(..|\[[^\]]*\]|.)"), ""),
    (re.compile(r"\\(.)"), r"\1"),
]
_TEXT_MACROS = {".B", ".I", ".BR", ".BI", ".IB", ".IR", ".RB", ".RI", ".SM", ".SB", ".Nm", ".Ar"}


def render_plain(source: str) -> str:
    """A rough rendering without groff: `.SH`/`.Sh` become unindented headings, text macros
    their words, other requests paragraph breaks; font and character escapes are dropped."""
    out: list[str] = []
    for raw in source.splitlines():
        line = raw.rstrip()
        if line.startswith(('.\\"', "'\\\"", '\\"')):
            continue
        if line.startswith((".", "'")):
            macro, _, rest = line.partition(" ")
            rest = rest.strip().replace('"', "")
            if macro in {".SH", ".Sh"}:
                out += ["", _unescape(rest).upper()]
            elif macro == ".Nd":
                out[-1:] = [out[-1] + " - " + _unescape(rest)] if out else [_unescape(rest)]
            elif macro in _TEXT_MACROS:
                out.append("       " + _unescape(rest))
            else:
                out.append("")
            continue
        out.append("       " + _unescape(line))
    return "HEADER\n" + "\n".join(out) + "\nFOOTER\n"


def _unescape(text: str) -> str:
    for pattern, repl in _ESCAPES:
        text = pattern.sub(repl, text)
    return text


def parse_rendered(name: str, text: str) -> Page | None:
    """The page's NAME description and other sections from rendered text (unindented lines are
    section headings; the first and last lines are the running header and footer)."""
    lines = [ln.rstrip() for ln in text.splitlines()]
    nonblank = [i for i, ln in enumerate(lines) if ln.strip()]
    if len(nonblank) < 3:
        return None
    lines = lines[nonblank[0] + 1 : nonblank[-1]]
    sections: list[tuple[str, list[str]]] = []
    for line in lines:
        if line and not line[0].isspace():
            sections.append((" ".join(line.split()), []))
        elif sections:
            sections[-1][1].append(line.strip())
    named = [body for head, body in sections if head.upper() == "NAME"]
    if not named:
        return None
    line = " ".join(" ".join(named[0]).split())
    cut = (
        min((line.find(d), d) for d in _DASHES if d in line)
        if any(d in line for d in _DASHES)
        else None
    )
    if cut is None:
        return None
    description = line[cut[0] + len(cut[1]) :].strip()
    section = name[name.rfind("(") :] if name.endswith(")") else ""
    title = " ".join(line[: cut[0]].split()) + section
    if len(description.split()) < 2:
        return None
    kept = []
    for head, body in sections:
        if head.upper() == "NAME":
            continue
        paragraphs = [" ".join(p.split()) for p in "\n".join(body).split("\n\n")]
        paragraphs = [p.lstrip("#>*+ ") for p in paragraphs if p.strip()]
        if paragraphs:
            kept.append((head.title() if head.isupper() else head, "\n\n".join(paragraphs)))
    if not kept:
        return None
    return Page(name, title, description, tuple(kept))


def page_markdown(page: Page) -> str:
    """The Markdown document of a page (titled with the NAME line's names; NAME left out)."""
    parts = [
        "---",
        f'title: "{page.title.replace(chr(34), chr(39))}"',
        f'source: "Manual page {page.name} (benchmark corpus, rendered from /usr/share/man)"',
        "---",
        "",
        f"# {page.title}",
        "",
    ]
    for head, text in page.sections:
        parts += [f"## {head}", "", text, ""]
    return "\n".join(parts)


def page_name(path: Path) -> str:
    """ "ls(1)" for .../man1/ls.1.gz."""
    stem = path.name.removesuffix(".gz")
    base, _, section = stem.rpartition(".")
    return f"{base}({section})"


def candidates(root: Path = MAN_ROOT) -> list[Path]:
    """Page files of the chosen sections, not `.so` links, not huge, in a seeded order."""
    found = []
    for section in SECTIONS:
        d = root / section
        if d.is_dir():
            found += [
                p
                for p in sorted(d.iterdir())
                if p.is_file() and not p.is_symlink() and p.stat().st_size <= MAX_BYTES
            ]
    random.Random(SEED).shuffle(found)
    return found


def render_page(path: Path, cache: Path | None, use_groff: bool) -> Page | None:
    """One page parsed, from the cache when it was rendered before."""
    key = hashlib.sha256(f"{path}:{path.stat().st_mtime_ns}:{use_groff}".encode()).hexdigest()
    cached = cache / f"{key[:32]}.txt" if cache else None
    if cached is not None and cached.is_file():
        text = cached.read_text(encoding="utf-8")
    else:
        try:
            source = read_source(path)
        except (OSError, EOFError, gzip.BadGzipFile):
            return None
        if source.lstrip().startswith(".so "):
            text = ""
        else:
            text = (render_groff(source) if use_groff else None) or render_plain(source)
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_text(text, encoding="utf-8")
    return parse_rendered(page_name(path), text) if text else None


def collect_pages(count: int, cache: Path | None, log: Callable[[str], None]) -> list[Page]:
    """`count` pages (fewer when the machine has fewer), the same ones on every run."""
    use_groff = shutil.which("groff") is not None
    log(f"rendering with {'groff' if use_groff else 'the built-in roff stripper'} ...")
    pages: list[Page] = []
    seen: set[str] = set()
    todo = candidates()
    with ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
        start = 0
        while len(pages) < count and start < len(todo):
            batch = todo[start : start + max(50, count - len(pages))]
            start += len(batch)
            for page in pool.map(lambda p: render_page(p, cache, use_groff), batch):
                if page is not None and page.name not in seen and len(pages) < count:
                    seen.add(page.name)
                    pages.append(page)
    return pages


# --- the benchmark -----------------------------------------------------------------------------


def write_corpus(pages: Sequence[Page], corpus: Path) -> dict[str, Page]:
    """One Markdown file per page; returns source path → page."""
    by_source = {}
    for i, page in enumerate(pages):
        rel = f"man/{i:04d}-{re.sub(r'[^A-Za-z0-9._-]+', '_', page.name)}.md"
        path = corpus / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page_markdown(page), encoding="utf-8")
        by_source[rel] = page
    return by_source


def rank_of(sources: Sequence[str], target: str) -> int | None:
    """1-based rank of the first hit from `target`, or None."""
    for i, source in enumerate(sources, 1):
        if source == target:
            return i
    return None


def score(ranks: Sequence[int | None]) -> dict[str, float]:
    n = max(1, len(ranks))
    return {
        "hit@1": sum(r is not None and r <= 1 for r in ranks) / n,
        "hit@5": sum(r is not None and r <= TOP_K for r in ranks) / n,
    }


def run(args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    from index.engine import SearchEngine  # noqa: PLC0415 - after the man-page check
    from tests.eval.baseline import Fts5Engine  # noqa: PLC0415

    cache = Path(args.cache) if args.cache else None
    t0 = time.perf_counter()
    pages = collect_pages(args.pages, cache, log)
    rendered = time.perf_counter() - t0
    results: dict[str, Any] = {"pages": len(pages), "render_seconds": rendered}
    with tempfile.TemporaryDirectory(prefix="alliance-known-item-") as tmp_s:
        tmp = Path(tmp_s)
        corpus = tmp / "corpus"
        by_source = write_corpus(pages, corpus)
        questions = [(page.description, source) for source, page in by_source.items()]
        log(f"{len(pages)} pages written; building our index ...")
        engine = SearchEngine(corpus, tmp / "index", semantic=False)
        t0 = time.perf_counter()
        report = engine.reindex()
        results["ours_build_seconds"] = time.perf_counter() - t0
        results["passages"] = report.passages
        built = results["ours_build_seconds"]
        log(f"ours: {report.passages:,} passages in {built:.1f} s; FTS5 ...")
        t0 = time.perf_counter()
        fts = Fts5Engine(corpus)
        results["fts5_build_seconds"] = time.perf_counter() - t0
        for q, _ in questions[:20]:  # warm-up (both engines, not timed)
            engine.ask(q)
            fts.ask(q)
        ours_ranks: list[int | None] = []
        fts_ranks: list[int | None] = []
        ours_ms: list[float] = []
        fts_ms: list[float] = []
        abstained = 0
        misses: list[str] = []
        log(f"asking {len(questions)} questions of both ...")
        for q, target in questions:
            t = time.perf_counter()
            answer = engine.ask(q, limit=TOP_K)
            ours_ms.append((time.perf_counter() - t) * 1000)
            abstained += not answer.answered
            rank = rank_of([h.passage.source for h in answer.hits], target)
            ours_ranks.append(rank)
            t = time.perf_counter()
            found = fts.ask(q)
            fts_ms.append((time.perf_counter() - t) * 1000)
            frank = rank_of([h.passage.source for h in found.hits], target)
            fts_ranks.append(frank)
            if rank is None and frank is not None and len(misses) < args.show_misses:
                got = answer.hits[0].passage.title if answer.hits else "(nothing)"
                misses.append(f"{by_source[target].title}: {q!r} -> ours: {got}")
        fts.close()
        engine.close()
    for key, ranks, ms in (("ours", ours_ranks, ours_ms), ("fts5", fts_ranks, fts_ms)):
        results[key] = {
            **score(ranks),
            "p50_ms": percentile(ms, 50),
            "p95_ms": percentile(ms, 95),
            "p99_ms": percentile(ms, 99),
        }
    results["ours"]["abstained"] = abstained
    results["questions"] = len(questions)
    results["misses_fts5_found"] = misses
    return results


def format_report(r: dict[str, Any]) -> str:
    o, f = r["ours"], r["fts5"]
    lines = [
        f"Known-item search: {r['questions']} manual pages' NAME lines as questions "
        f"({r['passages']:,} passages, NAME sections left out; hit = any passage of the page)",
        f"{'':22}{'alliance-bot':>14}{'SQLite FTS5':>14}",
        f"{'hit@1':22}{o['hit@1']:>14.3f}{f['hit@1']:>14.3f}",
        f"{'hit@5':22}{o['hit@5']:>14.3f}{f['hit@5']:>14.3f}",
        f"{'latency p50 (ms)':22}{o['p50_ms']:>14.2f}{f['p50_ms']:>14.2f}",
        f"{'latency p95 (ms)':22}{o['p95_ms']:>14.2f}{f['p95_ms']:>14.2f}",
        f"{'latency p99 (ms)':22}{o['p99_ms']:>14.2f}{f['p99_ms']:>14.2f}",
        f"{'build (s)':22}{r['ours_build_seconds']:>14.2f}{r['fts5_build_seconds']:>14.2f}",
        f"(ours abstained on {o['abstained']}; pages rendered/read in {r['render_seconds']:.1f} s)",
    ]
    if r["misses_fts5_found"]:
        lines.append("Some pages FTS5 found in its top 5 and ours did not:")
        lines += [f"  {m}" for m in r["misses_fts5_found"]]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m tests.bench.bench_known_item", description=__doc__)
    p.add_argument("--pages", type=int, default=DEFAULT_PAGES, help="manual pages (2000)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--cache",
        default=str(
            Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
            / "alliance-bot"
            / "known-item"
        ),
        help="where rendered pages are kept ('' for none)",
    )
    p.add_argument("--show-misses", type=int, default=15, help="misses to list (15)")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not any((MAN_ROOT / s).is_dir() and any((MAN_ROOT / s).iterdir()) for s in SECTIONS):
        print(f"bench-known-item skipped: no manual pages under {MAN_ROOT}/{{man1,man8}}")
        return 0
    log: Callable[[str], None] = (
        (lambda m: None) if args.json else (lambda m: print(m, file=sys.stderr, flush=True))
    )
    results = run(args, log)
    if results["pages"] < 10:
        print(f"bench-known-item skipped: only {results['pages']} usable manual pages")
        return 0
    print(json.dumps(results, indent=2) if args.json else format_report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
