"""Slow trials (`make hostile`, not `make test`): the real `alliance-bot run` process SIGKILLed
at chosen moments of a reminder's delivery, restarted, and every reminder's messages counted.

Moments, in turn:
- `created`: Discord has created the message and the bot has not heard back (the fake kills the
  process from inside the request handler, before the answer is written);
- `held`: the POST has reached Discord but nothing is created yet (killed while it is held);
- `unrecorded`: created and answered, but recording it failed because another connection holds
  the database's write lock (`BEGIN IMMEDIATE`); killed while the outcome waits in memory.

The fake's nonce window is 0, so Discord's nonce check cannot hide a duplicate: only the bot's
reconciliation can. Each trial uses a new meeting in one data dir; the process is then restarted
and must finish the delivery: exactly one message per reminder. `HOSTILE_TRIALS` sets how many
trials run (default 6). The figures are printed (run with `-s`, as `make hostile` does).
"""

from __future__ import annotations

import asyncio
import math
import os
import signal
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.common.db import connect
from bot.schedule.domain.clock import SystemClock
from bot.schedule.domain.service import ScheduleService
from tests.e2e import fake_discord as fd
from tests.e2e.test_entrypoints import bot_env, start_run

pytestmark = pytest.mark.hostile

TRIALS = int(os.environ.get("HOSTILE_TRIALS", "6"))
ANNOUNCE = rf"/channels/{fd.ANNOUNCE_CHANNEL_ID}/messages$"
LEAD_AHEAD = 6.0  # seconds from adding a meeting to its reminder falling due


async def wait_until(check: Any, what: str, timeout: float = 90.0) -> Any:
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        value = check()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def add_meeting(db_path: Path, title: str) -> None:
    """A meeting ten minutes out whose only reminder falls due in a few seconds."""
    conn = connect(db_path)
    try:
        service = ScheduleService(conn, ZoneInfo("America/Denver"), SystemClock())
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=10)
        lead = start - datetime.now(UTC) - timedelta(seconds=LEAD_AHEAD)
        service.add_meeting(
            title,
            start,
            leads=[timedelta(seconds=int(lead.total_seconds()))],
            channel_id=fd.ANNOUNCE_CHANNEL_ID,
        )
    finally:
        conn.close()


def delivery_state(db_path: Path, title: str) -> str | None:
    with sqlite3.connect(db_path) as db:
        row = db.execute(
            "SELECT d.state FROM schedule_deliveries d JOIN schedule_reminders r"
            " ON r.id = d.reminder_id JOIN schedule_items i ON i.id = r.item_id"
            " WHERE i.title = ?",
            (title,),
        ).fetchone()
    return row[0] if row else None


class Tail:
    """Reads a process's stderr as it comes (so the pipe never fills) and keeps the lines."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.lines: list[str] = []
        self.task = asyncio.ensure_future(self._read(proc))

    async def _read(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stderr is not None
        async for raw in proc.stderr:
            self.lines.append(raw.decode(errors="replace"))

    def has(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    async def text(self) -> str:
        await asyncio.wait_for(self.task, 30)
        return "".join(self.lines)


async def stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(proc.wait(), 60)
    except TimeoutError:
        proc.kill()
        await proc.wait()


async def test_sigkill_during_delivery_never_doubles_or_loses_a_reminder(
    fake, tmp_path, corpus_dir
):
    fake.nonce_window = 0
    env = bot_env(
        fake,
        tmp_path,
        corpus_dir,
        ALLIANCE_GUILD_IDS=str(fd.GUILD_ID),
        ALLIANCE_SEMANTIC="off",
        ALLIANCE_ANNOUNCE_CHANNEL_ID=str(fd.ANNOUNCE_CHANNEL_ID),
    )
    warm = await start_run(env, tmp_path)  # builds the index and the database once
    warm_tail = Tail(warm)
    await fake.wait_ready(120)
    await stop(warm)
    assert "Traceback" not in await warm_tail.text()
    db_path = next((tmp_path / "data").glob("*.sqlite3"))

    victim: dict[str, asyncio.subprocess.Process] = {}
    titles: list[str] = []
    moments: list[str] = []

    locker = sqlite3.connect(db_path, isolation_level=None, timeout=30)

    def kill_on_create(msg: dict[str, Any]) -> None:
        proc = victim.get("proc")
        if proc is not None and proc.returncode is None and titles[-1] in msg["content"]:
            if moments[-1] == "created":
                proc.kill()  # SIGKILL before the answer leaves the fake
            elif moments[-1] == "unrecorded":
                locker.execute("BEGIN IMMEDIATE")  # the bot's mark-sent write will fail

    fake.on_message.append(kill_on_create)
    for trial in range(TRIALS):
        moment = ("created", "held", "unrecorded")[trial % 3]
        title = f"Trial {trial} call"
        titles.append(title)
        moments.append(moment)
        if moment == "held":
            fake.delay_next("POST", ANNOUNCE, math.inf)
        add_meeting(db_path, title)
        proc = await start_run(env, tmp_path)
        victim["proc"] = proc
        tail = Tail(proc)
        if moment == "held":
            rule = fake.delay_rules[-1]
            await wait_until(lambda rule=rule: rule.remaining == 0, f"trial {trial}'s POST")
            proc.kill()
        elif moment == "unrecorded":
            await wait_until(
                lambda tail=tail: tail.has("could not record reminder delivery"),
                f"trial {trial}'s failed mark-sent",
            )
            proc.kill()
            locker.execute("COMMIT")
        await asyncio.wait_for(proc.wait(), 90)
        await tail.text()
        assert proc.returncode == -signal.SIGKILL, f"trial {trial}: exit {proc.returncode}"
        assert delivery_state(db_path, title) == "sending"

        again = await start_run(env, tmp_path)
        again_tail = Tail(again)
        await wait_until(
            lambda title=title: delivery_state(db_path, title) == "sent",
            f"trial {trial} to be delivered after the restart",
        )
        await stop(again)
        log = await again_tail.text()
        assert "Traceback" not in log, log[-3000:]
    locker.close()

    counts = {
        t: sum(t in m["content"] for m in fake.created(fd.ANNOUNCE_CHANNEL_ID)) for t in titles
    }
    print(
        f"\nhostile: {TRIALS} SIGKILL trials ({moments.count('created')} after Discord created "
        f"the message, {moments.count('held')} while the POST was held, "
        f"{moments.count('unrecorded')} while a failed mark-sent waited in memory); "
        f"messages per reminder: {sorted(set(counts.values()))} ({counts})"
    )
    assert all(n == 1 for n in counts.values()), counts
