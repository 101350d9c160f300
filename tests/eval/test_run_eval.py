"""The metric functions and the runner's report, on tiny hand-made cases with a scripted engine.

The real engine's figures are not asserted here (the evaluation reports, it does not gate); these
tests make sure the numbers `make eval` prints are computed the way its README says.
"""

import json

import pytest

from index.errors import QuestionError
from index.models import Answer, Hit, Passage
from tests.eval import run_eval
from tests.eval.metrics import (
    QuestionResult,
    ReturnedHit,
    first_relevant_rank,
    mean_reciprocal_rank,
    percentile,
    recall_at,
    summarize,
)

# ---------------------------------------------------------------------------------- metrics


def test_recall_and_mrr_on_a_hand_computed_case():
    ranks = [1, 3, None, 2]  # first relevant passage at rank 1, 3, never, 2
    assert recall_at(ranks, 1) == pytest.approx(1 / 4)
    assert recall_at(ranks, 3) == pytest.approx(3 / 4)
    assert recall_at(ranks, 2) == pytest.approx(2 / 4)
    assert mean_reciprocal_rank(ranks) == pytest.approx((1 + 1 / 3 + 0 + 1 / 2) / 4)


def test_no_questions_gives_no_figure_rather_than_a_fake_one():
    assert recall_at([], 3) is None
    assert mean_reciprocal_rank([]) is None
    assert percentile([], 50) is None


def test_rank_is_the_first_relevant_hit_and_an_abstention_is_a_miss():
    hits = [ReturnedHit("a.md", "A › X", 3.0), ReturnedHit("b.md", "B › Y", 2.0)]
    relevant = lambda source, section: source == "b.md"  # noqa: E731
    assert first_relevant_rank(hits, relevant, answered=True) == 2
    assert first_relevant_rank(hits, relevant, answered=False) is None
    assert first_relevant_rank(hits, lambda s, t: False, answered=True) is None


def test_percentile_is_an_observed_value_by_nearest_rank():
    values = [0.01 * i for i in range(1, 21)]  # 0.01 .. 0.20
    assert percentile(values, 50) == pytest.approx(0.10)
    assert percentile(values, 95) == pytest.approx(0.19)
    assert percentile([0.5], 95) == 0.5


def _result(category, answerable, answered, rank, seconds=0.001):
    return QuestionResult("q", "q?", category, answerable, answered, rank, seconds=seconds)


def test_summary_separates_abstention_accuracy_from_false_abstention():
    results = [
        _result("typo", True, True, 1),
        _result("typo", True, False, None),  # false abstention
        _result("unanswerable", False, False, None),  # correct abstention
        _result("unanswerable", False, True, None),  # answered the unanswerable
        _result("unanswerable", False, False, None),
    ]
    figures = summarize(results)
    assert figures["recall@1"] == pytest.approx(0.5)
    assert figures["mrr"] == pytest.approx(0.5)
    assert figures["abstention_accuracy"] == pytest.approx(2 / 3)
    assert figures["false_abstention_rate"] == pytest.approx(0.5)
    assert (figures["answerable"], figures["unanswerable"]) == (2, 3)


# ----------------------------------------------------------------------------------- runner


def _answer(question, answered, locations):
    hits = tuple(
        Hit(
            rank=i,
            passage=Passage(id=str(i), source=src, title="T", section=sec, text="text"),
            score=10.0 - i,
            highlighted="text",
        )
        for i, (src, sec) in enumerate(locations, 1)
    )
    return Answer(question=question, answered=answered, answer="", hits=hits)


class ScriptedEngine:
    """Answers from a script: question -> (answered, [(source, section), ...]) or an exception."""

    def __init__(self, script):
        self.script = script
        self.reindexed = False

    def reindex(self):
        self.reindexed = True

    def ask(self, question):
        outcome = self.script.get(question, (False, []))
        if isinstance(outcome, Exception):
            raise outcome
        return _answer(question, *outcome)


QUESTIONS = [
    {
        "id": "t-1",
        "question": "what are the values",
        "category": "keyword",
        "expected": [{"source": "a.md", "section": "A › Values"}],
    },
    {
        "id": "t-2",
        "question": "how long is the term",
        "category": "paraphrase",
        "expected": [{"source": "a.md", "section": "A › Term"}],
    },
    {
        "id": "t-3",
        "question": "who is the director",
        "category": "paraphrase",
        "expected": [{"source": "a.md", "section": "A › Staff"}],
    },
    {"id": "t-4", "question": "weather", "category": "unanswerable", "expected": []},
    {"id": "t-5", "question": "sports", "category": "unanswerable", "expected": []},
]

SCRIPT = {
    "what are the values": (True, [("a.md", "A › Values › Kind"), ("a.md", "A › Term")]),
    "how long is the term": (True, [("a.md", "A › Values"), ("a.md", "A › Term")]),
    "who is the director": QuestionError("nothing to search"),  # friendly refusal = abstention
    "weather": (False, [("a.md", "A › Values")]),
    "sports": (True, [("a.md", "A › Term")]),
}


@pytest.fixture
def files(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    questions = tmp_path / "mini.jsonl"
    questions.write_text("\n".join(json.dumps(q) for q in QUESTIONS) + "\n", encoding="utf-8")
    return corpus, questions


def _run(files, *extra, script=SCRIPT):
    corpus, questions = files
    engines = []

    def factory(corpus_dir, index_dir, ablations):
        assert corpus_dir == corpus
        engines.append(ScriptedEngine(script))
        return engines[-1]

    argv = ["--corpus", str(corpus), "--questions", str(questions), *extra]
    code = run_eval.main(argv, engine_factory=factory)
    assert engines and engines[0].reindexed
    return code


def test_json_summary_has_the_figures_and_the_misses(files, capsys):
    assert _run(files, "--json") == 0
    out = json.loads(capsys.readouterr().out)
    overall = out["splits"]["mini"]["overall"]
    assert overall["recall@1"] == pytest.approx(1 / 3)
    assert overall["recall@3"] == pytest.approx(2 / 3)
    assert overall["mrr"] == pytest.approx((1 + 1 / 2 + 0) / 3)
    assert overall["abstention_accuracy"] == pytest.approx(1 / 2)
    assert overall["false_abstention_rate"] == pytest.approx(1 / 3)
    paraphrase = out["splits"]["mini"]["categories"]["paraphrase"]
    assert paraphrase["recall@3"] == pytest.approx(1 / 2)
    assert out["splits"]["mini"]["categories"]["unanswerable"]["recall@1"] is None
    assert [m["id"] for m in out["splits"]["mini"]["misses"]] == ["t-2", "t-3", "t-5"]


def test_text_report_lists_each_miss_with_what_came_back(files, capsys):
    assert _run(files) == 0
    out = capsys.readouterr().out
    assert "== mini: 5 questions (3 answerable, 2 unanswerable)" in out
    assert "t-2 [paraphrase] 'how long is the term': relevant passage at rank 2" in out
    assert "* got 2: a.md › Term" in out
    assert "t-3 [paraphrase] 'who is the director': abstained (should answer)" in out
    assert "t-5 [unanswerable] 'sports': answered (should abstain)" in out
    assert "t-1 " not in out  # a first-rank hit is not a miss
    lines = {line.split()[0]: line.split() for line in out.splitlines() if line[:1].isalpha()}
    assert lines["all"][1:5] == ["5", "0.333", "0.667", "0.500"]
    assert lines["unanswerable"][2:5] == ["n/a", "n/a", "n/a"]


def test_verbose_shows_every_question(files, capsys):
    assert _run(files, "--verbose") == 0
    assert "t-1 [keyword] 'what are the values': relevant passage at rank 1" in (
        capsys.readouterr().out
    )


def test_an_engine_crash_is_reported_and_fails_the_run(files, capsys):
    script = {**SCRIPT, "weather": RuntimeError("boom")}
    assert _run(files, script=script) == 1
    captured = capsys.readouterr()
    assert "t-4 [unanswerable] 'weather': ERROR RuntimeError: boom" in captured.out
    assert "made the engine raise" in captured.err


def test_missing_files_are_a_one_line_error(files, tmp_path, capsys):
    corpus, questions = files
    argv = ["--corpus", str(tmp_path / "nope"), "--questions", str(questions)]
    assert run_eval.main(argv, engine_factory=lambda *a: ScriptedEngine({})) == 2
    assert capsys.readouterr().err.startswith("eval: corpus directory")
    argv = ["--corpus", str(corpus), "--questions", str(tmp_path / "none.jsonl")]
    assert run_eval.main(argv, engine_factory=lambda *a: ScriptedEngine({})) == 2
    assert "cannot read question file" in capsys.readouterr().err


def test_a_failed_index_build_is_a_one_line_error(files, capsys):
    class Broken(ScriptedEngine):
        def reindex(self):
            raise OSError("disk full")

    corpus, questions = files
    argv = ["--corpus", str(corpus), "--questions", str(questions)]
    assert run_eval.main(argv, engine_factory=lambda *a: Broken({})) == 2
    err = capsys.readouterr().err
    assert err == "eval: building the index failed: OSError: disk full\n"


def test_ablation_switches_are_the_boolean_options_that_default_on():
    from dataclasses import dataclass

    @dataclass
    class Options:
        spelling: bool = True
        synonyms: bool = True
        debug: bool = False
        threshold: float = 0.5

    assert run_eval.ablation_names(Options) == ["spelling", "synonyms"]


def test_an_unknown_ablation_names_the_valid_ones(files, capsys):
    pytest.importorskip("index.engine")
    corpus, questions = files
    argv = ["--corpus", str(corpus), "--questions", str(questions), "--ablate", "magic"]
    assert run_eval.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("eval: unknown ablation magic; choose from ")
    assert len(err.split("choose from ")[1].strip()) > 0


def test_fts5_baseline_is_printed_beside_the_engine_on_the_same_passages(files, capsys):
    corpus, _ = files
    (corpus / "a.md").write_text(
        "# A\n\n## Values\n\nWe value kindness and honesty.\n\n"
        "## Term\n\nThe term is two years long.\n\n"
        "## Staff\n\nThe director leads the staff.\n",
        encoding="utf-8",
    )
    assert _run(files, "--json") == 0
    fts5 = json.loads(capsys.readouterr().out)["splits"]["mini"]["fts5"]
    assert fts5["recall@1"] == pytest.approx(1.0)  # every question's words are in its section
    assert fts5["false_abstention_rate"] == 0
    assert _run(files) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("FTS5"))
    assert "recall@1 1.000 (engine -0.667)" in line
    assert _run(files, "--baseline", "none") == 0
    assert "FTS5" not in capsys.readouterr().out
