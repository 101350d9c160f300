"""Read the corpus directory into documents; files that cannot be read are skipped, by name.

Accepted: `.md`/`.markdown` (with an optional `---` front-matter block of `key: value` lines),
`.txt`, `.html`/`.htm` (text only; script, style, nav, header and footer dropped) and `.pdf`
(text layer via pypdf). Anything else in the corpus dir, and the admin files that live there
(`README*`, `synonyms.toml`, `schedule.toml`, hidden files), is not a document. A file that is
empty, not UTF-8, binary, unreadable or a corrupt PDF becomes a `SkippedFile` with a plain reason;
it never stops the rest of the corpus from loading.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from index.errors import CorpusError
from index.models import SkippedFile

log = logging.getLogger(__name__)

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
TEXT_SUFFIXES = frozenset({".txt"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
PDF_SUFFIXES = frozenset({".pdf"})
DOCUMENT_SUFFIXES = MARKDOWN_SUFFIXES | TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES

#: Files at any depth that are corpus administration, not documents (compared lower-case, stem).
ADMIN_STEMS = frozenset({"readme", "synonyms", "schedule", "lexicon", "license", "changelog"})

#: Largest file read as a document; bigger ones are skipped with a reason (protects memory).
MAX_FILE_BYTES = 20_000_000

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_FM_LINE = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$")
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Document:
    """One readable corpus file.

    `text` is Markdown for `.md` files and plain text (paragraphs separated by blank lines) for
    the others; `markdown` says which, so the chunker knows whether headings can be trusted.
    `digest` is the SHA-256 of the raw bytes: the reindex diff compares it.
    """

    source: str
    title: str
    origin: str
    organisation: str
    captured: str
    text: str
    markdown: bool
    digest: str
    url: str = ""  # the page itself, from front matter `url:` (http or https only)


@dataclass(frozen=True, slots=True)
class LoadResult:
    """Everything the loader found: documents in path order and the files it skipped."""

    documents: tuple[Document, ...]
    skipped: tuple[SkippedFile, ...]


def is_document_path(path: Path) -> bool:
    """True for files the loader treats as documents (by suffix and name, not content)."""
    if any(part.startswith(".") for part in path.parts):
        return False
    if path.suffix.lower() not in DOCUMENT_SUFFIXES:
        return False
    return path.stem.lower() not in ADMIN_STEMS


def document_paths(corpus_dir: Path) -> list[Path]:
    """Document files under `corpus_dir`, recursively, sorted by relative path."""
    if not corpus_dir.is_dir():
        raise CorpusError(
            f"The corpus folder '{corpus_dir}' does not exist or is not a folder "
            "(set ALLIANCE_CORPUS_DIR)."
        )
    found = []
    for path in corpus_dir.rglob("*"):
        rel = path.relative_to(corpus_dir)
        if is_document_path(rel) and (path.is_file() or path.is_symlink()):
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(corpus_dir).as_posix())


def load_corpus(corpus_dir: Path, *, text_cache: Path | None = None) -> LoadResult:
    """Load every document under `corpus_dir`; unreadable files are reported, not raised.

    With `text_cache` (a folder the index owns), what a PDF yielded — its text, or why it was
    skipped — is kept by the file's content hash, so an unchanged PDF is never parsed twice
    (a slow or hostile one costs its work once, not on every reindex). Entries of files no
    longer in the corpus are dropped."""
    documents: list[Document] = []
    skipped: list[SkippedFile] = []
    used: set[str] = set()
    for path in document_paths(corpus_dir):
        source = path.relative_to(corpus_dir).as_posix()
        try:
            documents.append(load_file(path, source, text_cache=text_cache, used=used))
        except UnreadableFile as exc:
            log.warning("skipping %s: %s", source, exc.reason)
            skipped.append(SkippedFile(source, exc.reason))
    if text_cache is not None and text_cache.is_dir():
        for entry in text_cache.glob("*.json"):
            if entry.stem not in used:
                entry.unlink(missing_ok=True)
    return LoadResult(tuple(documents), tuple(skipped))


class UnreadableFile(Exception):
    """A single file cannot be used as a document; `reason` is shown to admins."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def load_file(
    path: Path, source: str, *, text_cache: Path | None = None, used: set[str] | None = None
) -> Document:
    """Read one file into a `Document`, or raise `UnreadableFile` with a plain reason (a PDF's
    outcome is kept in `text_cache` by content hash; `used` collects the hashes read)."""
    try:
        if not path.is_file():
            raise UnreadableFile("not a regular file (broken link or special file)")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnreadableFile(f"too large ({size // 1_000_000} MB; the limit is 20 MB)")
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"cannot be read ({exc.strerror or type(exc).__name__})") from exc
    if not data.strip():
        raise UnreadableFile("empty file")
    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        if used is not None:
            used.add(digest)
        return _pdf_cached(data, source, path, digest, text_cache)
    text = _decode(data)
    if suffix in HTML_SUFFIXES:
        title, body = html_to_text(text)
        return _plain(body, source, path, digest, title=title, markdown=True)
    if suffix in MARKDOWN_SUFFIXES:
        return _markdown(text, source, path, digest)
    return _plain(text, source, path, digest, title="")


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise UnreadableFile("looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"not UTF-8 text (bad byte at position {exc.start}); save it as UTF-8"
        ) from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnreadableFile("empty file")
    return text


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split a leading `---` block of `key: value` lines from Markdown text."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta: dict[str, str] = {}
    for line in match.group(1).splitlines():
        m = _FM_LINE.match(line.strip())
        if m:
            value = m.group(2).strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            meta[m.group(1).lower()] = value
    return meta, text[match.end() :]


def page_url(value: str) -> str:
    """`value` when it is an http(s) address without spaces, else "" (never a local path)."""
    value = value.strip()
    return value if re.fullmatch(r"https?://[^\s<>\"]+", value) else ""


def _markdown(text: str, source: str, path: Path, digest: str) -> Document:
    meta, body = parse_front_matter(text)
    if not body.strip():
        raise UnreadableFile("has front matter but no text")
    heading = _HEADING.search(body)
    title = meta.get("title") or (heading.group(1).strip() if heading else "") or _name(path)
    return Document(
        source=source,
        title=title,
        origin=meta.get("source", ""),
        organisation=meta.get("organisation", meta.get("organization", "")),
        captured=meta.get("captured", ""),
        text=body,
        markdown=True,
        digest=digest,
        url=page_url(meta.get("url", "")),
    )


def _plain(
    text: str, source: str, path: Path, digest: str, *, title: str, markdown: bool = False
) -> Document:
    if not text.strip():
        raise UnreadableFile("contains no readable text")
    heading = _HEADING.search(text) if markdown else None
    return Document(
        source=source,
        title=title.strip() or (heading.group(1).strip() if heading else "") or _name(path),
        origin="",
        organisation="",
        captured="",
        text=text,
        markdown=markdown,
        digest=digest,
    )


#: Work one PDF may cost, whatever its size in bytes (a small file can inflate enormously): pages
#: read, characters extracted, seconds spent (checked between pages), and bytes any one stream
#: may inflate to. Past a cap the file is skipped with the reason.
MAX_PDF_PAGES = 500
MAX_PDF_CHARS = 2_000_000
MAX_PDF_SECONDS = 20.0
MAX_PDF_STREAM_BYTES = 8_000_000


def _pdf_text(data: bytes) -> tuple[str, str]:
    """(text, metadata title) of a PDF within the work caps, or `UnreadableFile`."""
    import io
    import time

    try:
        import pypdf
        from pypdf import PdfReader

        with pypdf.apply_configuration(
            zlib_maximum_output_length=MAX_PDF_STREAM_BYTES,
            lzw_maximum_output_length=MAX_PDF_STREAM_BYTES,
            run_length_maximum_output_length=MAX_PDF_STREAM_BYTES,
        ):
            reader = PdfReader(io.BytesIO(data))
            if len(reader.pages) > MAX_PDF_PAGES:
                raise UnreadableFile(
                    f"PDF has {len(reader.pages)} pages; at most {MAX_PDF_PAGES} are read "
                    "(split it)"
                )
            started = time.monotonic()
            pages: list[str] = []
            chars = 0
            for page in reader.pages:
                if time.monotonic() - started > MAX_PDF_SECONDS:
                    raise UnreadableFile(
                        f"reading the PDF's text took over {MAX_PDF_SECONDS:.0f} s (a "
                        "compression bomb, or too complex a file)"
                    )
                text = page.extract_text() or ""
                chars += len(text)
                if chars > MAX_PDF_CHARS:
                    raise UnreadableFile(
                        f"the PDF's text is over {MAX_PDF_CHARS:,} characters (split it)"
                    )
                pages.append(text)
            meta_title = ""
            if reader.metadata is not None and reader.metadata.title:
                meta_title = str(reader.metadata.title)
    except UnreadableFile:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files and hit limits
        raise UnreadableFile("not a readable PDF (damaged, encrypted or too large)") from exc
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text.strip():
        raise UnreadableFile("PDF has no text layer (scanned image?)")
    return text, meta_title


def _pdf_cached(data: bytes, source: str, path: Path, digest: str, cache: Path | None) -> Document:
    """A PDF's document, from the text cache when this content was read before."""
    entry = cache / f"{digest}.json" if cache is not None else None
    saved: object = None
    if entry is not None:
        try:
            saved = json.loads(entry.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            saved = None
    if isinstance(saved, dict) and isinstance(saved.get("skip"), str):
        raise UnreadableFile(saved["skip"])
    if isinstance(saved, dict) and isinstance(saved.get("text"), str):
        return _plain(saved["text"], source, path, digest, title=str(saved.get("title", "")))
    try:
        text, title = _pdf_text(data)
    except UnreadableFile as exc:
        _save_entry(entry, {"skip": exc.reason})
        raise
    _save_entry(entry, {"text": text, "title": title})
    return _plain(text, source, path, digest, title=title)


def _save_entry(entry: Path | None, value: dict[str, str]) -> None:
    """Keep one cache entry (best effort: a cache that cannot be written only costs time)."""
    if entry is None:
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        part = entry.with_suffix(".part")
        part.write_text(json.dumps(value), encoding="utf-8")
        os.replace(part, entry)
    except OSError as exc:
        log.warning("PDF text cache not written (%s): %s", entry, exc)


def _name(path: Path) -> str:
    """A readable title from a file name: `member-faq_2024.md` → `Member faq 2024`."""
    words = re.sub(r"[-_]+", " ", path.stem).strip()
    return words[:1].upper() + words[1:] if words else path.name


class _TextExtractor(HTMLParser):
    """Collect visible text as paragraphs; headings become Markdown-like `#` lines."""

    SKIP = frozenset({"script", "style", "nav", "header", "footer", "noscript", "template"})
    BLOCK = frozenset(
        {"p", "div", "section", "article", "br", "tr", "table", "ul", "ol", "blockquote", "main"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in self.BLOCK:
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n\n• ")
        elif len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in self.BLOCK or tag == "li" or (len(tag) == 2 and tag[0] == "h"):
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str]:
    """Visible text of an HTML page as Markdown-ish paragraphs, and its `<title>`."""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception as exc:  # html.parser is lenient; this guards odd edge cases
        raise UnreadableFile("HTML could not be parsed") from exc
    raw = "".join(parser.parts)
    paragraphs = []
    for block in re.split(r"\n\s*\n", raw):
        line = " ".join(block.split())
        if line and line not in {"•", "#"}:
            paragraphs.append(line)
    return " ".join(parser.title.split()), "\n\n".join(paragraphs)
