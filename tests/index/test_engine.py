"""The engine's contract: validation, lazy first build, outlines, sections, threads."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from index.engine import SearchEngine
from index.errors import QuestionError
from index.models import SECTION_SEPARATOR


def test_first_question_builds_the_index(engine: SearchEngine, index_dir: Path) -> None:
    assert engine.status().generation is None
    answer = engine.ask("what are the alliance's values?")
    assert answer.answered and "[1]" in answer.answer
    status = engine.status()
    assert status.documents == 3 and status.passages > 20 and status.built_at is not None


@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_empty_questions_are_refused(engine: SearchEngine, question: str) -> None:
    with pytest.raises(QuestionError, match="type a question"):
        engine.ask(question)


def test_too_long_questions_are_refused(engine: SearchEngine) -> None:
    with pytest.raises(QuestionError, match="under 50 characters"):
        engine.ask("values " * 20, max_chars=50)


def test_documents_outline_and_section_passages(engine: SearchEngine) -> None:
    docs = {d.source: d for d in engine.documents()}
    values = docs["learning-alliance/vision-mission-values.md"]
    assert values.title == "Vision, Mission, and Values"
    assert values.origin.startswith("Learning Alliance website")
    our_values = SECTION_SEPARATOR.join(["Vision, Mission, and Values", "Our Values"])
    assert our_values + SECTION_SEPARATOR + "Holistic" in values.sections
    section = engine.passages_for(values.source, our_values)
    names = [p.section.split(SECTION_SEPARATOR)[-1] for p in section]
    assert names[0] == "Our Values" and "Urgency" in names and len(names) == 7
    whole = engine.passages_for(values.source)
    assert [p.position for p in whole] == sorted(p.position for p in whole)
    assert engine.passages_for("nope.md") == []


def test_concurrent_questions_from_many_threads_agree(engine: SearchEngine) -> None:
    expected = engine.ask("membership expectations").hits[0].passage.id
    errors: list[BaseException] = []
    seen: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(6)

    def worker() -> None:
        try:
            start.wait(timeout=10)
            for _ in range(30):
                pid = engine.ask("membership expectations").hits[0].passage.id
                with lock:
                    seen.append(pid)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    assert seen == [expected] * 180


def test_abstention_is_short_and_names_what_it_could_not_find(engine: SearchEngine) -> None:
    answer = engine.ask("who won the football game last night?")
    assert not answer.answered
    assert "football" in answer.answer and len(answer.answer) <= 300
    assert "Vision, Mission, and Values" not in answer.answer  # no list of every document
    assert len(answer.suggestions) <= 3


def test_outline_follows_a_reindex(engine: SearchEngine, corpus: Path) -> None:
    assert len(engine.documents()) == 3
    (corpus / "dues.md").write_text("# Dues\n\nMembers pay no dues.\n")
    engine.reindex()
    assert "dues.md" in {d.source for d in engine.documents()}
    assert [p.text for p in engine.passages_for("dues.md")] == ["Members pay no dues."]
