"""The one place settings become a `SearchEngine` (the bot, the console and the CLI share it)."""

from __future__ import annotations

from bot.settings import Settings
from index.engine import SearchEngine
from index.options import SearchOptions


def search_engine(settings: Settings) -> SearchEngine:
    """An engine over the configured corpus with the configured meaning layer and threshold."""
    return SearchEngine(
        settings.corpus_dir,
        settings.index_dir,
        options=SearchOptions(min_coverage=settings.min_coverage),
        semantic=settings.semantic,
        max_vectors=settings.semantic_max_passages,
    )
