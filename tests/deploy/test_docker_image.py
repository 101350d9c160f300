"""Build the image and run it in console mode (`make test-docker`; needs a Docker engine).

Skipped unless ALLIANCE_DOCKER_TESTS=1 (building takes minutes, so it stays out of `make test`)
and unless `docker info` reaches an engine. On the development machine the docker CLI exists but
no engine does, so `tests/test_deploy_files.py` checks the files instead."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TAG = "alliance-bot:test"


def _engine() -> bool:
    if os.environ.get("ALLIANCE_DOCKER_TESTS") != "1" or shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, check=False).returncode == 0


pytestmark = [
    pytest.mark.skipif(not _engine(), reason="set ALLIANCE_DOCKER_TESTS=1 with a Docker engine"),
    pytest.mark.timeout(1800),
]


def test_the_image_builds_runs_the_console_as_non_root_and_reports_health():
    subprocess.run(["docker", "build", "-t", TAG, str(ROOT)], check=True, timeout=1500)
    user = subprocess.run(
        ["docker", "run", "--rm", "--entrypoint", "id", TAG, "-u"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert user.stdout.strip() != "0"
    done = subprocess.run(
        ["docker", "run", "--rm", "-i", "-e", "ALLIANCE_SEMANTIC=off", TAG, "console"],
        input="/ask what is the term of service?\n/quit\n",
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert "[1]" in done.stdout and "Traceback" not in done.stderr
    health = subprocess.run(
        ["docker", "run", "--rm", TAG, "health"], capture_output=True, text=True, timeout=60
    )
    assert health.returncode == 1 and health.stdout.startswith("unhealthy:")
