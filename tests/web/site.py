"""A small local web site on 127.0.0.1 for the URL-document tests (never leaves loopback).

Routes: `/mission` (a page with navigation, headings and a footer), `/old` (301 → `/mission`),
`/loop` (redirects to itself), `/missing` (404), `/huge` (3 MB, chunked, no Content-Length),
`/huge-declared` (Content-Length over the limit), `/slow` (answers after `slow_seconds`),
`/report.pdf` (a PDF), `/private/notes` (disallowed by `/robots.txt`), `/to` (302 to the URL in
`?next=`), and `/news`, whose HTML tests change through `Site.pages`. Runs its own event loop in
a thread, so both sync and async tests use it.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field

from aiohttp import web

MISSION = """<html><head><title>Mission | Test Coalition</title></head><body>
<nav><a href="/">Home</a> | <a href="/about">About</a> | <a href="/join">Join us</a></nav>
<main><article>
<h1>Our Mission</h1>
<p>The Test Coalition works so that every rural high school student in the valley graduates
with a plan for college or a career, supported by mentors from their own community.</p>
<h2>Mentoring Circles</h2>
<p>Each mentoring circle meets twice a month at the public library and pairs four students with
two volunteer mentors who have worked in the trades, health care or teaching.</p>
<h2>How to Volunteer</h2>
<p>Volunteers complete a background check and a two-hour orientation before joining a circle;
orientations run on the first Saturday of every month.</p>
</article></main>
<footer>Copyright 2026 Test Coalition · Privacy policy · Contact</footer>
</body></html>"""

NEWS = """<html><head><title>News</title></head><body><main><article>
<h1>Coalition News</h1>
<p>{text}</p>
</article></main></body></html>"""


@dataclass
class Site:
    """The running site: `url(path)` builds addresses; `pages` holds the changeable HTML."""

    port: int = 0
    slow_seconds: float = 2.0
    pages: dict[str, str] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


def _app(site: Site) -> web.Application:
    async def log(request: web.Request, handler):  # type: ignore[no-untyped-def]
        site.hits.append(request.path)
        return await handler(request)

    app = web.Application(middlewares=[web.middleware(log)])

    async def robots(request: web.Request) -> web.StreamResponse:
        return web.Response(text="User-agent: *\nDisallow: /private\n")

    async def mission(request: web.Request) -> web.StreamResponse:
        return web.Response(text=MISSION, content_type="text/html", charset="utf-8")

    async def news(request: web.Request) -> web.StreamResponse:
        if "news" not in site.pages:
            raise web.HTTPNotFound()
        return web.Response(text=site.pages["news"], content_type="text/html")

    async def old(request: web.Request) -> web.StreamResponse:
        raise web.HTTPMovedPermanently("/mission")

    async def loop(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/loop")

    async def to(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(request.query["next"])

    async def missing(request: web.Request) -> web.StreamResponse:
        raise web.HTTPNotFound()

    async def huge(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        block = b"<p>" + b"padding words " * 4000 + b"</p>"
        try:
            for _ in range(60):
                await resp.write(block)
        except (ConnectionError, RuntimeError):
            pass  # the client stopped reading at its limit
        return resp

    async def huge_declared(request: web.Request) -> web.StreamResponse:
        return web.Response(body=b"x" * 3_000_000, content_type="text/html")

    async def slow(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(site.slow_seconds)
        return web.Response(text=MISSION, content_type="text/html")

    async def pdf(request: web.Request) -> web.StreamResponse:
        return web.Response(body=b"%PDF-1.4 ...", content_type="application/pdf")

    async def private(request: web.Request) -> web.StreamResponse:
        return web.Response(text=MISSION, content_type="text/html")

    app.add_routes(
        [
            web.get("/robots.txt", robots),
            web.get("/mission", mission),
            web.get("/news", news),
            web.get("/old", old),
            web.get("/loop", loop),
            web.get("/to", to),
            web.get("/missing", missing),
            web.get("/huge", huge),
            web.get("/huge-declared", huge_declared),
            web.get("/slow", slow),
            web.get("/report.pdf", pdf),
            web.get("/private/notes", private),
        ]
    )
    return app


class SiteThread:
    """Start/stop the site on its own loop in a daemon thread."""

    def __init__(self) -> None:
        self.site = Site()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        self._ready.set()
        self._loop.run_forever()

    async def _start(self) -> None:
        self._runner = web.AppRunner(_app(self.site))
        await self._runner.setup()
        tcp = web.TCPSite(self._runner, "127.0.0.1", 0)
        await tcp.start()
        self.site.port = tcp._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def start(self) -> Site:
        self._thread.start()
        assert self._ready.wait(10), "the test site did not start"
        return self.site

    def stop(self) -> None:
        async def cleanup() -> None:
            if self._runner is not None:
                await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
