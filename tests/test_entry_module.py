"""`python -m bot` from a fresh clone: the system Python hands over to `.venv`, or says how to
get the dependencies in one line (never a ModuleNotFoundError traceback)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _bare_python() -> str:
    """The interpreter the venv was made from: it has none of the project's dependencies."""
    for name in ("python3", "python"):
        candidate = Path(sys.base_prefix) / "bin" / name
        if candidate.exists():
            return str(candidate)
    pytest.skip("no base interpreter found")


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = _bare_python()
    probe = subprocess.run([base, "-c", "import whoosh"], capture_output=True, check=False)
    if probe.returncode == 0:
        pytest.skip("the base interpreter has the dependencies installed")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ALLIANCE_", "VIRTUAL_ENV"))}
    return subprocess.run(
        [base, "-m", "bot", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_system_python_hands_over_to_the_checkouts_venv() -> None:
    done = _run("--help")
    assert done.returncode == 0, done.stderr
    assert "usage: alliance-bot" in done.stdout


def test_without_a_venv_the_error_is_one_line_saying_what_to_run() -> None:
    done = _run("--help", ALLIANCE_NO_VENV_HANDOVER="1")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "make install" in lines[0] and ".venv/bin/activate" in lines[0]
    assert "Traceback" not in done.stderr
