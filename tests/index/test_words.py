"""The spelling vocabulary a generation keeps beside its Whoosh files (`index.words`)."""

from __future__ import annotations

from pathlib import Path

from index import analysis
from index.words import WORDS_FILE, TermCounter, Terms


def _words(tmp_path: Path, *passages: str) -> Terms:
    counter = TermCounter()
    for text in passages:
        counter.add_words(text)
    counter.save(tmp_path / WORDS_FILE)
    words = Terms.load(tmp_path / WORDS_FILE)
    assert words is not None
    return words


def test_a_word_counts_once_per_passage_folded_as_the_index_folds_it(tmp_path: Path) -> None:
    words = _words(tmp_path, "Café café CAFÉ visits", "the cafe", "Visits")
    assert words.df("cafe") == 2  # accents and case folded, counted once per passage
    assert words.df("visits") == 2
    assert words.df("the") == 1  # nothing is dropped: "the" is a word the corpus uses
    assert words.df("museum") == 0
    assert len(words) == 3


def test_neighbours_are_within_the_edit_distance_and_keep_the_first_letter(
    tmp_path: Path,
) -> None:
    words = _words(tmp_path, "membership members member embership mentorship ember")
    assert sorted(words.within("membrship", 1)) == ["membership"]
    assert sorted(words.within("membrship", 2)) == ["membership"]  # "embership": other letter
    assert sorted(words.within("membr", 1)) == ["member"]
    assert words.within("", 2) == []


def test_neighbours_are_the_ones_a_whoosh_levenshtein_automaton_finds(
    tmp_path: Path, corpus: Path
) -> None:
    """The corrector's candidates are what `terms_within(..., prefix=1)` gave on the unstemmed
    field that this file replaced."""
    from whoosh import index as whoosh_index
    from whoosh.analysis import RegexTokenizer
    from whoosh.fields import TEXT, Schema

    from index.chunking import chunk_document
    from index.loader import load_corpus

    texts = [
        f"{p.title} {p.section} {p.text}"
        for doc in load_corpus(corpus).documents
        for p in chunk_document(doc)
    ]
    words = _words(tmp_path, *texts)
    (tmp_path / "whoosh").mkdir()
    ix = whoosh_index.create_in(str(tmp_path / "whoosh"), Schema(w=TEXT(RegexTokenizer())))
    writer = ix.writer()
    for text in texts:
        writer.add_document(w=" ".join(analysis.words(text)))
    writer.commit()
    typos = [
        "membrship",
        "expectatons",
        "capstne",
        "vison",
        "missin",
        "coaliton",
        "valeus",
        "studnet",
        "eduction",
        "mexcio",
        "transformtion",
        "leaders",
        "schol",
        "yr",
    ]
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for typo in typos:
            for dist in (1, 2):
                expected = sorted(reader.terms_within("w", typo, dist, prefix=1))
                assert sorted(words.within(typo, dist)) == expected, (typo, dist)


def test_a_missing_or_malformed_file_reads_as_none(tmp_path: Path) -> None:
    assert Terms.load(tmp_path / WORDS_FILE) is None
    (tmp_path / WORDS_FILE).write_text("word-without-count\n", encoding="utf-8")
    assert Terms.load(tmp_path / WORDS_FILE) is None
