"""`index.writing.FastDocuments` writes the index Whoosh's own `add_document` writes.

(Not byte for byte: a title's or heading's encoded positions are one shared object across the
passages that repeat it, which the pickled posting block stores as one memo reference; what
reads back, block bounds included, is the same.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from index import segments
from index.chunking import chunk_document
from index.loader import load_corpus
from index.models import Passage
from index.schema import build_schema
from index.writing import FastDocuments

TRICKY = [
    Passage("t#0", "t.md", "The Title of It", "The Title of It › A b", "the of a it Ünïcödé café"),
    Passage("t#1", "t.md", "The Title of It", "The Title of It", "x y z 3 42 under_score Ｆｕｌｌ"),
    Passage("t#2", "t.md", "The Title of It", "The Title of It › Æsir ﬁle", "ßtraße İstanbul ǅ"),
    Passage("u#0", "u.md", "", "", ""),
    Passage("u#1", "u.md", "u", "u › the", "and and and values value valued the values"),
]


def _build(path: Path, passages: list[Passage], fast: bool) -> Any:
    path.mkdir()
    ix = whoosh_index.create_in(str(path), build_schema())
    writer = ix.writer(procs=1, limitmb=64)
    docs = FastDocuments(writer, segments.TEXT_FIELDS, repeated=segments.REPEATED_FIELDS)
    for passage in passages:
        if fast:
            docs.add(segments.passage_fields(passage))
        else:
            writer.add_document(**segments.passage_fields(passage))
    if fast:
        docs.install()
    writer.commit()
    return ix


def _contents(ix: Any) -> dict[str, Any]:
    with ix.searcher() as searcher:
        reader = searcher.reader()
        postings = {}
        for fieldname, term in reader.all_terms():
            raw = reader.postings(fieldname, term)
            values = []
            while raw.is_active():
                # with the bounds of its block that top-k skipping reads (field lengths)
                bounds = (raw.block_min_length(), raw.block_max_length(), raw.block_max_weight())
                values.append((raw.id(), raw.weight(), raw.value(), bounds))
                raw.next()
            postings[(fieldname, term)] = values
        fields = list(reader.indexed_field_names())
        return {
            "postings": postings,
            "stored": list(reader.all_stored_fields()),
            "lengths": {
                f: [reader.doc_field_length(d, f) for d in range(reader.doc_count_all())]
                for f in fields
            },
            "totals": {f: reader.field_length(f) for f in fields},
            "doc_count": reader.doc_count_all(),
        }


def test_fast_documents_write_what_add_document_writes(tmp_path: Path, corpus: Path) -> None:
    passages = [p for doc in load_corpus(corpus).documents for p in chunk_document(doc)]
    passages += TRICKY
    slow = _contents(_build(tmp_path / "slow", passages, fast=False))
    fast = _contents(_build(tmp_path / "fast", passages, fast=True))
    assert slow["doc_count"] == len(passages)
    assert fast["postings"] == slow["postings"]
    assert fast["stored"] == slow["stored"]
    assert fast["lengths"] == slow["lengths"]
    assert fast["totals"] == slow["totals"]
