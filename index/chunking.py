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

from index.loader import Document
from index.models import SECTION_SEPARATOR, Passage

#: Longest passage (characters) before a section is split; fits a Discord embed field comfortably.
MAX_CHARS = 900
#: Small neighbouring paragraphs of one section are packed together up to this size (or up to
#: `MAX_CHARS` when the first is a short lead-in that would be useless on its own).
TARGET_CHARS = 700

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^(\s*)(?:[-*+•]|\d{1,3}[.)])\s+(.*)$")
_SENTENCE_END = re.compile(r"(?<=[.!?…])([\"”’)\]]*)\s+(?=[\"“‘(\[]?[A-Z0-9])")
_OPEN_QUOTES = '"“'

_INLINE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images → alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links → link text
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference links
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),  # autolinks
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),  # inline HTML tags
    (re.compile(r"`([^`]*)`"), r"\1"),  # code spans
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),  # emphasis *x*
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),  # emphasis _x_
    (re.compile(r"~~(.+?)~~"), r"\1"),  # strikethrough
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])"), r"\1"),  # escapes
)


def strip_inline(text: str) -> str:
    """Plain text of one line of Markdown (links keep their words, emphasis marks go)."""
    for pattern, repl in _INLINE_RULES:
        text = pattern.sub(repl, text)
    return " ".join(text.split())


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


def _markdown_sections(doc: Document) -> list[_Section]:
    stack: list[tuple[int, str]] = []
    sections: list[_Section] = []
    current = _Section(_path(doc, stack), [])
    paragraph: list[str] = []
    items: list[str] = []
    in_fence = False

    def flush_paragraph() -> None:
        if paragraph:
            text = strip_inline(" ".join(paragraph))
            if text:
                current.blocks.append(_Block([text], is_list=False))
            paragraph.clear()

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

    for raw in doc.text.split("\n"):
        line = raw.rstrip()
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence:
            if line.strip():
                paragraph.append(line.strip())
            continue
        heading = _HEADING.match(line)
        if heading:
            flush_paragraph()
            flush_list()
            if current.blocks:
                sections.append(current)
            level, title = len(heading.group(1)), strip_inline(heading.group(2))
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, title))
            current = _Section(_path(doc, stack), [])
            continue
        if not line.strip():
            flush_paragraph()
            continue
        if re.fullmatch(r"\s*([-*_])(\s*\1){2,}\s*", line):  # horizontal rule
            flush_paragraph()
            flush_list()
            continue
        item = _LIST_ITEM.match(line)
        if item:
            flush_paragraph()
            depth = len(item.group(1).replace("\t", "    ")) // 2
            items.append("  " * min(depth, 3) + "• " + strip_inline(item.group(2)))
            continue
        if items and raw.startswith((" ", "\t")):  # continuation of a list item
            items[-1] = f"{items[-1]} {strip_inline(line)}"
            continue
        flush_list()
        paragraph.append(line.strip().lstrip(">").strip())
    flush_paragraph()
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
