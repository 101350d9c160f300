"""The guarded fetcher against a local site: pages, redirects, 404, huge and slow pages, robots,
and addresses that must be refused (checked on every hop)."""

from __future__ import annotations

import socket

import pytest

from bot.admin import webfetch
from bot.admin.webfetch import Fetcher, FetchError, FetchPolicy, GuardedResolver

LOCAL = FetchPolicy(allow_private=True, max_bytes=200_000, timeout_seconds=5.0, max_redirects=3)


async def test_a_page_is_fetched_with_its_type_and_text(site):
    page = await Fetcher(LOCAL).fetch(site.url("/mission"))
    assert page.content_type == "text/html" and page.url == site.url("/mission")
    assert "Mentoring Circles" in page.text()
    assert "/robots.txt" in site.hits  # read before the page


async def test_a_redirect_is_followed_and_the_final_address_kept(site):
    page = await Fetcher(LOCAL).fetch(site.url("/old"))
    assert page.requested == site.url("/old") and page.url == site.url("/mission")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "answered 404"),
        ("/loop", "redirects more than 3 times"),
        ("/huge", "larger than the 200 kB limit"),
        ("/huge-declared", "larger than the 200 kB limit"),
        ("/report.pdf", "not a web page"),
        ("/private/notes", "robots.txt does not allow"),
    ],
)
async def test_bad_pages_are_refused_in_one_line(site, path, message):
    with pytest.raises(FetchError, match=message) as err:
        await Fetcher(LOCAL).fetch(site.url(path))
    assert "\n" not in str(err.value)


async def test_a_slow_page_times_out(site):
    site.slow_seconds = 3.0
    policy = FetchPolicy(allow_private=True, timeout_seconds=0.3)
    with pytest.raises(FetchError, match=r"took longer than 0.3 s"):
        await Fetcher(policy).fetch(site.url("/slow"))


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://localhost/", "loopback"),
        ("http://10.1.2.3/", "private"),
        ("http://192.168.0.10/admin", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://0.0.0.0/", "reserved"),
        ("http://100.64.0.1/", "reserved"),
    ],
)
async def test_non_public_addresses_are_refused_by_default(url, reason):
    with pytest.raises(FetchError, match=reason) as err:
        await Fetcher(FetchPolicy()).fetch(url)
    assert "ALLIANCE_FETCH_ALLOW_PRIVATE" in str(err.value)


@pytest.mark.parametrize(
    "url", ["ftp://example.org/x", "file:///etc/passwd", "http://user:pw@example.org/", "nohost"]
)
async def test_other_url_forms_are_refused(url):
    with pytest.raises(FetchError):
        await Fetcher(FetchPolicy()).fetch(url)


async def test_a_redirect_to_a_private_address_is_refused(site, monkeypatch):
    """Only 127.0.0.1 (the test site) counts as public here: a redirect to 127.0.0.2 must be
    caught on the hop, before it is requested."""
    real = webfetch.blocked_reason
    monkeypatch.setattr(webfetch, "blocked_reason", lambda a: None if a == "127.0.0.1" else real(a))
    target = site.url("/mission", host="127.0.0.2")
    with pytest.raises(FetchError, match=r"127\.0\.0\.2 is a loopback address"):
        await Fetcher(FetchPolicy()).fetch(site.url(f"/to?next={target}"))
    assert site.hits.count("/mission") == 0


async def test_the_connection_resolver_drops_private_answers():
    """Defence against a name that resolves differently at connect time (DNS rebinding)."""
    guarded = GuardedResolver(FetchPolicy())
    with pytest.raises(OSError, match="non-public"):
        await guarded.resolve("localhost", 80, socket.AF_INET)
    allowed = GuardedResolver(FetchPolicy(allow_private=True))
    assert (await allowed.resolve("localhost", 80, socket.AF_INET))[0]["host"] == "127.0.0.1"
    await guarded.close()
    await allowed.close()
