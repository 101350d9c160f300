"""The running bot's heartbeat: proof for `alliance-bot health` that its event loop still turns
and its gateway is connected.

A process can hold the single-instance lock while being useless: its event loop frozen by a
blocking call, or its gateway connection lost and not coming back. The bot therefore rewrites
`<data_dir>/heartbeat.json` from a task on its event loop every `HEARTBEAT_SECONDS`; a frozen
loop stops the writes, so the file's age shows it. The file also says whether the gateway was
connected and since when it has not been. Times are real wall-clock seconds (`time.time()`),
never the bot's injectable clock: this is about the process, not the schedule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.common.files import write_atomic

HEARTBEAT_FILE = "heartbeat.json"
HEARTBEAT_SECONDS = 30.0
#: A heartbeat older than this means the loop has not run (three missed beats and some slack).
STALE_SECONDS = 3 * HEARTBEAT_SECONDS + 15
#: Disconnected from the gateway for longer than this is unhealthy (discord.py reconnects
#: within seconds to a minute or two after a network blip or a Discord restart).
DISCONNECTED_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """One beat: when, whether the gateway was connected, and since when it has not been."""

    at: float
    connected: bool
    disconnected_since: float | None = None


def heartbeat_path(data_dir: Path) -> Path:
    return Path(data_dir) / HEARTBEAT_FILE


def write_heartbeat(data_dir: Path, beat: Heartbeat) -> None:
    """Replace the heartbeat file in one atomic write."""
    data = {
        "at": beat.at,
        "connected": beat.connected,
        "disconnected_since": beat.disconnected_since,
    }
    write_atomic(heartbeat_path(data_dir), json.dumps(data).encode("utf-8"))


def read_heartbeat(data_dir: Path) -> Heartbeat | None:
    """The last beat, or None when there is none or it cannot be read."""
    try:
        raw = json.loads(heartbeat_path(data_dir).read_text(encoding="utf-8"))
        since = raw.get("disconnected_since")
        return Heartbeat(
            float(raw["at"]), bool(raw["connected"]), None if since is None else float(since)
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def heartbeat_problems(data_dir: Path, now: float) -> list[str]:
    """What the heartbeat says is wrong with a running bot, in words (empty when fine)."""
    beat = read_heartbeat(data_dir)
    if beat is None:
        return ["the running bot has written no heartbeat yet (still starting?)"]
    found = []
    age = now - beat.at
    if age > STALE_SECONDS:
        found.append(
            f"the bot's event loop has not run for {age:.0f} s (last heartbeat): it is frozen "
            "or stuck; restart it"
        )
    elif not beat.connected and beat.disconnected_since is not None:
        down = now - beat.disconnected_since
        if down > DISCONNECTED_SECONDS:
            found.append(f"the bot has not been connected to Discord for {down:.0f} s")
    return found
