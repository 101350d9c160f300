"""A fake Discord (REST API + gateway) on 127.0.0.1 for end-to-end tests of the real discord.py.

Why: Discord is unreachable here and dpytest cannot drive slash commands or buttons with
discord.py 2.7, so the e2e tests run the real, unmodified client against this aiohttp server.

Contract:
- `FakeDiscord.start()` serves REST under `/api/v10` and the gateway at `/gateway` on a free
  port; `api_url` / `gateway_url` are what `Settings(discord_api_url=..., discord_gateway_url=...)`
  take. Nothing ever leaves 127.0.0.1.
- Every HTTP request is recorded (`requests`) with its JSON body (or multipart `payload_json` and
  files). A route the fake does not serve answers 404 and is added to `problems`; so is any
  message that breaks Discord's limits (2,000-char content, embed limits) or that does not turn
  mentions off. The e2e conftest fails the test when `problems` is not empty.
- JSON replies carry `Content-Type: application/json` exactly (discord.py ignores anything else).
- `fail_next(method, path_regex, status)` makes the next matching request fail once (429 with a
  `Via` header and JSON `retry_after`, or any 5xx) so retry paths can be tested. With
  `after_create=True` the request is served first (a message is created) and then answered with
  `status`: Discord's "created, then 500".
- `delay_next(method, path_regex, seconds)` holds the next matching request that long before
  serving it (slow REST); `math.inf` holds it until `release()` (or the fake stops). With
  `after_create=True` the message is created first and only the answer is held.
- Ids are real snowflakes: `(ms since 2015 << 22) | counter`, from `clock()` (wall time unless a
  test sets `fake.clock`, e.g. to a `ManualClock.now`), never decreasing.
- Messages posted to `/channels/{id}/messages` (guild channels and DM channels alike) are kept per
  channel in `channel_messages`; `GET /channels/{id}/messages` serves them like Discord: newest
  first, at most `limit` (default 50, max 100), `after=` giving the oldest messages after that id,
  `before=` the newest before it.
- Discord's nonce check: a POST with `nonce` and `enforce_nonce: true` whose nonce matches a
  message the bot created in that channel less than `nonce_window` seconds earlier (by `clock()`;
  default 300) gets that message back and creates nothing (`duplicates_refused` counts them).
- `on_message` callbacks run synchronously when a channel message is created (before the reply
  leaves), so a test can act "after Discord created the message, before the bot hears back".
- Gateway: HELLO, IDENTIFY → READY + GUILD_CREATE, HEARTBEAT → ACK, RESUME → replay of missed
  events + RESUMED; `request_reconnect()` sends op 7 so the client resumes on its own.
- Member roles: `PUT`/`DELETE /guilds/{g}/members/{u}/roles/{r}` answer 204 and are kept in
  `member_roles` (member id → role ids); pass `roles=` to `slash()` for what a member holds.
- `slash()`, `autocomplete()` and `click()` dispatch INTERACTION_CREATE; the `wait_*` helpers
  await recorded traffic with a timeout (never a sleep).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

JSON = "application/json"
API = "/api/v10"
EPHEMERAL = 64

# Discord's documented message limits.
MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
EMBED_LIMITS = {"title": 256, "description": 4096, "footer.text": 2048, "author.name": 256}
MAX_FIELDS = 25
MAX_FIELD_NAME = 256
MAX_FIELD_VALUE = 1024

# Permission bits used by tests.
MANAGE_GUILD = 1 << 5
MEMBER_PERMS = (1 << 10) | (1 << 11) | (1 << 31)  # view channel, send messages, use app commands
ADMIN_PERMS = MEMBER_PERMS | MANAGE_GUILD

APP_ID = 900000000000000001
BOT_ID = APP_ID
GUILD_ID = 900000000000000100
CHANNEL_ID = 900000000000000200
OFFICER_CHANNEL_ID = 900000000000000201
ANNOUNCE_CHANNEL_ID = 900000000000000202
ADMIN_ROLE_ID = 900000000000000300
OFFICER_ROLE_ID = 900000000000000301
MEMBER_ID = 900000000000000400
ADMIN_ID = 900000000000000401


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None):
    """A JSON reply whose Content-Type is exactly application/json (no charset)."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": JSON, **(headers or {})},
    )


@dataclass
class Recorded:
    """One HTTP request the fake received."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any = None
    files: dict[str, bytes] = field(default_factory=dict)
    status: int = 0
    route: str = ""

    @property
    def authorized(self) -> bool:
        return "Authorization" in self.headers


@dataclass
class Interaction:
    """An interaction the fake dispatched; replies to it are found by id/token."""

    id: int
    token: str
    payload: dict[str, Any]


@dataclass
class FailRule:
    method: str
    pattern: re.Pattern[str]
    status: int
    retry_after: float
    remaining: int
    after_create: bool = False


@dataclass
class DelayRule:
    method: str
    pattern: re.Pattern[str]
    seconds: float
    remaining: int
    after_create: bool = False


DISCORD_EPOCH_MS = 1_420_070_400_000


def snowflake_time(snowflake: int) -> datetime:
    """When a snowflake was made (Discord's epoch, millisecond precision)."""
    return datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, UTC)


class FakeDiscord:
    """The fake server. Start with `await FakeDiscord().start()`, stop with `await .stop()`."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.problems: list[str] = []
        self.gateway_log: list[dict[str, Any]] = []  # what the client sent on the gateway
        self.messages: dict[int, dict[str, Any]] = {}
        self.member_roles: dict[int, set[int]] = {}  # roles the bot added/removed, by member
        self.attachments: dict[str, bytes] = {}
        self.synced: dict[str, list[dict[str, Any]]] = {}
        self.fail_rules: list[FailRule] = []
        self.delay_rules: list[DelayRule] = []
        self.channel_messages: dict[int, list[dict[str, Any]]] = {}
        self.nonce_window = 300.0
        self.duplicates_refused = 0
        self.on_message: list[Callable[[dict[str, Any]], None]] = []
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._last_id = 0
        self._released = asyncio.Event()
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0
        # gateway state
        self.session_id = ""
        self._sessions = itertools.count(1)
        self.seq = 0
        self.events: list[tuple[int, dict[str, Any]]] = []  # (seq, frame) of this session
        self.ws: web.WebSocketResponse | None = None
        self.connections = 0
        self.identifies = 0
        self.resumes = 0
        self.heartbeats = 0
        self.guild = default_guild()
        self.bot_user = user_payload(BOT_ID, "alliance-bot", bot=True)

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{name:.*}", self._attachment)
        app.router.add_route("*", "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    def _next_id(self) -> int:
        ms = int(self.clock().timestamp() * 1000) - DISCORD_EPOCH_MS
        self._last_id = max(self._last_id + 1, ms << 22)
        return self._last_id

    async def stop(self) -> None:
        self._released.set()
        if self.ws is not None and not self.ws.closed:
            await self.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base + API

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # ------------------------------------------------------------------ recording
    async def _record(self, rec: Recorded) -> None:
        async with self._changed:
            self.requests.append(rec)
            self._changed.notify_all()

    async def _poke(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(
        self, found: Callable[[], Any], timeout: float = 10.0, what: str = ""
    ) -> Any:
        """Wait until `found()` returns something truthy (re-checked on every request/event)."""

        async def waiter() -> Any:
            async with self._changed:
                while True:
                    value = found()
                    if value:
                        return value
                    await self._changed.wait()

        try:
            return await asyncio.wait_for(waiter(), timeout)
        except TimeoutError:
            raise AssertionError(
                f"timed out after {timeout}s waiting for {what or found}; requests: "
                + ", ".join(f"{r.method} {r.path} -> {r.status}" for r in self.requests[-15:])
            ) from None

    async def wait_request(
        self, method: str, pattern: str, *, since: int = 0, timeout: float = 10.0
    ) -> Recorded:
        """The first request (from index `since`) with this method and a path matching `pattern`."""
        rx = re.compile(pattern)

        def find() -> Recorded | None:
            for rec in self.requests[since:]:
                if rec.method == method and rx.search(rec.path) and rec.status:
                    return rec
            return None

        return await self.wait_for(find, timeout, f"{method} {pattern}")

    def find_requests(self, method: str, pattern: str) -> list[Recorded]:
        rx = re.compile(pattern)
        return [r for r in self.requests if r.method == method and rx.search(r.path)]

    def fail_next(
        self, method: str, pattern: str, status: int, *, times: int = 1, retry_after: float = 0.01
    ) -> None:
        """Fail the next `times` matching requests with `status` (429 as Discord sends it)."""
        self.fail_rules.append(FailRule(method, re.compile(pattern), status, retry_after, times))

    def fail_after_create(self, method: str, pattern: str, status: int = 500, *, times: int = 1):
        """Serve the next matching request (creating its message), then answer `status`."""
        self.fail_rules.append(
            FailRule(method, re.compile(pattern), status, 0.0, times, after_create=True)
        )

    def delay_next(
        self,
        method: str,
        pattern: str,
        seconds: float,
        *,
        times: int = 1,
        after_create: bool = False,
    ) -> None:
        """Hold the next `times` matching requests `seconds` (inf: until `release()`)."""
        self.delay_rules.append(
            DelayRule(method, re.compile(pattern), seconds, times, after_create)
        )

    async def _hold(self, rec: Recorded, *, after_create: bool) -> None:
        for delay in self.delay_rules:
            if (
                delay.remaining > 0
                and delay.after_create == after_create
                and delay.method == rec.method
                and delay.pattern.search(rec.path)
            ):
                delay.remaining -= 1
                await self._poke()  # what the handler created is visible to waiters now
                timeout = None if math.isinf(delay.seconds) else delay.seconds
                try:
                    await asyncio.wait_for(self._released.wait(), timeout)
                except TimeoutError:
                    pass
                return

    def release(self) -> None:
        """Let every request held by `delay_next(..., math.inf)` go on."""
        self._released.set()

    def created(self, channel_id: int) -> list[dict[str, Any]]:
        """The messages that exist in a channel, oldest first."""
        return list(self.channel_messages.get(channel_id, []))

    # ------------------------------------------------------------------ REST
    async def _attachment(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        rec = Recorded("GET", request.path, dict(request.query), dict(request.headers))
        data = self.attachments.get(name)
        rec.status = 200 if data is not None else 404
        rec.route = "attachment"
        await self._record(rec)
        if data is None:
            self.problems.append(f"unknown attachment {name}")
            return web.Response(status=404)
        return web.Response(body=data, content_type="application/octet-stream")

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        rec = Recorded(request.method, request.path, dict(request.query), dict(request.headers))
        await self._parse_body(request, rec)
        await self._hold(rec, after_create=False)
        for rule in self.fail_rules:
            if (
                rule.remaining > 0
                and not rule.after_create
                and rule.method == rec.method
                and rule.pattern.search(rec.path)
            ):
                rule.remaining -= 1
                rec.status = rule.status
                rec.route = "injected failure"
                await self._record(rec)
                if rule.status == 429:
                    body = {
                        "message": "You are being rate limited.",
                        "retry_after": rule.retry_after,
                        "global": False,
                    }
                    return json_response(
                        body, 429, {"Via": "1.1 google", "Retry-After": str(rule.retry_after)}
                    )
                return json_response({"message": "Server error", "code": 0}, rule.status)
        path = request.path[len(API) :] if request.path.startswith(API) else None
        handler, params = (None, {}) if path is None else self._match(request.method, path)
        if handler is None:
            rec.status = 404
            rec.route = "UNSERVED"
            self.problems.append(f"unserved route: {request.method} {request.path}")
            await self._record(rec)
            return json_response({"message": "404: Not Found", "code": 0}, 404)
        rec.route = handler.__name__
        try:
            status, body = handler(rec, **params)
        except LimitError as exc:
            self.problems.append(f"{request.method} {request.path}: {exc}")
            status, body = 400, {"message": "Invalid Form Body", "code": 50035, "errors": str(exc)}
        for rule in self.fail_rules:
            if (
                rule.remaining > 0
                and rule.after_create
                and rule.method == rec.method
                and rule.pattern.search(rec.path)
            ):
                rule.remaining -= 1
                rec.status = rule.status
                rec.route = f"{handler.__name__}, then injected failure"
                await self._record(rec)
                return json_response({"message": "Server error", "code": 0}, rule.status)
        await self._hold(rec, after_create=True)
        rec.status = status
        await self._record(rec)
        if body is None:
            return web.Response(status=status)
        return json_response(body, status)

    async def _parse_body(self, request: web.Request, rec: Recorded) -> None:
        ctype = request.headers.get("Content-Type", "")
        if ctype.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                if part.name == "payload_json":  # type: ignore[union-attr]
                    rec.json = json.loads(await part.text())  # type: ignore[union-attr]
                else:
                    rec.files[part.filename or part.name or ""] = bytes(await part.read())  # type: ignore[union-attr]
        elif request.can_read_body:
            raw = await request.read()
            if raw:
                rec.json = json.loads(raw)

    ROUTES: list[tuple[str, str, str]] = [
        ("GET", r"/users/@me", "get_me"),
        ("GET", r"/oauth2/applications/@me", "get_app"),
        ("GET", r"/applications/@me", "get_app"),
        ("PUT", r"/applications/(?P<app>\d+)/guilds/(?P<guild>\d+)/commands", "put_commands"),
        ("PUT", r"/applications/(?P<app>\d+)/commands", "put_commands"),
        ("GET", r"/applications/(?P<app>\d+)/guilds/(?P<guild>\d+)/commands", "get_commands"),
        ("GET", r"/applications/(?P<app>\d+)/commands", "get_commands"),
        ("POST", r"/interactions/(?P<iid>\d+)/(?P<token>[^/]+)/callback", "callback"),
        ("POST", r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)", "followup"),
        (
            "PATCH",
            r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/(?P<mid>@original|\d+)",
            "edit_webhook_message",
        ),
        (
            "GET",
            r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/(?P<mid>@original|\d+)",
            "get_webhook_message",
        ),
        (
            "DELETE",
            r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/(?P<mid>@original|\d+)",
            "delete_webhook_message",
        ),
        ("POST", r"/channels/(?P<cid>\d+)/messages", "channel_message"),
        ("GET", r"/channels/(?P<cid>\d+)/messages", "channel_history"),
        ("GET", r"/channels/(?P<cid>\d+)", "get_channel"),
        ("POST", r"/users/@me/channels", "create_dm"),
        ("GET", r"/guilds/(?P<gid>\d+)", "get_guild"),
        ("GET", r"/guilds/(?P<gid>\d+)/members/(?P<uid>\d+)", "get_member"),
        ("PUT", r"/guilds/(?P<gid>\d+)/members/(?P<uid>\d+)/roles/(?P<rid>\d+)", "add_role"),
        (
            "DELETE",
            r"/guilds/(?P<gid>\d+)/members/(?P<uid>\d+)/roles/(?P<rid>\d+)",
            "remove_role",
        ),
    ]

    def _match(self, method: str, path: str) -> tuple[Any, dict[str, str]]:
        for verb, pattern, name in self.ROUTES:
            if verb == method:
                found = re.fullmatch(pattern, path)
                if found:
                    return getattr(self, name), found.groupdict()
        return None, {}

    def get_me(self, rec: Recorded) -> tuple[int, Any]:
        return 200, self.bot_user

    def get_app(self, rec: Recorded) -> tuple[int, Any]:
        return 200, {
            "id": str(APP_ID),
            "name": "alliance-bot",
            "description": "",
            "icon": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "owner": user_payload(ADMIN_ID, "owner"),
            "flags": 0,
            "team": None,
            "summary": "",
            "rpc_origins": [],
            "bot": self.bot_user,
        }

    def put_commands(self, rec: Recorded, app: str, guild: str = "global") -> tuple[int, Any]:
        out = []
        commands = rec.json or []
        if len(commands) > 100:
            raise LimitError(f"{len(commands)} commands (max 100)")
        for cmd in commands:
            check_command(cmd)
            cmd = {**cmd, "id": str(self._next_id()), "application_id": app, "version": "1"}
            if guild != "global":
                cmd["guild_id"] = guild
            cmd.setdefault("default_member_permissions", None)
            cmd.setdefault("type", 1)
            out.append(cmd)
        self.synced[guild] = out
        return 200, out

    def get_commands(self, rec: Recorded, app: str, guild: str = "global") -> tuple[int, Any]:
        return 200, self.synced.get(guild, [])

    def callback(self, rec: Recorded, iid: str, token: str) -> tuple[int, Any]:
        if rec.query.get("with_response") not in ("1", "true", "True"):
            self.problems.append(f"interaction callback without with_response: {rec.path}")
        body = rec.json or {}
        kind = body.get("type")
        data = body.get("data") or {}
        interaction: dict[str, Any] = {"id": iid, "type": 2}
        if kind == 8:
            check_choices(data.get("choices"))
        if kind in (4, 7):
            msg = self._store_message(rec, data, CHANNEL_ID, webhook=True)
            interaction.update(
                response_message_id=msg["id"],
                response_message_ephemeral=bool(msg["flags"] & EPHEMERAL),
            )
            return 200, {"interaction": interaction, "resource": {"type": kind, "message": msg}}
        if kind == 5:
            msg = self._build_message(rec, {"flags": data.get("flags", 0) | 128}, CHANNEL_ID)
            interaction.update(
                response_message_id=msg["id"],
                response_message_loading=True,
                response_message_ephemeral=bool(msg["flags"] & EPHEMERAL),
            )
            return 200, {"interaction": interaction, "resource": {"type": 5, "message": msg}}
        return 200, {"interaction": interaction}

    def followup(self, rec: Recorded, app: str, token: str) -> tuple[int, Any]:
        if rec.authorized:
            self.problems.append("webhook follow-up sent with an Authorization header")
        return 200, self._store_message(rec, rec.json or {}, CHANNEL_ID, webhook=True)

    def edit_webhook_message(
        self, rec: Recorded, app: str, token: str, mid: str
    ) -> tuple[int, Any]:
        return 200, self._store_message(rec, rec.json or {}, CHANNEL_ID, webhook=True)

    def get_webhook_message(self, rec: Recorded, app: str, token: str, mid: str) -> tuple[int, Any]:
        return 200, self._build_message(rec, {}, CHANNEL_ID)

    def delete_webhook_message(self, rec: Recorded, app: str, token: str, mid: str):
        return 204, None

    def channel_message(self, rec: Recorded, cid: str) -> tuple[int, Any]:
        data = rec.json or {}
        channel = self.channel_messages.setdefault(int(cid), [])
        nonce = data.get("nonce")
        if nonce is not None and data.get("enforce_nonce"):
            now = self.clock()
            for old in reversed(channel):
                age = (now - snowflake_time(int(old["id"]))).total_seconds()
                if old.get("nonce") == str(nonce) and age < self.nonce_window:
                    self.duplicates_refused += 1
                    return 200, old
        msg = self._store_message(rec, data, int(cid), webhook=False)
        if nonce is not None:
            msg["nonce"] = str(nonce)
        channel.append(msg)
        for callback in list(self.on_message):
            callback(msg)
        return 200, msg

    def channel_history(self, rec: Recorded, cid: str) -> tuple[int, Any]:
        try:
            limit = int(rec.query.get("limit", 50))
        except ValueError:
            return 400, {"message": "Invalid Form Body", "code": 50035}
        if not 1 <= limit <= 100:
            self.problems.append(f"history limit {limit} outside 1-100")
            return 400, {"message": "Invalid Form Body", "code": 50035}
        msgs = self.channel_messages.get(int(cid), [])
        if "after" in rec.query:
            after = int(rec.query["after"])
            picked = [m for m in msgs if int(m["id"]) > after][:limit]
        elif "before" in rec.query:
            before = int(rec.query["before"])
            picked = [m for m in msgs if int(m["id"]) < before][-limit:]
        else:
            picked = msgs[-limit:]
        return 200, [public_message(m) for m in reversed(picked)]

    def get_channel(self, rec: Recorded, cid: str) -> tuple[int, Any]:
        for channel in self.guild["channels"]:
            if channel["id"] == cid:
                return 200, {**channel, "guild_id": str(GUILD_ID)}
        return 404, {"message": "Unknown Channel", "code": 10003}

    def create_dm(self, rec: Recorded) -> tuple[int, Any]:
        uid = str((rec.json or {}).get("recipient_id"))
        return 200, {
            "id": str(int(uid) + 7),
            "type": 1,
            "last_message_id": None,
            "recipients": [user_payload(int(uid), f"user{uid[-3:]}")],
        }

    def get_guild(self, rec: Recorded, gid: str) -> tuple[int, Any]:
        return 200, self.guild

    def get_member(self, rec: Recorded, gid: str, uid: str) -> tuple[int, Any]:
        return 200, member_payload(int(uid), roles=[], permissions=None)

    def add_role(self, rec: Recorded, gid: str, uid: str, rid: str) -> tuple[int, Any]:
        self.member_roles.setdefault(int(uid), set()).add(int(rid))
        return 204, None

    def remove_role(self, rec: Recorded, gid: str, uid: str, rid: str) -> tuple[int, Any]:
        self.member_roles.setdefault(int(uid), set()).discard(int(rid))
        return 204, None

    # ------------------------------------------------------------------ messages
    def _build_message(
        self, rec: Recorded, data: dict[str, Any], channel_id: int
    ) -> dict[str, Any]:
        guild_channel = any(int(c["id"]) == channel_id for c in self.guild["channels"])
        return {
            "id": str(self._next_id()),
            "channel_id": str(channel_id),
            **({"guild_id": str(GUILD_ID)} if guild_channel else {}),
            "author": self.bot_user,
            "content": data.get("content") or "",
            "timestamp": now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [
                {
                    "id": str(self._next_id()),
                    "filename": name,
                    "size": len(blob),
                    "url": f"{self.base}/attachments/out/{name}",
                    "proxy_url": f"{self.base}/attachments/out/{name}",
                }
                for name, blob in rec.files.items()
            ],
            "embeds": data.get("embeds") or [],
            "pinned": False,
            "type": 0,
            "flags": data.get("flags") or 0,
            "components": data.get("components") or [],
            "webhook_id": None,
            "application_id": str(APP_ID),
        }

    def _store_message(
        self, rec: Recorded, data: dict[str, Any], channel_id: int, *, webhook: bool
    ) -> dict[str, Any]:
        check_limits(data)
        check_mentions(data)
        msg = self._build_message(rec, data, channel_id)
        msg["allowed_mentions"] = data.get("allowed_mentions")
        self.messages[int(msg["id"])] = msg
        return msg

    # ------------------------------------------------------------------ gateway
    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.connections += 1
        self.ws = ws
        await ws.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        )
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                self.gateway_log.append(frame)
                await self._on_gateway_frame(ws, frame)
                await self._poke()
        finally:
            if self.ws is ws:
                self.ws = None
            await self._poke()
        return ws

    async def _on_gateway_frame(self, ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        op, d = frame.get("op"), frame.get("d")
        if op == 1:
            self.heartbeats += 1
            await ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
        elif op == 2:
            self.identifies += 1
            if d.get("intents", 0) & ((1 << 1) | (1 << 8) | (1 << 15)):
                self.problems.append("IDENTIFY asked for privileged intents")
            self.session_id = f"session-{next(self._sessions)}"
            self.seq = 0
            self.events = []
            ready = {
                "v": 10,
                "user": self.bot_user,
                "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
                "session_id": self.session_id,
                "resume_gateway_url": self.gateway_url,
                "application": {"id": str(APP_ID), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "user_settings": {},
                "presences": [],
                "geo_ordered_rtc_regions": [],
            }
            await self.dispatch("READY", ready)
            await self.dispatch("GUILD_CREATE", self.guild)
        elif op == 6:
            self.resumes += 1
            if d.get("session_id") != self.session_id:
                await ws.send_str(json.dumps({"op": 9, "d": False, "s": None, "t": None}))
                return
            last = d.get("seq") or 0
            for seq, payload in self.events:
                if seq > last:
                    await ws.send_str(json.dumps(payload))
            await self.dispatch("RESUMED", {})

    async def dispatch(self, event: str, data: dict[str, Any]) -> int:
        """Send a DISPATCH to the client now, or keep it for replay after RESUME."""
        self.seq += 1
        frame = {"op": 0, "t": event, "s": self.seq, "d": data}
        self.events.append((self.seq, frame))
        ws = self.ws
        if ws is not None and not ws.closed and not getattr(ws, "_reconnecting", False):
            await ws.send_str(json.dumps(frame))
        return self.seq

    async def request_reconnect(self) -> None:
        """Server-initiated disconnect: op 7 RECONNECT; the client then RESUMEs."""
        ws = self.ws
        assert ws is not None, "no gateway connection"
        ws._reconnecting = True  # type: ignore[attr-defined]
        await ws.send_str(json.dumps({"op": 7, "d": None, "s": None, "t": None}))

    async def wait_ready(self, timeout: float = 10.0) -> None:
        await self.wait_for(lambda: self.identifies and self.ws is not None, timeout, "IDENTIFY")

    # ------------------------------------------------------------------ interactions
    def _interaction(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        user_id: int,
        permissions: int,
        roles: list[int],
        channel_id: int,
        message: dict[str, Any] | None = None,
        nick: str | None = None,
    ) -> Interaction:
        iid = self._next_id()
        token = f"tok{iid}"
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(APP_ID),
            "type": kind,
            "token": token,
            "version": 1,
            "guild_id": str(GUILD_ID),
            "channel_id": str(channel_id),
            "channel": {
                "id": str(channel_id),
                "type": 0,
                "guild_id": str(GUILD_ID),
                "name": "general",
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
            },
            "member": member_payload(user_id, roles=roles, permissions=permissions, nick=nick),
            "app_permissions": str(ADMIN_PERMS),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
            "context": 0,
            "data": data,
        }
        if message is not None:
            payload["message"] = message
        return Interaction(iid, token, payload)

    def command_id(self, name: str) -> str:
        for cmd in self.synced.get(str(GUILD_ID), []) + self.synced.get("global", []):
            if cmd["name"] == name:
                return str(cmd["id"])
        raise AssertionError(f"command /{name} was not synced")

    async def slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        sub: str | None = None,
        user_id: int = MEMBER_ID,
        permissions: int = MEMBER_PERMS,
        roles: list[int] | None = None,
        resolved: dict[str, Any] | None = None,
        focused: str | None = None,
        channel_id: int = CHANNEL_ID,
    ) -> Interaction:
        """Dispatch a slash command (type 2) or, with `focused`, an autocomplete (type 4)."""
        opts = [option(k, v, focused=(k == focused)) for k, v in (options or {}).items()]
        if sub is not None:
            opts = [{"type": 1, "name": sub, "options": opts}]
        data: dict[str, Any] = {
            "id": self.command_id(name),
            "name": name,
            "type": 1,
            "options": opts,
            "guild_id": str(GUILD_ID),
        }
        if resolved:
            data["resolved"] = resolved
        ix = self._interaction(
            4 if focused else 2,
            data,
            user_id=user_id,
            permissions=permissions,
            roles=roles or [],
            channel_id=channel_id,
        )
        await self.dispatch("INTERACTION_CREATE", ix.payload)
        return ix

    async def autocomplete(self, name: str, options: dict[str, Any], focused: str, **kw: Any):
        return await self.slash(name, options, focused=focused, **kw)

    async def click(
        self,
        message: dict[str, Any],
        custom_id: str,
        *,
        user_id: int = MEMBER_ID,
        permissions: int = MEMBER_PERMS,
        roles: list[int] | None = None,
    ) -> Interaction:
        """Dispatch a button click (type 3) on `message` (a message dict the bot sent)."""
        ids = [
            c.get("custom_id")
            for row in message.get("components", [])
            for c in row.get("components", [])
        ]
        assert custom_id in ids, f"no button {custom_id!r} on the message (has {ids})"
        data = {"custom_id": custom_id, "component_type": 2}
        ix = self._interaction(
            3,
            data,
            user_id=user_id,
            permissions=permissions,
            roles=roles or [],
            channel_id=int(message["channel_id"]),
            message=message,
        )
        await self.dispatch("INTERACTION_CREATE", ix.payload)
        return ix

    def add_attachment(self, filename: str, data: bytes) -> dict[str, Any]:
        """Host `data` as an uploaded attachment; returns its resolved-data entry."""
        aid = str(self._next_id())
        key = f"{aid}/{filename}"
        self.attachments[key] = data
        return {
            "id": aid,
            "filename": filename,
            "size": len(data),
            "url": f"{self.base}/attachments/{key}",
            "proxy_url": f"{self.base}/attachments/{key}",
            "content_type": "text/plain; charset=utf-8",
        }

    # ------------------------------------------------------------------ replies
    def _replies(self, ix: Interaction) -> list[Recorded]:
        out = []
        for rec in self.requests:
            if not rec.status or rec.status >= 300:
                continue
            if rec.route == "callback" and f"/interactions/{ix.id}/" in rec.path:
                out.append(rec)
            elif rec.route in ("followup", "edit_webhook_message") and ix.token in rec.path:
                out.append(rec)
        return out

    async def reply(self, ix: Interaction, timeout: float = 10.0) -> Reply:
        """The message the member sees in answer to `ix` (after a defer: the follow-up/edit)."""

        def find() -> Reply | None:
            for rec in self._replies(ix):
                body = rec.json or {}
                if rec.route == "callback":
                    if body.get("type") in (4, 7):
                        return Reply(rec, body.get("data") or {}, body.get("type"))
                    if body.get("type") == 8:
                        return Reply(rec, body.get("data") or {}, 8)
                else:
                    return Reply(rec, body, 0)
            return None

        return await self.wait_for(find, timeout, f"a reply to interaction {ix.id}")

    def message_for(self, reply: Reply) -> dict[str, Any]:
        """The stored message object a reply created (for clicking its buttons later)."""
        for msg in self.messages.values():
            if (
                msg["components"] == reply.data.get("components", [])
                and msg["content"] == (reply.data.get("content") or "")
                and msg["embeds"] == (reply.data.get("embeds") or [])
            ):
                return msg
        raise AssertionError("no stored message for that reply")


@dataclass
class Reply:
    """What the bot answered: the request, its message data, and the callback type (0: webhook)."""

    request: Recorded
    data: dict[str, Any]
    kind: int | None

    @property
    def content(self) -> str:
        return self.data.get("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.data.get("embeds") or []

    @property
    def ephemeral(self) -> bool:
        return bool((self.data.get("flags") or 0) & EPHEMERAL)

    @property
    def custom_ids(self) -> list[str]:
        return [
            c.get("custom_id")
            for row in self.data.get("components") or []
            for c in row.get("components", [])
        ]

    @property
    def text(self) -> str:
        """Everything a member reads: content plus every embed's text."""
        parts = [self.content]
        for e in self.embeds:
            parts += [
                e.get("title") or "",
                e.get("description") or "",
                (e.get("author") or {}).get("name") or "",
                (e.get("footer") or {}).get("text") or "",
            ]
            for f in e.get("fields") or []:
                parts += [f.get("name") or "", f.get("value") or ""]
        return "\n".join(p for p in parts if p)


def public_message(msg: dict[str, Any]) -> dict[str, Any]:
    """A stored message as history returns it: Discord does not promise to echo the nonce."""
    return {k: v for k, v in msg.items() if k not in ("nonce", "allowed_mentions")}


class LimitError(Exception):
    """A message Discord would reject (400, code 50035)."""


def check_limits(data: dict[str, Any]) -> None:
    content = data.get("content") or ""
    if len(content) > MAX_CONTENT:
        raise LimitError(f"content is {len(content)} chars (max {MAX_CONTENT})")
    embeds = data.get("embeds") or []
    if len(embeds) > MAX_EMBEDS:
        raise LimitError(f"{len(embeds)} embeds (max {MAX_EMBEDS})")
    total = 0
    for e in embeds:
        for key, limit in EMBED_LIMITS.items():
            head, _, tail = key.partition(".")
            value = (e.get(head) or {}).get(tail) if tail else e.get(head)
            if value and len(value) > limit:
                raise LimitError(f"embed {key} is {len(value)} chars (max {limit})")
            total += len(value or "")
        fields = e.get("fields") or []
        if len(fields) > MAX_FIELDS:
            raise LimitError(f"{len(fields)} embed fields (max {MAX_FIELDS})")
        for f in fields:
            if not f.get("name") or len(f["name"]) > MAX_FIELD_NAME:
                raise LimitError(f"embed field name of {len(f.get('name') or '')} chars")
            if not f.get("value") or len(f["value"]) > MAX_FIELD_VALUE:
                raise LimitError(f"embed field value of {len(f.get('value') or '')} chars")
            total += len(f["name"]) + len(f["value"])
    if total > MAX_EMBED_TOTAL:
        raise LimitError(f"embeds total {total} chars (max {MAX_EMBED_TOTAL})")
    check_components(data.get("components") or [])


COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")


def check_command(cmd: dict[str, Any], depth: int = 0) -> None:
    """Discord's rules for an application command or option (names, descriptions, counts)."""
    name = cmd.get("name") or ""
    if not COMMAND_NAME.match(name) or name != name.lower():
        raise LimitError(f"invalid command/option name {name!r}")
    desc = cmd.get("description") or ""
    if not 1 <= len(desc) <= 100:
        raise LimitError(f"description of {name!r} is {len(desc)} chars (1-100)")
    options = cmd.get("options") or []
    if len(options) > 25:
        raise LimitError(f"{name!r} has {len(options)} options (max 25)")
    required_seen_optional = False
    for opt in options:
        check_command(opt, depth + 1)
        if opt.get("type") not in (1, 2):
            if not opt.get("required"):
                required_seen_optional = True
            elif required_seen_optional:
                raise LimitError(f"required option {opt['name']!r} after an optional one")
        for choice in opt.get("choices") or []:
            check_choice(choice)


def check_choice(choice: dict[str, Any]) -> None:
    name, value = choice.get("name") or "", choice.get("value")
    if not 1 <= len(name) <= 100:
        raise LimitError(f"choice name of {len(name)} chars (1-100)")
    if isinstance(value, str) and not 1 <= len(value) <= 100:
        raise LimitError(f"choice value of {len(value)} chars (1-100)")


def check_choices(choices: Any) -> None:
    """An autocomplete answer: at most 25 choices, each within the name/value limits."""
    if not isinstance(choices, list):
        raise LimitError("autocomplete response without a choices list")
    if len(choices) > 25:
        raise LimitError(f"{len(choices)} autocomplete choices (max 25)")
    for choice in choices:
        check_choice(choice)


def check_components(components: list[dict[str, Any]]) -> None:
    """At most 5 action rows of at most 5 buttons, custom ids up to 100 chars and unique."""
    if len(components) > 5:
        raise LimitError(f"{len(components)} action rows (max 5)")
    seen: set[str] = set()
    for row in components:
        inner = row.get("components") or []
        if not 1 <= len(inner) <= 5:
            raise LimitError(f"an action row with {len(inner)} components (1-5)")
        for comp in inner:
            cid = comp.get("custom_id")
            if cid is not None:
                if not 1 <= len(cid) <= 100 or cid in seen:
                    raise LimitError(f"bad or duplicate custom_id {cid!r}")
                seen.add(cid)
            label = comp.get("label") or ""
            if len(label) > 80:
                raise LimitError(f"button label of {len(label)} chars (max 80)")


def check_mentions(data: dict[str, Any]) -> None:
    """Everything the bot sends must turn mention parsing off (roles may be listed explicitly)."""
    allowed = data.get("allowed_mentions")
    if allowed is None or allowed.get("parse") != [] or allowed.get("users"):
        raise LimitError(f"message does not turn mentions off: allowed_mentions={allowed}")


def option(name: str, value: Any, *, focused: bool = False) -> dict[str, Any]:
    """A command option; the type follows the Python value (bool, int, str, Attachment ref)."""
    if isinstance(value, dict) and "type" in value:
        return {"name": name, **value, **({"focused": True} if focused else {})}
    kind = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3
    out = {"name": name, "type": kind, "value": value}
    if focused:
        out["focused"] = True
    return out


def user_payload(uid: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(uid),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
    }


def member_payload(
    uid: int, *, roles: list[int], permissions: int | None, nick: str | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "user": user_payload(uid, nick or f"member{str(uid)[-3:]}"),
        "roles": [str(r) for r in roles],
        "joined_at": "2026-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "nick": nick,
        "avatar": None,
        "pending": False,
        "premium_since": None,
    }
    if permissions is not None:
        out["permissions"] = str(permissions)
    return out


def role_payload(rid: int, name: str, permissions: int, position: int) -> dict[str, Any]:
    return {
        "id": str(rid),
        "name": name,
        "permissions": str(permissions),
        "position": position,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": True,
        "flags": 0,
        "icon": None,
        "unicode_emoji": None,
    }


def text_channel(cid: int, name: str, position: int) -> dict[str, Any]:
    return {
        "id": str(cid),
        "type": 0,
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "rate_limit_per_user": 0,
        "last_message_id": None,
    }


def default_guild() -> dict[str, Any]:
    return {
        "id": str(GUILD_ID),
        "name": "NM Learning Alliance",
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": str(ADMIN_ID),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "features": [],
        "emojis": [],
        "stickers": [],
        "roles": [
            role_payload(GUILD_ID, "@everyone", MEMBER_PERMS, 0),
            role_payload(ADMIN_ROLE_ID, "admins", MEMBER_PERMS, 2),
            role_payload(OFFICER_ROLE_ID, "officers", MEMBER_PERMS, 1),
        ],
        "channels": [
            text_channel(CHANNEL_ID, "general", 0),
            text_channel(OFFICER_CHANNEL_ID, "officers", 1),
            text_channel(ANNOUNCE_CHANNEL_ID, "announcements", 2),
        ],
        "threads": [],
        "members": [],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "member_count": 3,
        "large": False,
        "unavailable": False,
        "joined_at": "2026-01-01T00:00:00+00:00",
        "max_members": 500000,
        "mfa": 0,
    }
