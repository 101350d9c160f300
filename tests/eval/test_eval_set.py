"""The committed evaluation set is well-formed and honest about the corpus it grades against.

If one of these fails, the figures `make eval` prints would be meaningless (a question pointing at
a section that no longer exists can never be answered; a question in both splits leaks tuning data
into the held-out estimate), so they run with the normal test suite.
"""

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.eval.dataset import (
    ALL_SPLITS,
    ANSWERABLE_CATEGORIES,
    SPLIT_CATEGORIES,
    SPLITS,
    DatasetError,
    corpus_sections,
    load_questions,
    normalise,
    split_corpus,
    split_path,
    unknown_expectations,
)

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
#: Per split and category: enough questions that a per-category figure means something.
MIN_PER_CATEGORY = 6


@pytest.fixture(scope="module")
def splits():
    return {split: load_questions(split_path(split)) for split in SPLITS}


@pytest.fixture(scope="module")
def outline():
    return corpus_sections(CORPUS)


def test_the_set_is_large_and_split_roughly_in_half(splits):
    """Dev and held-out are halves of one set; the blind set was written later, apart."""
    sizes = {split: len(splits[split]) for split in ("dev", "heldout")}
    total = sum(sizes.values())
    assert total >= 140, sizes
    for size in sizes.values():
        assert 0.4 <= size / total <= 0.6, sizes


@pytest.mark.parametrize("split", SPLITS)
def test_every_category_is_well_represented(splits, split):
    counts = Counter(q.category for q in splits[split])
    kinds = SPLIT_CATEGORIES[split]
    assert set(counts) == set(kinds), counts
    assert all(counts[c] >= MIN_PER_CATEGORY for c in kinds), counts
    unanswerable_share = counts["unanswerable"] / len(splits[split])
    assert 0.2 <= unanswerable_share <= 0.3, unanswerable_share


@pytest.mark.parametrize("split", SPLITS)
def test_every_expected_passage_exists_in_the_corpus(splits, outline, split):
    assert unknown_expectations(splits[split], outline) == []


@pytest.mark.parametrize("split", SPLITS)
def test_every_section_with_text_is_asked_about_in_each_split(splits, outline, split):
    """A section is asked about when some question expects it, or expects a section above it
    without `exact` (then a passage from this section answers that question too)."""
    expected = [e for q in splits[split] for e in q.expected]
    with_text = {(src, sec) for src, secs in outline.items() for sec, has in secs.items() if has}
    missing = {
        (src, sec) for src, sec in with_text if not any(e.matches(src, sec) for e in expected)
    }
    assert missing == set()


def repeated_questions(sets):
    """(first place, repeat's place, text) for every question asked twice in `sets`."""
    seen: dict[str, str] = {}
    clashes = []
    for split, questions in sets.items():
        for q in questions:
            key = normalise(q.question)
            if key in seen:
                clashes.append((seen[key], f"{split}:{q.id}", q.question))
            seen[key] = f"{split}:{q.id}"
    return clashes


def test_no_question_is_repeated_within_or_across_splits(splits):
    assert repeated_questions(splits) == []


def test_ids_are_unique_across_splits(splits):
    ids = [q.id for qs in splits.values() for q in qs]
    assert len(ids) == len(set(ids))


def test_answerable_questions_have_expectations_and_unanswerable_none(splits):
    for questions in splits.values():
        for q in questions:
            assert q.answerable == (q.category in ANSWERABLE_CATEGORIES), q.id


def test_syntax_questions_really_contain_query_syntax(splits):
    markers = (":", "*", " AND ", " OR ", " NOT", "(", ")", '"', "[", "^", " -")
    for questions in splits.values():
        for q in questions:
            if q.category == "syntax":
                assert any(m in q.question for m in markers), q.question


# ------------------------------------------------------------------ the validator itself


def _write(tmp_path, rows):
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


GOOD = {
    "id": "x-1",
    "question": "what are the values?",
    "category": "keyword",
    "expected": [{"source": "a.md", "section": "A › Values"}],
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"category": "vibes"}, "category"),
        ({"expected": []}, "unanswerable"),
        ({"category": "unanswerable"}, "unanswerable"),
        ({"question": "  "}, "question"),
        ({"expected": [{"source": "a.md"}]}, "source"),
        ({"expected": [{"source": "a.md", "section": "A", "exact": "yes"}]}, "exact"),
    ],
)
def test_malformed_lines_are_rejected_with_the_line_named(tmp_path, change, message):
    path = _write(tmp_path, [GOOD, {**GOOD, "id": "x-2", **change}])
    with pytest.raises(DatasetError, match=rf"q\.jsonl:2: .*{message}"):
        load_questions(path)


def test_duplicate_ids_and_broken_json_are_rejected(tmp_path):
    with pytest.raises(DatasetError, match="duplicate id"):
        load_questions(_write(tmp_path, [GOOD, GOOD]))
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x"\n', encoding="utf-8")
    with pytest.raises(DatasetError, match=r"bad\.jsonl:1: not valid JSON"):
        load_questions(path)


def test_outline_reads_heading_paths_and_which_headings_carry_text(tmp_path):
    doc = tmp_path / "org" / "doc.md"
    doc.parent.mkdir()
    doc.write_text(
        "---\ntitle: Doc\n---\n\n# Doc\n\nIntro.\n\n## Values\n\n### Kind\n\nBe kind.\n\n"
        "```\n# not a heading\n```\n\n## Term\n\nOne year.\n",
        encoding="utf-8",
    )
    assert corpus_sections(tmp_path) == {
        "org/doc.md": {
            "Doc": True,
            "Doc › Values": False,
            "Doc › Values › Kind": True,
            "Doc › Term": True,
        }
    }


def test_unknown_sections_and_textless_exact_sections_are_reported(tmp_path):
    outline = {"a.md": {"A": False, "A › Values": True}}
    rows = [
        {**GOOD, "expected": [{"source": "a.md", "section": "A › Vision"}]},
        {**GOOD, "id": "x-2", "expected": [{"source": "b.md", "section": "A"}]},
        {**GOOD, "id": "x-3", "expected": [{"source": "a.md", "section": "A", "exact": True}]},
        {**GOOD, "id": "x-4", "expected": [{"source": "a.md", "section": "A › Values"}]},
    ]
    problems = unknown_expectations(load_questions(_write(tmp_path, rows)), outline)
    assert [p.split(":")[0] for p in problems] == ["x-1", "x-2", "x-3"]


def test_relevance_is_by_source_and_section_prefix_unless_exact(tmp_path):
    rows = [
        {
            **GOOD,
            "expected": [
                {"source": "a.md", "section": "A › Values"},
                {"source": "b.md", "section": "B", "exact": True},
            ],
        }
    ]
    (q,) = load_questions(_write(tmp_path, rows))
    assert q.is_relevant("a.md", "A › Values")
    assert q.is_relevant("a.md", "A › Values › Kind")
    assert not q.is_relevant("a.md", "A › Valuesque")
    assert not q.is_relevant("c.md", "A › Values")
    assert q.is_relevant("b.md", "B")
    assert not q.is_relevant("b.md", "B › Mission")


def test_the_engine_cuts_the_corpus_into_the_sections_the_set_expects(outline, tmp_path):
    """Cross-check of this folder's own outline reader against the real engine's passages."""
    engine_module = pytest.importorskip("index.engine")
    engine = engine_module.SearchEngine(CORPUS, tmp_path / "index", semantic=False)
    try:
        engine.reindex()
        produced = {
            (d.source, s) for d in engine.documents() for s in d.sections if d.source in outline
        }
    finally:
        engine.close()
    with_text = {(src, sec) for src, secs in outline.items() for sec, has in secs.items() if has}
    assert produced == with_text


# ------------------------------------------------------------- the foreign (other people's) sets

#: Splits over documents other people wrote, each with its own corpus of 8-12 documents.
FOREIGN_SPLITS = (
    "foreign",
    "foreign2",
    "foreign3",
    "foreign4",
    "foreign5",
    "foreign6",
    "foreign7",
    "foreign8",
    "foreign9",
    "foreign10",
)

#: Front-matter keys every foreign document carries: where it came from and under which licence.
PROVENANCE = ("title", "organisation", "source", "url", "licence", "captured")


@pytest.fixture(scope="module")
def foreign_sets():
    return {split: load_questions(split_path(split)) for split in FOREIGN_SPLITS}


def _front_matter(path):
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[0] == "---", path.name
    end = lines.index("---", 1)
    return dict(line.split(": ", 1) for line in lines[1:end])


@pytest.mark.parametrize("split", FOREIGN_SPLITS)
def test_foreign_documents_record_their_origin_and_licence(split):
    paths = sorted(split_corpus(split).glob("*.md"))
    assert 8 <= len(paths) <= 12
    for path in paths:
        meta = _front_matter(path)
        assert all(meta.get(key, "").strip() for key in PROVENANCE), (path.name, meta)
        assert meta["url"].startswith("https://github.com/"), path.name


@pytest.mark.parametrize("split", FOREIGN_SPLITS)
def test_foreign_headings_are_topics_not_the_questions_themselves(split):
    corpus = split_corpus(split)
    outline = corpus_sections(corpus)
    for path in corpus.glob("*.md"):
        for section in outline[path.name]:
            assert not section.endswith("?"), (path.name, section)


@pytest.mark.parametrize("split", FOREIGN_SPLITS)
def test_foreign_expectations_exist_and_every_document_is_asked_about(foreign_sets, split):
    outline = corpus_sections(split_corpus(split))
    assert unknown_expectations(foreign_sets[split], outline) == []
    asked = {e.source for q in foreign_sets[split] for e in q.expected}
    assert asked == set(outline)


@pytest.mark.parametrize("split", FOREIGN_SPLITS)
def test_foreign_set_is_large_with_every_kind_represented(foreign_sets, split):
    questions = foreign_sets[split]
    counts = Counter(q.category for q in questions)
    assert len(questions) >= 100
    assert set(counts) == set(SPLIT_CATEGORIES[split]), counts
    assert all(count >= MIN_PER_CATEGORY for count in counts.values()), counts
    assert counts["unanswerable"] >= 20, counts


def test_foreign_questions_are_not_repeated_and_ids_are_unique(foreign_sets, splits):
    assert repeated_questions(foreign_sets) == []
    ids = [q.id for qs in [*splits.values(), *foreign_sets.values()] for q in qs]
    assert len(ids) == len(set(ids))
    assert set(FOREIGN_SPLITS) <= set(ALL_SPLITS)


@pytest.mark.parametrize("split", FOREIGN_SPLITS)
def test_the_engine_cuts_the_foreign_corpus_into_the_sections_the_set_expects(tmp_path, split):
    engine_module = pytest.importorskip("index.engine")
    corpus = split_corpus(split)
    outline = corpus_sections(corpus)
    # sections only: the meaning layer's vectors would add a minute a corpus and check nothing
    engine = engine_module.SearchEngine(corpus, tmp_path / "index", semantic=False)
    try:
        engine.reindex()
        produced = {(d.source, s) for d in engine.documents() for s in d.sections}
    finally:
        engine.close()
    with_text = {(src, sec) for src, secs in outline.items() for sec, has in secs.items() if has}
    assert produced == with_text
