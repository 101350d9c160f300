"""Correctness of the benchmark's own tools (generator, questions, FTS5 comparator) — no timings.

A benchmark whose corpus is not what it claims, or whose comparator mis-parses questions, reports
numbers that mean nothing; these tests pin what the figures rest on.
"""

from __future__ import annotations

import random
import textwrap
from pathlib import Path

import pytest

from index.models import Passage
from tests.bench import corpus_gen
from tests.bench.run_bench import (
    Fts5Index,
    build_corpus,
    by_group,
    fallback_passages,
    fts5_query,
    load_passages,
    percentile,
    question_groups,
    summarize,
)

SAMPLE = textwrap.dedent(
    '''\
    #!/usr/bin/env python
    """Tools for counting apples in an orchard, with careful attention to ripeness.

    >>> count_apples()
    3
    """


    class Orchard:
        """An orchard holds many trees and remembers which ones were harvested."""

        def harvest(self,
                    tree: int,
                    basket: str) -> None:
            """Pick every ripe apple from one tree into the named basket today."""

        def _nodoc(self):
            return 1


    def count_apples(x=1):
        """Count the apples that are ripe enough to be sold at the market."""
        return x
    '''
)


def test_extract_docstrings_finds_module_class_method_and_function() -> None:
    module_doc, defs = corpus_gen.extract_docstrings(SAMPLE)
    assert module_doc.startswith("Tools for counting apples")
    names = [name for name, _ in defs]
    assert names == ["Orchard", "Orchard.harvest", "count_apples"]
    assert "named basket" in dict(defs)["Orchard.harvest"]


def test_clean_paragraphs_drops_doctests_and_code() -> None:
    doc = """Summary line that says what this function is really for in words.

    >>> f(1, 2)
    3

    x = {a: b for (a, b) in zip(keys, vals)} [0] ; y = z(*q)
    """
    assert corpus_gen.clean_paragraphs(doc) == [
        "Summary line that says what this function is really for in words."
    ]


def _sample_root(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    (root / "orchard").mkdir(parents=True)
    (root / "orchard" / "__init__.py").write_text(SAMPLE, encoding="utf-8")
    (root / "orchard" / "trees.py").write_text(SAMPLE.replace("apples", "pears"), "utf-8")
    (root / "empty.py").write_text("x = 1\n", encoding="utf-8")
    return root


def test_harvest_is_deterministic_and_renders_markdown_with_front_matter(tmp_path: Path) -> None:
    root = _sample_root(tmp_path)
    first = list(corpus_gen.harvest_documents([("lib", root)]))
    second = list(corpus_gen.harvest_documents([("lib", root)]))
    assert first == second
    assert [d.rel_path for d in first] == ["lib/orchard.md", "lib/orchard/trees.md"]
    md = corpus_gen.render_markdown(first[0])
    assert md.startswith('---\ntitle: "orchard"\n')
    assert "\n# orchard\n" in md
    assert "\n## Orchard.harvest\n" in md
    body = md.split("\n---\n", 1)[1]
    headings = [ln for ln in body.splitlines() if ln.startswith("#")]
    assert headings == ["# orchard", "## Orchard", "## Orchard.harvest", "## count_apples"]


def test_generated_corpus_goes_through_a_markdown_chunker(tmp_path: Path) -> None:
    docs = list(corpus_gen.harvest_documents([("lib", _sample_root(tmp_path))]))
    out = tmp_path / "corpus"
    corpus_gen.write_corpus(out, docs)
    passages = fallback_passages(out)
    sections = {p.section for p in passages if p.source == "lib/orchard.md"}
    assert sections == {
        "orchard",
        "orchard › Orchard",
        "orchard › Orchard.harvest",
        "orchard › count_apples",
    }
    assert all(p.title == "orchard" for p in passages if p.source == "lib/orchard.md")


def test_generated_corpus_goes_through_the_projects_loader_and_chunker(tmp_path: Path) -> None:
    docs = list(corpus_gen.harvest_documents([("lib", _sample_root(tmp_path))]))
    out = tmp_path / "corpus"
    corpus_gen.write_corpus(out, docs)
    passages, which = load_passages(out)
    assert which == "index.loader + index.chunking"
    mine = [p for p in passages if p.source == "lib/orchard.md"]
    assert {p.title for p in mine} == {"orchard"}
    assert any(p.section.endswith("Orchard.harvest") and "named basket" in p.text for p in mine)
    assert not any(p.text.startswith("#") for p in passages)


def test_build_corpus_reaches_target_and_trims_deterministically(tmp_path: Path) -> None:
    def loader(d: Path) -> tuple[list[Passage], str]:
        return fallback_passages(d), "fallback"

    a, _, docs_a = build_corpus(tmp_path / "a", 300, loader)
    b, _, docs_b = build_corpus(tmp_path / "b", 300, loader)
    assert [p.id for p in a] == [p.id for p in b]
    assert docs_a == docs_b
    assert len(a) >= 300
    on_disk = fallback_passages(tmp_path / "a")
    assert len(on_disk) == len(a)  # trimmed files are gone from disk too
    per_doc = max(sum(p.source == s for p in a) for s in {p.source for p in a})
    assert len(a) < 300 + per_doc  # cut at the first document that reaches the target


def _passages() -> list[tuple[str, str]]:
    rng = random.Random(1)
    words = [
        "budget",
        "equity",
        "literacy",
        "attendance",
        "graduation",
        "mentoring",
        "curriculum",
        "funding",
        "teachers",
        "families",
        "district",
        "assessment",
    ]
    return [(f"p{i}", " ".join(rng.choice(words) for _ in range(25))) for i in range(50)]


def test_questions_are_deterministic_sized_and_mixed() -> None:
    vocab = {w for _, t in _passages() for w in t.split()}
    qs = corpus_gen.make_questions(_passages(), 200, vocabulary=vocab)
    assert qs == corpus_gen.make_questions(_passages(), 200, vocabulary=vocab)
    assert len(qs) == 200
    assert all(3 <= len(q.text.split()) <= 8 for q in qs)
    kinds = {q.kind for q in qs}
    assert kinds == {"keywords", "natural", "nomatch"}
    assert 20 <= sum(q.typo for q in qs) <= 60
    made_up = [q for q in qs if q.kind == "nomatch" and q.text not in corpus_gen._OFF_TOPIC]
    assert made_up and all(w not in vocab for q in made_up for w in q.text.split())


def test_typo_changes_one_letter_position() -> None:
    rng = random.Random(3)
    for _ in range(50):
        typo = corpus_gen.add_typo("graduation", rng)
        assert typo != "graduation"
        assert abs(len(typo) - len("graduation")) <= 1
        assert typo[0] == "g"


@pytest.mark.parametrize(
    ("question", "top"),
    [
        ('title:values AND "equity', "a"),
        ("equi* (budget", "a"),
        ("NEAR(sports weather)", "b"),
        ("what's -the ^ budget?", "a"),
        ("NOT OR AND", None),  # operators are plain words: "and" is in both passages
    ],
)
def test_fts5_treats_query_syntax_as_plain_words(
    tmp_path: Path, question: str, top: str | None
) -> None:
    fts = Fts5Index(tmp_path / "f.db")
    fts.build(
        [
            Passage("a", "a.md", "Budget", "Budget", "The district budget and equity values."),
            Passage("b", "b.md", "Other", "Other", "Weather and sports."),
        ]
    )
    hits = fts.search(question)
    if top is None:
        assert {h[0] for h in hits} == {"a", "b"}
    else:
        assert hits[0][0] == top
    fts.close()


def test_fts5_ranks_the_matching_passage_first_with_porter_stemming(tmp_path: Path) -> None:
    fts = Fts5Index(tmp_path / "f.db")
    fts.build(
        [
            Passage("a", "a.md", "Mentors", "Mentoring", "New members are mentored by officers."),
            Passage("b", "b.md", "Money", "Budget", "The budget is reviewed every year."),
        ]
    )
    assert fts.search("who mentors new member")[0][0] == "a"
    assert fts.search("reviewing budgets")[0][0] == "b"
    assert fts.search("???") == []
    assert fts5_query('say "hi"') == '"say" OR "hi"'
    fts.close()


def test_percentiles_use_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile([7.0], 99) == 7.0
    s = summarize([1.0, 2.0, 3.0, 4.0])
    assert s["p50"] == 2.0 and s["max"] == 4.0
    with pytest.raises(ValueError):
        percentile([], 50)


def test_latency_breakdown_groups_typos_apart_from_their_kind() -> None:
    qs = [
        corpus_gen.Question("a b c", "keywords"),
        corpus_gen.Question("a b cc", "keywords", typo=True),
        corpus_gen.Question("x y z", "nomatch"),
    ]
    groups = question_groups(qs)
    assert groups == ["keywords", "typo", "nomatch"]
    out = by_group([1.0, 9.0, 4.0], groups)
    assert out["typo"]["p50"] == 9.0 and out["keywords"]["n"] == 1.0
