"""Glossing a Spanish question for word matching: glossary first, then cognates the corpus uses."""

from __future__ import annotations

from index.spanish import Glossary, cognates, read_spanish

GLOSSARY = Glossary({"alianza": "alliance", "estudiantes": "students"}, {}, 1)
CORPUS_WORDS = {"institutions", "priority", "implement", "agencies", "emotional", "learning"}


def test_a_word_the_glossary_lacks_is_read_as_the_cognate_the_corpus_uses() -> None:
    reading, kept = read_spanish(
        "¿Qué instituciones y agencias son prioridad para la alianza?",
        GLOSSARY,
        known=CORPUS_WORDS.__contains__,
    )
    assert reading.split() == ["institutions", "agencies", "priority", "alliance"]
    assert kept == frozenset()


def test_without_a_known_cognate_the_word_is_kept_as_typed() -> None:
    reading, kept = read_spanish(
        "¿Cómo apoyan el bienestar emocional?", GLOSSARY, known=CORPUS_WORDS.__contains__
    )
    assert "emotional" in reading.split()
    assert {"apoyan", "bienestar"} <= kept  # no English form of theirs is in the corpus


def test_cognates_follow_the_regular_endings() -> None:
    assert cognates("instituciones")[0] == "institutions"
    assert "priority" in cognates("prioridad")
    assert "implement" in cognates("implementar")
    assert "agencies" in cognates("agencias")
    assert cognates("sal") == []  # too short to be sure of


def test_the_shipped_glossary_reads_how_long_a_term_lasts_and_drops_phrasing() -> None:
    gloss, unknown = read_spanish("¿Cuánto dura el periodo de servicio de los miembros?")
    assert gloss.startswith("how long")
    assert "term" in gloss.split() and "service" in gloss.split()
    assert unknown == frozenset()
    gloss, _ = read_spanish("¿La alianza toma en cuenta la soberanía tribal?")
    assert "sovereignty" in gloss.split()
    assert "cuenta" not in gloss and "account" not in gloss
