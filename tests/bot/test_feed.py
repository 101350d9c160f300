"""The live calendar feed over real HTTP on 127.0.0.1, read back with independent libraries.

A real `aiohttp.ClientSession` fetches the feed from a `FeedServer` over `CalendarActions`; the
document is expanded with recurring-ical-events and compared with the schedule's own list.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import icalendar
import pytest
import recurring_ical_events
from multidict import CIMultiDict
from pydantic import ValidationError

from bot.app.wiring import build_app
from bot.common.errors import NotFound
from bot.common.permissions import Actor, PermissionDenied
from bot.schedule import feed
from bot.schedule.calendar import CalendarActions
from bot.schedule.domain.clock import ManualClock
from bot.settings import Settings
from tests.bot.fakes import FakeEngine

NOW = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)
ADMIN = Actor(id=1, name="admin", manage_guild=True)
MEMBER = Actor(id=2, name="member")


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    values: dict[str, object] = {
        "corpus_dir": corpus,
        "data_dir": tmp_path / "data",
        "feed_host": "127.0.0.1",
        "feed_port": 0,
        "feed_public_url": "https://bot.example.org/",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def calendar(tmp_path: Path, clock: ManualClock) -> CalendarActions:
    from bot.schedule.domain.service import open_service

    settings = make_settings(tmp_path)
    core = build_app(settings, engine=FakeEngine(corpus_dir=settings.corpus_dir), clock=clock)
    return CalendarActions(core.gate, open_service(settings, clock))


@pytest.fixture
async def server(calendar: CalendarActions):
    srv = feed.FeedServer(calendar, "127.0.0.1", 0)
    await srv.start()
    try:
        yield srv
    finally:
        await srv.stop()


def url(srv: feed.FeedServer, secret: str) -> str:
    return f"http://127.0.0.1:{srv.port}{feed.feed_path(secret)}"


async def fetch(address: str, **headers: str) -> tuple[int, CIMultiDict[str], bytes]:
    async with aiohttp.ClientSession() as session, session.get(address, headers=headers) as resp:
        return resp.status, CIMultiDict(resp.headers), await resp.read()


async def test_feed_serves_the_schedule_and_every_occurrence_matches(calendar, server, clock):
    service = calendar.service
    weekly = service.add_meeting(
        "Coalition check-in", "2026-11-24 09:00", repeat="weekly", until="2027-06-30"
    )
    once = service.add_meeting("Site visit", "2026-12-10 13:30", duration_minutes=90)
    due = service.add_deadline("Grant application", "2026-12-18")
    status, headers, body = await fetch(url(server, calendar.feed_secret()))
    assert status == 200
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert headers["ETag"].startswith('"') and "Last-Modified" in headers

    cal = icalendar.Calendar.from_ical(body)
    start, end = NOW, NOW + timedelta(days=366)
    got = sorted(
        (str(e["SUMMARY"]), e.decoded("DTSTART").astimezone(UTC))
        for e in recurring_ical_events.of(cal).between(start, end)
    )
    expected = sorted(
        (o.item.title if o.item.kind == "meeting" else f"Deadline: {o.item.title}", o.start)
        for o in service.upcoming(days=366)
    )
    assert got == expected
    assert {t for t, _ in got} == {weekly.title, once.title, f"Deadline: {due.title}"}
    assert len([t for t, _ in got if t == weekly.title]) == 32  # Nov 24 through Jun 29


async def test_an_edit_shows_in_the_next_fetch_and_the_etag_follows_content(
    calendar, server, clock
):
    item = calendar.service.add_meeting("Coalition call", "2026-11-25 10:00")
    address = url(server, calendar.feed_secret())
    _, first, body = await fetch(address)
    clock.advance(timedelta(minutes=3))  # a new DTSTAMP alone is no change
    status, again, _ = await fetch(address, **{"If-None-Match": first["ETag"]})
    assert status == 304 and again["ETag"] == first["ETag"]

    calendar.service.edit(item.id, title="Coalition call (moved)", when="2026-11-26 10:00")
    status, changed, body = await fetch(address, **{"If-None-Match": first["ETag"]})
    assert status == 200 and changed["ETag"] != first["ETag"]
    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Coalition call (moved)"
    assert event.decoded("DTSTART") == datetime(2026, 11, 26, 17, 0, tzinfo=UTC)


async def test_an_empty_schedule_is_an_empty_calendar_not_an_error(calendar, server):
    item = calendar.service.add_meeting("Only meeting", "2026-11-25 10:00")
    calendar.service.cancel(item.id)
    status, headers, body = await fetch(url(server, calendar.feed_secret()))
    assert status == 200
    assert icalendar.Calendar.from_ical(body).walk("VEVENT") == []


@pytest.mark.parametrize(
    "path",
    [
        "/calendar/wrong.ics",
        "/calendar/.ics",
        "/calendar/{secret}",
        "/calendar/{secret}.ics/extra",
        "/{secret}.ics",
        "/",
    ],
)
async def test_anything_but_the_secret_address_is_404(calendar, server, path):
    address = f"http://127.0.0.1:{server.port}" + path.format(secret=calendar.feed_secret())
    status, _, body = await fetch(address)
    assert status == 404
    assert b"BEGIN:VCALENDAR" not in body


async def test_rotation_by_an_admin_retires_the_old_address(calendar, server):
    old = calendar.feed_secret()
    assert (await fetch(url(server, old)))[0] == 200
    links = calendar.rotate_feed(ADMIN)
    new = calendar.feed_secret()
    assert new != old and links.http == f"https://bot.example.org/calendar/{new}.ics"
    assert links.webcal == f"webcal://bot.example.org/calendar/{new}.ics"
    assert (await fetch(url(server, old)))[0] == 404
    assert (await fetch(url(server, new)))[0] == 200


async def test_members_cannot_rotate_and_nothing_changes(calendar, server):
    old = calendar.feed_secret()
    with pytest.raises(PermissionDenied):
        calendar.rotate_feed(MEMBER)
    assert calendar.feed_secret() == old
    assert (await fetch(url(server, old)))[0] == 200


async def test_a_broken_database_answers_503_and_the_server_keeps_serving(calendar, server):
    secret = calendar.feed_secret()
    real = calendar.feed_document

    def broken() -> feed.FeedDocument:
        raise OSError("disk I/O error")

    calendar.feed_document = broken  # type: ignore[method-assign]
    status, headers, _ = await fetch(url(server, secret))
    assert status == 503 and headers["Retry-After"] == "60"
    calendar.feed_document = real  # type: ignore[method-assign]
    assert (await fetch(url(server, secret)))[0] == 200


def test_the_secret_survives_a_restart_and_is_long(tmp_path, clock):
    from bot.schedule.domain.service import open_service

    settings = make_settings(tmp_path)
    core = build_app(settings, engine=FakeEngine(corpus_dir=settings.corpus_dir), clock=clock)
    first = CalendarActions(core.gate, open_service(settings, clock)).feed_secret()
    second = CalendarActions(core.gate, open_service(settings, clock)).feed_secret()
    assert first == second and len(first) >= 32


def test_feed_off_has_no_links_and_rotation_says_so(tmp_path, clock):
    from bot.schedule.domain.service import open_service

    settings = make_settings(tmp_path, feed_port=None, feed_public_url=None)
    core = build_app(settings, engine=FakeEngine(corpus_dir=settings.corpus_dir), clock=clock)
    actions = CalendarActions(core.gate, open_service(settings, clock))
    assert actions.feed_links() is None
    with pytest.raises(NotFound, match="feed is off"):
        actions.rotate_feed(ADMIN)


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"ALLIANCE_FEED_PORT": "8080"}, "ALLIANCE_FEED_PUBLIC_URL"),
        (
            {"ALLIANCE_FEED_PORT": "8080", "ALLIANCE_FEED_PUBLIC_URL": "bot.example.org"},
            "ALLIANCE_FEED_PUBLIC_URL",
        ),
        (
            {"ALLIANCE_FEED_PORT": "8080", "ALLIANCE_FEED_PUBLIC_URL": "ftp://bot.example.org"},
            "ALLIANCE_FEED_PUBLIC_URL",
        ),
        (
            {"ALLIANCE_FEED_PORT": "8080", "ALLIANCE_FEED_PUBLIC_URL": "https://x.org/?a=1"},
            "ALLIANCE_FEED_PUBLIC_URL",
        ),
        ({"ALLIANCE_FEED_PORT": "99999"}, "ALLIANCE_FEED_PORT"),
        ({"ALLIANCE_FEED_PORT": "web"}, "ALLIANCE_FEED_PORT"),
        ({"ALLIANCE_FEED_HOST": "http://0.0.0.0"}, "ALLIANCE_FEED_HOST"),
    ],
)
def test_bad_feed_settings_are_one_line_errors_naming_the_variable(
    monkeypatch, capsys, env, variable
):
    from bot.app.cli import main

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(Settings, "model_config", {**Settings.model_config, "env_file": None})
    assert main(["meetings", "list"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith(f"alliance-bot: configuration error: {variable}")


def test_feed_settings_that_are_fine(tmp_path):
    settings = make_settings(tmp_path, feed_port=8080, feed_public_url="https://bot.example.org/")
    assert settings.feed_enabled and settings.feed_public_url == "https://bot.example.org"
    with pytest.raises(ValidationError):
        make_settings(tmp_path, feed_port=8080, feed_public_url=None)
    assert not make_settings(tmp_path, feed_port=None, feed_public_url=None).feed_enabled
