"""A large reindex written by several processes serves exactly what a one-process build serves."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

import pytest

from index import segments
from index.engine import SearchEngine
from index.loader import Document

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "tests" / "eval"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed pages and two sets of other people's documents: 19 documents."""
    out = tmp_path_factory.mktemp("corpus")
    shutil.copytree(ROOT / "corpus", out, dirs_exist_ok=True)
    for name in ("foreign5", "foreign6"):
        shutil.copytree(EVAL / name / "corpus", out / name)
    return out


@pytest.fixture(scope="module")
def questions() -> list[str]:
    lines: list[str] = []
    for path in (EVAL / "questions_dev.jsonl", EVAL / "foreign6" / "questions.jsonl"):
        lines += path.read_text(encoding="utf-8").splitlines()[:60]
    return [json.loads(line)["question"] for line in lines]


def _engine(corpus: Path, index: Path, processes: int) -> SearchEngine:
    return SearchEngine(
        corpus, index, semantic=False, build_processes=processes, parallel_min_chars=0
    )


def _served(engine: SearchEngine, questions: list[str]) -> list[Any]:
    out = []
    for q in questions:
        a = engine.ask(q)
        out.append((a.answered, a.answer, [(h.passage.id, h.score) for h in a.hits]))
    return out


def _segment_files(index: Path) -> list[Path]:
    return sorted((index / "current").glob("*.seg"))


def test_three_processes_serve_what_one_serves(
    corpus: Path, questions: list[str], tmp_path: Path
) -> None:
    one = _engine(corpus, tmp_path / "one", processes=1)
    three = _engine(corpus, tmp_path / "three", processes=3)
    report_one, report_three = one.reindex(), three.reindex()
    assert report_three.passages == report_one.passages > 300
    assert len(_segment_files(tmp_path / "one")) == 1
    assert len(_segment_files(tmp_path / "three")) == 3
    # the same passages at the same docnums, the same term tables
    assert three._all_passages() == one._all_passages()
    for table in ("words.tsv", "title_stems.tsv"):
        assert (tmp_path / "three" / "current" / table).read_bytes() == (
            tmp_path / "one" / "current" / table
        ).read_bytes()
    # the same answers, hits and scores, question by question
    assert _served(three, questions) == _served(one, questions)
    # and a no-change reindex of the multi-segment generation keeps it
    assert three.reindex().unchanged
    assert not list((tmp_path / "three").glob(".build-*"))


@pytest.mark.parametrize("breakage", ["no interpreter", "worker fails"])
def test_a_worker_that_fails_costs_only_time(
    corpus: Path,
    questions: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    breakage: str,
) -> None:
    one = _engine(corpus, tmp_path / "one", processes=1)
    one.reindex()
    if breakage == "no interpreter":
        monkeypatch.setattr(segments.sys, "executable", str(tmp_path / "no-such-python"))
    else:
        monkeypatch.setattr(segments, "WORKER_MODULE", "index.no_such_worker")
    two = _engine(corpus, tmp_path / "two", processes=2)
    with caplog.at_level(logging.WARNING, logger="index.segments"):
        report = two.reindex()
    assert "writing its share here" in caplog.text
    assert report.passages == len(one._all_passages())
    assert _served(two, questions[:20]) == _served(one, questions[:20])
    assert not list((tmp_path / "two").glob(".build-*"))


def test_a_small_corpus_stays_in_one_process(corpus: Path, tmp_path: Path) -> None:
    engine = SearchEngine(corpus, tmp_path / "ix", semantic=False, build_processes=4)
    engine.reindex()
    assert len(_segment_files(tmp_path / "ix")) == 1


def _doc(source: str, size: int) -> Document:
    return Document(
        source=source,
        title=source,
        origin="",
        organisation="",
        captured="",
        text="x" * size,
        markdown=True,
        digest=source,
    )


def test_shares_are_contiguous_runs_of_about_equal_text() -> None:
    docs = [_doc(f"d{i:02}.md", size) for i, size in enumerate([5, 1, 1, 1, 4, 1, 1, 1, 5, 2])]
    runs = segments.shares(list(reversed(docs)), 3, first=1.0)
    assert [d.source for run in runs for d in run] == [d.source for d in docs]
    assert len(runs) == 3
    assert all(sum(len(d.text) for d in run) <= 12 for run in runs)
    assert segments.shares(docs[:2], 4) == [[docs[0]], [docs[1]]]


def test_a_worker_starts_without_the_secrets_in_the_environment() -> None:
    env = segments.worker_environment(
        {"ALLIANCE_DISCORD_TOKEN": "x", "AWS_SECRET_ACCESS_KEY": "y", "HOME": "/h", "LANG": "C"}
    )
    assert env == {"HOME": "/h", "LANG": "C"}
