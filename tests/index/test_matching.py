"""`index.matching.TermArrays` finds what Whoosh's own matchers find, in the same order."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from whoosh.query.compound import Or
from whoosh.query.positional import Phrase
from whoosh.query.terms import Term

from index.engine import SearchEngine
from index.matching import TermArrays, UnsupportedQuery
from index.query import build_query
from index.question import analyse_question
from index.schema import weighting

WORDS = (
    "school student teacher coalition member meeting term mission vision value family "
    "community leader partner district state learning plan report grant visit year"
).split()


def _corpus(root: Path) -> Path:
    """60 documents of 8 sections of seeded random words: common words span many posting
    blocks (Whoosh writes 128 postings a block), rare ones few passages."""
    rng = random.Random(5)
    root.mkdir()
    for d in range(60):
        parts = [f"# Document {d}\n"]
        for s in range(8):
            heading = " ".join(rng.sample(WORDS, 2))
            body = " ".join(rng.choice(WORDS[: rng.randint(3, len(WORDS))]) for _ in range(40))
            parts.append(f"## {heading} {s}\n\n{body}.\n")
        (root / f"doc{d}.md").write_text("\n".join(parts), encoding="utf-8")
    return root


def _same(arrays: TermArrays, searcher: object, query: object, limit: int) -> None:
    expected = [(h.docnum, h.score) for h in searcher.search(query, limit=limit)]  # type: ignore[attr-defined]
    got = arrays.top(query, limit)  # type: ignore[arg-type]
    assert [d for d, _ in got] == [d for d, _ in expected]
    assert [s for _, s in got] == pytest.approx([s for _, s in expected], rel=1e-9)


def test_random_term_queries_rank_as_whoosh_ranks_them(tmp_path: Path) -> None:
    engine = SearchEngine(_corpus(tmp_path / "corpus"), tmp_path / "index", semantic=False)
    try:
        reader = engine._reader()
        arrays = TermArrays(reader.searcher, weighting())
        rng = random.Random(11)
        for _ in range(200):
            parts = [
                Term(rng.choice(("heading", "body")), stem, boost=rng.choice((1.0, 0.6, 0.8)))
                for stem in {w[:-1] if w.endswith("s") else w for w in rng.sample(WORDS, 4)}
            ]
            if rng.random() < 0.3:
                parts.append(Phrase("body", rng.sample(["school", "student", "teacher"], 2)))
            if rng.random() < 0.1:
                parts.append(Term("body", "zzzunknown"))
            _same(arrays, reader.searcher, Or(parts), rng.choice((1, 5, 20, 500)))
    finally:
        engine.close()


def test_real_questions_rank_as_whoosh_ranks_them(seed_engine: SearchEngine) -> None:
    reader = seed_engine._reader()
    arrays = TermArrays(reader.searcher, weighting())
    questions = [
        "what is the coalition's mission",
        "membrship expectatons",
        "requirements to join",
        "how long is a term of service",
        "dual credit",
        "who sits on the coalition from the state",
        "more than one language",
    ]
    for question in questions:
        concepts = analyse_question(
            question, reader.vocab, seed_engine.synonyms.get(), seed_engine.options
        )
        query = build_query(concepts, reader.vocab, seed_engine.options)
        _same(arrays, reader.searcher, query, 20)


def test_a_query_of_another_shape_is_left_to_whoosh(seed_engine: SearchEngine) -> None:
    reader = seed_engine._reader()
    arrays = TermArrays(reader.searcher, weighting())
    from whoosh.query.compound import And

    with pytest.raises(UnsupportedQuery):
        arrays.top(Or([And([Term("body", "school"), Term("body", "mission")])]), 5)


def test_the_posting_cache_stays_under_its_cap_and_answers_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.matching as matching

    monkeypatch.setattr(matching, "MAX_CACHED_POSTINGS", 500)
    engine = SearchEngine(_corpus(tmp_path / "corpus"), tmp_path / "index", semantic=False)
    try:
        reader = engine._reader()
        arrays = TermArrays(reader.searcher, weighting())
        for word in WORDS:
            _same(arrays, reader.searcher, Or([Term("body", word), Term("heading", word)]), 10)
            assert arrays._cached <= 500 or len(arrays._scored) == 1
    finally:
        engine.close()
