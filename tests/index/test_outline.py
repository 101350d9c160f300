"""`/docs` outlines show every heading, children under their own parent, and a heading opens by
a forgiving match of its name (including headings with no text of their own)."""

from __future__ import annotations

import pytest

from bot.common.cards import to_text
from bot.docs.replies import outline_reply, section_reply
from index.engine import SearchEngine
from index.outline import outline, resolve_section

HSTC = "hs-transformation-coalition/coalition.md"
HOME = "learning-alliance/home.md"


def _doc(engine: SearchEngine, source: str):
    return next(d for d in engine.documents() if d.source == source)


@pytest.mark.parametrize(
    ("source", "heading", "child"),
    [
        (HSTC, "Year-One Outcomes (by June 30, 2023)", "Focus on Learning"),
        (HSTC, "Potential Year-Two Outcomes (July 1, 2023-June 30, 2024)", "Focus on Planning"),
        (HOME, "Recent Articles and News", "Personalized education and economic development"),
    ],
)
def test_headings_without_text_appear_above_their_children(
    seed_engine: SearchEngine, source: str, heading: str, child: str
) -> None:
    text = to_text(outline_reply(_doc(seed_engine, source)))
    lines = text.splitlines()
    parent = next(i for i, line in enumerate(lines) if line.strip() == f"• {heading}")
    kid = next(i for i, line in enumerate(lines) if line.strip().startswith(f"• {child}"))
    assert parent < kid
    indent = len(lines[parent]) - len(lines[parent].lstrip())
    assert len(lines[kid]) - len(lines[kid].lstrip()) == indent + 2
    assert ".md" not in text and "captured" not in text


def test_every_path_of_the_outline_has_its_parent_before_it(seed_engine: SearchEngine) -> None:
    for doc in seed_engine.documents():
        paths = outline(doc.sections)
        assert set(doc.sections) <= set(paths)
        for i, path in enumerate(paths):
            if " › " in path:
                assert path.rsplit(" › ", 1)[0] in paths[:i]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Year-One Outcomes", "Year-One Outcomes (by June 30, 2023)"),
        ("year one outcomes", "Year-One Outcomes (by June 30, 2023)"),
        ("Year-One Outcomes (by June 30, 2023)", "Year-One Outcomes (by June 30, 2023)"),
        ("year-two", "Potential Year-Two Outcomes (July 1, 2023-June 30, 2024)"),
        ("membership expectations", "Membership Expectations"),
        ("qualifications", "Member Qualifications, Skills, and Experience"),
        ("focus on learning", "Focus on Learning"),
    ],
)
def test_a_heading_opens_by_a_forgiving_match(
    seed_engine: SearchEngine, typed: str, expected: str
) -> None:
    path = resolve_section(_doc(seed_engine, HSTC).sections, typed)
    assert path is not None and path.endswith(expected)


def test_a_heading_with_no_text_opens_with_its_subsections(seed_engine: SearchEngine) -> None:
    doc = _doc(seed_engine, HSTC)
    path = resolve_section(doc.sections, "Year-One Outcomes")
    assert path is not None
    passages = seed_engine.passages_for(doc.source, path)
    text = to_text(section_reply(doc, path, passages))
    assert "Year-One Outcomes" in text.splitlines()[0]
    assert text.count("• Members") == 7


def test_nothing_matches_nonsense(seed_engine: SearchEngine) -> None:
    assert resolve_section(_doc(seed_engine, HSTC).sections, "zebra budget") is None
    assert resolve_section(_doc(seed_engine, HSTC).sections, "  ") is None
