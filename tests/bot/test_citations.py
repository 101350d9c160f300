"""Citations as a member sees them: markers 1…k in order of first use, k never more than the
sources shown first, each source named by document title › section with a link when the document
has a `url:`, and no capture notes or file paths anywhere in the reply."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.ask.replies import answer_reply
from bot.ask.usecases import SHOWN_SOURCES
from bot.common.cards import to_text
from index.answer import first_use_order
from index.chunking import chunk_document
from index.engine import SearchEngine
from index.loader import load_corpus
from index.models import Answer, Hit, Passage
from tests.eval.dataset import load_questions, split_path

QUESTIONS = [q.question for split in ("dev", "heldout") for q in load_questions(split_path(split))]


def _hit(rank: int, url: str = "") -> Hit:
    passage = Passage(
        f"p{rank}", f"d/doc{rank}.md", "Doc", f"Doc › Part {rank}", "Text.", "", 0, url
    )
    return Hit(rank, passage, 1.0, "Text.")


def test_first_use_order_renumbers_markers_and_reorders_hits() -> None:
    answer = Answer("q", True, "B [3] A [1] B again [3]", tuple(_hit(n) for n in (1, 2, 3, 4)))
    fixed = first_use_order(answer)
    assert fixed.answer == "B [1] A [2] B again [1]"
    assert [h.passage.id for h in fixed.hits] == ["p3", "p1", "p2", "p4"]
    assert [h.rank for h in fixed.hits] == [1, 2, 3, 4]


def test_first_use_order_leaves_ordered_answers_alone() -> None:
    answer = Answer("q", True, "A [1] B [2]", (_hit(1), _hit(2)))
    assert first_use_order(answer) is answer


@pytest.fixture(scope="module")
def replies() -> dict[str, str]:
    import shutil
    import tempfile

    base = Path(tempfile.mkdtemp())
    shutil.copytree(Path(__file__).resolve().parents[2] / "corpus", base / "corpus")
    engine = SearchEngine(base / "corpus", base / "index", lock_timeout=0)
    try:
        out = {}
        for question in QUESTIONS:
            answer = engine.ask(question, limit=SHOWN_SOURCES + 5)
            if answer.answered:
                out[question] = to_text(answer_reply(answer))
        return out
    finally:
        engine.close()
        shutil.rmtree(base, ignore_errors=True)


def test_markers_run_one_to_k_in_first_use_order_within_the_shown_sources(
    replies: dict[str, str],
) -> None:
    assert len(replies) >= 100
    for question, text in replies.items():
        body = text.split("\n\n[1] ", 1)[0]
        used: list[int] = []
        for n in map(int, re.findall(r"\[(\d+)\]", body)):
            if n not in used:
                used.append(n)
        assert used == list(range(1, len(used) + 1)), question
        assert len(used) <= SHOWN_SOURCES, question
        for n in used:
            assert f"\n[{n}] " in text, question  # the cited source is shown


def test_no_capture_notes_or_file_paths_in_member_facing_text(replies: dict[str, str]) -> None:
    for question, text in replies.items():
        assert "captured" not in text, question
        assert "seed 0" not in text, question
        assert ".md" not in text, question


def test_a_citation_names_title_and_section_and_links_the_page() -> None:
    hit = _hit(1, "https://example.org/values")
    card = answer_reply(Answer("q", True, "Text. [1]", (hit,))).cards[0]
    assert card.fields[0].name == "[1] Doc › Part 1"
    assert card.fields[0].value.endswith("— <https://example.org/values>")
    assert (
        "<" not in answer_reply(Answer("q", True, "Text. [1]", (_hit(1),))).cards[0].fields[0].value
    )


@pytest.mark.parametrize(
    ("front", "url"),
    [
        ("url: https://lanlfoundation.org/hstc", "https://lanlfoundation.org/hstc"),
        ('url: "http://example.org/a?b=1"', "http://example.org/a?b=1"),
        ("url: /etc/passwd", ""),
        ("url: javascript:alert(1)", ""),
        ("", ""),
    ],
)
def test_the_loader_reads_the_page_url_from_front_matter(
    tmp_path: Path, front: str, url: str
) -> None:
    (tmp_path / "doc.md").write_text(
        f"---\ntitle: A Doc\n{front}\n---\n\n# A Doc\n\n## Part\n\nSome text here.\n",
        encoding="utf-8",
    )
    doc = load_corpus(tmp_path).documents[0]
    assert doc.url == url
    assert all(p.url == url for p in chunk_document(doc))
