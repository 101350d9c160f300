"""`AllianceBot`: the discord.py client that serves the slash commands.

How to construct and start it (what the e2e tests do)::

    from bot.app.client import AllianceBot, point_at
    settings = Settings(_env_file=None, data_dir=tmp, corpus_dir=corpus, guild_ids=[GUILD],
                        discord_api_url="http://127.0.0.1:PORT/api/v10",
                        discord_gateway_url="ws://127.0.0.1:PORT/gateway",
                        officer_channel_id=..., officer_role_id=..., admin_role_id=...)
    point_at(settings)               # Route.BASE and DiscordWebSocket.DEFAULT_GATEWAY
    bot = AllianceBot(settings, guild_ready_timeout=0.1)   # engine=..., clock=... optional
    task = asyncio.create_task(bot.start("any.fake.token"))
    await bot.wait_until_ready()     # or wait for the fake's recorded command sync
    ...
    await bot.close(); await task

`setup_hook` (run by `start` after login, before the gateway connects) builds the index if none
exists, loads the standing schedule (`corpus/schedule.toml`), adds each feature's cog with the use
cases it adapts (`add_feature_cogs`), registers the persistent buttons, installs the single
`CommandTree.on_error`, syncs the commands to each of `settings.guild_ids` (globally when empty;
`sync_commands=False` skips it) and starts the reminder scheduler (`reminders=False` skips it;
`clock=ManualClock(...)` drives it and the rest of the bot; `sender=` replaces the Discord sender;
`scheduler_config=` tunes it, e.g. `SchedulerConfig(external_check_interval=...)`). `bot.scheduler`
is the running `ReminderScheduler` (`await bot.scheduler.settled()` in tests). With
`ALLIANCE_FEED_PORT` set, `setup_hook` also starts the calendar feed (`bot.feed`, a `FeedServer`
over `bot.app.calendar`); `close` stops it with the other background work. `close` stops the
scheduler before disconnecting. Every message defaults to `AllowedMentions.none()`; intents are
`Intents.default()` (no privileged intents).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable
from typing import Any

import discord
import yarl
from discord.ext import commands

from bot.admin.cog import AdminCog, CorpusGroup
from bot.admin.corpus import refresh_periodically
from bot.app.heartbeat import HEARTBEAT_SECONDS, Heartbeat, write_heartbeat
from bot.app.wiring import App, build_app, prepare
from bot.ask.cog import AskCog
from bot.ask.views import AskPersonButton, FeedbackButton, MoreSourcesButton
from bot.common.db import connect
from bot.common.interaction import on_tree_error
from bot.common.search import SearchCore
from bot.docs.cog import DocsCog
from bot.docs.views import SectionButton
from bot.help.cog import HelpCog
from bot.schedule.calendar_cog import CalendarAdmin, CalendarCog
from bot.schedule.cog import ScheduleAdmin, ScheduleCog
from bot.schedule.delivery import DiscordReminderSender
from bot.schedule.domain.clock import Clock, SystemClock
from bot.schedule.domain.scheduler import ReminderScheduler, ReminderSender, SchedulerConfig
from bot.schedule.feed import FeedServer
from bot.schedule.views import RsvpButton
from bot.settings import Settings

log = logging.getLogger(__name__)

#: The persistent buttons, re-created from their custom ids after a restart.
DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    MoreSourcesButton,
    FeedbackButton,
    AskPersonButton,
    RsvpButton,
    SectionButton,
)


def point_at(settings: Settings) -> None:
    """Point discord.py's REST base and gateway at the configured URLs (real Discord by default).

    These are class attributes, so this affects every client in the process; tests call it with
    their fake's URLs before starting the bot.
    """
    discord.http.Route.BASE = settings.discord_api_url.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


def intents() -> discord.Intents:
    """The default intents: enough for slash commands and buttons, nothing privileged."""
    wanted = discord.Intents.default()
    wanted.members = False
    wanted.presences = False
    wanted.message_content = False
    return wanted


class AllianceBot(commands.Bot):
    """The coalition's bot: each feature's cog adapts Discord to that feature's use cases."""

    def __init__(
        self,
        settings: Settings,
        *,
        engine: SearchCore | None = None,
        app: App | None = None,
        clock: Clock | None = None,
        guild_ready_timeout: float = 2.0,
        sync_commands: bool = True,
        reminders: bool = True,
        sender: ReminderSender | None = None,
        scheduler_config: SchedulerConfig | None = None,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=guild_ready_timeout,
        )
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.app: App = app or build_app(settings, engine=engine, clock=self.clock)
        self.reminders_enabled = reminders
        self.sender: ReminderSender = sender or DiscordReminderSender(self)
        self.scheduler_config = scheduler_config or SchedulerConfig(
            default_channel_id=settings.announce_channel_id
        )
        self.scheduler: ReminderScheduler | None = None
        self.feed: FeedServer | None = None
        self.sync_commands = sync_commands
        self.synced: list[discord.app_commands.AppCommand] = []
        self._stoppers: list[Callable[[], object]] = []
        self._disconnected_since: float | None = None

    async def setup_hook(self) -> None:
        """Load features, register buttons and the error handler, sync commands."""
        await asyncio.to_thread(prepare, self.app)
        await self.add_feature_cogs()
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        self.tree.error(on_tree_error)
        if self.sync_commands:
            await self.sync_app_commands()
        if self.reminders_enabled:
            self.start_reminders(await asyncio.to_thread(connect, self.settings.db_path))
        if self.settings.feed_enabled:
            await self.start_feed()
        self.start_heartbeat()

    def start_heartbeat(self) -> None:
        """Beat every `HEARTBEAT_SECONDS` from the event loop (`bot.app.heartbeat`)."""

        async def beat_forever() -> None:
            while True:
                await self.beat()
                await asyncio.sleep(HEARTBEAT_SECONDS)

        task = asyncio.get_running_loop().create_task(beat_forever())
        self.on_close(task.cancel)

    async def beat(self) -> Heartbeat:
        """Write one heartbeat now (in a worker thread: a slow disk never holds the loop)."""
        now = time.time()
        connected = self.is_ready() and not self.is_closed() and self.ws is not None
        if connected:
            self._disconnected_since = None
        elif self._disconnected_since is None:
            self._disconnected_since = now
        beat = Heartbeat(now, connected, self._disconnected_since)
        try:
            await asyncio.to_thread(write_heartbeat, self.settings.data_dir, beat)
        except OSError as exc:
            log.warning("could not write the heartbeat file: %s", exc)
        return beat

    async def start_feed(self) -> FeedServer | None:
        """Serve the calendar feed; a port that cannot be bound is logged and the bot goes on."""
        settings = self.settings
        server = FeedServer(self.app.calendar, settings.feed_host, settings.feed_port or 0)
        try:
            port = await server.start()
        except OSError as exc:
            log.warning(
                "calendar feed not started: cannot listen on %s:%s (%s)",
                settings.feed_host,
                settings.feed_port,
                exc.strerror or exc,
            )
            return None
        self.on_close(server.stop)
        self.feed = server
        log.info("calendar feed listening on %s:%d", settings.feed_host, port)
        return server

    def start_reminders(self, conn: sqlite3.Connection | None = None) -> ReminderScheduler:
        """Start the reminder loop on its own connection (opened in a worker thread by
        `setup_hook`, never on the loop); it stops when the bot closes."""
        scheduler = ReminderScheduler(
            conn if conn is not None else connect(self.settings.db_path),
            self.sender,
            self.clock,
            self.scheduler_config,
        )
        loop = asyncio.get_running_loop()

        def threadsafe_notify() -> None:
            loop.call_soon_threadsafe(scheduler.notify)

        self.app.schedule.set_on_change(scheduler.notify, threadsafe_notify)
        self.app.calendar.service.on_change = threadsafe_notify
        scheduler.start()
        self.on_close(scheduler.stop)
        self.scheduler = scheduler
        log.info("reminder scheduler started")
        return scheduler

    async def add_feature_cogs(self) -> None:
        """Each feature's commands, given the use cases they adapt (and the daily web refresh
        when `ALLIANCE_WEB_REFRESH_DAILY` is on)."""
        app = self.app
        await self.add_cog(AskCog(app.questions, app.library))
        await self.add_cog(DocsCog(app.library))
        await self.add_cog(HelpCog(app.settings, app.calendar))
        await self.add_cog(AdminCog(app.admin, lambda: self.latency))
        self.tree.add_command(CorpusGroup(app.admin, app.corpus, app.library))
        await self.add_cog(ScheduleCog(app.schedule, app.calendar))
        self.tree.add_command(ScheduleAdmin(app.schedule, app.calendar))
        await self.add_cog(CalendarCog(app.settings))
        self.tree.add_command(CalendarAdmin(app.calendar))
        if self.settings.web_refresh_daily:
            task = asyncio.get_running_loop().create_task(refresh_periodically(app.corpus))
            self.on_close(task.cancel)

    async def sync_app_commands(self) -> None:
        """Sync to each configured guild (instant) or globally (can take an hour to appear)."""
        if self.settings.guild_ids:
            for guild_id in self.settings.guild_ids:
                guild = discord.Object(guild_id)
                self.tree.copy_global_to(guild=guild)
                self.synced = await self.tree.sync(guild=guild)
                log.info("synced %d commands to guild %s", len(self.synced), guild_id)
        else:
            self.synced = await self.tree.sync()
            log.info("synced %d global commands", len(self.synced))

    def on_close(self, stopper: Callable[[], object]) -> None:
        """Run `stopper` (sync or async) when the bot closes; cogs use it for background tasks."""
        self._stoppers.append(stopper)

    async def close(self) -> None:
        """Stop background work first, then disconnect."""
        for stopper in reversed(self._stoppers):
            try:
                result = stopper()
                if asyncio.iscoroutine(result):
                    await result
            except Exception:
                log.exception("error while stopping a background task")
        self._stoppers.clear()
        await super().close()

    async def on_ready(self) -> None:
        """Log once connected (the user is known only now)."""
        log.info("connected as %s to %d guild(s)", self.user, len(self.guilds))
