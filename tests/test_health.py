"""`alliance-bot health`, the Docker HEALTHCHECK: one line, exit 0 only when a bot runs on a
sound data dir."""

from __future__ import annotations

import pytest

from bot.app.cli import main
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
    assert code == 0 and out.startswith("ok:")
    assert install("health", "--no-bot")[0] == 0


def test_a_damaged_database_is_unhealthy(install):
    assert install("reindex")[0] == 0
    (install.data / "alliance.sqlite3").write_bytes(b"not a database at all" * 100)
    code, out = install("health", "--no-bot")
    assert code == 1 and "database" in out
