"""The CLI and settings that every feature builds on."""

import sqlite3

import pytest

from bot.app.cli import main
from bot.common.db import connect, migrate
from bot.settings import Settings


def test_unknown_timezone_is_a_one_line_config_error(monkeypatch, capsys):
    monkeypatch.setenv("ALLIANCE_TIMEZONE", "Mars/Olympus")
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "ALLIANCE_TIMEZONE" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("typed", "ids"),
    [("12345", [12345]), ("1,2", [1, 2]), ("[1,2]", [1, 2]), ("1, 2", [1, 2]), ("", [])],
)
def test_guild_ids_accept_what_people_type(monkeypatch, typed, ids):
    monkeypatch.setenv("ALLIANCE_GUILD_IDS", typed)
    assert Settings(_env_file=None).guild_ids == ids


def test_a_bad_guild_id_is_a_one_line_config_error_with_an_example(monkeypatch, capsys):
    monkeypatch.setenv("ALLIANCE_GUILD_IDS", "my-server")
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "ALLIANCE_GUILD_IDS" in err and "e.g." in err and "Traceback" not in err


def test_token_is_secret_and_accepts_plain_discord_token(monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", "super-secret-token")
    settings = Settings(_env_file=None)
    assert settings.discord_token is not None
    assert settings.discord_token.get_secret_value() == "super-secret-token"
    assert "super-secret-token" not in repr(settings)


def test_migrations_apply_once_per_component(tmp_path):
    conn = connect(tmp_path / "db.sqlite3")
    steps = ["CREATE TABLE a (x INTEGER);", "ALTER TABLE a ADD COLUMN y TEXT;"]
    assert migrate(conn, "alpha", steps) == 2
    assert migrate(conn, "alpha", steps) == 2
    assert migrate(conn, "beta", ["CREATE TABLE b (x INTEGER);"]) == 1
    conn.execute("INSERT INTO a (x, y) VALUES (1, 'ok')")


def test_failed_migration_rolls_back(tmp_path):
    conn = connect(tmp_path / "db.sqlite3")
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, "alpha", ["CREATE TABLE a (x INTEGER); CREATE TABLE a (x INTEGER);"])
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'a'").fetchone() is None


def test_argument_errors_are_one_line(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["no-such-command"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "usage:" not in err
