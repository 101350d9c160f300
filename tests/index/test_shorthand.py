"""Written shorthand ("dept", "hs", "irl") finds the words a document spells out."""

from __future__ import annotations

from collections.abc import Callable

from index.engine import SearchEngine
from index.lexicon import shorthand_forms

Build = Callable[[dict[str, str]], SearchEngine]

GUIDE = """# Partners guide

## State partners

The Department of Workforce Solutions and the Public Education Department each send one
representative to the council.

## Students

Every high school student may take one dual credit course each semester.

## Gatherings

Members attend two in person workshops each spring, and the rest of the work is online.
"""


def test_unknown_shorthand_searches_the_words_it_stands_for(document_engine: Build) -> None:
    engine = document_engine({"guide.md": GUIDE})
    dept = engine.ask("which dept sends a rep?")
    assert dept.answered
    assert dept.hits[0].passage.section == "Partners guide › State partners"
    hs = engine.ask("can hs kids take dual credit?")
    assert hs.answered
    assert hs.hits[0].passage.section == "Partners guide › Students"
    irl = engine.ask("are the workshops irl?")
    assert irl.answered
    assert irl.hits[0].passage.section == "Partners guide › Gatherings"


def test_shorthand_the_index_knows_is_left_alone(document_engine: Build) -> None:
    engine = document_engine(
        {
            "guide.md": "# Guide\n\n## Reps\n\nReps are the club's weightlifting sets.\n\n"
            "## Council\n\nEach representative serves two years.\n"
        }
    )
    assert engine.ask("how many reps?").hits[0].passage.section == "Guide › Reps"


def test_the_table_lists_one_meaning_per_shorthand() -> None:
    forms = shorthand_forms()
    assert forms["dept"] == "department"
    assert forms["hs"] == "high school"
    assert "min" not in forms  # a minute or a minimum
    assert all(short != full and " " not in short for short, full in forms.items())
