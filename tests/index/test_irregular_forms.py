"""A question's irregular form ("paid", "held", "children") finds the base form a document uses."""

from __future__ import annotations

from collections.abc import Callable

from index.engine import SearchEngine
from index.lexicon import irregular_forms

GUIDE = """# Mentoring guide

## Mentor pay

We pay every mentor a stipend at the end of each month of the programme.

## Venue

Sessions take place in the library downtown, next to the train station.

## Families

Each child may bring one guardian to the closing celebration.
"""


def test_an_unknown_irregular_form_searches_its_base_form(
    document_engine: Callable[[dict[str, str]], SearchEngine],
) -> None:
    engine = document_engine({"guide.md": GUIDE})
    paid = engine.ask("how are mentors paid?")
    assert paid.answered
    assert paid.hits[0].passage.section == "Mentoring guide › Mentor pay"
    children = engine.ask("can children bring a guardian?")
    assert children.answered
    assert children.hits[0].passage.section == "Mentoring guide › Families"


def test_the_table_maps_forms_to_base_forms() -> None:
    forms = irregular_forms()
    assert forms["paid"] == "pay"
    assert forms["held"] == "hold"
    assert all(form != base for form, base in forms.items())
