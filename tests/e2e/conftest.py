"""Fixtures for the end-to-end tests: the fake Discord, a real bot started against it, and a guard.

The guard fails a test on any ERROR log record from `discord.*`, `bot.*` or `index.*` (discord.py
logs and swallows errors raised in command callbacks, so without it a crashed command passes), and
on any problem the fake recorded (an unserved route, a message over Discord's limits, a message
that does not turn mentions off).
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.settings import Settings
from tests.e2e import fake_discord as fd

REPO = Path(__file__).resolve().parents[2]
WATCHED = ("discord", "bot", "index")


def real_engine_available() -> bool:
    try:
        import index.engine  # noqa: F401
    except ImportError:
        return False
    return True


class ErrorCollector(logging.Handler):
    """Keeps ERROR (and worse) records of the watched loggers."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.split(".")[0] in WATCHED:
            self.records.append(record)


@pytest.fixture
def error_log() -> Any:
    handler = ErrorCollector()
    # On the watched loggers themselves, so a logger that stops propagation to root is still seen.
    loggers = [logging.getLogger(name) for name in WATCHED]
    for lg in loggers:
        lg.addHandler(handler)
    old = [(lg.level, lg.disabled) for lg in loggers]
    for lg in loggers:
        lg.disabled = False
        if lg.level == logging.NOTSET or lg.level > logging.ERROR:
            lg.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        for lg, (level, disabled) in zip(loggers, old, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)
            lg.disabled = disabled


@pytest.fixture
async def fake(error_log, monkeypatch) -> AsyncIterator[fd.FakeDiscord]:
    """The fake Discord; at teardown the test fails on recorded problems or ERROR logs."""
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket,
        "DEFAULT_GATEWAY",
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
    )
    server = await fd.FakeDiscord().start()
    try:
        yield server
    finally:
        await server.stop()
    errors = [
        f"{r.name}: {r.getMessage()}" + (f" ({r.exc_info[1]!r})" if r.exc_info else "")
        for r in error_log.records
    ]
    problems = server.problems + [f"ERROR log: {e}" for e in errors]
    if problems:
        pytest.fail("e2e guard:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A private copy of the repo's corpus, so uploads and removals never touch the real one."""
    target = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", target)
    return target


@pytest.fixture
def make_settings(
    tmp_path: Path, corpus_dir: Path, fake: fd.FakeDiscord
) -> Callable[..., Settings]:
    """Settings for a bot pointed at the fake, with temp corpus/data dirs; kwargs override."""

    def build(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "corpus_dir": corpus_dir,
            "data_dir": tmp_path / "data",
            "guild_ids": [fd.GUILD_ID],
            "discord_api_url": fake.api_url,
            "discord_gateway_url": fake.gateway_url,
            "admin_role_id": fd.ADMIN_ROLE_ID,
            "officer_role_id": fd.OFFICER_ROLE_ID,
            "officer_channel_id": fd.OFFICER_CHANNEL_ID,
            "announce_channel_id": fd.ANNOUNCE_CHANNEL_ID,
            "ask_cooldown_uses": 50,
            "ask_cooldown_seconds": 1,
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)

    return build


def make_engine(settings: Settings) -> Any:
    """The real search engine when it has landed, else the bot tests' keyword stand-in."""
    if real_engine_available():
        from index.engine import SearchEngine

        return SearchEngine(settings.corpus_dir, settings.index_dir)
    from tests.bot.fakes import FakeEngine

    return FakeEngine(corpus_dir=settings.corpus_dir)


class BotRunner:
    """Starts real `AllianceBot`s against the fake and closes them all at teardown."""

    def __init__(self, fake: fd.FakeDiscord) -> None:
        self.fake = fake
        self.running: list[tuple[Any, asyncio.Task[None]]] = []

    async def start(self, settings: Settings, **kwargs: Any) -> Any:
        from bot.app.client import AllianceBot, point_at

        point_at(settings)
        kwargs.setdefault("guild_ready_timeout", 0.05)
        kwargs.setdefault("engine", make_engine(settings))
        bot = AllianceBot(settings, **kwargs)
        task = asyncio.create_task(bot.start("fake.bot.token"))
        self.running.append((bot, task))
        ready = asyncio.ensure_future(bot.wait_until_ready())
        done, _ = await asyncio.wait({ready, task}, timeout=20, return_when="FIRST_COMPLETED")
        if task in done:
            ready.cancel()
            task.result()
            raise AssertionError("the bot stopped before it was ready")
        if ready not in done:
            ready.cancel()
            raise AssertionError("the bot did not become ready within 20 s")
        return bot

    async def stop(self, bot: Any) -> None:
        for entry in list(self.running):
            if entry[0] is bot:
                self.running.remove(entry)
                await bot.close()
                await asyncio.wait_for(entry[1], 10)

    async def stop_all(self) -> None:
        for bot, _ in list(self.running):
            await self.stop(bot)


@pytest.fixture
async def runner(fake: fd.FakeDiscord) -> AsyncIterator[BotRunner]:
    r = BotRunner(fake)
    try:
        yield r
    finally:
        await r.stop_all()


@pytest.fixture
async def bot(runner: BotRunner, make_settings: Callable[..., Settings]) -> Any:
    """A running bot with default settings (reminders on, real system clock)."""
    return await runner.start(make_settings())
