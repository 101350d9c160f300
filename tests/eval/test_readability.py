"""The readability figure: each rule on many answers (well-formed ones pass, each kind of fault
is caught), the figure over a set, and `make eval` printing it beside recall."""

from __future__ import annotations

import json

import pytest

from index.models import Answer, Hit, Passage
from tests.eval import run_eval
from tests.eval.readability import Sample, measure, problems, sample_of

SOURCE = (
    "Each member serves one term. Edit the content/_index.md file to change it. "
    "Are you interested in helping transform high schools? If so, the Department invites you "
    "to apply. Members build trusting relationships with each other and broaden their networks. "
    "The Coalition will include up to 25 members. They meet monthly. All members should possess: "
    "recent and relevant experience working in secondary education."
)

GOOD = (
    "The Coalition will include up to 25 members. [1]",
    "Are you interested in helping transform high schools? If so, the Department invites you "
    "to apply. [1]",
    "The Coalition will include up to 25 members. They meet monthly. [1]",
    "Seven Year-One Outcomes: [1]\n• Members build trusting relationships with each other and…\n"
    "• Members broaden their networks [2]",
    "All members should possess: [1]\n• Recent and relevant experience working in secondary…",
    "“Quoted” openings are fine. [1] Two sources are fine too. [2]",
    "25 members at most, from every region. [1]",
    "Each member serves one term. [1]",
    'In "College Ready?" the alliance relayed what members said about secondary… (excerpt) [1]',
    "Edit the content/_index.md file to change it. [1]",
    "Los documentos de la coalición están en inglés. Esto es lo que dicen:\n\n"
    "The Coalition will include up to 25 members. [1]",
)

BAD = {
    "capital": (
        "the Coalition will include up to 25 members. [1]",
        "— and then some. [1]",
        "",
    ),
    "ending": (
        "The Coalition will include up to 25 members [1]",
        "Urgency: drive effective implementation as quickly as possible [1]",
        "The Coalition will include up to 25 members, and [1]",
    ),
    "opener": (
        "These relationships broaden their networks. [1]",
        "They meet monthly. [1]",
        "Also, the Coalition will include up to 25 members. [1]",
        "If so, the Department invites you to apply. [1]",
        "The Coalition will include up to 25 members. [1] They meet monthly. [2]",
        "In addition, members meet monthly. [1]",
    ),
    "lead-in": (
        "Learning Alliance fulfills its mission by providing the following: [1]",
        "Members should possess: [1] The Coalition will include up to 25 members. [2]",
        "creating schools that integrate:",
    ),
    "cut": (
        "Members broaden their netw… [1]",
        "The Coalition will include up to 25 mem… [1]",
        "Members worked with PBS to connect with stud ... [1]",
    ),
    "length": ("Members meet. [1]", "The Coalition will include members. " * 20 + "[1]"),
    "leak": (
        "The Coalition will include up to 25 members. [1] (captured as plain text) [1]",
        "See corpus/hs-transformation-coalition/application.md for more. [1]",
        "The Coalition will include up to 25 members, seed 004 notes. [1]",
    ),
    "markers": (
        "The Coalition will include up to 25 members. [2] They meet monthly. [1]",
        "One. [1] Two sentences here. [2] Three more. [3] Four of them. [4]",
        "The Coalition will include up to 25 members. [3]",
    ),
}


@pytest.mark.parametrize("text", GOOD)
def test_well_formed_answers_read_well(text: str) -> None:
    assert problems(Sample(text, (SOURCE,))) == []


@pytest.mark.parametrize(
    ("rule", "text"), [(rule, text) for rule, texts in BAD.items() for text in texts]
)
def test_each_fault_breaks_its_rule(rule: str, text: str) -> None:
    assert rule in problems(Sample(text, (SOURCE,)))


def test_the_figure_is_the_share_of_answers_breaking_no_rule() -> None:
    samples = [Sample(t, (SOURCE,)) for t in GOOD] + [
        Sample(t, (SOURCE,)) for texts in BAD.values() for t in texts
    ]
    figure = measure(samples)
    assert figure.answers == len(samples) and figure.readable == len(GOOD)
    assert figure.share == pytest.approx(len(GOOD) / len(samples))
    assert figure.broken["opener"] >= len(BAD["opener"])
    assert figure.sentence_words is not None and 3 < figure.sentence_words < 40
    assert measure([]).share is None and "n/a" in measure([]).line()


def _hit(rank: int, text: str) -> Hit:
    passage = Passage(f"p{rank}", "a.md", "A", f"A › S{rank}", text)
    return Hit(rank, passage, 1.0, text)


def test_samples_are_what_the_member_reads_markers_in_first_use_order() -> None:
    answer = Answer(
        "q?",
        True,
        "The Coalition will include up to 25 members. [2] They meet monthly. [1]",
        (_hit(1, "They meet monthly."), _hit(2, "The Coalition will include up to 25 members.")),
    )
    sample = sample_of(answer)
    assert sample is not None and sample.text.startswith("The Coalition") and "[1]" in sample.text
    assert sample.text.index("[1]") < sample.text.index("[2]")
    assert sample.sources[0].startswith("The Coalition")
    assert sample_of(Answer("q?", False, "I couldn't find that.")) is None
    assert sample_of(Answer("hi", True, "Hello!", (), small_talk=True)) is None


class ScriptedEngine:
    def __init__(self, answers: dict[str, Answer]) -> None:
        self.answers = answers

    def ask(self, question: str) -> Answer:
        return self.answers.get(question, Answer(question, False, "I couldn't find that."))


def test_make_eval_prints_readability_beside_recall(tmp_path, capsys) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# A\n\n## S1\n\nText.\n")
    questions = tmp_path / "q.jsonl"
    expected = [{"source": "a.md", "section": "A › S1"}]
    rows = [
        {
            "id": f"q{i}",
            "question": q,
            "category": "direct",
            "answerable": True,
            "expected": expected,
        }
        for i, q in enumerate(("good?", "bad?", "empty?", "refused?"))
    ]
    questions.write_text("".join(json.dumps(r) + "\n" for r in rows))
    hit = _hit(1, SOURCE)
    script = {
        "good?": Answer("good?", True, "The Coalition will include up to 25 members. [1]", (hit,)),
        "bad?": Answer("bad?", True, "They meet monthly [1]", (hit,)),
        "empty?": Answer("empty?", True, "", (hit,)),
        "refused?": Answer("refused?", False, "I couldn't find that.", (hit,)),
    }
    argv = ["--corpus", str(corpus), "--questions", str(questions)]
    code = run_eval.main(argv, engine_factory=lambda c, i, a: ScriptedEngine(script))
    out = capsys.readouterr().out
    assert code == 0
    table = out.splitlines()
    r1 = next(i for i, line in enumerate(table) if "R@1" in line)
    line = next(line for line in table[r1:] if line.startswith("readability"))
    assert line.startswith("readability 0.333 (1/3 answers read well")  # the refusal is not graded
    assert "opener 1" in line and "ending 2" in line and "capital 1" in line
    assert (
        run_eval.main([*argv, "--json"], engine_factory=lambda c, i, a: ScriptedEngine(script)) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["splits"]["q"]["readability"]["readability"] == 0.3333
