"""Reindex is atomic, reports what changed, skips work when nothing did, and is serialised."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from index import builder, segments
from index.engine import SearchEngine
from index.errors import IndexBusyError

VALUES = "learning-alliance/vision-mission-values.md"


def generations(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.glob("gen-*"))


def test_first_build_reports_every_document(engine: SearchEngine) -> None:
    report = engine.reindex()
    assert report.documents == 3 and report.passages > 20
    assert len(report.added) == 3 and not report.changed and not report.removed
    assert report.passages_added == report.passages and not report.unchanged
    assert report.seconds > 0


def test_nothing_changed_skips_the_rebuild(engine: SearchEngine, index_dir: Path) -> None:
    engine.reindex()
    before = os.readlink(index_dir / "current")
    report = engine.reindex()
    assert report.unchanged and not (report.added or report.changed or report.removed)
    assert os.readlink(index_dir / "current") == before


def test_a_no_change_reindex_does_not_cut_the_documents_again(
    engine: SearchEngine, corpus: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = engine.reindex()
    calls: list[str] = []
    real = builder.chunk_document

    def counting(doc):  # type: ignore[no-untyped-def]
        calls.append(doc.source)
        return real(doc)

    monkeypatch.setattr(builder, "chunk_document", counting)
    report = engine.reindex()
    assert report.unchanged and report.passages == first.passages and calls == []
    values = corpus / VALUES
    values.write_text(values.read_text() + "\n## Kindness\n\nWe value zorblax kindness.\n")
    changed = engine.reindex()
    assert not changed.unchanged and changed.changed == (VALUES,) and calls
    assert engine.ask("zorblax kindness").answered


def test_changes_are_reported_and_served(
    engine: SearchEngine, corpus: Path, index_dir: Path
) -> None:
    engine.reindex()
    (corpus / "learning-alliance" / "home.md").unlink()
    values = corpus / VALUES
    values.write_text(values.read_text() + "\n## Kindness\n\nWe value zorblax kindness.\n")
    (corpus / "new.md").write_text("# Dues\n\nMembers pay no quux dues.\n")
    (corpus / "bad.txt").write_bytes(b"\xff\xfe\x00binary")
    report = engine.reindex()
    assert report.added == ("new.md",)
    assert report.changed == (VALUES,)
    assert report.removed == ("learning-alliance/home.md",)
    assert [s.path for s in report.skipped] == ["bad.txt"]
    assert report.passages_added == 2 and report.passages_removed > 0
    assert engine.ask("zorblax kindness").hits[0].passage.section.endswith("Kindness")
    assert engine.ask("quux dues").answered
    assert engine.status().skipped == report.skipped


def test_dry_run_reports_without_swapping(
    engine: SearchEngine, corpus: Path, index_dir: Path
) -> None:
    engine.reindex()
    before = os.readlink(index_dir / "current")
    (corpus / "new.md").write_text("# Dues\n\nMembers pay no quux dues.\n")
    report = engine.reindex(dry_run=True)
    assert report.dry_run and report.added == ("new.md",) and not report.unchanged
    assert os.readlink(index_dir / "current") == before
    assert not engine.ask("quux dues").answered


def test_a_searcher_open_before_a_reindex_keeps_working(
    engine: SearchEngine, corpus: Path, index_dir: Path
) -> None:
    engine.reindex()
    old = engine._reader()
    (corpus / "new.md").write_text("# Dues\n\nMembers pay no quux dues.\n")
    engine.reindex()
    assert old.generation != os.readlink(index_dir / "current")
    results = old.searcher.search(__import__("whoosh.query").query.Every(), limit=None)
    assert len(results) > 20  # old files still readable after the swap
    assert engine.ask("quux dues").answered  # new questions see the new generation
    assert engine._reader() is not old


def test_a_build_that_fails_midway_leaves_the_old_index_serving(
    engine: SearchEngine, corpus: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine.reindex()
    before = os.readlink(index_dir / "current")
    gens = generations(index_dir)
    (corpus / "new.md").write_text("# Dues\n\nMembers pay no quux dues.\n")
    real = segments.passage_fields
    calls = {"n": 0}

    def failing(passage):  # noqa: ANN001, ANN202
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError("disk full")
        return real(passage)

    monkeypatch.setattr(segments, "passage_fields", failing)
    with pytest.raises(OSError, match="disk full"):
        engine.reindex()
    assert os.readlink(index_dir / "current") == before
    assert generations(index_dir) == gens  # the half-built generation was removed
    assert engine.ask("what are the values?").answered
    assert not engine.ask("quux dues").answered
    monkeypatch.setattr(segments, "passage_fields", real)
    assert engine.reindex().added == ("new.md",)


def test_reindex_is_serialised_with_a_clear_busy_error(
    engine: SearchEngine, index_dir: Path
) -> None:
    with builder.reindex_lock(index_dir, timeout=0):
        with pytest.raises(IndexBusyError, match="Another reindex"):
            engine.reindex()
    assert engine.reindex().documents == 3


def test_old_generations_are_cleaned_up(
    engine: SearchEngine, corpus: Path, index_dir: Path
) -> None:
    for i in range(4):
        (corpus / "new.md").write_text(f"# Dues\n\nVersion {i}.\n")
        engine.reindex()
    current = os.readlink(index_dir / "current")
    gens = generations(index_dir)
    assert current in gens and len(gens) == 1 + builder.KEEP_OLD


def test_an_index_of_an_older_format_is_rebuilt(
    engine: SearchEngine, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine.reindex()
    monkeypatch.setattr(builder, "INDEX_FORMAT", builder.INDEX_FORMAT + 1)
    assert not engine.reindex().unchanged


def _segments(gen: Path) -> list[Path]:
    return [p for p in gen.iterdir() if p.suffix in (".seg", ".toc")]


@pytest.mark.parametrize("damage", ["truncate", "delete_toc", "delete_words", "garble_words"])
def test_a_damaged_serving_generation_is_rebuilt_by_the_next_reindex(
    tmp_path: Path, damage: str
) -> None:
    from index.engine import SearchEngine

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# Guide\n\n## Visits\n\nSchool visits are in spring.\n")
    index_dir = tmp_path / "index"
    engine = SearchEngine(corpus, index_dir, semantic=False)
    engine.reindex()
    gen = builder.current_generation(index_dir)
    assert gen is not None
    for path in _segments(gen):
        if damage == "truncate" and path.suffix == ".seg":
            path.write_bytes(path.read_bytes()[:20])
        if damage == "delete_toc" and path.suffix == ".toc":
            path.unlink()
    if damage == "delete_words":
        (gen / "words.tsv").unlink()
    if damage == "garble_words":
        (gen / "words.tsv").write_bytes(b"\xff\xfe not a word list")
    fresh = SearchEngine(corpus, index_dir, semantic=False)  # a restart
    report = fresh.reindex()
    assert not report.unchanged
    rebuilt = builder.current_generation(index_dir)
    assert rebuilt is not None and rebuilt != gen
    assert fresh.ask("when are school visits?").answered
    assert fresh.reindex().unchanged  # whole again: nothing to do
    fresh.close()
    engine.close()


def test_force_rebuilds_and_cleanup_drops_half_built_generations(tmp_path: Path) -> None:
    from index.engine import SearchEngine

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# Guide\n\n## Visits\n\nSchool visits are in spring.\n")
    index_dir = tmp_path / "index"
    engine = SearchEngine(corpus, index_dir, semantic=False)
    engine.reindex()
    half = index_dir / f"{builder.GEN_PREFIX}20990101T000000-dead00"
    half.mkdir()  # a build that died before writing its manifest
    first = builder.current_generation(index_dir)
    report = engine.reindex(force=True)
    assert not report.unchanged and builder.current_generation(index_dir) != first
    assert not half.exists()
    engine.close()
