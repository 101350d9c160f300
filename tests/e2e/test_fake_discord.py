"""The fake Discord proven against a minimal discord.py bot defined here (not the real bot).

If these fail, the harness is wrong, not the product: login, command sync, a slash command, a
button, a follow-up webhook, a 429 retry and a gateway RESUME with replay.
"""

from __future__ import annotations

import asyncio
import logging

import discord
import pytest
import yarl
from discord import app_commands
from discord.ext import commands

from tests.e2e import fake_discord as fd


class Pong(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Again", custom_id="mini:again")
    async def again(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_message(f"clicked by {interaction.user.id}", ephemeral=True)
        await interaction.followup.send("and a follow-up", ephemeral=True)


class MiniBot(commands.Bot):
    def __init__(self) -> None:
        super().__init__(
            command_prefix="!",
            intents=discord.Intents.default(),
            guild_ready_timeout=0.05,
            allowed_mentions=discord.AllowedMentions.none(),
        )

        @app_commands.command(name="ping", description="Ping")
        async def ping(interaction: discord.Interaction, word: str, loud: bool = False) -> None:
            text = word.upper() if loud else word
            await interaction.response.send_message(f"pong {text}", view=Pong())

        self.tree.add_command(ping)

    async def setup_hook(self) -> None:
        self.add_view(Pong())
        self.tree.copy_global_to(guild=discord.Object(fd.GUILD_ID))
        await self.tree.sync(guild=discord.Object(fd.GUILD_ID))


@pytest.fixture
async def mini(fake):
    discord.http.Route.BASE = fake.api_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    client = MiniBot()
    task = asyncio.create_task(client.start("fake.token"))
    await asyncio.wait_for(client.wait_until_ready(), 10)
    try:
        yield client
    finally:
        await client.close()
        await asyncio.wait_for(task, 10)


async def test_login_sync_command_button_followup(fake, mini):
    assert mini.user is not None and mini.user.id == fd.BOT_ID
    assert mini.get_guild(fd.GUILD_ID) is not None
    me = fake.find_requests("GET", r"/users/@me$")
    assert me and me[0].headers["Authorization"] == "Bot fake.token"
    assert [c["name"] for c in fake.synced[str(fd.GUILD_ID)]] == ["ping"]

    ix = await fake.slash("ping", {"word": "hi", "loud": True})
    reply = await fake.reply(ix)
    assert reply.content == "pong HI"
    assert reply.request.query["with_response"] == "1"
    assert reply.custom_ids == ["mini:again"]

    click = await fake.click(fake.message_for(reply), "mini:again", user_id=fd.ADMIN_ID)
    answer = await fake.reply(click)
    assert answer.content == f"clicked by {fd.ADMIN_ID}" and answer.ephemeral
    follow = await fake.wait_request("POST", rf"/webhooks/{fd.APP_ID}/{click.token}$")
    assert follow.json["content"] == "and a follow-up"
    assert not follow.authorized


async def test_rate_limited_request_is_retried(fake, mini, caplog):
    fake.fail_next("POST", r"/callback$", 429, retry_after=0.01)
    with caplog.at_level(logging.WARNING, logger="discord.webhook"):
        ix = await fake.slash("ping", {"word": "again"})
        reply = await fake.reply(ix)
    assert reply.content == "pong again"
    statuses = [r.status for r in fake.find_requests("POST", rf"/interactions/{ix.id}/")]
    assert statuses == [429, 200]


async def test_channel_message_429_then_success(fake, mini):
    fake.fail_next("POST", rf"/channels/{fd.CHANNEL_ID}/messages$", 429)
    channel = mini.get_partial_messageable(fd.CHANNEL_ID)
    message = await channel.send("hello")
    assert message.content == "hello"
    statuses = [r.status for r in fake.find_requests("POST", rf"/channels/{fd.CHANNEL_ID}/")]
    assert statuses == [429, 200]


async def test_gateway_reconnect_resumes_and_replays_missed_events(fake, mini):
    resumed = asyncio.Event()

    async def on_resumed() -> None:
        resumed.set()

    mini.add_listener(on_resumed)
    await fake.request_reconnect()
    # Dispatched while the client is away: must arrive by replay after RESUME.
    ix = await fake.slash("ping", {"word": "missed"})
    reply = await fake.reply(ix)
    assert reply.content == "pong missed"
    await asyncio.wait_for(resumed.wait(), 10)
    assert fake.identifies == 1 and fake.resumes == 1 and fake.connections == 2
    resume = [f for f in fake.gateway_log if f["op"] == 6][0]["d"]
    assert resume["session_id"] == fake.session_id and resume["seq"] >= 2


async def test_unserved_route_is_recorded_as_a_problem(fake, mini):
    with pytest.raises(discord.NotFound):
        await mini.http.request(discord.http.Route("GET", "/nowhere"))
    assert fake.problems == ["unserved route: GET /api/v10/nowhere"]
    fake.problems.clear()  # expected here; the guard would fail any other test
