"""Latency while another process holds the database's write lock (`make bench-storage`).

The issue's scenario: an operator's `sqlite3` shell (here a connection on a thread) holds
`BEGIN IMMEDIATE` for 12 s while members use the bot. The real discord.py client runs against the
fake Discord (`tests/e2e/fake_discord.py`, loopback only); `/help` and `/subscribe` are sent in
turn throughout the lock, and each command's time to its first response (reply or deferral) is
measured. Discord drops an interaction not answered within 3 s. Prints one line of figures and
exits non-zero when a worst case reaches that window or a `/subscribe` answer is not the busy
reply. About 20 s.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import discord

from bot.app.client import AllianceBot, point_at
from bot.common.db import BUSY_MESSAGE
from bot.settings import Settings
from tests.bot.fakes import FakeEngine
from tests.e2e import fake_discord as fd

REPO = Path(__file__).resolve().parents[2]
LOCK_SECONDS = 12.0
WINDOW = 3.0


async def first_response(fake: fd.FakeDiscord, name: str) -> tuple[float, fd.Interaction]:
    started = time.monotonic()
    ix = await fake.slash(name)
    await fake.wait_for(
        lambda: [
            r
            for r in fake.requests
            if r.route == "callback" and f"/interactions/{ix.id}/" in r.path and r.status
        ],
        15,
        f"/{name}",
    )
    return time.monotonic() - started, ix


async def trial(tmp: Path) -> dict[str, Any]:
    fake = await fd.FakeDiscord().start()
    corpus = tmp / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    settings = Settings(
        _env_file=None,
        corpus_dir=corpus,
        data_dir=tmp / "data",
        guild_ids=[fd.GUILD_ID],
        discord_api_url=fake.api_url,
        discord_gateway_url=fake.gateway_url,
        announce_channel_id=fd.ANNOUNCE_CHANNEL_ID,
    )
    point_at(settings)
    bot = AllianceBot(settings, engine=FakeEngine(corpus_dir=corpus), guild_ready_timeout=0.05)
    task = asyncio.create_task(bot.start("fake.bot.token"))
    await asyncio.wait_for(bot.wait_until_ready(), 30)
    locked = threading.Event()
    release = threading.Event()

    def hold() -> None:
        holder = sqlite3.connect(str(settings.db_path), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        locked.set()
        release.wait(LOCK_SECONDS)
        holder.execute("ROLLBACK")
        holder.close()

    thread = threading.Thread(target=hold)
    thread.start()
    locked.wait(10)
    help_times: list[float] = []
    sub_times: list[float] = []
    busy_replies = 0
    end = time.monotonic() + LOCK_SECONDS - 2.5
    while time.monotonic() < end:
        seconds, _ = await first_response(fake, "help")
        help_times.append(seconds)
        seconds, ix = await first_response(fake, "subscribe")
        sub_times.append(seconds)
        busy_replies += (await fake.reply(ix)).content == BUSY_MESSAGE
    release.set()
    thread.join()
    await bot.close()
    await task
    await fake.stop()
    return {
        "help_worst": max(help_times),
        "help_median": statistics.median(help_times),
        "subscribe_worst": max(sub_times),
        "subscribe_median": statistics.median(sub_times),
        "subscribe_tries": len(sub_times),
        "busy_replies": busy_replies,
    }


def main() -> int:
    logging.basicConfig(level=logging.ERROR)
    discord.utils.setup_logging(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        figures = asyncio.run(trial(Path(tmp)))
    print(
        f"database locked {LOCK_SECONDS:.0f} s by another connection: "
        f"/help worst {figures['help_worst'] * 1000:.0f} ms "
        f"(median {figures['help_median'] * 1000:.0f} ms); "
        f"/subscribe worst {figures['subscribe_worst'] * 1000:.0f} ms "
        f"(median {figures['subscribe_median'] * 1000:.0f} ms), "
        f"{figures['busy_replies']}/{figures['subscribe_tries']} answered "
        f'"{BUSY_MESSAGE}"'
    )
    ok = (
        figures["help_worst"] < WINDOW
        and figures["subscribe_worst"] < WINDOW
        and figures["busy_replies"] == figures["subscribe_tries"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
