"""The Whoosh schema: what is searchable, how it is weighted, and what is stored for citations.

Fields:
- `title`, `heading` (the section's own headings, without the document title) and `body` are
  stemmed and scored with BM25F; `title` and `heading` carry field boosts because a question that
  names a section ("membership expectations") should land on that section.
- The spelling vocabulary (the same words unstemmed) is not a field: `index.words` keeps it.
- `id`, `source`, `section`, `text`, `origin`, `position` are stored to rebuild a `Passage`.
"""

from __future__ import annotations

from whoosh import scoring
from whoosh.fields import ID, STORED, TEXT, Schema

from index.analysis import stem_analyzer

#: Bump when the schema or analysis changes: an index of another format is rebuilt, not reused.
INDEX_FORMAT = 8

TITLE_BOOST = 1.5
HEADING_BOOST = 2.0
BODY_BOOST = 1.0


def build_schema() -> Schema:
    """A fresh schema object (Whoosh schemas hold analyzers, so do not share one across indexes)."""
    return Schema(
        id=ID(stored=True, unique=True),
        source=ID(stored=True),
        title=TEXT(analyzer=stem_analyzer(), stored=True, field_boost=TITLE_BOOST, phrase=False),
        heading=TEXT(analyzer=stem_analyzer(), field_boost=HEADING_BOOST, phrase=True),
        body=TEXT(analyzer=stem_analyzer(), field_boost=BODY_BOOST, phrase=True),
        section=STORED(),
        text=STORED(),
        origin=STORED(),
        url=STORED(),
        position=STORED(),  # only read back; indexing it cost 8 numeric terms a passage
    )


def weighting() -> scoring.WeightingModel:
    """BM25F; short heading/title fields are length-normalised less than the body."""
    return scoring.BM25F(B=0.75, K1=1.2, title_B=0.3, heading_B=0.3)
