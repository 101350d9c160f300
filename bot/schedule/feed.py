"""The live calendar feed: the schedule as an iCalendar document at a secret HTTP address.

Members subscribe once (`webcal://…/calendar/<secret>.ics`) and their calendar app re-fetches it,
so every change reaches them without a new file. The feed is off unless `ALLIANCE_FEED_PORT` is
set; `ALLIANCE_FEED_PUBLIC_URL` is the address members reach (normally a reverse proxy with TLS in
front of `ALLIANCE_FEED_HOST:PORT`).

Contract:
- The secret lives in the database (`feed_secret`, its own migration track), is made on first use
  and replaced by `rotate_secret`; a request under any other name answers 404, so a rotated URL
  stops working at once, in every process that shares the database.
- `GET`/`HEAD /calendar/<secret>.ics` answers `200 text/calendar; charset=utf-8` with the
  document `FeedSource.calendar()` builds (the same RFC 5545 export as `/ics`, `ics.export`), an
  `ETag` (a hash of the body without its DTSTAMP lines, which change on every build) and a
  `Last-Modified` (the last schedule change). `If-None-Match` with the current ETag answers 304.
  `If-Modified-Since` alone is not trusted: the feed's time window moves with the clock.
- Building the document is SQLite work, so it runs in a worker thread (`asyncio.to_thread`); the
  event loop never waits on the database. A failure answers 503 with `Retry-After`, is logged as
  a warning, and the bot goes on.
- The access log is off: the secret is in the path, and logs must not hold it.

No Discord import: the bot starts and stops a `FeedServer` (`bot.app.client`), the tests drive it
with a real aiohttp client on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from typing import Protocol

from aiohttp import web

from bot.schedule.domain import store
from bot.schedule.domain.models import ts

log = logging.getLogger(__name__)

COMPONENT = "feed"
MIGRATIONS: list[str] = [
    """
    CREATE TABLE feed_secret (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        secret TEXT NOT NULL,
        created_utc INTEGER NOT NULL
    );
    """,
]

CONTENT_TYPE = "text/calendar; charset=utf-8"
SECRET_BYTES = 24  # 32 URL-safe characters: not guessable, short enough to paste
RETRY_AFTER_SECONDS = 60
CACHE_SECONDS = 300
_DTSTAMP = re.compile(rb"^DTSTAMP[:;].*\r?\n", re.MULTILINE)


def current_secret(conn: sqlite3.Connection, now: datetime) -> str:
    """The feed's secret, made (once, atomically) on first use."""
    row = conn.execute("SELECT secret FROM feed_secret WHERE id = 1").fetchone()
    if row is not None:
        return str(row[0])
    with store.transaction(conn):
        conn.execute(
            "INSERT OR IGNORE INTO feed_secret(id, secret, created_utc) VALUES (1, ?, ?)",
            (secrets.token_urlsafe(SECRET_BYTES), ts(now)),
        )
    return str(conn.execute("SELECT secret FROM feed_secret WHERE id = 1").fetchone()[0])


def rotate_secret(conn: sqlite3.Connection, now: datetime) -> str:
    """Replace the secret; the old address answers 404 from now on. Returns the new secret."""
    fresh = secrets.token_urlsafe(SECRET_BYTES)
    with store.transaction(conn):
        conn.execute(
            "INSERT INTO feed_secret(id, secret, created_utc) VALUES (1, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET secret = excluded.secret,"
            " created_utc = excluded.created_utc",
            (fresh, ts(now)),
        )
    return fresh


@dataclass(frozen=True)
class FeedLinks:
    """Where members subscribe: the `https://` address and its `webcal://` form."""

    http: str
    webcal: str


def feed_path(secret: str) -> str:
    """The path the server answers for `secret`."""
    return f"/calendar/{secret}.ics"


def links(public_url: str, secret: str) -> FeedLinks:
    """The subscription addresses under `public_url` (no trailing slash needed)."""
    http = public_url.rstrip("/") + feed_path(secret)
    webcal = "webcal://" + http.split("://", 1)[1]
    return FeedLinks(http=http, webcal=webcal)


@dataclass(frozen=True)
class FeedDocument:
    """One build of the feed: the iCalendar bytes and when the schedule last changed."""

    body: bytes
    modified: datetime | None


class FeedSource(Protocol):
    """What the server needs; both methods are blocking and run in a worker thread."""

    def feed_secret(self) -> str:
        """The current secret (read on every request, so a rotation elsewhere applies)."""
        ...

    def feed_document(self) -> FeedDocument:
        """The calendar as it stands now."""
        ...


def etag(body: bytes) -> str:
    """A strong ETag that only changes when the calendar's content does."""
    return '"' + hashlib.sha256(_DTSTAMP.sub(b"", body)).hexdigest()[:32] + '"'


class FeedServer:
    """The aiohttp server behind the feed. `await start()`, `await stop()`; `port` once started."""

    def __init__(self, source: FeedSource, host: str, port: int) -> None:
        self.source = source
        self.host = host
        self.requested_port = port
        self.port: int | None = None
        self._runner: web.AppRunner | None = None

    def app(self) -> web.Application:
        """The application: one route, nothing else answers but 404."""
        app = web.Application()
        app.router.add_get("/calendar/{name}.ics", self._serve)
        return app

    async def start(self) -> int:
        """Bind and serve; returns the bound port (useful with port 0)."""
        runner = web.AppRunner(self.app(), access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.requested_port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        addresses = runner.addresses
        self.port = int(addresses[0][1]) if addresses else self.requested_port
        return self.port

    async def stop(self) -> None:
        """Stop serving (idempotent)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        try:
            secret = await asyncio.to_thread(self.source.feed_secret)
            if not hmac.compare_digest(name.encode("utf-8"), secret.encode("utf-8")):
                return web.Response(status=404, text="Not found\n")
            document = await asyncio.to_thread(self.source.feed_document)
        except Exception as exc:
            log.warning("calendar feed unavailable: %s: %s", type(exc).__name__, exc)
            return web.Response(
                status=503,
                text="The calendar is unavailable just now; try again shortly.\n",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        tag = etag(document.body)
        headers = {
            "ETag": tag,
            "Cache-Control": f"private, max-age={CACHE_SECONDS}",
            "Content-Disposition": 'inline; filename="alliance-schedule.ics"',
        }
        if document.modified is not None:
            headers["Last-Modified"] = format_datetime(document.modified, usegmt=True)
        wanted = [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]
        if tag in wanted or "*" in wanted:
            return web.Response(status=304, headers=headers)
        headers["Content-Type"] = CONTENT_TYPE
        return web.Response(body=document.body, headers=headers)
