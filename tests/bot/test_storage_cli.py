"""Storage faults at start-up and on the command line, with real files and real processes.

Each scenario runs `python -m bot …` and expects one line on stderr naming the path, the problem
and what to do, a non-zero exit and no traceback. A read-only folder and a full disk are made in
a private mount namespace (`unshare -rm`: a read-only bind mount, a tiny tmpfs); tests run as
root here, where `chmod` would not stop writes, so without `unshare` those tests are skipped.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app.cli import main
from bot.common import db

REPO = Path(__file__).resolve().parents[2]
TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.GabcdE.abcdefghijklmnopqrstuvwxyz0123456789AB"


def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True, timeout=10, check=False)
    return probe.returncode == 0


needs_unshare = pytest.mark.skipif(
    not _unshare_works(), reason="needs `unshare -rm` (private mount namespace) for real faults"
)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "values.md").write_text("# Values\n\nWe value equity and urgency.\n")
    data = tmp_path / "data"
    data.mkdir()
    return {
        **os.environ,
        "ALLIANCE_CORPUS_DIR": str(corpus),
        "ALLIANCE_DATA_DIR": str(data),
        "ALLIANCE_SEMANTIC": "off",
        "ALLIANCE_DISCORD_API_URL": "http://127.0.0.1:9/api/v10",
        "ALLIANCE_DISCORD_GATEWAY_URL": "ws://127.0.0.1:9/gateway",
        "ALLIANCE_DISCORD_TOKEN": "",
    }


def bot_cmd(*argv: str) -> list[str]:
    return [sys.executable, "-m", "bot", *argv]


def run(
    cmd: list[str], env: dict[str, str], cwd: Path, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, env=env, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=120
    )


def assert_one_line(proc: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert proc.returncode != 0, proc
    assert "Traceback" not in proc.stderr and "unexpected error" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


COMMANDS = {
    "cli": (bot_cmd("meetings", "list"), ""),
    "console": (bot_cmd("console"), "/help\n"),
    "run": (bot_cmd("run"), ""),
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_junk_database_file_is_one_line_naming_it(
    name: str, env: dict[str, str], tmp_path: Path
) -> None:
    path = Path(env["ALLIANCE_DATA_DIR"]) / "alliance.sqlite3"
    path.write_bytes(b"not sqlite at all; junk junk junk\n" * 300)
    cmd, stdin = COMMANDS[name]
    if name == "run":
        env = {**env, "ALLIANCE_DISCORD_TOKEN": TOKEN}
    proc = run(cmd, env, tmp_path, stdin)
    assert_one_line(proc, str(path), "not a valid SQLite database", "backup")


@needs_unshare
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_read_only_data_dir_is_one_line_naming_it(
    name: str, env: dict[str, str], tmp_path: Path
) -> None:
    data = env["ALLIANCE_DATA_DIR"]
    cmd, stdin = COMMANDS[name]
    if name == "run":
        env = {**env, "ALLIANCE_DISCORD_TOKEN": TOKEN}
    script = f'mount --bind "{data}" "{data}" && mount -o remount,bind,ro "{data}" && exec "$@"'
    proc = run(["unshare", "-rm", "sh", "-c", script, "sh", *cmd], env, tmp_path, stdin)
    assert_one_line(proc, data, "read-only", "writable")


@needs_unshare
def test_read_only_existing_database_is_one_line(env: dict[str, str], tmp_path: Path) -> None:
    data = env["ALLIANCE_DATA_DIR"]
    assert run(bot_cmd("meetings", "list"), env, tmp_path).returncode == 0
    script = f'mount --bind "{data}" "{data}" && mount -o remount,bind,ro "{data}" && exec "$@"'
    add = bot_cmd("meetings", "add", "--title", "Check-in", "--when", "2030-01-08 09:00")
    proc = run(["unshare", "-rm", "sh", "-c", script, "sh", *add], env, tmp_path)
    assert_one_line(proc, data, "read-only")


@needs_unshare
def test_full_disk_is_one_line_naming_it(env: dict[str, str], tmp_path: Path) -> None:
    data = env["ALLIANCE_DATA_DIR"]
    script = (
        f'mount -t tmpfs -o size=256k tmpfs "{data}" && '
        f'(dd if=/dev/zero of="{data}/filler" bs=4k 2>/dev/null; true) && exec "$@"'
    )
    add = bot_cmd("meetings", "add", "--title", "Check-in", "--when", "2030-01-08 09:00")
    proc = run(["unshare", "-rm", "sh", "-c", script, "sh", *add], env, tmp_path)
    assert_one_line(proc, data, "disk is full", "free space")


def test_locked_database_is_one_line_and_changes_nothing(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    for key in ("ALLIANCE_CORPUS_DIR", "ALLIANCE_DATA_DIR", "ALLIANCE_SEMANTIC"):
        monkeypatch.setenv(key, env[key])
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(db, "BACKGROUND_BUSY_SECONDS", 0.2)
    assert main(["meetings", "list"]) == 0
    path = Path(env["ALLIANCE_DATA_DIR"]) / "alliance.sqlite3"
    holder = sqlite3.connect(str(path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    capsys.readouterr()
    try:
        code = main(["meetings", "add", "--title", "Check-in", "--when", "2030-01-08 09:00"])
    finally:
        holder.execute("ROLLBACK")
    err = capsys.readouterr().err
    assert code != 0 and err.count("\n") == 1
    assert str(path) in err and "locked by another process" in err and "try again" in err
    assert holder.execute("SELECT COUNT(*) FROM schedule_items").fetchone()[0] == 0


def test_reindex_into_a_closed_pipe_exits_quietly(env: dict[str, str], tmp_path: Path) -> None:
    """`alliance-bot reindex | head`: the reader is gone before the report is written."""
    proc = subprocess.Popen(
        bot_cmd("reindex"),
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(120) == 0, err
    assert "BrokenPipe" not in err and "Traceback" not in err and "Exception" not in err
