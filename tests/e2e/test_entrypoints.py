"""The shipped entry points end to end: `alliance-bot console` with a piped question prints a cited
answer, and `alliance-bot run` (a real subprocess, configured only through ALLIANCE_* variables)
logs in to the fake Discord, answers a slash command, and refuses a second instance on the same
data dir.
"""

from __future__ import annotations

import asyncio
import io
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.app.console import run_console
from bot.app.wiring import build_app, prepare
from tests.e2e import fake_discord as fd
from tests.e2e.conftest import make_engine, real_engine_available

CLI = Path(sys.executable).with_name("alliance-bot")
TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.GfAkE1.fake-token-for-tests-only"
VALUES_Q = "what are the alliance's values?"
needs_engine = pytest.mark.skipif(
    not real_engine_available(), reason="index.engine (the real search core) has not landed"
)


def env_for(tmp_path: Path, corpus_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ALLIANCE_") and k != "DISCORD_TOKEN"
    }
    env.update(
        ALLIANCE_CORPUS_DIR=str(corpus_dir),
        ALLIANCE_DATA_DIR=str(tmp_path / "data"),
        ALLIANCE_LOG_LEVEL="INFO",
        **extra,
    )
    return env


def bot_env(fake: fd.FakeDiscord, tmp_path: Path, corpus_dir: Path, **extra: str) -> dict[str, str]:
    """`env_for` with the token and the fake Discord's addresses, as `alliance-bot run` needs."""
    return env_for(
        tmp_path,
        corpus_dir,
        ALLIANCE_DISCORD_TOKEN=TOKEN,
        ALLIANCE_DISCORD_API_URL=fake.api_url,
        ALLIANCE_DISCORD_GATEWAY_URL=fake.gateway_url,
        **extra,
    )


async def start_run(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        str(CLI),
        "run",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=cwd,
    )


def test_console_function_answers_with_citations(make_settings):
    settings = make_settings()
    core = build_app(settings, engine=make_engine(settings), discord=False)
    prepare(core)
    out = io.StringIO()
    code = run_console(core, io.StringIO(f"/ask {VALUES_Q}\n/docs\n/quit\n"), out)
    text = out.getvalue()
    assert code == 0
    assert "[1]" in text and VALUES_Q in text
    assert "Indexed documents" in text


@needs_engine
async def test_alliance_bot_console_pipe_prints_a_cited_answer(tmp_path, corpus_dir):
    proc = await asyncio.create_subprocess_exec(
        str(CLI),
        "console",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env_for(tmp_path, corpus_dir),
        cwd=tmp_path,
    )
    out, err = await asyncio.wait_for(proc.communicate(f"/ask {VALUES_Q}\n".encode()), 60)
    text = out.decode()
    assert proc.returncode == 0, err.decode()
    assert "[1]" in text, text
    assert "›" in text  # a `Document › section` citation
    assert "Traceback" not in err.decode()


@needs_engine
async def test_alliance_bot_run_serves_slash_commands_and_holds_the_lock(
    fake, tmp_path, corpus_dir
):
    env = bot_env(
        fake,
        tmp_path,
        corpus_dir,
        ALLIANCE_GUILD_IDS=f"[{fd.GUILD_ID}]",
        ALLIANCE_OFFICER_CHANNEL_ID=str(fd.OFFICER_CHANNEL_ID),
    )
    proc = await start_run(env, tmp_path)
    try:
        await fake.wait_for(lambda: fake.synced.get(str(fd.GUILD_ID)), 60, "command sync")
        await fake.wait_ready(30)
        me = fake.find_requests("GET", r"/users/@me$")[0]
        assert me.headers["Authorization"] == f"Bot {TOKEN}"
        reply = await fake.reply(await fake.slash("ask", {"question": VALUES_Q}), 30)
        assert "[1]" in reply.embeds[0]["description"]

        second = await start_run(env, tmp_path)
        _, err2 = await asyncio.wait_for(second.communicate(), 60)
        assert second.returncode != 0
        message = err2.decode().strip()
        assert "running" in message.lower() and "Traceback" not in message
        assert fake.identifies == 1  # the second instance never connected
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGINT)
        try:
            _, err = await asyncio.wait_for(proc.communicate(), 30)
        except TimeoutError:
            proc.kill()
            _, err = await proc.communicate()
    log = err.decode()
    assert TOKEN not in log  # the token never appears in logs
    assert "Traceback" not in log
    assert proc.returncode in (0, 130)  # stopped by Ctrl-C, no crash


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_alliance_bot_run_stops_cleanly_on_sigterm_and_sigint(
    fake, tmp_path, corpus_dir, sig
):
    env = bot_env(fake, tmp_path, corpus_dir, ALLIANCE_GUILD_IDS=str(fd.GUILD_ID))
    proc = await start_run(env, tmp_path)
    try:
        await fake.wait_ready(60)
        proc.send_signal(sig)
        _, err = await asyncio.wait_for(proc.communicate(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.communicate()
    log = err.decode()
    assert proc.returncode == 0, log[-2000:]
    assert f"{sig.name} received" in log and "Traceback" not in log
