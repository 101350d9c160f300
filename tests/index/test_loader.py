"""The loader reads every supported format and skips bad files by name, never fatally."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.errors import CorpusError
from index.loader import html_to_text, load_corpus, parse_front_matter


def make_pdf(text: str) -> bytes:
    """A minimal valid one-page PDF whose text layer is `text` (xref offsets computed)."""
    stream = f"BT /F1 18 Tf 72 700 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


PDF = make_pdf("Coalition budget report")


def write(root: Path, rel: str, data: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")


def test_front_matter_title_and_fallbacks(tmp_path: Path) -> None:
    write(tmp_path, "a/with-meta.md", "---\ntitle: Our Charter\nsource: 'minutes'\n---\n# X\nHi.")
    write(tmp_path, "b/heading-only.md", "Intro.\n\n# Member Handbook\n\nText.")
    write(tmp_path, "c/member-faq_2024.txt", "Plain text about dues.")
    docs = {d.source: d for d in load_corpus(tmp_path).documents}
    assert docs["a/with-meta.md"].title == "Our Charter"
    assert docs["a/with-meta.md"].origin == "minutes"
    assert docs["b/heading-only.md"].title == "Member Handbook"
    assert docs["c/member-faq_2024.txt"].title == "Member faq 2024"


def test_html_keeps_text_and_drops_script_style_nav(tmp_path: Path) -> None:
    write(
        tmp_path,
        "page.html",
        "<html><head><title>Board Page</title><style>p{color:red}</style></head><body>"
        "<nav>Home | About</nav><h1>Board</h1><p>The board meets &amp; votes.</p>"
        "<script>alert('x')</script><ul><li>Chair</li><li>Treasurer</li></ul></body></html>",
    )
    (doc,) = load_corpus(tmp_path).documents
    assert doc.title == "Board Page"
    assert "The board meets & votes." in doc.text and "• Chair" in doc.text
    for gone in ("alert", "color:red", "Home | About"):
        assert gone not in doc.text


def test_pdf_text_is_loaded(tmp_path: Path) -> None:
    write(tmp_path, "report.pdf", PDF)
    result = load_corpus(tmp_path)
    assert result.skipped == ()
    assert "Coalition budget report" in result.documents[0].text


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("latin1.txt", "caf\xe9 menu".encode("latin-1"), "not UTF-8"),
        ("empty.md", b"  \n", "empty"),
        ("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "PDF"),
        ("only-meta.md", b"---\ntitle: T\n---\n", "no text"),
    ],
)
def test_bad_files_are_skipped_by_name_and_the_rest_loads(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    write(tmp_path, "good.md", "# Good\n\nReadable text.")
    write(tmp_path, f"sub/{name}", data)
    result = load_corpus(tmp_path)
    assert [d.source for d in result.documents] == ["good.md"]
    assert len(result.skipped) == 1
    assert result.skipped[0].path == f"sub/{name}"
    assert reason.lower() in result.skipped[0].reason.lower()


def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    write(tmp_path, "good.md", "# Good\n\nText.")
    (tmp_path / "dangling.md").symlink_to(tmp_path / "missing-target.md")
    result = load_corpus(tmp_path)
    assert [s.path for s in result.skipped] == ["dangling.md"]
    assert [d.source for d in result.documents] == ["good.md"]


def test_admin_and_other_files_are_not_documents(tmp_path: Path) -> None:
    for rel in ("README.md", "synonyms.toml", "schedule.toml", "notes.docx", ".hidden/x.md"):
        write(tmp_path, rel, "# Not a document\n\ntext")
    write(tmp_path, "doc.md", "# Doc\n\nText.")
    result = load_corpus(tmp_path)
    assert [d.source for d in result.documents] == ["doc.md"]
    assert result.skipped == ()


def test_missing_corpus_dir_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")


def test_front_matter_parser_leaves_text_without_block_alone() -> None:
    assert parse_front_matter("# Title\n---\nx") == ({}, "# Title\n---\nx")
    meta, body = parse_front_matter("---\nTitle: A: B\n---\nbody")
    assert meta == {"title": "A: B"} and body == "body"


def test_html_to_text_headings_become_markdown() -> None:
    title, text = html_to_text("<h2>Dues</h2><p>Ten dollars.</p>")
    assert title == "" and text.split("\n\n") == ["## Dues", "Ten dollars."]


def test_a_pdf_is_capped_by_work_not_bytes(tmp_path, monkeypatch) -> None:
    import io

    from pypdf import PdfWriter

    from index import loader

    writer = PdfWriter()
    for _ in range(12):
        writer.add_blank_page(612, 792)
    buffer = io.BytesIO()
    writer.write(buffer)
    (tmp_path / "many.pdf").write_bytes(buffer.getvalue())  # a few KB of file
    monkeypatch.setattr(loader, "MAX_PDF_PAGES", 10)
    result = loader.load_corpus(tmp_path)
    assert result.documents == ()
    (skipped,) = result.skipped
    assert "12 pages; at most 10 are read" in skipped.reason


def test_an_unchanged_pdf_is_parsed_once_across_reindexes_even_when_skipped(
    tmp_path, monkeypatch
) -> None:
    import io

    from pypdf import PdfWriter

    from index import loader
    from index.engine import SearchEngine

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(612, 792)
    buffer = io.BytesIO()
    writer.write(buffer)
    (corpus / "scan.pdf").write_bytes(buffer.getvalue())  # no text layer: skipped
    (corpus / "a.md").write_text("# Guide\n\n## Visits\n\nSchool visits are in spring.\n")
    calls = []
    real = loader._pdf_text
    monkeypatch.setattr(loader, "_pdf_text", lambda data: calls.append(1) or real(data))
    engine = SearchEngine(corpus, tmp_path / "index", semantic=False)
    first = engine.reindex()
    (corpus / "b.md").write_text("# Other\n\n## Notes\n\nMore notes here.\n")
    second = engine.reindex()
    assert [s.path for s in first.skipped] == [s.path for s in second.skipped] == ["scan.pdf"]
    assert "no text layer" in second.skipped[0].reason
    assert len(calls) == 1
    engine.close()
