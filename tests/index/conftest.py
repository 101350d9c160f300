"""Shared fixtures: a private copy of the real corpus and an engine over it (per test)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.engine import SearchEngine

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable copy of the seed corpus (documents and synonyms file)."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "data" / "index"


@pytest.fixture
def engine(corpus: Path, index_dir: Path):
    eng = SearchEngine(corpus, index_dir, lock_timeout=0)
    yield eng
    eng.close()


@pytest.fixture(scope="module")
def seed_engine(tmp_path_factory: pytest.TempPathFactory):
    """One engine over the unmodified seed corpus, shared by read-only search tests."""
    base = tmp_path_factory.mktemp("seed")
    shutil.copytree(CORPUS, base / "corpus")
    eng = SearchEngine(base / "corpus", base / "index")
    eng.reindex()
    yield eng
    eng.close()


@pytest.fixture
def document_engine(tmp_path: Path):
    """Builds a words-only engine over Markdown documents given as text ({file name: text}),
    indexed and ready; every engine it built is closed after the test."""
    built: list[SearchEngine] = []

    def build(documents: dict[str, str]) -> SearchEngine:
        corpus = tmp_path / f"corpus{len(built)}"
        corpus.mkdir()
        for name, text in documents.items():
            (corpus / name).write_text(text, encoding="utf-8")
        engine = SearchEngine(corpus, tmp_path / f"index{len(built)}", semantic=False)
        engine.reindex()
        built.append(engine)
        return engine

    yield build
    for engine in built:
        engine.close()
