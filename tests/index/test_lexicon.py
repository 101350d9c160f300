"""The word lists decide what an unknown word means: phrasing, or a topic the corpus lacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.engine import SearchEngine
from index.lexicon import lexicon_source, parse_lexicon, shipped, shipped_lists


def test_a_word_members_ask_about_is_never_taken_for_phrasing() -> None:
    lexicon = shipped()
    assert [w for w in sorted(lexicon.ask_topics) if lexicon.phrasing(w)] == []


@pytest.mark.parametrize("word", ["grandkids", "rallying"])
def test_an_unlisted_unknown_word_is_not_phrasing(word: str) -> None:
    assert not shipped().phrasing(word)  # it counts (at half weight), so abstention can see it


@pytest.mark.parametrize("word", ["reckon", "honestly", "gist", "kinda", "wondering", "cruces"])
def test_everyday_words_and_places_are_phrasing(word: str) -> None:
    assert shipped().phrasing(word)


@pytest.mark.parametrize("word", ["picture", "growing", "single", "sentence"])
def test_a_frequent_english_word_is_spelt_right_and_weighs_less(word: str) -> None:
    lexicon = shipped()
    assert lexicon.frequent(word) and lexicon.real_word(word) and not lexicon.phrasing(word)


@pytest.mark.parametrize(
    ("word", "frequent"), [("statment", True), ("recieve", True), ("parkign", False)]
)
def test_a_slip_of_a_frequent_word_is_frequent_but_not_of_an_ask_topic(
    word: str, frequent: bool
) -> None:
    assert shipped().frequent(word) is frequent  # "parkign" is "parking", a topic


def test_an_admin_topic_word_counts_however_frequent_it_is() -> None:
    assert shipped().frequent("dog")
    lexicon = parse_lexicon('[ask_topics]\nadd = "dog"\n')
    assert lexicon.asks_topic("dog") and not lexicon.frequent("dog")


@pytest.mark.parametrize(("word", "topic"), [("even", False), ("found", False), ("evening", True)])
def test_an_everyday_word_sharing_a_stem_with_a_topic_is_not_a_topic(
    word: str, topic: bool
) -> None:
    assert shipped().asks_topic(word) is topic  # "even" ~ "evening", "found" ~ "founded"


def test_words_read_as_phrasing_for_one_question_leave_the_topics_alone() -> None:
    lexicon = shipped().with_phrasing(frozenset({"renovar", "salary"}))
    assert lexicon.phrasing("renovar") and not shipped().phrasing("renovar")
    assert lexicon.asks_topic("salary") and not lexicon.phrasing("salary")


def test_the_shipped_lists_are_lower_case_words() -> None:
    for words in shipped_lists().values():
        assert words and all(w.isalpha() and w == w.lower() for w in words)


def test_an_admin_file_adds_and_removes_words() -> None:
    lexicon = parse_lexicon(
        '[ask_topics]\nadd = "mentorship"\nremove = ["weather"]\n[places]\nadd = "mesilla"\n'
    )
    assert lexicon.asks_topic("mentorship") and not shipped().asks_topic("mentorship")
    assert not lexicon.asks_topic("weather")
    assert lexicon.phrasing("mesilla") and not shipped().phrasing("mesilla")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[topics]\nadd = 'x'\n", "unknown table [topics]"),
        ("[places]\nwords = 'x'\n", "only add and remove"),
        ("[places]\nadd = 3\n", "[places] add must be"),
        ("[places\n", "lexicon ignored"),
    ],
)
def test_a_broken_admin_file_is_reported_and_the_shipped_lists_serve(
    tmp_path: Path, text: str, problem: str
) -> None:
    (tmp_path / "lexicon.toml").write_text(text, encoding="utf-8")
    source = lexicon_source(tmp_path)
    assert source.get() is shipped()
    assert problem in (source.problem() or "")


def test_an_admin_topic_word_makes_the_engine_refuse_and_reindex_names_a_broken_file(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text(
        "# Guide\n\n## Visits\n\nSchool visits happen in the spring, at a host school.\n\n"
        "## Reports\n\nEach team writes a report after the visit.\n\n"
        "## Members\n\nMembers are teachers, parents and students.\n",
        encoding="utf-8",
    )
    engine = SearchEngine(corpus, tmp_path / "index", semantic=False)
    question = "when do school visits happen zorbling"
    assert engine.ask(question).answered  # an unknown word off the lists counts only half
    (corpus / "lexicon.toml").write_text('[ask_topics]\nadd = "zorbling"\n', encoding="utf-8")
    assert not engine.ask(question).answered  # now it names a topic the corpus lacks
    (corpus / "lexicon.toml").write_text("[ask_topics\n", encoding="utf-8")
    report = engine.reindex()
    assert [s.path for s in report.skipped] == ["lexicon.toml"]
    engine.close()
