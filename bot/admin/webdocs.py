"""Web pages as corpus documents: main-text extraction, storage under `corpus/web/`, comparison.

A page becomes `web/<host-and-path>.md`: a front-matter block with `title`, `url` (where the page
was found, after redirects; citations link to it) and `fetched` (UTC), then the page's main text
as Markdown with its headings, extracted by trafilatura (navigation, footers and boilerplate
dropped). Plain-text pages are kept as they are. Two versions are "the same" when title, url and
text match: `fetched` alone never makes a change, so a refresh rewrites only pages whose content
moved, and the index rebuilds only those.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from bot.admin.webfetch import FetchError, Page
from bot.common.files import write_atomic
from index.loader import parse_front_matter

WEB_SUBDIR = "web"
MAX_SLUG = 80
_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)


@dataclass(frozen=True, slots=True)
class Extracted:
    """A page's title and main text (Markdown)."""

    title: str
    markdown: str


@dataclass(frozen=True, slots=True)
class WebDocument:
    """A stored web document: corpus-relative source, its url, title and text."""

    source: str
    url: str
    title: str
    markdown: str
    fetched: str


def extract(page: Page) -> Extracted:
    """The main text of `page`, headings kept; `FetchError` when there is none to index."""
    import trafilatura  # imported on first use: it takes a second or more to load

    text = page.text()
    if page.content_type == "text/plain":
        body = text.strip()
        first = next((ln.strip() for ln in body.splitlines() if ln.strip()), "")
        title = first.lstrip("# ")[:120] or _fallback_title(page.url)
    else:
        body = (
            trafilatura.extract(
                text,
                url=page.url,
                output_format="markdown",
                include_formatting=True,
                include_tables=True,
                include_links=False,
                include_images=False,
                include_comments=False,
                favor_recall=True,
            )
            or ""
        ).strip()
        title = _html_title(text) or _fallback_title(page.url)
    if len(body.split()) < 5:
        raise FetchError(
            f"{page.url[:200]} has no main text to index (is it a page of links or scripts?)"
        )
    return Extracted(_one_line(title), body + "\n")


def _html_title(text: str) -> str:
    import trafilatura

    meta = trafilatura.extract_metadata(text)
    if meta is not None and meta.title:
        return str(meta.title)
    match = _TITLE_TAG.search(text)
    return html.unescape(match.group(1)).strip() if match else ""


def _fallback_title(url: str) -> str:
    parts = urlsplit(url)
    tail = parts.path.rstrip("/").rsplit("/", 1)[-1]
    return tail or parts.hostname or url


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]


def slug(url: str) -> str:
    """`https://www.example.org/About/Our Team?x=1` → `example-org-about-our-team-x-1`."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    raw = f"{host} {parts.path} {parts.query}".lower()
    text = re.sub(r"[^a-z0-9]+", "-", raw).strip("-")
    if len(text) > MAX_SLUG:
        text = text[:MAX_SLUG].rstrip("-") + "-" + hashlib.sha256(url.encode()).hexdigest()[:8]
    return text or hashlib.sha256(url.encode()).hexdigest()[:12]


def source_for(corpus_dir: Path, url: str) -> str:
    """The corpus-relative file for `url`: its own file if it has one, else a new free name."""
    base = slug(url)
    candidate = f"{WEB_SUBDIR}/{base}.md"
    existing = read_document(corpus_dir, candidate)
    if existing is None or existing.url == url:
        return candidate
    for doc in web_documents(corpus_dir):
        if doc.url == url:
            return doc.source
    return f"{WEB_SUBDIR}/{base}-{hashlib.sha256(url.encode()).hexdigest()[:8]}.md"


def render(url: str, extracted: Extracted, fetched: datetime) -> str:
    """The stored Markdown file for a page."""
    stamp = fetched.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"---\ntitle: {extracted.title}\nurl: {url}\nfetched: {stamp}\n---\n\n{extracted.markdown}"
    )


def parse(source: str, text: str) -> WebDocument | None:
    """A stored web document, or None when the file has no `url:` (not one of ours)."""
    meta, body = parse_front_matter(text)
    if not meta.get("url"):
        return None
    return WebDocument(
        source, meta["url"], meta.get("title", ""), body.lstrip("\n"), meta.get("fetched", "")
    )


def read_document(corpus_dir: Path, source: str) -> WebDocument | None:
    path = Path(corpus_dir) / source
    if not path.is_file():
        return None
    return parse(source, path.read_text("utf-8", errors="replace"))


def web_documents(corpus_dir: Path) -> list[WebDocument]:
    """Every stored web document under `corpus/web/`, in path order."""
    root = Path(corpus_dir) / WEB_SUBDIR
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*.md")):
        doc = parse(
            path.relative_to(corpus_dir).as_posix(), path.read_text("utf-8", errors="replace")
        )
        if doc is not None:
            found.append(doc)
    return found


def same(doc: WebDocument | None, url: str, extracted: Extracted) -> bool:
    """True when storing `extracted` would change nothing but the fetch time."""
    return (
        doc is not None
        and doc.url == url
        and doc.title == extracted.title
        and doc.markdown.strip() == extracted.markdown.strip()
    )


def diff(old: WebDocument | None, new: Extracted, *, limit: int = 30) -> list[str]:
    """A short unified diff of the text (`+`/`-` lines only), at most `limit` lines."""
    before = old.markdown.splitlines() if old else []
    lines = [
        line
        for line in difflib.unified_diff(before, new.markdown.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    if len(lines) > limit:
        return [*lines[:limit], f"… {len(lines) - limit} more changed lines"]
    return lines


def write(corpus_dir: Path, source: str, text: str) -> None:
    """Write one web document atomically."""
    write_atomic(Path(corpus_dir) / source, text.encode("utf-8"))
