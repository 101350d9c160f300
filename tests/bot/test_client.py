"""Every extension loads, command names are unique, buttons are registered, intents are plain."""

from datetime import UTC, datetime

import discord

from bot.app.client import AllianceBot, intents, point_at
from bot.ask.views import AskPersonButton, FeedbackButton, MoreSourcesButton, answer_view
from bot.schedule.domain.clock import ManualClock
from bot.settings import Settings
from tests.bot.fakes import FakeEngine

NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)


async def test_setup_hook_loads_every_feature_without_duplicates(settings):
    bot = AllianceBot(settings, engine=FakeEngine(), sync_commands=False, clock=ManualClock(NOW))
    try:
        await bot.setup_hook()
        assert bot.scheduler is not None and bot.scheduler._task is not None
        names = [c.qualified_name for c in bot.tree.walk_commands()]
        assert len(names) == len(set(names))
        for name in (
            "ask",
            "docs",
            "help",
            "reindex",
            "status",
            "gaps",
            "corpus add",
            "corpus remove",
        ):
            assert name in names
        assert set(bot._connection._view_store._dynamic_items.values()) >= {
            MoreSourcesButton,
            FeedbackButton,
            AskPersonButton,
        }
        admin = {c.name: c for c in bot.tree.get_commands()}
        for name in ("reindex", "status", "gaps", "corpus", "schedule"):
            assert admin[name].default_permissions == discord.Permissions(manage_guild=True)
            assert admin[name].guild_only
        assert bot.allowed_mentions.to_dict() == discord.AllowedMentions.none().to_dict()
    finally:
        scheduler = bot.scheduler
        await bot.close()
    assert scheduler._task is None  # stopped on close


def test_intents_are_not_privileged():
    wanted = intents()
    assert not wanted.members and not wanted.presences and not wanted.message_content
    assert wanted.guilds


def test_point_at_sets_rest_base_and_gateway():
    old = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    try:
        point_at(
            Settings(
                _env_file=None,
                discord_api_url="http://127.0.0.1:9/api/v10/",
                discord_gateway_url="ws://127.0.0.1:9/gw",
            )
        )
        assert discord.http.Route.BASE == "http://127.0.0.1:9/api/v10"
        assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == "ws://127.0.0.1:9/gw"
    finally:
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old


def test_answer_buttons_carry_the_question_id_in_persistent_custom_ids():
    view = answer_view(42, more=True, ask_person=True)
    ids = [item.custom_id for item in view.children]
    assert ids == ["ab:more:42", "ab:vote:42:up", "ab:vote:42:down", "ab:person:42"]
    assert view.is_persistent() and view.timeout is None
    for custom_id in ids:
        assert len(custom_id) <= 100
    without = answer_view(7, more=False, ask_person=False)
    assert [i.custom_id for i in without.children] == ["ab:vote:7:up", "ab:vote:7:down"]
