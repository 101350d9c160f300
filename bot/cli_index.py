"""`alliance-bot reindex` and `alliance-bot ask`: the search core from the command line.

Contract (other tools parse these shapes):
- `reindex` prints documents, passages, added/changed/removed, skipped files with reasons and
  the time taken; `--dry-run` shows the same diff without swapping the index; `--force` rebuilds
  even when nothing changed (a damaged serving generation is rebuilt without it).
- `ask "QUESTION"` prints the cited answer, then `[n] Title › section`, the source and the quoted
  passage for each hit.
- `ask --json QUESTION` prints one JSON object `{"question", "answered", "answer", "passages"}`
  (at most 5 passages, `Answer.to_json`).
- `ask --json -` reads one question per line from stdin and prints one JSON object per line, in
  order. Blank lines are skipped (they are not questions). A line that cannot be asked (too long)
  gets an object with the same keys, `answered: false`, an empty answer, no passages and an
  `"error"` message; the batch goes on.
`ask` builds the index first when none exists, and answers schedule questions ("when is the next
meeting?") from the live schedule, like the bot (`bot.answering.answer_question`). `reindex` also
reloads `corpus/schedule.toml`, as the bot does. User errors are one line on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from typing import Any, TextIO

from bot.answering import ScheduleAnswerer, answer_question, schedule_answerer_for
from bot.search_setup import search_engine
from bot.settings import Settings
from index.engine import SearchEngine
from index.errors import QuestionError
from index.models import Answer, ReindexReport

JSON_PASSAGES = 5

log = logging.getLogger(__name__)

Asker = Callable[[str], Answer]


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `reindex` and `ask` to the CLI."""
    reindex = sub.add_parser("reindex", help="rebuild the search index from the corpus folder")
    reindex.add_argument(
        "--dry-run", action="store_true", help="show what would change without swapping"
    )
    reindex.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    reindex.set_defaults(handler=reindex_handler)

    ask = sub.add_parser("ask", help="ask a question and print the cited answer")
    ask.add_argument("question", nargs="+", help="the question, or '-' with --json for stdin")
    ask.add_argument("--json", action="store_true", help="print JSON (one object per question)")
    ask.add_argument("--limit", type=int, default=5, help="passages to show (1-10, default 5)")
    ask.set_defaults(handler=ask_handler)


def _engine(settings: Settings) -> SearchEngine:
    return search_engine(settings)


def reindex_handler(args: argparse.Namespace, settings: Settings) -> int:
    """Rebuild (or preview) the index and print the report."""
    engine = _engine(settings)
    try:
        report = engine.reindex(dry_run=args.dry_run, force=args.force)
    finally:
        engine.close()
    print(format_report(report))
    if not args.dry_run:
        _sync_standing_schedule(settings)
    return 0


def _sync_standing_schedule(settings: Settings) -> None:
    """Reload `schedule.toml` after a reindex; a bad file is reported, the index stays rebuilt."""
    from bot.schedule.errors import ScheduleError
    from bot.schedule.service import open_service
    from bot.services.schedule_actions import standing_path

    path = standing_path(settings.corpus_dir)
    if not path.exists():
        return
    service = open_service(settings)
    try:
        print(f"Schedule: {service.sync_standing(path).summary()}")
    except ScheduleError as exc:
        print(f"Schedule not reloaded: {exc}", file=sys.stderr)
    finally:
        service.conn.close()


def format_report(report: ReindexReport) -> str:
    """The reindex report as a few readable lines."""
    if report.dry_run:
        head = "Dry run: nothing was changed."
    elif report.unchanged:
        head = "Index is up to date: nothing changed since the last reindex."
    else:
        head = "Index rebuilt."
    lines = [
        head,
        f"Documents: {report.documents}   Passages: {report.passages}",
        f"Added: {_names(report.added)}",
        f"Changed: {_names(report.changed)}",
        f"Removed: {_names(report.removed)}",
        f"Passages added: {report.passages_added}   Passages removed: {report.passages_removed}",
    ]
    if report.skipped:
        lines.append(f"Skipped: {len(report.skipped)}")
        lines.extend(f"  - {s.path}: {s.reason}" for s in report.skipped)
    else:
        lines.append("Skipped: none")
    lines.append(f"Time: {report.seconds:.2f} s")
    lines.append(f"Search: {report.search_mode}   Passages embedded: {report.embedded}")
    return "\n".join(lines)


def _names(paths: tuple[str, ...]) -> str:
    return ", ".join(paths) if paths else "none"


def ask_handler(args: argparse.Namespace, settings: Settings) -> int:
    """Answer one question (text or JSON) or a stdin batch (JSON lines)."""
    question = " ".join(args.question)
    limit = max(1, min(int(args.limit), 10))
    if question.strip() == "-" and not args.json:
        raise QuestionError("reading questions from stdin ('-') needs --json")
    engine = _engine(settings)
    schedule = _schedule_answerer(settings)

    def ask(text: str) -> Answer:
        return answer_question(
            text,
            engine=engine,
            schedule=schedule,
            limit=max(limit, JSON_PASSAGES),
            max_chars=settings.max_question_chars,
        )

    try:
        if question.strip() == "-":
            return _batch(ask, sys.stdin, sys.stdout)
        answer = ask(question)
    finally:
        engine.close()
    if args.json:
        print(json.dumps(answer.to_json(limit=JSON_PASSAGES), ensure_ascii=False))
    else:
        print(format_answer(answer, limit=limit))
    return 0


def _schedule_answerer(settings: Settings) -> ScheduleAnswerer | None:
    """The live-schedule answerer, or None when the schedule store cannot be opened (the
    documents still answer; the reason goes to the log)."""
    try:
        return schedule_answerer_for(settings)
    except Exception as exc:
        log.warning("schedule unavailable, answering from the documents only: %s", exc)
        return None


def _batch(ask: Asker, stdin: TextIO, stdout: TextIO) -> int:
    for line in stdin:
        question = line.strip()
        if not question:
            continue
        try:
            obj = ask(question).to_json(limit=JSON_PASSAGES)
        except QuestionError as exc:
            obj = {
                "question": question,
                "answered": False,
                "answer": "",
                "passages": [],
                "error": str(exc),
            }
        stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
        stdout.flush()
    return 0


def format_answer(answer: Answer, *, limit: int = 5) -> str:
    """The human-readable answer: sentences with `[n]`, then each cited passage."""
    lines = [answer.answer, ""]
    if not answer.answered:
        return answer.answer
    for hit in answer.hits[:limit]:
        p = hit.passage
        section = p.section if p.section.startswith(p.title) else f"{p.title} › {p.section}"
        lines.append(f"[{hit.rank}] {section}")
        lines.append(f"    source: {p.source}" + (f" ({p.origin})" if p.origin else ""))
        for quoted in hit.highlighted.split("\n"):
            lines.append(f"    > {quoted}")
        lines.append("")
    return "\n".join(lines).rstrip()
