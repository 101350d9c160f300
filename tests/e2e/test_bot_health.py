"""The running bot's heartbeat, written from its event loop, against the fake Discord."""

from __future__ import annotations

from bot.app.heartbeat import heartbeat_problems, read_heartbeat


async def test_the_running_bot_beats_connected_and_a_lost_gateway_shows(bot):
    start = read_heartbeat(bot.settings.data_dir)
    assert start is not None  # written at start-up, before the gateway was up
    beat = await bot.beat()
    assert beat.connected and beat.disconnected_since is None
    assert read_heartbeat(bot.settings.data_dir) == beat
    assert heartbeat_problems(bot.settings.data_dir, beat.at + 1) == []
    await bot.close()
    lost = await bot.beat()
    assert not lost.connected and lost.disconnected_since == lost.at
