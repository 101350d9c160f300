"""RSVP answers: one per member per date, replaced on change, refused for dates that are over,
not real, or of a cancelled meeting; counts per date; answers follow a moved date."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.common.db import migrate
from bot.schedule.domain import rsvp
from tests.schedule.conftest import local


@pytest.fixture
def conn(service):
    migrate(service.conn, rsvp.COMPONENT, rsvp.MIGRATIONS)
    return service.conn


@pytest.fixture
def weekly(service):
    return service.add_meeting("Check-in", "2026-11-24 09:00", repeat="weekly")


FIRST = local(2026, 11, 24, 9, 0)
SECOND = local(2026, 12, 1, 9, 0)


@pytest.mark.parametrize(
    ("clicks", "going", "maybe", "no"),
    [
        ([(1, "going")], 1, 0, 0),
        ([(1, "going"), (1, "no")], 0, 0, 1),
        ([(1, "going"), (1, "going")], 1, 0, 0),
        ([(1, "going"), (2, "going"), (3, "maybe")], 2, 1, 0),
        ([(1, "maybe"), (2, "no"), (1, "going"), (2, "going")], 2, 0, 0),
    ],
)
def test_one_answer_per_member_and_counts(conn, env, weekly, clicks, going, maybe, no):
    for user, choice in clicks:
        result = rsvp.answer(conn, weekly, FIRST, user, choice, env.clock.now())
    assert result.counts == rsvp.Counts(going=going, maybe=maybe, no=no)
    assert rsvp.counts(conn, weekly.id, SECOND) == rsvp.Counts()


def test_changed_flag(conn, env, weekly):
    now = env.clock.now()
    assert rsvp.answer(conn, weekly, FIRST, 1, "going", now).changed
    assert not rsvp.answer(conn, weekly, FIRST, 1, "going", now).changed
    assert rsvp.answer(conn, weekly, FIRST, 1, "maybe", now).changed
    assert rsvp.member_answer(conn, weekly.id, FIRST, 1) == "maybe"


def test_refusals(conn, env, service, weekly):
    now = env.clock.now()
    with pytest.raises(rsvp.RsvpError, match="no longer meets"):
        rsvp.answer(conn, weekly, FIRST + timedelta(minutes=5), 1, "going", now)
    with pytest.raises(rsvp.RsvpError, match="is over"):
        rsvp.answer(conn, weekly, FIRST, 1, "going", FIRST + timedelta(hours=1))
    with pytest.raises(rsvp.RsvpError, match="Choose"):
        rsvp.answer(conn, weekly, FIRST, 1, "yes", now)  # type: ignore[arg-type]
    cancelled = service.cancel(weekly.id)
    with pytest.raises(rsvp.RsvpError, match="no longer on the schedule"):
        rsvp.answer(conn, cancelled, SECOND, 1, "going", now)
    assert rsvp.counts(conn, weekly.id, FIRST) == rsvp.Counts()


def test_a_moved_date_keeps_its_answers(conn, env, service, weekly):
    now = env.clock.now()
    rsvp.answer(conn, weekly, SECOND, 1, "going", now)
    _, original, new = service.move_occurrence(weekly.id, "Dec 1", "Dec 2 at 10am")
    assert rsvp.move_answers(conn, weekly.id, original, new) == 1
    moved = service.get(weekly.id)
    assert rsvp.answers_of(conn, weekly.id, new)["going"] == [1]
    assert rsvp.answer(conn, moved, new, 2, "maybe", now).counts == rsvp.Counts(going=1, maybe=1)
    with pytest.raises(rsvp.RsvpError):
        rsvp.answer(conn, moved, SECOND, 3, "going", now)
