"""Passages follow the document's sections, read cleanly, and keep stable ids."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from index.chunking import MAX_CHARS, chunk_document, split_sentences
from index.loader import Document
from index.models import SECTION_SEPARATOR


def doc(text: str, source: str = "d.md", markdown: bool = True) -> Document:
    return Document(source, "Handbook", "", "", "", text, markdown, "x")


MD = """# Handbook

Welcome to the **coalition**. See [our site](https://example.org) and `docs`.

## Membership

### Dues

Members pay *ten* dollars.

We expect the following:

- attend meetings
- vote on _proposals_

## Empty heading

## Closing

Thanks.
"""


def test_sections_follow_headings_and_text_has_no_markup() -> None:
    passages = chunk_document(doc(MD))
    sections = [p.section for p in passages]
    assert sections == [
        "Handbook",
        SECTION_SEPARATOR.join(["Handbook", "Membership", "Dues"]),
        "Handbook › Closing",
    ]
    assert passages[0].text == "Welcome to the coalition. See our site and docs."
    dues = passages[1].text
    assert "We expect the following:\n• attend meetings\n• vote on proposals" in dues
    for p in passages:
        assert "**" not in p.text and "](" not in p.text and "`" not in p.text


def test_ids_are_stable_and_only_change_with_their_own_text() -> None:
    first = chunk_document(doc(MD))
    again = chunk_document(doc(MD))
    assert [p.id for p in first] == [p.id for p in again]
    edited = chunk_document(doc(MD.replace("Thanks.", "Thank you.")))
    assert [p.id for p in edited][:2] == [p.id for p in first][:2]
    assert edited[2].id != first[2].id
    moved = chunk_document(doc(MD, source="other.md"))
    assert {p.id for p in moved}.isdisjoint(p.id for p in first)


def test_long_sections_split_on_sentence_boundaries_within_limit() -> None:
    sentence = "The coalition reviews every proposal with care and reports back to members. "
    text = "# Handbook\n\n## Long\n\n" + sentence * 40
    passages = chunk_document(doc(text))
    assert len(passages) >= 3
    assert all(len(p.text) <= MAX_CHARS for p in passages)
    assert all(p.text.endswith("members.") for p in passages)
    assert " ".join(p.text for p in passages) == (sentence * 40).strip()


def test_long_list_is_split_between_items_and_keeps_every_item() -> None:
    items = "\n".join(f"- item number {i} " + "word " * 20 for i in range(30))
    passages = chunk_document(doc(f"# Handbook\n\nThe list:\n\n{items}\n"))
    assert all(len(p.text) <= MAX_CHARS for p in passages)
    joined = "\n".join(p.text for p in passages)
    assert all(f"• item number {i} " in joined for i in range(30))
    assert passages[0].text.startswith("The list:\n• item number 0")


def test_plain_text_paragraphs_are_passages_under_the_title() -> None:
    passages = chunk_document(doc("First para.\n\nSecond para.", markdown=False))
    assert [p.section for p in passages] == ["Handbook"]
    assert passages[0].text == "First para.\n\nSecond para."


def test_a_quoted_title_ending_in_a_question_mark_does_not_end_the_sentence() -> None:
    from index.chunking import split_sentences

    text = 'In "College Ready or College Wrong?" Learning Alliance relayed it. Is it? Yes.'
    assert split_sentences(text) == [
        'In "College Ready or College Wrong?" Learning Alliance relayed it.',
        "Is it?",
        "Yes.",
    ]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Bring tools, e.g. Rakes and gloves. Then rest.", 2),
        ("Dr. Smith leads it. She is kind.", 2),
        ("The U.S. Department of Education funds it. Good.", 2),
        ("See No. 5 on the list. Done.", 2),
        ("The plan (i.e. This one) works. Ok.", 2),
        ("It ends here. The next one starts. And a third.", 3),
    ],
)
def test_abbreviations_stay_inside_their_sentence(text: str, sentences: int) -> None:
    assert len(split_sentences(text)) == sentences


def test_underlined_headings_open_sections_and_tables_and_references_leave_no_markup() -> None:
    text = (
        "Eligibility\n===========\n\nApplicants must teach in New Mexico.\n\n"
        "Deadlines\n---------\n\n"
        "| Round | Closes |\n|-------|--------|\n| First | March 1 |\n| Second | May 15 |\n\n"
        "See the [guide][1] for details.\n\n[1]: https://example.org/guide\n"
    )
    passages = chunk_document(doc(text))
    by_section = {p.section.rsplit(SECTION_SEPARATOR, 1)[-1]: p.text for p in passages}
    assert by_section["Eligibility"] == "Applicants must teach in New Mexico."
    deadlines = by_section["Deadlines"]
    assert "First · March 1" in deadlines and "Second · May 15" in deadlines
    assert "See the guide for details." in deadlines
    assert not any(mark in deadlines for mark in ("|", "---", "[1]", "https://example.org"))
    assert "===" not in "".join(p.text for p in passages)


def test_nested_lists_keep_their_lead_in_and_depth() -> None:
    text = "# Steps\n\nDo this:\n\n- first\n  - first, part a\n- second\n"
    (passage,) = chunk_document(doc(text))
    assert passage.text == "Do this:\n• first\n  • first, part a\n• second"


INLINE_MARKUP = [
    "Plain words\nover two lines  \nand a hard break.",
    "Escapes: \\*not emphasis\\*, \\[not a link\\] and a trailing backslash\\\nbreak.",
    "Entities &amp; &copy; &#169; &nbsp;and a bare & sign, `code *span*` and ``double``.",
    "**Bold**, *it*, _under_, ~~struck~~, ***both*** and snake_case_words stay.",
    'A [link](https://example.org "title"), an ![image *alt*](x.png), <https://auto.link>.',
    "A [reference][ref] and a [collapsed][] one, <b>html</b> and <!-- a comment -->.",
    "Unbalanced [bracket, *star and `tick.",
]


@pytest.mark.parametrize("markup", INLINE_MARKUP)
def test_text_without_inline_markup_skips_the_inline_parse_and_reads_the_same(markup: str) -> None:
    """The chunker parses inline markup only where a paragraph has some: its words are the ones
    markdown-it's full pipeline gives."""
    source = f"# Handbook\n\n{markup}\n\n[ref]: https://example.org/r\n[collapsed]: /c\n"
    full = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    tokens = full.parse(source)
    (inline,) = [t for t in tokens if t.type == "inline" and t.content.startswith(markup[:5])]
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline", "image"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    expected = " ".join("".join(parts).split())
    (passage,) = chunk_document(doc(source))
    assert passage.text == expected
    assert expected and "&amp;" not in expected and "](" not in expected
