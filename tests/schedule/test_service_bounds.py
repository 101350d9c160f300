"""Hostile schedule input is refused in one line: far years, control characters, RRULEs finer
than daily and huge COUNTs (issue #9, "Smaller faults")."""

from __future__ import annotations

import pytest

from bot.common.db import connect
from bot.schedule.domain.clock import ManualClock
from bot.schedule.domain.errors import ScheduleError
from bot.schedule.domain.service import ScheduleService
from tests.schedule.conftest import DENVER, NOW


@pytest.fixture
def service(tmp_path) -> ScheduleService:
    return ScheduleService(connect(tmp_path / "s.db"), DENVER, ManualClock(NOW))


def count(service: ScheduleService) -> int:
    return int(service.conn.execute("SELECT COUNT(*) FROM schedule_items").fetchone()[0])


@pytest.mark.parametrize(
    "due",
    [
        "9999-12-31T23:59:59-07:00",
        "Dec 31 9999 11pm",
        "0001-01-01T00:00:00+14:00",
        "2999-01-01 10:00",
    ],
)
def test_years_out_of_range_are_refused_in_one_line(service, due) -> None:
    with pytest.raises(ScheduleError) as caught:
        service.add_deadline("Grant", due)
    assert "\n" not in str(caught.value) and "2027" in str(caught.value)
    assert count(service) == 0


def test_until_far_in_the_future_is_refused(service) -> None:
    with pytest.raises(ScheduleError):
        service.add_meeting("Call", "2026-12-01 09:00", repeat="weekly", until="Dec 31 9999")
    with pytest.raises(ScheduleError):
        service.add_meeting(
            "Call", "2026-12-01 09:00", repeat="weekly", until="9999-12-31T23:59:59Z"
        )
    assert count(service) == 0


def test_control_characters_are_never_echoed(service) -> None:
    with pytest.raises(ScheduleError) as caught:
        service.add_deadline("Grant", "Dec 5\nat 3")
    assert "\n" not in str(caught.value) and '"Dec 5 at 3"' in str(caught.value)
    with pytest.raises(ScheduleError) as caught:
        service.add_deadline("Grant", "soon\x1b[31m")
    assert "\x1b" not in str(caught.value)
    item = service.add_meeting("Two\nlines\tand\x07bell", "2026-12-01 09:00", where="Room\r\n4")
    assert (item.title, item.location) == ("Two lines and bell", "Room 4")


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYMINUTE=" + ",".join(str(m) for m in range(0, 60, 5)),
        "FREQ=DAILY;BYHOUR=9,10",
        "RRULE:FREQ=WEEKLY;BYSECOND=0,30",
    ],
)
def test_rules_finer_than_daily_are_refused(service, rule) -> None:
    with pytest.raises(ScheduleError) as caught:
        service.add_meeting("Call", "2026-12-01 09:00", repeat=rule)
    assert "once a day" in str(caught.value)
    assert count(service) == 0


def test_rrule_count_is_capped_like_count(service) -> None:
    with pytest.raises(ScheduleError) as caught:
        service.add_meeting("Call", "2026-12-01 09:00", repeat="FREQ=DAILY;COUNT=100000000")
    assert "1000" in str(caught.value)
    ok = service.add_meeting("Call", "2026-12-01 09:00", repeat="FREQ=DAILY;COUNT=1000")
    assert ok.rrule is not None and "COUNT=1000" in ok.rrule
