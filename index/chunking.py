"""Cut documents into passages a member can read in Discord: one section, a few sentences.

Each passage carries its heading path (`Doc › Section › Subsection`, joined with
`SECTION_SEPARATOR`) and plain text with no Markdown markup: list items become `• ` lines, links
keep their words, emphasis marks go. A list stays with the line that introduces it. Sections longer
than `MAX_CHARS` are split on paragraph, list-item and sentence boundaries, never mid-sentence
unless a single sentence is itself too long. Ids are a hash of source, section and text, so they
stay the same across reindexes while the words stay the same.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from index.loader import Document
from index.models import SECTION_SEPARATOR, Passage

#: Longest passage (characters) before a section is split; fits a Discord embed field comfortably.
MAX_CHARS = 900
#: Small neighbouring paragraphs of one section are packed together up to this size (or up to
#: `MAX_CHARS` when the first is a short lead-in that would be useless on its own).
TARGET_CHARS = 700

_SENTENCE_END = re.compile(r"(?<=[.!?…])([\"”’)\]]*)\s+(?=[\"“‘(\[]?[A-Z0-9])")
_OPEN_QUOTES = '"“'


@dataclass(slots=True)
class _Block:
    """A paragraph, or a list (optionally with its lead-in line), inside one section."""

    lines: list[str]
    is_list: bool

    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(slots=True)
class _Section:
    path: str
    blocks: list[_Block]


#: Abbreviations whose full stop ends no sentence: a short list, because a library splitter
#: (NLTK's punkt, pySBD) would mean a model or a large dependency for four kinds of case.
_ABBREVIATION = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|vs|Dr|Mr|Mrs|Ms|Prof|St|Jr|Sr|No|Nos|Vol|Inc|Ltd|Co|Corp|approx)"
    r"|\b(?:[A-Z]\.){2,}[A-Z]?|\b[A-Z])\.$"
)


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph (a simple, predictable splitter: `. ` before a capital).

    A closing quote stays with its sentence, and a quoted title ending in "?" or "!" inside a
    sentence (`In "College Ready or College Wrong?" Learning Alliance relayed…`) ends nothing.
    """
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end(1)
        segment = text[start:end].strip()
        closing = m.group(1)
        if (
            text[m.start() - 1] in "?!"
            and closing
            and closing[0] in '"”'
            and segment[:1] not in _OPEN_QUOTES
            and any(q in segment[: -len(closing)] for q in _OPEN_QUOTES)
        ):
            continue  # a quoted title inside the sentence
        if _ABBREVIATION.search(text[: m.start()]):
            continue  # "e.g. Dr. Smith", "the U.S. Department", "No. 5"
        out.append(segment)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]


def chunk_document(doc: Document) -> list[Passage]:
    """All passages of one document, in reading order, with stable ids."""
    sections = _markdown_sections(doc) if doc.markdown else _plain_sections(doc)
    passages: list[Passage] = []
    seen: dict[str, int] = {}
    for section in sections:
        for text in _pack(section.blocks):
            key = f"{doc.source}\x00{section.path}\x00{text}"
            pid = hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]
            if pid in seen:  # the same text twice in one section: keep ids unique and stable
                seen[pid] += 1
                pid = f"{pid}-{seen[pid]}"
            else:
                seen[pid] = 1
            passages.append(
                Passage(
                    id=pid,
                    source=doc.source,
                    title=doc.title,
                    section=section.path,
                    text=text,
                    origin=doc.origin,
                    position=len(passages),
                    url=doc.url,
                )
            )
    return passages


#: CommonMark with GitHub's tables and strikethrough; raw HTML is recognised so its tags can go.
#: The core `inline` pass is left to `inline_text`, which skips it for text with no inline markup
#: (most prose paragraphs), the costliest pass of a parse. `text_join` only works on what that
#: pass makes, and `inline_text` reads `text_special` as text itself.
_MARKDOWN = (
    MarkdownIt("commonmark", {"html": True})
    .enable(["table", "strikethrough"])
    .disable(["inline", "text_join"])
)
#: Characters that start an inline rule of `_MARKDOWN` (escape, code, emphasis, strikethrough,
#: link, image, autolink, raw HTML, entity); text with none of them parses to itself.
_INLINE_MARKUP = re.compile(r"[\\`*_~\[<&]")
_TAG = re.compile(r"</?[A-Za-z][^>]*>|<!--.*?-->", re.S)
#: A paragraph that is a bullet line of converted HTML (`loader.html_to_text` writes `• item`).
_BULLET = re.compile(r"^•\s+(.*)$", re.S)


def inline_text(token: Token, env: dict[str, Any]) -> str:
    """The plain words of one inline token: links keep their text, images their alt text, code
    its content; emphasis marks, raw HTML tags and link targets go. `env` is the block parse's
    (it holds the reference definitions `[text][ref]` links resolve against)."""
    content = token.content
    if not token.children:
        if not _INLINE_MARKUP.search(content):
            return " ".join(content.split())
        token.children = []
        _MARKDOWN.inline.parse(content, _MARKDOWN, env, token.children)
    parts: list[str] = []
    for child in token.children:
        if child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return " ".join("".join(parts).split())


def _markdown_sections(doc: Document) -> list[_Section]:
    """Sections of a Markdown document, parsed by markdown-it-py (CommonMark): ATX and underlined
    (`===` / `---`) headings open sections; paragraphs, quotes and code become plain blocks;
    lists become `• ` lines (nested ones indented) kept with a lead-in ending in ":"; a table
    becomes one line per row, cells joined by " · "; reference definitions (`[1]: url`), rules
    and HTML tags leave no text."""
    stack: list[tuple[int, str]] = []
    sections: list[_Section] = []
    current = _Section(_path(doc, stack), [])
    items: list[str] = []
    rows: list[str] = []
    cells: list[str] = []
    depth = 0
    new_item = False

    def add(text: str) -> None:
        if text:
            current.blocks.append(_Block([text], is_list=False))

    def flush_list() -> None:
        if not items:
            return
        lead = current.blocks[-1] if current.blocks else None
        if lead is not None and not lead.is_list and lead.lines[-1].endswith(":"):
            lead.lines.extend(items)  # keep the list with the line that introduces it
            lead.is_list = True
        else:
            current.blocks.append(_Block(list(items), is_list=True))
        items.clear()

    env: dict[str, Any] = {}
    tokens = _MARKDOWN.parse(doc.text, env)
    for n, token in enumerate(tokens):
        kind = token.type
        if kind == "heading_open":
            flush_list()
            if current.blocks:
                sections.append(current)
            level, title = int(token.tag[1]), inline_text(tokens[n + 1], env)
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, title))
            current = _Section(_path(doc, stack), [])
        elif kind in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0:
                flush_list()
        elif kind == "list_item_open":
            new_item = True
        elif kind in ("th_open", "td_open"):
            cells.append("")
        elif kind == "tr_close":
            row = " · ".join(c for c in cells if c)
            if row:
                rows.append(row)
            cells.clear()
        elif kind == "table_close":
            if rows:
                current.blocks.append(_Block(list(rows), is_list=False))
            rows.clear()
        elif kind == "inline":
            if tokens[n - 1].type == "heading_open":
                continue
            text = inline_text(token, env)
            if cells:
                cells[-1] = text
            elif depth:
                if new_item or not items:
                    items.append("  " * min(depth - 1, 3) + "• " + text)
                    new_item = False
                elif text:
                    items[-1] = f"{items[-1]} {text}"
            else:
                bullet = _BULLET.match(text)
                if bullet:
                    items.append("• " + bullet.group(1))
                else:
                    flush_list()
                    add(text)
        elif kind in ("fence", "code_block"):
            flush_list()
            add(" ".join(token.content.split()))
        elif kind == "html_block":
            flush_list()
            add(" ".join(_TAG.sub(" ", token.content).split()))
    flush_list()
    if current.blocks:
        sections.append(current)
    return sections


def _plain_sections(doc: Document) -> list[_Section]:
    blocks = []
    for para in re.split(r"\n\s*\n", doc.text):
        text = " ".join(para.split())
        if text:
            blocks.append(_Block([text], is_list=text.startswith("• ")))
    return [_Section(doc.title, blocks)] if blocks else []


def _path(doc: Document, stack: list[tuple[int, str]]) -> str:
    names = [title for _, title in stack if title]
    if not names or (stack[0][0] != 1 and names[0] != doc.title):
        names.insert(0, doc.title)
    return SECTION_SEPARATOR.join(names)


def _pack(blocks: list[_Block]) -> list[str]:
    """Group a section's blocks into passages of at most `MAX_CHARS`, splitting big blocks."""
    units: list[str] = []
    for block in blocks:
        units.extend(_split_block(block))
    chunks: list[str] = []
    current = ""
    for unit in units:
        if not current:
            current = unit
        elif len(current) + 2 + len(unit) <= (MAX_CHARS if len(current) < 300 else TARGET_CHARS):
            current = f"{current}\n\n{unit}"
        else:
            chunks.append(current)
            current = unit
    if current:
        chunks.append(current)
    return chunks


def _split_block(block: _Block) -> list[str]:
    text = block.text()
    if len(text) <= MAX_CHARS:
        return [text]
    if block.is_list:
        lines: list[str] = []
        for line in block.lines:
            lines.extend(_sentences_or_words(line) if len(line) > MAX_CHARS else [line])
        return _group(lines, "\n")
    pieces: list[str] = []
    for line in block.lines:
        pieces.extend(_group(_sentences_or_words(line), " "))
    return pieces


def _sentences_or_words(text: str) -> list[str]:
    """Sentences; a sentence longer than `MAX_CHARS` is cut between words."""
    out: list[str] = []
    for sentence in split_sentences(text) or [text]:
        while len(sentence) > MAX_CHARS:
            cut = sentence.rfind(" ", 0, MAX_CHARS)
            cut = cut if cut > 0 else MAX_CHARS
            out.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            out.append(sentence)
    return out


def _group(parts: list[str], joiner: str) -> list[str]:
    """Greedily join consecutive parts while the result stays within `MAX_CHARS`."""
    groups: list[str] = []
    current = ""
    for part in parts:
        if current and len(current) + len(joiner) + len(part) > MAX_CHARS:
            groups.append(current)
            current = part
        else:
            current = f"{current}{joiner}{part}" if current else part
    if current:
        groups.append(current)
    return groups
