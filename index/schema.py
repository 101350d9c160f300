"""The Whoosh schema: what is searchable, how it is weighted, and what is stored for citations.

Fields:
- `heading` (the section's own headings, without the document title) and `body` are stemmed and
  scored with BM25F; `heading` carries a field boost because a question that names a section
  ("membership expectations") should land on that section.
- The document title is stored, not indexed: it is never searched, and the two things asked of
  its words (is a word in a title, in how many passages) come from `index.words`' table, as do
  the unstemmed words the spelling corrector checks.
- `source` is indexed only to count documents (its lexicon).
- `id`, `source`, `title`, `section`, `text`, `origin`, `position` are stored to rebuild a
  `Passage`.
"""

from __future__ import annotations

from whoosh import scoring
from whoosh.fields import ID, STORED, TEXT, Schema

from index.analysis import stem_analyzer

#: Bump when the schema, the analysis or the chunking changes: an index of another format is
#: rebuilt, not reused (a no-change reindex trusts the old manifest's passages per file).
INDEX_FORMAT = 10

HEADING_BOOST = 2.0
BODY_BOOST = 1.0


def build_schema() -> Schema:
    """A fresh schema object (Whoosh schemas hold analyzers, so do not share one across indexes)."""
    return Schema(
        id=STORED(),  # read back, never searched: an indexed id cost a term per passage
        source=ID(stored=True),
        title=STORED(),
        heading=TEXT(analyzer=stem_analyzer(), field_boost=HEADING_BOOST, phrase=True),
        body=TEXT(analyzer=stem_analyzer(), field_boost=BODY_BOOST, phrase=True),
        section=STORED(),
        text=STORED(),
        origin=STORED(),
        url=STORED(),
        position=STORED(),  # only read back; indexing it cost 8 numeric terms a passage
    )


def weighting() -> scoring.BM25F:
    """BM25F; the short heading field is length-normalised less than the body."""
    return scoring.BM25F(B=0.75, K1=1.2, heading_B=0.3)
