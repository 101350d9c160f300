"""Service additions for the calendar: the CLI keeps naming its own commands, duplicates are
found by title and start, and the feed's document includes recent past meetings."""

from __future__ import annotations

import pytest

from bot.schedule.domain.errors import NotFoundError
from bot.schedule.domain.service import ScheduleService
from tests.schedule.conftest import DENVER


@pytest.mark.parametrize(
    ("commands", "kind", "hint"),
    [
        ("cli", "meeting", "`alliance-bot meetings list`"),
        ("cli", "deadline", "`alliance-bot deadlines list`"),
        ("slash", "meeting", "/meetings"),
        ("slash", "deadline", "/deadlines"),
        ("slash", None, "/meetings or /deadlines"),
    ],
)
def test_not_found_names_the_commands_of_the_surface(env, commands, kind, hint):
    service = ScheduleService(env.service.conn, DENVER, env.clock, commands=commands)
    with pytest.raises(NotFoundError) as caught:
        service.get(4242, kind=kind)
    assert hint in str(caught.value)
    if commands == "slash":
        assert "alliance-bot" not in str(caught.value)


@pytest.mark.parametrize(
    ("title", "when", "twin"),
    [
        ("Coalition call", "2026-11-25 10:00", True),
        ("coalition  CALL", "2026-11-25 10:00", True),
        ("Coalition call", "2026-11-25 10:30", False),
        ("Coalition call 2", "2026-11-25 10:00", False),
    ],
)
def test_same_meetings_match_title_and_start(env, title, when, twin):
    first = env.service.add_meeting("Coalition call", "2026-11-25 10:00")
    second = env.service.add_meeting(title, when)
    found = [i.id for i in env.service.same_meetings(second)]
    assert found == ([first.id] if twin else [])
