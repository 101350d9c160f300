"""`alliance-bot ask`: the cited answer from the command line, the way `/ask` answers.

Contract (other tools parse these shapes):
- `ask "QUESTION"` prints the cited answer, then `[n] Title › section`, the source and the quoted
  passage for each hit.
- `ask --json QUESTION` prints one JSON object `{"question", "answered", "answer", "passages"}`
  (at most 5 passages, `Answer.to_json`).
- `ask --json -` reads one question per line from stdin and prints one JSON object per line, in
  order. Blank lines are skipped (they are not questions). A line that cannot be asked (too long)
  gets an object with the same keys, `answered: false`, an empty answer, no passages and an
  `"error"` message; the batch goes on.
`ask` builds the index first when none exists, and answers schedule questions ("when is the next
meeting?") from the live schedule, like the bot (`bot.ask.routing.answer_question`). User errors
are one line on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from typing import Any, TextIO

from bot.ask.routing import ScheduleAnswerer, answer_question
from bot.common.search import search_engine
from bot.schedule.answers import schedule_answerer_for
from bot.settings import Settings
from index.errors import QuestionError
from index.models import Answer

JSON_PASSAGES = 5

log = logging.getLogger(__name__)

Asker = Callable[[str], Answer]


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `ask` to the CLI."""
    ask = sub.add_parser("ask", help="ask a question and print the cited answer")
    ask.add_argument("question", nargs="+", help="the question, or '-' with --json for stdin")
    ask.add_argument("--json", action="store_true", help="print JSON (one object per question)")
    ask.add_argument("--limit", type=int, default=5, help="passages to show (1-10, default 5)")
    ask.set_defaults(handler=ask_handler)


def ask_handler(args: argparse.Namespace, settings: Settings) -> int:
    """Answer one question (text or JSON) or a stdin batch (JSON lines)."""
    question = " ".join(args.question)
    limit = max(1, min(int(args.limit), 10))
    if question.strip() == "-" and not args.json:
        raise QuestionError("reading questions from stdin ('-') needs --json")
    engine = search_engine(settings)
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
