"""`make eval`: how well does `ask` find the right passage, and how fast?

Builds a fresh index of the corpus in a temporary directory, asks every question of the chosen
split(s) through `index.engine.SearchEngine.ask` (the same call the bot and CLI make), and prints
per split and per category: Recall@1, Recall@3, MRR (over answerable questions; an abstention is a
miss), abstention accuracy (unanswerable questions abstained on), false-abstention rate
(answerable questions abstained on), p50/p95 latency, then every miss with what came back.

It reports, it does not gate: the exit status is 0 whatever the figures, 1 when a question made the
engine raise (a bug: member text must never crash `ask`), 2 when the run itself cannot happen (bad
option, missing file, the engine cannot be imported or cannot build the index).

    python -m tests.eval.run_eval [--split dev|heldout|blind|blind2-10|all] [--corpus DIR]
                                  [--questions FILE] [--json] [--verbose] [--ablate NAME ...]
                                  [--baseline fts5|none]

Beside each split's table it prints SQLite FTS5's ranking figures on the same passages and
questions (`tests.eval.baseline`), the comparator the engine has to beat; `--baseline none`
skips it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from tests.eval.dataset import (
    CATEGORIES,
    SPLITS,
    DatasetError,
    Question,
    load_questions,
    split_path,
)
from tests.eval.metrics import QuestionResult, ReturnedHit, first_relevant_rank, summarize
from tests.eval.readability import Sample, measure, sample_of

REPO = Path(__file__).resolve().parents[2]
WARM_UP_QUESTION = "what are the values?"
SHOWN_HITS = 3


class Engine(Protocol):
    """The part of `index.engine.SearchEngine` the evaluation uses."""

    def ask(self, question: str) -> Any: ...


#: Builds an engine for (corpus_dir, index_dir, ablations); injectable for tests.
EngineFactory = Callable[[Path, Path, Sequence[str]], Engine]

#: Builds the comparator for a corpus dir.
BaselineFactory = Callable[[Path], Engine]


class EvalError(Exception):
    """The evaluation cannot run; the message is shown as one line and the exit status is 2."""


@dataclass(frozen=True, slots=True)
class Build:
    """What building the index took and produced (figures are None when the engine hides them)."""

    seconds: float
    documents: int | None
    passages: int | None


def real_engine(corpus: Path, index_dir: Path, ablations: Sequence[str]) -> Engine:
    """The production engine; each ablation switches one boolean `SearchOptions` field off."""
    try:
        from index.engine import SearchEngine
    except ImportError as exc:  # the engine is written by another part of the project
        raise EvalError(f"cannot import index.engine.SearchEngine: {exc}") from exc
    if not ablations:
        return SearchEngine(corpus, index_dir)
    try:
        from index.options import SearchOptions
    except ImportError as exc:
        raise EvalError(f"this engine has no ablation switches ({exc})") from exc
    switches = ablation_names(SearchOptions)
    unknown = sorted(set(ablations) - set(switches))
    if unknown:
        raise EvalError(f"unknown ablation {', '.join(unknown)}; choose from {', '.join(switches)}")
    options = SearchOptions(**dict.fromkeys(ablations, False))
    return SearchEngine(corpus, index_dir, options=options)


def fts5_baseline(corpus: Path) -> Engine:
    """SQLite FTS5 over the engine's own passages (imported late: it reads the project's loader)."""
    from tests.eval.baseline import Fts5Engine

    return Fts5Engine(corpus)


def ablation_names(options_type: type) -> list[str]:
    """The on/off switches of an options dataclass: its fields whose default is a bool True."""
    return [f.name for f in dataclasses.fields(options_type) if f.default is True]


def build_index(engine: Engine) -> Build:
    """Build the index up front (when the engine can) so the first question is not charged."""
    started = time.perf_counter()
    report = None
    reindex = getattr(engine, "reindex", None)
    if callable(reindex):
        report = reindex()
    engine.ask(WARM_UP_QUESTION)  # opens the searcher; builds the index if reindex is absent
    return Build(
        seconds=time.perf_counter() - started,
        documents=getattr(report, "documents", None),
        passages=getattr(report, "passages", None),
    )


def ask_all(
    engine: Engine,
    questions: Sequence[Question],
    clock: Callable[[], float] = time.perf_counter,
) -> list[QuestionResult]:
    """Ask every question once and grade the answer against its expected passages."""
    from index.errors import UserError

    results = []
    for q in questions:
        error: str | None = None
        sample: Sample | None = None
        started = clock()
        try:
            answer = engine.ask(q.question)
            sample = sample_of(answer) if hasattr(answer, "answer") else None  # FTS5: none
            answered = bool(answer.answered)
            hits = tuple(
                ReturnedHit(h.passage.source, h.passage.section, float(h.score))
                for h in answer.hits
            )
        except UserError:  # a friendly refusal ("nothing to search for") is an abstention
            answered, hits = False, ()
        except Exception as exc:  # any crash on member text is reported, not raised
            answered, hits, error = False, (), f"{type(exc).__name__}: {exc}"
        seconds = clock() - started
        results.append(
            QuestionResult(
                id=q.id,
                question=q.question,
                category=q.category,
                answerable=q.answerable,
                answered=answered,
                rank=first_relevant_rank(hits, q.is_relevant, answered) if q.answerable else None,
                hits=hits,
                seconds=seconds,
                error=error,
                answer_text=sample.text if sample else "",
                cited=sample.sources if sample else (),
            )
        )
    return results


def is_miss(result: QuestionResult) -> bool:
    """Anything short of perfect: not first, abstained, answered the unanswerable, or raised."""
    if result.error is not None:
        return True
    if result.answerable:
        return result.rank != 1
    return result.answered


def split_summary(results: Sequence[QuestionResult]) -> dict[str, Any]:
    """Overall and per-category figures for one split (categories in a fixed order)."""
    samples = [Sample(r.answer_text, r.cited) for r in results if r.cited]
    return {
        "overall": summarize(results),
        "readability": measure(samples).to_json(),
        "categories": {
            c: summarize([r for r in results if r.category == c])
            for c in CATEGORIES
            if any(r.category == c for r in results)
        },
    }


# ------------------------------------------------------------------------------------ output

_COLUMNS = (  # header, summary key, width, number format
    ("n", "questions", 4, "d"),
    ("R@1", "recall@1", 7, ".3f"),
    ("R@3", "recall@3", 7, ".3f"),
    ("MRR", "mrr", 7, ".3f"),
    ("abstain", "abstention_accuracy", 9, ".3f"),
    ("false-abst", "false_abstention_rate", 12, ".3f"),
    ("p50 ms", "p50_ms", 9, ".1f"),
    ("p95 ms", "p95_ms", 9, ".1f"),
)


def format_table(summary: dict[str, Any]) -> list[str]:
    """Overall row then one row per category; a figure with nothing to average is "n/a"."""
    rows = [f"{'':<13}" + "".join(name.rjust(width) for name, _, width, _ in _COLUMNS)]
    for label, figures in [("all", summary["overall"]), *summary["categories"].items()]:
        cells = "".join(
            ("n/a" if figures[key] is None else format(figures[key], spec)).rjust(width)
            for _, key, width, spec in _COLUMNS
        )
        rows.append(f"{label:<13}{cells}")
    return rows


def format_baseline(fts5: dict[str, Any], engine: dict[str, Any]) -> str:
    """One line: FTS5's ranking figures and the engine's margin over them (FTS5 never abstains)."""

    def cell(key: str) -> str:
        theirs, ours = fts5[key], engine[key]
        if theirs is None:
            return f"{key} n/a"
        margin = "" if ours is None else f" (engine {ours - theirs:+.3f})"
        return f"{key} {theirs:.3f}{margin}"

    return "FTS5 baseline: " + ", ".join(cell(k) for k in ("recall@1", "recall@3", "mrr"))


def _where(source: str, section: str) -> str:
    """`source › section` without the document title that starts every heading path."""
    _, _, rest = section.partition(" › ")
    return f"{source} › {rest or '(introduction)'}"


def format_result(result: QuestionResult, question: Question) -> list[str]:
    """One question's outcome: what was expected, what came back."""
    if result.error is not None:
        verdict = f"ERROR {result.error}"
    elif not result.answerable:
        verdict = "answered (should abstain)" if result.answered else "abstained (correct)"
    elif not result.answered:
        verdict = "abstained (should answer)"
    elif result.rank is None:
        verdict = "answered, no relevant passage returned"
    else:
        verdict = f"relevant passage at rank {result.rank}"
    lines = [f"  {result.id} [{result.category}] {result.question!r}: {verdict}"]
    for entry in question.expected:
        exact = " (exact)" if entry.exact else ""
        lines.append(f"      expected: {_where(entry.source, entry.section)}{exact}")
    for position, hit in enumerate(result.hits[:SHOWN_HITS], 1):
        mark = "*" if question.is_relevant(hit.source, hit.section) else " "
        lines.append(
            f"    {mark} got {position}: {_where(hit.source, hit.section)} (score {hit.score:.2f})"
        )
    if not result.hits and result.error is None:
        lines.append("      got: no passages")
    return lines


def format_report(
    name: str,
    questions: Sequence[Question],
    results: Sequence[QuestionResult],
    *,
    verbose: bool,
    baseline: Sequence[QuestionResult] | None = None,
) -> list[str]:
    summary = split_summary(results)
    overall = summary["overall"]
    lines = [
        "",
        f"== {name}: {overall['questions']} questions "
        f"({overall['answerable']} answerable, {overall['unanswerable']} unanswerable)",
        *format_table(summary),
        measure([Sample(r.answer_text, r.cited) for r in results if r.cited]).line(),
    ]
    if baseline is not None:
        lines.append(format_baseline(summarize(baseline), summary["overall"]))
    by_id = {q.id: q for q in questions}
    shown = [r for r in results if verbose or is_miss(r)]
    title = "all questions" if verbose else "misses (not ranked first, or wrong abstention)"
    lines.append(f"-- {name} {title}: {len([r for r in results if is_miss(r)])} missed")
    for result in shown:
        lines.extend(format_result(result, by_id[result.id]))
    return lines


def json_summary(
    build: Build,
    corpus: Path,
    runs: Mapping[str, tuple[Sequence[Question], Sequence[QuestionResult]]],
    baselines: Mapping[str, Sequence[QuestionResult]] | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "corpus": str(corpus),
        "build_seconds": round(build.seconds, 4),
        "documents": build.documents,
        "passages": build.passages,
        "splits": {},
    }
    for name, (_, results) in runs.items():
        summary = split_summary(results)
        summary["misses"] = [
            {
                "id": r.id,
                "category": r.category,
                "question": r.question,
                "answered": r.answered,
                "rank": r.rank,
                "error": r.error,
                "got": [{"source": h.source, "section": h.section} for h in r.hits[:SHOWN_HITS]],
            }
            for r in results
            if is_miss(r)
        ]
        if baselines is not None and name in baselines:
            summary["fts5"] = summarize(baselines[name])
        out["splits"][name] = summary
    return out


# -------------------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.eval.run_eval",
        description="Search-quality evaluation of alliance-bot's `ask` on the committed questions.",
    )
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="all")
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus", help="corpus directory")
    parser.add_argument(
        "--questions", type=Path, help="a question file to run instead of the committed splits"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON summary object")
    parser.add_argument("--verbose", action="store_true", help="show every question, not misses")
    parser.add_argument(
        "--ablate",
        action="append",
        default=[],
        metavar="NAME",
        help="switch off one engine technique, e.g. spelling or synonyms (repeatable)",
    )
    parser.add_argument(
        "--baseline",
        choices=["fts5", "none"],
        default="fts5",
        help="the comparator printed beside each split (default fts5)",
    )
    return parser.parse_args(argv)


def main(
    argv: Sequence[str] | None = None,
    engine_factory: EngineFactory = real_engine,
    baseline_factory: BaselineFactory = fts5_baseline,
) -> int:
    args = parse_args(argv)
    try:
        if args.questions is not None:
            splits = {args.questions.stem: load_questions(args.questions)}
        else:
            chosen = SPLITS if args.split == "all" else (args.split,)
            splits = {s: load_questions(split_path(s)) for s in chosen}
        if not args.corpus.is_dir():
            raise EvalError(f"corpus directory {args.corpus} does not exist")
        with tempfile.TemporaryDirectory(prefix="alliance-eval-") as tmp:
            engine = engine_factory(args.corpus, Path(tmp) / "index", tuple(args.ablate))
            try:
                build = build_index(engine)
            except Exception as exc:
                raise EvalError(f"building the index failed: {type(exc).__name__}: {exc}") from exc
            runs = {name: (qs, ask_all(engine, qs)) for name, qs in splits.items()}
            close = getattr(engine, "close", None)
            if callable(close):
                close()
            baselines = None
            if args.baseline == "fts5":
                comparator = baseline_factory(args.corpus)
                baselines = {name: ask_all(comparator, qs) for name, qs in splits.items()}
    except (DatasetError, EvalError) as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 2
    errors = sum(1 for _, results in runs.values() for r in results if r.error is not None)
    if args.json:
        print(
            json.dumps(
                json_summary(build, args.corpus, runs, baselines), indent=2, ensure_ascii=False
            )
        )
    else:
        size = ""
        if build.documents is not None:
            size = f" ({build.documents} documents, {build.passages} passages)"
        ablated = f"; ablated: {', '.join(args.ablate)}" if args.ablate else ""
        lines = [f"corpus {args.corpus}{size}, index built in {build.seconds:.2f} s{ablated}"]
        for name, (questions, results) in runs.items():
            baseline = None if baselines is None else baselines[name]
            lines.extend(
                format_report(name, questions, results, verbose=args.verbose, baseline=baseline)
            )
        print("\n".join(lines))
    if errors:
        print(f"eval: {errors} question(s) made the engine raise; see ERROR above", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
