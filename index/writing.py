"""Writing passages into a Whoosh segment with each passage's words analysed once.

`SegmentWriter.add_document` runs every text field's analyzer chain token by token (the title,
heading and body through the stemming chain), and at commit looks every posting's field length
up again in the length column it has just written. At 20,000 passages that was most of a
reindex. `FastDocuments` produces the very same postings, stored fields and lengths with one
regex pass per text (`analysis.folded_words`), cached Porter stems, cached results for the title and
heading (shared by a document's passages), and the lengths kept in memory for the commit.

The index written is the one `add_document` writes, byte for byte in its postings
(`tests/index/test_writing.py` compares the two); it leans on Whoosh's writer internals
(`perdocwriter`, `pool`, `per_document_reader`), so a Whoosh upgrade must keep that test green.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from whoosh.fields import FieldType
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import IndexWriter, SegmentWriter

from index.analysis import folded_words, stem, stem_analyzer

#: One posting's (term bytes, frequency, weight, encoded value), as `FieldType.index` yields.
Item = tuple[bytes, int, float, bytes]
#: The one analysis reproduced here (the `stem_analyzer` chain); other fields go through Whoosh.
STEMMED = "stemmed"


class FastDocuments:
    """Adds documents to a Whoosh `SegmentWriter`; call `install()` before the commit.

    `text_fields` names the schema's text fields by the analysis they get (`STEMMED`: the
    `stem_analyzer` chain); a field whose schema type is not what this module reproduces falls
    back to Whoosh's own `field.index`.
    """

    def __init__(
        self,
        writer: IndexWriter,
        text_fields: dict[str, str],
        repeated: frozenset[str] = frozenset(),
    ) -> None:
        if not isinstance(writer, SegmentWriter):  # procs > 1 gives another writer
            raise TypeError(f"FastDocuments needs a one-process SegmentWriter, not {writer!r}")
        self.writer = writer
        self.schema = writer.schema
        self._fields = {
            name: kind
            for name, kind in text_fields.items()
            if _reproducible(self.schema[name], kind)
        }
        self._repeated = repeated  # fields whose values repeat across documents (cached)
        self._cache: dict[tuple[str, str], tuple[list[Item], int]] = {}
        #: field → docnum → length as the length column gives it back (None when absent)
        self.lengths: dict[str, dict[int, int | None]] = {}

    def add(self, fields: dict[str, Any]) -> None:
        """Like `writer.add_document(**fields)` (no `_boost` keys, no vectors, no spelling
        sub-fields: the project's schema has none)."""
        writer = self.writer
        perdoc = writer.perdocwriter
        schema = self.schema
        docnum = writer.docnum
        postings: list[tuple[str, bytes, int, float, bytes]] = []
        perdoc.start_doc(docnum)
        try:
            for name in sorted(fields):
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    kind = self._fields.get(name)
                    if kind is not None:
                        items, length = self._analysed(name, kind, value)
                        if not field.scorable:
                            length = 0
                        postings.extend((name, t, docnum, w, v) for t, _f, w, v in items)
                    else:
                        for tbytes, freq, weight, vbytes in field.index(value):
                            if field.scorable:
                                length += freq
                            postings.append((name, tbytes, docnum, weight, vbytes))
                    self._remember_length(name, docnum, length)
                perdoc.add_field(name, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    perdoc.add_column_value(name, column, field.to_column_value(value))
        except ValueError:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        _pool_extend(writer.pool, postings)
        writer._added = True
        writer.docnum += 1

    def install(self) -> None:
        """Make the commit read field lengths from memory instead of the length columns."""
        real = self.writer.per_document_reader
        lengths = self.lengths

        def per_document_reader() -> _MemoryLengths:
            return _MemoryLengths(real(), lengths)  # type: ignore[no-untyped-call]

        self.writer.per_document_reader = per_document_reader  # type: ignore[method-assign]

    def _remember_length(self, name: str, docnum: int, length: int) -> None:
        # what W3PerDocReader.doc_field_length gives back: the length through its one-byte
        # encoding, or None when no byte was written
        lbyte = length_to_byte(length) if length else 0
        self.lengths.setdefault(name, {})[docnum] = byte_to_length(lbyte) if lbyte else None

    def _analysed(self, name: str, kind: str, value: str) -> tuple[list[Item], int]:
        key = (name, value)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        boost = float(self.schema[name].format.field_boost)
        out = _stemmed(value, boost, self.schema[name].format)
        if name in self._repeated:
            # titles and headings repeat across a document's passages; bodies do not
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[key] = out
        return out


def _stemmed(value: str, boost: float, fmt: Any) -> tuple[list[Item], int]:
    """Postings of `value` through the stemming chain: stop words dropped, the kept words
    numbered on from the first kept word's own position (StopFilter's renumbering)."""
    terms: list[str] = []
    first = -1
    for i, word in enumerate(folded_words(value)):
        s = stem(word)
        if s:
            if first < 0:
                first = i
            terms.append(s)
    if isinstance(fmt, Positions):
        poses: dict[str, list[int]] = {}
        for j, s in enumerate(terms):
            poses.setdefault(s, []).append(first + j)
        encode: Callable[[list[int]], bytes] = fmt.encode
        items = [
            (s.encode("utf-8"), len(p), len(p) * 1.0 * boost, encode(p)) for s, p in poses.items()
        ]
    else:
        counts = Counter(terms)
        items = [(s.encode("utf-8"), n, n * 1.0 * boost, pack_uint(n)) for s, n in counts.items()]
    return items, len(terms)


def _pool_extend(pool: Any, postings: Iterable[tuple[str, bytes, int, float, bytes]]) -> None:
    """`PostingPool.add` for many postings (its run-size estimate, without the per-call cost)."""
    size = 0
    current = pool.current
    names = pool.fieldnames
    for item in postings:
        names.add(item[0])
        size += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4])
        current.append(item)
    pool.currentsize += size
    if pool.currentsize > pool.limit:
        pool.save()


class _MemoryLengths:
    """The per-document reader the commit asks for field lengths, answered from memory."""

    def __init__(self, real: Any, lengths: dict[str, dict[int, int | None]]) -> None:
        self._real = real
        self._lengths = lengths

    def doc_field_length_reader(self, fieldname: str, default: int = 0) -> Callable[[int], Any]:
        known = self._lengths.get(fieldname)
        if known is None:
            return self._real.doc_field_length_reader(fieldname, default)  # type: ignore[no-any-return]
        return known.get

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> Any:
        return self.doc_field_length_reader(fieldname, default)(docnum)

    def close(self) -> None:
        self._real.close()


def _reproducible(field: FieldType, kind: str) -> bool:
    """Whether `field` is analysed exactly as this module analyses `kind` texts: the project's
    own analyzer object, a frequency or positions format, no vectors or spelling sub-field."""
    return (
        kind == STEMMED
        and field.analyzer is stem_analyzer()
        and type(field.format) in (Frequency, Positions)
        and not field.separate_spelling()
        and not field.vector
    )
