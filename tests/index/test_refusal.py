"""Refusals are short, say what was not found in the member's words, and offer at most three
close sections; small talk gets a friendly reply that is not a refusal (so not a gap)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.engine import SearchEngine
from index.smalltalk import small_talk_reply

EVAL = Path(__file__).resolve().parents[1] / "eval"
UNANSWERABLE = [
    obj["question"]
    for name in sorted(EVAL.glob("questions_*.jsonl"))
    for line in name.read_text(encoding="utf-8").splitlines()
    if line.strip() and (obj := json.loads(line)).get("category") == "unanswerable"
]


def test_every_refusal_is_short_and_offers_at_most_three_sections(
    seed_engine: SearchEngine,
) -> None:
    refused = [a for q in UNANSWERABLE if not (a := seed_engine.ask(q)).answered]
    assert len(refused) >= 100
    for answer in refused:
        assert len(answer.answer) <= 300, answer.question
        assert "couldn't find" in answer.answer or (
            answer.language == "es" and answer.answer.startswith("No encontré")
        )
        assert len(answer.suggestions) <= 3
        assert len(set(answer.suggestions)) == len(answer.suggestions)
        assert "Our Purpose, Our Mission" not in answer.answer  # not the list of every section


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("what is the parking policy?", "parking"),
        ("who won the football game last night?", "football"),
        ("how do I bake sourdough bread?", "sourdough"),
        ("what is the coalition's annual budget?", "budget"),
    ],
)
def test_a_refusal_names_what_it_could_not_find(
    seed_engine: SearchEngine, question: str, word: str
) -> None:
    answer = seed_engine.ask(question)
    assert not answer.answered
    assert word in answer.answer


def test_suggestions_are_sections_and_in_the_json(seed_engine: SearchEngine) -> None:
    answer = seed_engine.ask("who is the director of the learning alliance?")
    assert not answer.answered and answer.suggestions
    assert all(" › " in s for s in answer.suggestions)
    assert answer.to_json()["suggestions"] == list(answer.suggestions)
    assert "suggestions" not in seed_engine.ask("what are the values?").to_json()


SMALL_TALK = [
    "hi", "Hi!", "hello", "hey there", "hiii", "good morning", "thanks", "Thanks!", "thank you",
    "thx", "ty", "lol", "LOL", "haha", "lmao", "ok", "OK.", "okay", "cool", "got it", "bye", "👍",
    "🙏🙏",
]  # fmt: skip


@pytest.mark.parametrize("text", SMALL_TALK)
def test_small_talk_gets_a_friendly_reply_not_a_refusal(
    seed_engine: SearchEngine, text: str
) -> None:
    answer = seed_engine.ask(text)
    assert answer.answered and answer.small_talk and not answer.hits
    assert "couldn't find" not in answer.answer and len(answer.answer) <= 120


@pytest.mark.parametrize(
    "text",
    [
        "what are the values?",
        "hi, what are the year one outcomes?",
        "thanks — how do I join?",
        "ok so what is the mission",
        "' \" \\ / : ; - + !",
        "holistic",
    ],
)
def test_questions_are_not_small_talk(text: str) -> None:
    assert small_talk_reply(text) is None
