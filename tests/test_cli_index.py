"""The `reindex` / `ask` command-line contract that other tools parse."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app.cli import main

REPO = Path(__file__).resolve().parents[1]
KEYS = ["question", "answered", "answer", "passages", "language"]
PASSAGE_KEYS = ["rank", "source", "title", "section", "text", "score"]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    monkeypatch.chdir(tmp_path)  # no .env from the repo
    monkeypatch.setenv("ALLIANCE_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("ALLIANCE_DATA_DIR", str(tmp_path / "data"))
    return corpus


def test_ask_prints_a_cited_answer_building_the_index_first(env: Path, capsys) -> None:
    assert main(["ask", "what are the alliance's values?"]) == 0
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert "[1]" in first and "Values" in first
    assert "[1] Vision, Mission, and Values › Our Values" in out
    assert "source: learning-alliance/vision-mission-values.md" in out
    assert "> " in out and "**" in out  # quoted passage with matched words marked


def test_ask_json_is_one_object_with_the_contract_shape(env: Path, capsys) -> None:
    assert main(["ask", "--json", "what", "is", "the", "holistic", "value?"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    obj = json.loads(lines[0])
    assert list(obj) == KEYS
    assert obj["question"] == "what is the holistic value?" and obj["answered"] is True
    assert 1 <= len(obj["passages"]) <= 5
    first = obj["passages"][0]
    assert list(first) == PASSAGE_KEYS
    assert first["rank"] == 1 and first["source"] == "learning-alliance/vision-mission-values.md"
    assert first["section"].endswith("Holistic") and "**" not in first["text"]
    assert isinstance(first["score"], float)
    assert [p["rank"] for p in obj["passages"]] == list(range(1, len(obj["passages"]) + 1))


def test_ask_json_batch_from_stdin_keeps_order_and_survives_bad_lines(
    env: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    questions = ["membership expectations", "", "x" * 600, "capital of France?", "urgency"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(questions) + "\n"))
    assert main(["ask", "--json", "-"]) == 0
    objs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["question"] for o in objs] == [q for q in questions if q]  # blank line skipped
    assert [o["answered"] for o in objs] == [True, False, False, True]
    assert "characters" in objs[1]["error"] and objs[1]["passages"] == []
    assert all(list(o)[:4] == KEYS[:4] for o in objs)


def test_reindex_prints_the_report(env: Path, capsys) -> None:
    (env / "broken.txt").write_bytes(b"\xff\xfe\xfa not utf-8")
    assert main(["reindex"]) == 0
    out = capsys.readouterr().out
    assert "Documents: 3" in out and "Passages:" in out
    assert "Added: hs-transformation-coalition/coalition.md" in out
    assert "broken.txt: not UTF-8" in out and "Time:" in out
    assert main(["reindex"]) == 0
    assert "up to date" in capsys.readouterr().out
    (env / "new.md").write_text("# New\n\nText.\n")
    assert main(["reindex", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Dry run" in out and "Added: new.md" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ask", "   "], "type a question"),
        (["ask", "-"], "needs --json"),
    ],
)
def test_errors_are_one_line_on_stderr_with_non_zero_exit(
    env: Path, capsys, argv: list[str], message: str
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.err.count("\n") == 1
    assert "Traceback" not in captured.err and captured.out == ""


def test_missing_corpus_is_a_clear_error(env: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("ALLIANCE_CORPUS_DIR", str(env.parent / "nowhere"))
    assert main(["reindex"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_python_dash_m_bot_works(env: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "site visit"],
        capture_output=True,
        text=True,
        cwd=env.parent,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    obj = json.loads(proc.stdout)
    assert obj["answered"] and obj["passages"][0]["section"].endswith("Membership Expectations")


def test_ask_answers_schedule_questions_from_the_live_schedule(env: Path, capsys) -> None:
    assert main(["meetings", "add", "--title", "Coalition check-in", "--when", "in 3 days"]) == 0
    capsys.readouterr()
    assert main(["ask", "--json", "when is the next meeting?"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["answered"] is True and "Coalition check-in" in obj["answer"]
    assert list(obj) == KEYS


def test_reindex_also_loads_the_standing_schedule(env: Path, capsys) -> None:
    assert main(["reindex"]) == 0
    out = capsys.readouterr().out
    assert "Schedule: standing schedule:" in out and "added" in out
    assert main(["reindex"]) == 0
    assert "0 added" in capsys.readouterr().out  # upserted by key, never duplicated


def test_schedule_answers_in_the_json_contract_are_plain_text(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO), "ALLIANCE_DATA_DIR": str(tmp_path / "data")}
    add = [sys.executable, "-m", "bot", "meetings", "add", "--title", "Coalition call"]
    subprocess.run([*add, "--when", "in 2 days"], env=env, check=True, capture_output=True)
    out = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "when is the next meeting?"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    answer = json.loads(out)["answer"]
    assert "Coalition call" in answer and "**" not in answer
