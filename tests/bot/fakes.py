"""A small, honest stand-in for `index.engine.SearchEngine` (keyword overlap over a few passages).

It keeps the same contract (ask/reindex/status/documents/passages_for), so the bot layer can be
tested before and independently of the real search core.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.app.wiring import App, build_app
from bot.common.search import SearchCore
from bot.settings import Settings
from index.errors import QuestionError
from index.models import (
    Answer,
    DocumentOutline,
    Hit,
    IndexStatus,
    Passage,
    ReindexReport,
    SkippedFile,
)

STOP = {"what", "are", "the", "is", "a", "of", "do", "does", "to", "how", "s", "and", "in"}


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in STOP}


def passage(pid: str, source: str, title: str, section: str, text: str) -> Passage:
    return Passage(id=pid, source=source, title=title, section=section, text=text, origin="test")


VALUES = "learning-alliance/values.md"
COALITION = "coalition/coalition.md"

DEFAULT_PASSAGES = [
    passage("v1", VALUES, "Values", "Values › Our Values", "The alliance values equity."),
    passage("v2", VALUES, "Values", "Values › Holistic", "Holistic values see the whole child."),
    passage("v3", VALUES, "Values", "Values › Respectful", "Respectful values honour families."),
    passage("v4", VALUES, "Values", "Values › Urgency", "Urgency values act now for students."),
    passage("v5", VALUES, "Values", "Values › World View", "World view values prepare students."),
    passage("c1", COALITION, "Coalition", "Coalition › Membership", "Members attend meetings."),
]


class FakeEngine:
    """Keyword-overlap search; `reindex` re-reads `.md`/`.txt` files of a corpus dir if given."""

    def __init__(self, passages: list[Passage] | None = None, corpus_dir: Path | None = None):
        self.passages = list(DEFAULT_PASSAGES if passages is None else passages)
        self.corpus_dir = corpus_dir
        self.built_at: datetime | None = datetime(2026, 11, 1, tzinfo=UTC)
        self.reindexes: list[bool] = []

    def ask(self, question: str, *, limit: int = 5, max_chars: int = 500) -> Answer:
        if not question.strip():
            raise QuestionError("empty question")
        if len(question) > max_chars:
            raise QuestionError("question too long")
        q = words(question)
        scored = [(len(q & words(p.section + " " + p.text)), p) for p in self.passages]
        scored = [(s, p) for s, p in scored if s > 0]
        scored.sort(key=lambda sp: (-sp[0], sp[1].id))
        hits = tuple(
            Hit(rank=i + 1, passage=p, score=float(s), highlighted=p.text)
            for i, (s, p) in enumerate(scored[:limit])
        )
        if not hits:
            return Answer(question, False, "I couldn't find that in the documents.", ())
        return Answer(question, True, f"{hits[0].passage.text} [1]", hits)

    def reindex(self, *, dry_run: bool = False, force: bool = False) -> ReindexReport:
        self.reindexes.append(dry_run)
        skipped: list[SkippedFile] = []
        if self.corpus_dir is not None and not dry_run:
            kept = [p for p in self.passages if not p.source.startswith("uploads/")]
            for path in sorted((self.corpus_dir / "uploads").glob("*")):
                rel = f"uploads/{path.name}"
                try:
                    text = path.read_text("utf-8")
                except UnicodeDecodeError:
                    skipped.append(SkippedFile(rel, "not UTF-8"))
                    continue
                if path.suffix == ".pdf":
                    skipped.append(SkippedFile(rel, "PDF has no text"))
                    continue
                kept.append(passage(rel, rel, path.stem, path.stem, text))
            self.passages = kept
        docs = {p.source for p in self.passages}
        return ReindexReport(
            documents=len(docs),
            passages=len(self.passages),
            skipped=tuple(skipped),
            dry_run=dry_run,
        )

    def serving_ok(self) -> bool:
        return True

    def status(self) -> IndexStatus:
        docs = {p.source for p in self.passages}
        return IndexStatus(len(docs), len(self.passages), self.built_at, "g1")

    def documents(self) -> list[DocumentOutline]:
        out: dict[str, DocumentOutline] = {}
        for p in self.passages:
            doc = out.get(p.source)
            sections = (doc.sections if doc else ()) + (p.section,)
            out[p.source] = DocumentOutline(p.source, p.title, p.origin, sections)
        return list(out.values())

    def passages_for(self, source: str, section: str | None = None) -> list[Passage]:
        return [
            p
            for p in self.passages
            if p.source == source
            and (section is None or p.section == section or p.section.startswith(section + " › "))
        ]  # like `SearchEngine.passages_for`: the section and its subsections


class Clock:
    """A settable aware-UTC clock."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        from datetime import timedelta

        self.now += timedelta(seconds=seconds)


class ScheduleClock:
    """A `bot.schedule.domain.clock.Clock` over a plain `() -> datetime` (the `Clock` above)."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now()

    async def sleep(self, seconds: float) -> None:
        raise AssertionError("these tests never sleep")


def make_app(
    settings: Settings, engine: SearchCore, clock: Callable[[], datetime], *, discord: bool = True
) -> App:
    """Every feature wired as the bot wires it, over `engine` and a test clock."""
    return build_app(settings, engine=engine, clock=ScheduleClock(clock), discord=discord)
