"""The search engine as the bot sees it: `SearchCore`, the part of `index.engine.SearchEngine`
the features use (a protocol, so tests can pass any engine), and `search_engine`, the one place
settings become a `SearchEngine` (the bot, the console and the CLI share it)."""

from __future__ import annotations

from typing import Protocol

from bot.settings import Settings
from index.engine import SearchEngine
from index.models import Answer, DocumentOutline, IndexStatus, Passage, ReindexReport
from index.options import SearchOptions


class SearchCore(Protocol):
    """The part of `index.engine.SearchEngine` the bot uses (thread-safe, blocking)."""

    def ask(self, question: str, *, limit: int = 5, max_chars: int = 500) -> Answer: ...

    def reindex(self, *, dry_run: bool = False, force: bool = False) -> ReindexReport: ...

    def status(self) -> IndexStatus: ...

    def serving_ok(self) -> bool: ...

    def documents(self) -> list[DocumentOutline]: ...

    def passages_for(self, source: str, section: str | None = None) -> list[Passage]: ...


def search_engine(settings: Settings) -> SearchEngine:
    """An engine over the configured corpus with the configured meaning layer and threshold."""
    return SearchEngine(
        settings.corpus_dir,
        settings.index_dir,
        options=SearchOptions(min_coverage=settings.min_coverage),
        semantic=settings.semantic,
        max_vectors=settings.semantic_max_passages,
        build_processes=settings.build_processes or None,
    )
