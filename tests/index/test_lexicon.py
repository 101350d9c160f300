"""The word lists decide what an unknown word means: phrasing, or a topic the corpus lacks."""

from __future__ import annotations

import pytest

from index.lexicon import ASK_TOPIC_WORDS, EVERYDAY_WORDS, GENERIC_WORDS, PLACE_WORDS
from index.search import _phrasing


def test_a_word_members_ask_about_is_never_taken_for_phrasing() -> None:
    assert [w for w in sorted(ASK_TOPIC_WORDS) if _phrasing(w)] == []


@pytest.mark.parametrize("word", ["grandkids", "rallying"])
def test_an_unlisted_unknown_word_is_not_phrasing(word: str) -> None:
    assert not _phrasing(word)  # it counts (at half weight), so abstention can still see it


@pytest.mark.parametrize("word", ["reckon", "honestly", "gist", "kinda", "wondering", "cruces"])
def test_everyday_words_and_places_are_phrasing(word: str) -> None:
    assert _phrasing(word)


def test_the_lists_are_lower_case_words() -> None:
    for words in (ASK_TOPIC_WORDS, EVERYDAY_WORDS, GENERIC_WORDS, PLACE_WORDS):
        assert all(w.isalpha() and w == w.lower() for w in words)
