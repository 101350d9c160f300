"""Fetch one web page for the corpus, guarded against server-side request forgery.

An admin gives a URL; the bot fetches it from the server's network, so without a guard
`/corpus add-url http://169.254.169.254/…` would read cloud metadata or an intranet page. Rules:

- Only `http`/`https`, no user name or password in the URL.
- Every address the host resolves to must be public (`ipaddress.is_global`, not multicast):
  private, loopback, link-local, shared, reserved and unspecified addresses are refused, IPv4
  mapped into IPv6 included. The check runs before each request, on every redirect hop, and again
  inside the connection's resolver (`GuardedResolver`), so a name that changes its answer between
  the check and the connect (DNS rebinding) is still refused. `FetchPolicy.allow_private` lifts
  this for tests and for intranet installs (`ALLIANCE_FETCH_ALLOW_PRIVATE`).
- At most `max_redirects` redirects, `max_bytes` of body (checked on `Content-Length` and while
  reading), `timeout_seconds` for the whole fetch, `text/html`, `application/xhtml+xml` or
  `text/plain` only.
- `robots.txt` is respected (RFC 9309) for the user agent `alliance-bot`, on every origin the
  fetch visits: a 4xx robots file allows everything, a 5xx or an unreachable one refuses.

Errors are `FetchError` (a `UserError`): one line saying what happened and what to try.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from index.errors import UserError

ROBOTS_AGENT = "alliance-bot"
USER_AGENT = f"{ROBOTS_AGENT}/0.1 (coalition documents; respects robots.txt)"
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
REDIRECTS = frozenset({301, 302, 303, 307, 308})
ROBOTS_MAX_BYTES = 500_000


class FetchError(UserError):
    """A page that could not be fetched; nothing was stored."""


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """The limits of one fetch (from settings: `ALLIANCE_FETCH_*`)."""

    allow_private: bool = False
    max_bytes: int = 2_000_000
    timeout_seconds: float = 20.0
    max_redirects: int = 5
    robots: bool = True


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page: the address asked for, where it ended up, its type and bytes."""

    requested: str
    url: str
    content_type: str
    charset: str | None
    body: bytes

    def text(self) -> str:
        """The body decoded with its declared charset (UTF-8 otherwise, bad bytes replaced)."""
        try:
            return self.body.decode(self.charset or "utf-8", errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def check_url(url: str) -> str:
    """Return `url` trimmed when its form is acceptable, else raise `FetchError` saying why."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"only http:// and https:// addresses can be added, not {url[:100]!r}")
    if not parts.hostname:
        raise FetchError(f"{url[:100]!r} has no host name; write it like https://example.org/page")
    if parts.username or parts.password:
        raise FetchError("addresses with a user name or password in them are not fetched")
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise FetchError(f"{url[:100]!r} has an invalid port") from None
    return url


def blocked_reason(address: str) -> str | None:
    """Why `address` may not be fetched from (None when it is a public address)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_unspecified:
        return "a reserved address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_private:
        return "a private address"
    if ip.is_multicast or ip.is_reserved or ip.is_unspecified or not ip.is_global:
        return "a reserved address"
    return None


def _refuse(host: str, address: str, reason: str) -> FetchError:
    shown = host if host == address else f"{host} ({address})"
    return FetchError(
        f"{shown} is {reason}; the bot only fetches public web pages "
        "(set ALLIANCE_FETCH_ALLOW_PRIVATE=true to allow an intranet)"
    )


def _literal_ip(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


class GuardedResolver(AbstractResolver):
    """The connector's resolver: drops every non-public address it is given (see module doc)."""

    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy
        self._inner = ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        if self.policy.allow_private:
            return found
        kept = [r for r in found if blocked_reason(r["host"]) is None]
        if not kept:
            raise OSError(f"{host} resolves only to non-public addresses")
        return kept

    async def close(self) -> None:
        await self._inner.close()


async def check_host(url: str, policy: FetchPolicy) -> None:
    """Refuse `url` when its host is, or resolves to, a non-public address."""
    host = urlsplit(url).hostname or ""
    if policy.allow_private:
        return
    literal = _literal_ip(host)
    if literal is not None:
        reason = blocked_reason(literal)
        if reason:
            raise _refuse(host, literal, reason)
        return
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        raise FetchError(f"the host name {host} does not resolve; check the address") from None
    for info in infos:
        address = str(info[4][0])
        reason = blocked_reason(address)
        if reason:
            raise _refuse(host, address, reason)


@dataclass
class Fetcher:
    """One fetch session: robots files are read once per origin."""

    policy: FetchPolicy = field(default_factory=FetchPolicy)
    _robots: dict[str, RobotFileParser | None] = field(default_factory=dict)

    async def fetch(self, url: str) -> Page:
        """Fetch `url` under the policy; raise `FetchError` with a one-line reason."""
        url = check_url(url)
        timeout = aiohttp.ClientTimeout(total=self.policy.timeout_seconds)
        connector = aiohttp.TCPConnector(resolver=GuardedResolver(self.policy), force_close=True)
        try:
            async with aiohttp.ClientSession(
                connector=connector, timeout=timeout, headers={"User-Agent": USER_AGENT}
            ) as session:
                return await self._follow(session, url)
        except TimeoutError:
            raise FetchError(
                f"{url[:200]} took longer than {self.policy.timeout_seconds:g} s; try again later"
            ) from None
        except aiohttp.ClientError as exc:
            raise FetchError(f"could not fetch {url[:200]} ({_why(exc)})") from None

    async def _follow(self, session: aiohttp.ClientSession, url: str) -> Page:
        current = url
        for _ in range(self.policy.max_redirects + 1):
            current = check_url(current)
            await check_host(current, self.policy)
            if self.policy.robots:
                await self._allowed(session, current)
            async with session.get(current, allow_redirects=False) as resp:
                if resp.status in REDIRECTS:
                    location = resp.headers.get("Location", "")
                    if not location:
                        raise FetchError(f"{current[:200]} redirects without saying where")
                    current = urljoin(current, location)
                    continue
                if resp.status >= 400:
                    raise FetchError(
                        f"{current[:200]} answered {resp.status} {resp.reason or ''}".rstrip()
                        + "; check the address"
                    )
                ctype = resp.content_type.lower()
                if ctype not in PAGE_TYPES:
                    raise FetchError(
                        f"{current[:200]} is {ctype or 'of no declared type'}, not a web page; "
                        "download it and use /corpus add for files"
                    )
                body = await _read_limited(resp, self.policy.max_bytes, current)
                return Page(url, current, ctype, resp.charset, body)
        raise FetchError(
            f"{url[:200]} redirects more than {self.policy.max_redirects} times; "
            "give the final address"
        )

    async def _allowed(self, session: aiohttp.ClientSession, url: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = await self._read_robots(session, origin)
        rules = self._robots[origin]
        if rules is None:
            raise FetchError(
                f"{origin}/robots.txt could not be read (server error), so the site is treated "
                "as closed to bots; try again later"
            )
        if not rules.can_fetch(ROBOTS_AGENT, url):
            raise FetchError(f"{origin}/robots.txt does not allow bots to fetch {url[:200]}")

    async def _read_robots(
        self, session: aiohttp.ClientSession, origin: str
    ) -> RobotFileParser | None:
        """The origin's rules (allow-all for a 4xx), or None when they cannot be read."""
        rules = RobotFileParser()
        current = f"{origin}/robots.txt"
        for _ in range(self.policy.max_redirects + 1):
            await check_host(current, self.policy)
            try:
                async with session.get(current, allow_redirects=False) as resp:
                    if resp.status in REDIRECTS and resp.headers.get("Location"):
                        current = urljoin(current, resp.headers["Location"])
                        continue
                    if 400 <= resp.status < 500:
                        rules.parse([])  # no rules: everything allowed
                        return rules
                    if resp.status >= 300:
                        return None
                    body = await _read_limited(resp, ROBOTS_MAX_BYTES, current)
            except aiohttp.ClientError:
                return None
            rules.parse(body.decode("utf-8", errors="replace").splitlines())
            return rules
        return None


async def _read_limited(resp: aiohttp.ClientResponse, limit: int, url: str) -> bytes:
    if resp.content_length is not None and resp.content_length > limit:
        raise _too_big(url, limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise _too_big(url, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_big(url: str, limit: int) -> FetchError:
    return FetchError(
        f"{url[:200]} is larger than the {limit // 1000:,} kB limit (ALLIANCE_FETCH_MAX_BYTES)"
    )


def _why(exc: Exception) -> str:
    text: Any = getattr(exc, "os_error", None) or exc
    return str(text)[:200] or type(exc).__name__
