"""`alliance-bot run` / default: token problems are one line and never echo the token."""

import pytest

from bot.app.cli import main
from bot.app.run import token_of
from bot.settings import Settings
from index.errors import UserError


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path):
    for name in ("ALLIANCE_DISCORD_TOKEN", "DISCORD_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env from the repo
    monkeypatch.setenv("ALLIANCE_DATA_DIR", str(tmp_path / "data"))


def test_run_without_token_is_a_one_line_error(capsys):
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no Discord token" in err and "console" in err


@pytest.mark.parametrize("token", ["not-a-token", "Bot abc.def.ghi", "a.b", "has space.x.y"])
def test_malformed_token_is_a_one_line_error_without_the_token(monkeypatch, capsys, token):
    monkeypatch.setenv("DISCORD_TOKEN", token)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "token" in err
    assert token not in err


def test_well_formed_token_passes_the_shape_check():
    token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"
    assert token_of(Settings(_env_file=None, discord_token=token)) == token
    with pytest.raises(UserError):
        token_of(Settings(_env_file=None, discord_token="   "))


def test_second_bot_on_the_same_data_dir_exits_with_a_clear_message(monkeypatch, capsys, tmp_path):
    from bot.common.lock import InstanceLock

    monkeypatch.setenv(
        "DISCORD_TOKEN", "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"
    )
    with InstanceLock(tmp_path / "data"):
        assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "already running" in err and err.count("\n") == 1


def test_plain_command_without_token_opens_the_console_and_says_why(monkeypatch, capsys, tmp_path):
    import io

    from bot.app import wiring
    from tests.bot.fakes import FakeEngine

    monkeypatch.setattr(wiring, "default_engine", lambda settings: FakeEngine())
    monkeypatch.setenv("ALLIANCE_CORPUS_DIR", str(tmp_path / "corpus"))
    monkeypatch.setattr("sys.stdin", io.StringIO("/ask what are the values?\n/quit\n"))
    assert main([]) == 0
    captured = capsys.readouterr()
    assert "no Discord token configured" in captured.err and "console" in captured.err
    assert "[1] Values › Our Values" in captured.out


def test_token_is_redacted_from_logs():
    import logging

    from bot.app.logging_setup import Redact

    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "using %s now", ("s3cr3t.tok",), None
    )
    Redact("s3cr3t.tok").filter(record)
    assert record.getMessage() == "using [redacted] now"
