"""`alliance-bot health`, the Docker HEALTHCHECK: one line, exit 0 only when a bot runs on a
sound data dir."""

from __future__ import annotations

import time

import pytest

from bot.app.cli import main
from bot.app.heartbeat import Heartbeat, write_heartbeat
from bot.common.lock import InstanceLock


@pytest.fixture
def install(tmp_path, monkeypatch, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# A\n\nSome text about the coalition's values and goals.\n")
    monkeypatch.setenv("ALLIANCE_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("ALLIANCE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ALLIANCE_SEMANTIC", "off")
    monkeypatch.chdir(tmp_path)

    def run(*argv: str) -> tuple[int, str]:
        code = main(list(argv))
        return code, capsys.readouterr().out

    run.data = tmp_path / "data"
    return run


def test_unhealthy_before_anything_exists_and_says_why(install):
    code, out = install("health")
    assert code == 1 and out.startswith("unhealthy:") and len(out.strip().splitlines()) == 1
    assert "no alliance-bot is running" in out


def test_healthy_while_a_bot_holds_the_lock_on_a_built_data_dir(install):
    assert install("reindex")[0] == 0
    assert install("meetings", "list")[0] == 0  # creates the database
    code, out = install("health")
    assert code == 1 and "no alliance-bot is running" in out and "index" not in out
    with InstanceLock(install.data):
        code, out = install("health")
        assert code == 1 and "no heartbeat" in out  # holding the lock is not enough
        write_heartbeat(install.data, Heartbeat(time.time(), connected=True))
        code, out = install("health")
    assert code == 0 and out.startswith("ok:")
    assert install("health", "--no-bot")[0] == 0


def test_a_damaged_database_is_unhealthy(install):
    assert install("reindex")[0] == 0
    (install.data / "alliance.sqlite3").write_bytes(b"not a database at all" * 100)
    code, out = install("health", "--no-bot")
    assert code == 1 and "database" in out


def test_a_frozen_event_loop_or_a_lost_gateway_is_unhealthy(install):
    """The process holds the lock but its loop stopped writing heartbeats (a blocking call froze
    it), or it has been cut off from Discord for minutes: both are reported, in words."""
    assert install("reindex")[0] == 0
    assert install("meetings", "list")[0] == 0
    now = time.time()
    with InstanceLock(install.data):
        write_heartbeat(install.data, Heartbeat(now - 600, connected=True))
        code, out = install("health")
        assert code == 1 and "event loop has not run for" in out and "frozen" in out
        write_heartbeat(install.data, Heartbeat(now, connected=False, disconnected_since=now - 900))
        code, out = install("health")
        assert code == 1 and "not been connected to Discord" in out
        write_heartbeat(install.data, Heartbeat(now, connected=False, disconnected_since=now - 20))
        assert install("health")[0] == 0  # a short reconnect is normal
