"""The Dockerfile, compose file and systemd units, checked as files (this machine has the docker
CLI but no engine, so the image is not built here; `make test-docker` builds and runs it where an
engine exists). Each check is a property a deployment relies on."""

from __future__ import annotations

import configparser
import fnmatch
import re
import shlex
from pathlib import Path

from bot.app.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    text = re.sub(r"\\\n", " ", text)
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def instructions(name: str) -> list[str]:
    return [rest for word, rest in dockerfile() if word == name]


def env() -> dict[str, str]:
    values: dict[str, str] = {}
    for rest in instructions("ENV"):
        for token in shlex.split(rest):
            key, _, value = token.partition("=")
            values[key] = value
    return values


def cli_commands() -> set[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return set(sub.choices)  # type: ignore[arg-type]


def test_the_image_is_a_slim_python_base_that_meets_requires_python():
    (base,) = instructions("FROM")
    match = re.fullmatch(r"python:3\.(\d+)-slim(-[a-z]+)?", base)
    assert match, base
    assert int(match.group(1)) >= 11


def test_the_bot_runs_as_a_non_root_user_created_in_the_image():
    users = instructions("USER")
    assert users and users[-1] not in ("root", "0")
    assert any("useradd" in r and users[-1] in r for r in instructions("RUN"))
    last_user = max(i for i, (w, _) in enumerate(dockerfile()) if w == "USER")
    assert all(w != "RUN" for w, _ in dockerfile()[last_user:])  # nothing after runs as root


def test_data_and_corpus_are_volumes_where_the_settings_point():
    volumes = set(re.findall(r'"([^"]+)"', instructions("VOLUME")[0]))
    values = env()
    assert {values["ALLIANCE_DATA_DIR"], values["ALLIANCE_CORPUS_DIR"]} <= volumes


def test_the_health_check_and_entry_point_are_real_cli_commands():
    (check,) = instructions("HEALTHCHECK")
    command = re.search(r"CMD\s+(\[.*\])", check)
    assert command and '"alliance-bot"' in command.group(1)
    health = re.findall(r'"([^"]+)"', command.group(1))[1]
    (cmd,) = instructions("CMD")
    run = re.findall(r'"([^"]+)"', cmd)[0]
    assert {health, run} <= cli_commands()
    assert instructions("ENTRYPOINT") == ['["alliance-bot"]']
    assert instructions("STOPSIGNAL") == ["SIGTERM"]  # what stop_on_signals handles


def test_no_secret_is_baked_into_the_image():
    for word in ("ENV", "ARG", "LABEL"):
        for rest in instructions(word):
            assert not re.search(r"TOKEN|SECRET|PASSWORD", rest, re.I), rest
    copied = " ".join(instructions("COPY") + instructions("ADD"))
    assert ".env" not in copied and "data" not in copied.split()
    ignored = [
        ln.strip()
        for ln in (ROOT / ".dockerignore").read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    ]

    def excluded(path: str) -> bool:
        state = False
        for pattern in ignored:
            negate = pattern.startswith("!")
            if fnmatch.fnmatch(path, pattern.lstrip("!")):
                state = not negate
        return state

    for path in (".env", ".env.production", ".venv", "data", ".git"):
        assert excluded(path), path
    for path in ("index/data", "corpus", "bot", ".env.example"):
        assert not excluded(path), path


def test_compose_restarts_keeps_both_volumes_and_reads_the_token_from_env_file():
    text = (ROOT / "compose.yaml").read_text()
    assert re.search(r"^\s+restart: unless-stopped$", text, re.M)
    assert re.search(r"^\s+- path: \.env$", text, re.M)
    assert "alliance-data:/data" in text and "alliance-corpus:/app/corpus" in text
    assert "TOKEN" not in text
    assert re.search(r"max-size", text)  # logs are rotated


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(ROOT / "deploy" / name)
    return parser


def test_the_systemd_unit_restarts_and_keeps_token_and_data_in_place():
    service = unit("alliance-bot.service")["Service"]
    assert service["Restart"] == "always" and int(service["RestartSec"]) > 0
    assert service["EnvironmentFile"].startswith("/etc/")
    assert service["User"] != "root"
    assert service["ExecStart"].endswith("alliance-bot run")
    assert service["WorkingDirectory"].startswith("/")
    text = (ROOT / "deploy" / "alliance-bot.service").read_text()
    assert "Environment=ALLIANCE_DATA_DIR=/var/lib/alliance-bot" in text
    assert service["StateDirectory"] == "alliance-bot"
    assert "TOKEN=" not in text.replace("# ALLIANCE_DISCORD_TOKEN=…", "")


def test_the_backup_timer_runs_the_backup_command():
    backup = unit("alliance-bot-backup.service")["Service"]
    assert "alliance-bot backup" in backup["ExecStart"]
    assert "backup" in cli_commands()
    assert unit("alliance-bot-backup.timer")["Timer"]["OnCalendar"]
