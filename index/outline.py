"""A document's full heading outline, and a forgiving match of a heading's name.

Passages exist only for sections with text of their own, so a heading that only groups its
subsections ("Year-One Outcomes…", "Recent Articles and News") appears in no passage's path; the
outline puts it back, above its children.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.models import SECTION_SEPARATOR


def outline(sections: Sequence[str]) -> list[str]:
    """Every heading path of a document in reading order, with the headings that have no text
    of their own inserted before their first subsection."""
    out: list[str] = []
    seen: set[str] = set()
    for section in sections:
        names = section.split(SECTION_SEPARATOR)
        for depth in range(1, len(names) + 1):
            path = SECTION_SEPARATOR.join(names[:depth])
            if path not in seen:
                seen.add(path)
                out.append(path)
    return out


def _key(text: str) -> str:
    """Lower case letters and digits only, without parentheses ("Year-One Outcomes (by June
    30, 2023)" → "yearoneoutcomes")."""
    text = re.sub(r"\([^)]*\)", "", text.lower())
    return re.sub(r"[^a-z0-9]+", "", text)


def resolve_section(sections: Sequence[str], wanted: str) -> str | None:
    """The heading path of `outline(sections)` that `wanted` names: the whole path or its last
    heading, exactly, then ignoring case, punctuation and parentheses, then as the start of the
    heading; the first in reading order wins. None when nothing matches."""
    paths = outline(sections)
    typed = wanted.strip()
    if not typed:
        return None
    for path in paths:
        if typed.lower() in (path.lower(), path.rsplit(SECTION_SEPARATOR, 1)[-1].lower()):
            return path
    key = _key(typed.rsplit("›", 1)[-1])
    if not key:
        return None
    lasts = [(p, _key(p.rsplit(SECTION_SEPARATOR, 1)[-1])) for p in paths]
    for test in (lambda k: k == key, lambda k: k.startswith(key), lambda k: key in k):
        for path, last in lasts:
            if last and test(last):
                return path
    return None
