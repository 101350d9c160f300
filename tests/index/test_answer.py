"""Answers are short, extractive and cited; hits are highlighted or fall back to their opening."""

from __future__ import annotations

import re
from collections.abc import Callable

from index.answer import highlight, opening
from index.engine import SearchEngine


def test_answer_sentences_are_copied_from_the_cited_passages(seed_engine: SearchEngine) -> None:
    answer = seed_engine.ask("what does the holistic value mean?")
    assert answer.answered
    pieces = re.findall(r"(.+?) \[(\d+)\]", answer.answer)
    assert 1 <= len(pieces) <= 3
    for sentence, n in pieces:
        cited = answer.hits[int(n) - 1].passage.text
        assert sentence.strip() in cited.replace("• ", "")


def test_hits_mark_matched_words_in_bold(seed_engine: SearchEngine) -> None:
    answer = seed_engine.ask("multilingualism")
    assert "**multilingualism**" in answer.hits[0].highlighted
    assert answer.hits[0].highlighted.replace("**", "") == answer.hits[0].passage.text


def test_at_most_five_passages_in_json_and_up_to_ten_hits(seed_engine: SearchEngine) -> None:
    answer = seed_engine.ask("students education New Mexico coalition alliance", limit=10)
    assert len(answer.hits) > 5
    assert len(answer.to_json()["passages"]) == 5
    assert [p["rank"] for p in answer.to_json()["passages"]] == [1, 2, 3, 4, 5]


def test_highlight_merges_neighbours_and_fallback_is_the_opening() -> None:
    assert highlight("Tribal education matters.", {"tribal", "educ"}) == (
        "**Tribal education** matters."
    )
    assert highlight("Nothing here.", {"zzz"}) == ""
    text = "First sentence here. Second one follows. " + "Third is long. " * 40
    assert opening(text).startswith("First sentence here. Second one follows.")
    assert len(opening(text)) < 420


def test_a_section_named_by_the_question_answers_with_its_opening_sentence(
    seed_engine: SearchEngine,
) -> None:
    answer = seed_engine.ask("what is the alliance's mission")
    assert answer.answer.startswith("To create an effective, community-focused")
    assert "the following:" not in answer.answer  # a list's lead-in says nothing alone


def test_an_answer_from_teasers_only_quotes_them_as_excerpts_never_empty(tmp_path) -> None:
    from index.engine import SearchEngine

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "news.md").write_text(
        "# News\n\n## Recent Articles\n\n### Economic development\n\n"
        "Thank you to the Business Journal for publishing this article. ...\n\n"
        "### Public TV partnership\n\nWe worked with public television to connect with stud ...\n",
        encoding="utf-8",
    )
    engine = SearchEngine(corpus, tmp_path / "index", semantic=False)
    answer = engine.ask("what's the deal with the business journal article?")
    assert answer.answered
    assert answer.answer.startswith("Thank you to the Business Journal")
    assert "(excerpt)" in answer.answer and "article. (excerpt)" in answer.answer
    engine.close()


def test_a_glossary_entry_opens_on_its_heading_and_loses_its_footnote_mark(
    document_engine: Callable[[dict[str, str]], SearchEngine],
) -> None:
    engine = document_engine(
        {
            "conduct.md": "# Code of conduct\n\n## Definitions\n\n### Workplace Bullying\n\n"
            "is a tendency to use persistent aggressive behaviour against a co-worker.\n\n"
            "## Review\n\n*Since projects differ, the committee has final judgment over reviews.\n"
        }
    )
    bullying = engine.ask("what counts as workplace bullying?")
    assert bullying.answer.startswith("Workplace Bullying is a tendency to use persistent")
    review = engine.ask("who has final judgment over reviews?")
    assert review.answer.startswith("Since projects differ, the committee has final judgment")
