"""Adding, editing, cancelling, listing and subscribing through `ScheduleService`."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from bot.common.db import connect
from bot.schedule.domain import store
from bot.schedule.domain.errors import NotFoundError, ScheduleError, TimeParseError
from bot.schedule.domain.service import ScheduleService

from .conftest import DENVER, NOW, local


def pending_dues(service: ScheduleService, item_id: int) -> list:
    rows = service.conn.execute(
        "SELECT due_utc FROM schedule_reminders WHERE item_id = ? AND state = 'pending'"
        " ORDER BY due_utc",
        (item_id,),
    )
    return [r[0] for r in rows]


def snapshot(service: ScheduleService):
    conn = service.conn
    return [
        conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()  # noqa: S608
        for t in ("schedule_items", "schedule_reminders", "schedule_subscriptions")
    ]


def test_meeting_defaults_and_reminders(service):
    item = service.add_meeting("Coalition meeting", "Dec 1 at 9:00", where="Zoom")
    assert item.id > 0 and item.duration == timedelta(minutes=60)
    assert item.leads == (timedelta(days=1), timedelta(hours=1))
    start = local(2026, 12, 1, 9, 0).astimezone(UTC)
    assert item.start == start
    assert pending_dues(service, item.id) == [
        int((start - timedelta(days=1)).timestamp()),
        int((start - timedelta(hours=1)).timestamp()),
    ]


def test_deadline_defaults_skip_leads_already_passed(service):
    # Due in 3 days: the 7-day reminder is already in the past, so only 1 day and 2 hours remain.
    item = service.add_deadline("Application deadline", "Nov 26 at 17:00", link="https://x.org/a")
    assert item.leads == (timedelta(days=7), timedelta(days=1), timedelta(hours=2))
    assert len(pending_dues(service, item.id)) == 2


def test_upcoming_lists_occurrences_in_time_order(service):
    weekly = service.add_meeting("Weekly", "next Tuesday 9:00", repeat="weekly")
    deadline = service.add_deadline("Report due", "Dec 2 at 17:00")
    once = service.add_meeting("One-off", "Nov 30 at 14:00")
    occs = service.upcoming(days=14)
    assert [(o.item.id, o.start.astimezone(DENVER).day) for o in occs] == [
        (weekly.id, 24), (once.id, 30), (weekly.id, 1), (deadline.id, 2)
    ]  # fmt: skip
    assert [o.item.id for o in service.upcoming("deadline")] == [deadline.id]
    assert service.next_meeting().start == local(2026, 11, 24, 9, 0).astimezone(UTC)


def test_edit_moves_pending_reminders_atomically(service):
    item = service.add_meeting("Planning", "Dec 1 at 9:00")
    before = pending_dues(service, item.id)
    edited = service.edit(item.id, when="Dec 3 at 13:00", title="Planning (moved)")
    after = pending_dues(service, item.id)
    new_start = local(2026, 12, 3, 13, 0).astimezone(UTC)
    assert edited.title == "Planning (moved)" and edited.start == new_start
    assert after == [int((new_start - lead).timestamp()) for lead in edited.leads]
    assert not set(before) & set(after)


def test_edit_title_only_keeps_reminders(service):
    item = service.add_meeting("Planning", "Dec 1 at 9:00")
    before = pending_dues(service, item.id)
    service.edit(item.id, title="Planning session")
    assert pending_dues(service, item.id) == before


def test_edit_repeat_and_until(service):
    item = service.add_meeting("Standup", "Dec 1 at 9:00")
    service.edit(item.id, repeat="weekly", until="Dec 15")
    assert len([o for o in service.upcoming(days=60) if o.item.id == item.id]) == 3
    service.edit(item.id, until="Dec 8")
    assert len([o for o in service.upcoming(days=60) if o.item.id == item.id]) == 2
    service.edit(item.id, repeat="none")
    assert len([o for o in service.upcoming(days=60) if o.item.id == item.id]) == 1


def test_cancel_removes_pending_reminders_and_hides_item(service):
    item = service.add_meeting("Planning", "Dec 1 at 9:00", repeat="weekly")
    assert pending_dues(service, item.id)
    service.cancel(item.id)
    assert pending_dues(service, item.id) == []
    assert service.upcoming() == []
    with pytest.raises(NotFoundError, match="cancelled"):
        service.edit(item.id, title="again")


def test_kind_is_checked(service):
    meeting = service.add_meeting("Planning", "Dec 1 at 9:00")
    with pytest.raises(NotFoundError, match="no deadline with id"):
        service.cancel(meeting.id, kind="deadline")


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda s: s.add_meeting("", "Dec 1 at 9:00"), "title cannot be empty"),
        (lambda s: s.add_meeting("x" * 201, "Dec 1 at 9:00"), "too long"),
        (lambda s: s.add_meeting("M", "Dec 1 at 3"), "ambiguous"),
        (lambda s: s.add_meeting("M", "yesterday 9am"), "could not read"),
        (lambda s: s.add_meeting("M", "Nov 1 at 9:00"), "in the past"),
        (lambda s: s.add_meeting("M", "Dec 1 at 9:00", duration_minutes=0), "positive"),
        (lambda s: s.add_meeting("M", "Dec 1 at 9:00", repeat="hourly"), "unknown repeat"),
        (lambda s: s.add_meeting("M", "Dec 1 at 9:00", until="Dec 20"), "need --repeat"),
        (
            lambda s: s.add_meeting("M", "Dec 1 at 9:00", repeat="weekly", until="Nov 30 2026"),
            "before the first",
        ),
        (lambda s: s.add_meeting("M", "Dec 1 at 9:00", leads=["soon"]), "duration"),
        (lambda s: s.add_meeting("M", "Dec 1 at 9:00", channel_id=-4), "channel id"),
        (lambda s: s.add_deadline("D", "Dec 1 at 9:00", link="javascript:alert(1)"), "https://"),
        (lambda s: s.edit(999, title="x"), "no meeting or deadline with id 999"),
    ],
)
def test_invalid_input_is_refused_and_changes_nothing(service, call, error):
    existing = service.add_meeting("Existing", "Dec 2 at 10:00")
    service.subscribe(42, existing.id)
    before = snapshot(service)
    with pytest.raises(ScheduleError, match=error):
        call(service)
    assert snapshot(service) == before


def test_failed_edit_changes_nothing(service):
    item = service.add_meeting("Existing", "Dec 2 at 10:00", repeat="weekly")
    before = snapshot(service)
    with pytest.raises(TimeParseError):
        service.edit(item.id, title="new title", when="Dec 2 at 4")
    assert snapshot(service) == before


def test_subscriptions_per_item_and_for_all(service):
    a = service.add_meeting("A", "Dec 1 at 9:00")
    b = service.add_deadline("B", "Dec 5 at 17:00")
    service.subscribe(7, a.id)
    assert service.is_subscribed(7, a.id) and not service.is_subscribed(7, b.id)
    service.subscribe(8)  # everything
    service.unsubscribe(8, b.id)
    assert service.is_subscribed(8, a.id) and not service.is_subscribed(8, b.id)
    assert store.subscribers(service.conn, a.id) == [7, 8]
    service.unsubscribe(8)  # opting out of everything clears the per-item choices too
    assert service.subscriptions(8) == {None: False}
    with pytest.raises(NotFoundError):
        service.subscribe(7, 12345)


def test_schema_is_versioned_and_survives_reopen(tmp_path, env):
    item = env.service.add_meeting("Persisted", "Dec 1 at 9:00")
    again = ScheduleService(connect(env.path), DENVER, env.clock)
    assert again.get(item.id).title == "Persisted"
    version = again.conn.execute(
        "SELECT version FROM schema_migrations WHERE component = 'schedule'"
    ).fetchone()[0]
    assert version == len(store.MIGRATIONS)
    assert again.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_pending_count_for_status(service):
    service.add_meeting("A", "Dec 1 at 9:00")
    service.add_deadline("B", "Dec 15 at 17:00")
    assert service.pending_reminders() == 2 + 3


def test_now_is_injected(env):
    env.clock.set(NOW + timedelta(days=30))  # Dec 23
    with pytest.raises(TimeParseError, match="in the past"):
        env.service.add_meeting("Late", "Dec 1 2026 at 9:00")


def test_edit_is_atomic_when_replanning_fails(service, monkeypatch):
    item = service.add_meeting("Planning", "Dec 1 at 9:00", repeat="weekly")
    before = snapshot(service)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "materialize", broken)
    with pytest.raises(RuntimeError):
        service.edit(item.id, when="Dec 2 at 10:00")
    assert snapshot(service) == before  # neither the item nor its reminders changed


def test_a_deadline_given_as_a_date_is_due_at_the_end_of_that_day_and_says_so(service):
    from bot.schedule.domain.display import render_occurrence

    item = service.add_deadline("Report", "Dec 18")
    assert item.start == local(2026, 12, 18, 23, 59).astimezone(UTC)
    occurrence = service.next_occurrence(item)
    assert "due by the end of the day" in render_occurrence(occurrence, DENVER)
    with pytest.raises(TimeParseError, match="add a time"):
        service.add_meeting("Call", "Dec 18")


def test_day_first_service_reads_numeric_dates_day_first(env):
    day_first = ScheduleService(env.service.conn, DENVER, env.clock, day_first=True)
    item = day_first.add_meeting("Call", "5/12 9am")
    assert item.start == local(2026, 12, 5, 9, 0).astimezone(UTC)
