"""Skipping or moving one occurrence of a repeating meeting: lists, reminders and the export
follow; the series itself is untouched; bad requests are refused with a clear line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import recurring_ical_events

from bot.schedule.domain.errors import ScheduleError
from tests.schedule.conftest import NOW, local

# Weekly Tuesdays at 9:00 Denver from Nov 24 2026 (NOW is Mon Nov 23, noon).
DEC_22 = local(2026, 12, 22, 9, 0).astimezone(UTC)
DEC_23_10 = local(2026, 12, 23, 10, 0).astimezone(UTC)


@pytest.fixture
def weekly(service):
    return service.add_meeting(
        "Coalition check-in", "2026-11-24 09:00", repeat="weekly", until="2027-03-01"
    )


def starts(service, item_id, days=60):
    return [o.start for o in service.upcoming("meeting", days=days) if o.item.id == item_id]


def exported(service, item_id):
    cal = icalendar.Calendar.from_ical(service.export_ics(item_id))
    events = recurring_ical_events.of(cal).between(NOW, NOW + timedelta(days=60))
    return sorted(e.decoded("DTSTART").astimezone(UTC) for e in events)


def pending(service, item_id):
    rows = service.conn.execute(
        "SELECT DISTINCT occurrence_utc FROM schedule_reminders"
        " WHERE item_id = ? AND state = 'pending' ORDER BY 1",
        (item_id,),
    )
    return [datetime.fromtimestamp(r[0], UTC) for r in rows]


def test_skip_leaves_out_one_date_everywhere_and_keeps_the_series(service, weekly):
    before = starts(service, weekly.id)
    assert DEC_22 in before and DEC_22 in pending(service, weekly.id)
    item, skipped = service.skip_occurrence(weekly.id, "Dec 22")
    assert skipped == DEC_22
    after = starts(service, weekly.id)
    assert after == [s for s in before if s != DEC_22]
    assert DEC_22 not in pending(service, weekly.id)
    assert exported(service, weekly.id) == after
    assert service.get(weekly.id).rrule == weekly.rrule  # the series is untouched
    assert "EXDATE;TZID=America/Denver:20261222T090000" in service.export_ics(weekly.id).decode()


def test_move_puts_one_date_at_a_new_time_and_reminders_follow(service, weekly):
    before = starts(service, weekly.id)
    _, original, new = service.move_occurrence(weekly.id, "Dec 22", "Dec 23 at 10am")
    assert (original, new) == (DEC_22, DEC_23_10)
    after = starts(service, weekly.id)
    assert after == sorted([s for s in before if s != DEC_22] + [DEC_23_10])
    assert DEC_22 not in pending(service, weekly.id)
    assert exported(service, weekly.id) == after
    text = service.export_ics(weekly.id).decode()
    assert "RECURRENCE-ID;TZID=America/Denver:20261222T090000" in text


def test_restore_undoes_a_skip_or_a_move(service, weekly):
    before = starts(service, weekly.id)
    service.move_occurrence(weekly.id, "Dec 22", "Dec 23 at 10am")
    service.restore_occurrence(weekly.id, "Dec 23")  # named by its new date
    assert starts(service, weekly.id) == before
    service.skip_occurrence(weekly.id, "2026-12-22 09:00")
    service.restore_occurrence(weekly.id, "Dec 22")
    assert starts(service, weekly.id) == before
    assert exported(service, weekly.id) == before


def test_moving_the_series_later_drops_stale_overrides(service, weekly):
    service.skip_occurrence(weekly.id, "Dec 22")
    service.edit(weekly.id, when="2026-11-24 10:00")  # every date is now at 10:00
    after = starts(service, weekly.id)
    assert local(2026, 12, 22, 10, 0).astimezone(UTC) in after
    assert exported(service, weekly.id) == after


async def test_the_scheduler_sends_nothing_for_a_skipped_date(env, weekly):
    env.service.subscribe(7, weekly.id)
    env.service.skip_occurrence(weekly.id, "Dec 22")
    await env.start()
    await env.run_until(DEC_22 + timedelta(hours=1))
    sent = {s.reminder.event for s in env.sender.sent}
    assert DEC_22 not in sent
    assert local(2026, 12, 15, 9, 0).astimezone(UTC) in sent
    await env.stop()


async def test_reminders_of_a_moved_date_go_out_before_its_new_time(env, weekly):
    env.service.subscribe(7, weekly.id)
    env.service.move_occurrence(weekly.id, "Dec 22", "Dec 23 at 10am")
    await env.start()
    await env.run_until(DEC_23_10 + timedelta(hours=1))
    moved = sorted(s.at for s in env.sender.sent if s.reminder.event == DEC_23_10)
    assert moved == [DEC_23_10 - timedelta(days=1), DEC_23_10 - timedelta(hours=1)]
    assert DEC_22 not in {s.reminder.event for s in env.sender.sent}
    await env.stop()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s, i: s.skip_occurrence(i, "Dec 23"), "does not meet on Wed Dec 23"),
        (lambda s, i: s.skip_occurrence(i, "Nov 1 2026"), "past"),
        (lambda s, i: s.skip_occurrence(i, "someday"), ""),
        (lambda s, i: s.move_occurrence(i, "Dec 22", "Dec 29 at 9am"), "already meets"),
        (lambda s, i: s.move_occurrence(i, "Dec 22", "Nov 2 2026 9am"), "past"),
        (lambda s, i: s.restore_occurrence(i, "Dec 22"), "no skipped or moved date"),
        (lambda s, i: s.skip_occurrence(i + 100, "Dec 22"), "no meeting with id"),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(service, weekly, call, message):
    before = (starts(service, weekly.id), pending(service, weekly.id))
    with pytest.raises(ScheduleError, match=message or None):
        call(service, weekly.id)
    assert (starts(service, weekly.id), pending(service, weekly.id)) == before


def test_one_off_meetings_and_deadlines_are_not_skipped(service):
    once = service.add_meeting("Site visit", "2026-12-10 13:30")
    due = service.add_deadline("Grant", "2026-12-18")
    with pytest.raises(ScheduleError, match="happens once; change its time with /schedule edit"):
        service.skip_occurrence(once.id, "Dec 10")
    with pytest.raises(ScheduleError, match="no meeting with id"):
        service.skip_occurrence(due.id, "Dec 18")
