"""`/corpus add-url` and `/corpus refresh` on the real bot, against a local web site."""

from __future__ import annotations

import pytest

from tests.e2e import fake_discord as fd
from tests.web.site import NEWS, SiteThread

ADMIN = {"user_id": fd.ADMIN_ID, "permissions": fd.ADMIN_PERMS}


@pytest.fixture
def site():
    runner = SiteThread()
    yield runner.start()
    runner.stop()


async def test_add_url_then_ask_cites_the_page_then_refresh(fake, runner, make_settings, site):
    bot = await runner.start(make_settings(fetch_allow_private=True, semantic=False))
    site.pages["news"] = NEWS.format(text="The spring retreat will be held at Ghost Ranch.")
    added = await fake.reply(
        await fake.slash("corpus", {"url": site.url("/news")}, sub="add-url", **ADMIN), 20
    )
    assert added.ephemeral
    assert added.embeds[0]["title"] == "Added web/127-0-0-1-news.md"
    answer = await fake.reply(await fake.slash("ask", {"question": "where is the spring retreat?"}))
    assert "Ghost Ranch" in answer.text and site.url("/news") in answer.text

    site.pages["news"] = NEWS.format(text="The spring retreat moved to the Santa Fe campus.")
    refreshed = await fake.reply(await fake.slash("corpus", {}, sub="refresh", **ADMIN), 20)
    card = refreshed.embeds[0]
    assert card["title"] == "Web documents refreshed"
    assert card["description"].startswith("1 changed, 0 unchanged, 0 failed")
    assert "+The spring retreat moved" in card["fields"][0]["value"]
    assert bot.app.engine.status().documents >= 4


async def test_members_cannot_add_urls_and_nothing_is_fetched(fake, bot, site):
    reply = await fake.reply(
        await fake.slash("corpus", {"url": site.url("/mission")}, sub="add-url")
    )
    assert "only coalition admins" in reply.content
    assert site.hits == []


async def test_private_addresses_are_refused_by_default(fake, bot, site):
    reply = await fake.reply(
        await fake.slash("corpus", {"url": site.url("/mission")}, sub="add-url", **ADMIN)
    )
    assert "loopback address" in reply.content and reply.ephemeral
    assert site.hits == []
