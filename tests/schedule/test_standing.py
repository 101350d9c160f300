"""corpus/schedule.toml: upsert by key, never duplicated, retired when removed, past stays past."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.schedule.domain import store
from bot.schedule.domain.errors import StandingScheduleError
from bot.schedule.domain.standing import sync_standing_schedule

from .conftest import NOW

REPO_SCHEDULE = Path(__file__).resolve().parents[2] / "corpus" / "schedule.toml"


def count(service, sql="SELECT COUNT(*) FROM schedule_items"):
    return service.conn.execute(sql).fetchone()[0]


def test_seeded_schedule_is_all_past_and_quiet(service):
    report = sync_standing_schedule(service, REPO_SCHEDULE, NOW)
    assert len(report.added) >= 9 and report.past == report.added
    assert report.warnings == []
    assert service.upcoming(days=3650) == []  # past: never "upcoming"
    assert count(service, "SELECT COUNT(*) FROM schedule_reminders") == 0  # and no reminders
    titles = {i.title for i in service.items()}
    assert "HSTC year-one outcomes (Focus on Learning) due" in titles
    assert any("virtual one-hour introductory meeting" in t for t in titles)
    year_one = store.get_by_key(service.conn, "hstc-year-one-outcomes-2023-06-30")
    assert year_one.start.astimezone(service.tz).date().isoformat() == "2023-06-30"
    # Syncing again (e.g. on every reindex) changes nothing and duplicates nothing.
    again = sync_standing_schedule(service, REPO_SCHEDULE, NOW)
    assert again.added == [] and len(again.unchanged) == len(report.added)
    assert count(service) == len(report.added)


TOML = """
timezone = "America/Denver"
[[meeting]]
key = "monthly"
title = "Coalition monthly meeting"
start = 2026-12-08T15:00:00
duration = 90
repeat = "monthly-weekday"
where = "Zoom"
[[deadline]]
key = "apply"
title = "Application deadline"
due = 2027-01-15T17:00:00
link = "https://example.org/apply"
"""


def test_upsert_update_and_retire(tmp_path, service):
    path = tmp_path / "schedule.toml"
    path.write_text(TOML)
    first = sync_standing_schedule(service, path, NOW)
    assert sorted(first.added) == ["apply", "monthly"]
    occ = service.upcoming("meeting", days=70)
    assert [o.start.astimezone(service.tz).day for o in occ] == [8, 12]  # second Tuesdays
    apply_id = store.get_by_key(service.conn, "apply").id
    path.write_text(TOML.replace("2027-01-15T17:00:00", "2027-01-22T17:00:00"))
    second = sync_standing_schedule(service, path, NOW)
    assert second.updated == ["apply"] and second.unchanged == ["monthly"]
    moved = store.get_by_key(service.conn, "apply")
    assert moved.id == apply_id and moved.start.astimezone(service.tz).day == 22
    dues = service.conn.execute(
        "SELECT COUNT(*) FROM schedule_reminders WHERE item_id = ? AND state = 'pending'",
        (apply_id,),
    ).fetchone()[0]
    assert dues == 3  # re-planned, not doubled
    path.write_text(TOML.split("[[deadline]]")[0])
    third = sync_standing_schedule(service, path, NOW)
    assert third.retired == ["apply"]
    assert [o.item.title for o in service.upcoming(days=400)][0] == "Coalition monthly meeting"
    assert all(o.item.title != "Application deadline" for o in service.upcoming(days=400))
    left = service.conn.execute(
        "SELECT COUNT(*) FROM schedule_reminders WHERE item_id = ? AND state = 'pending'",
        (apply_id,),
    ).fetchone()[0]
    assert left == 0


def test_standing_items_are_edited_in_the_file_not_the_cli(tmp_path, service):
    path = tmp_path / "schedule.toml"
    path.write_text(TOML)
    sync_standing_schedule(service, path, NOW)
    item = store.get_by_key(service.conn, "apply")
    with pytest.raises(StandingScheduleError.__mro__[1], match="schedule.toml"):
        service.cancel(item.id)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[meeting]]\ntitle = 'x'\nstart = 2027-01-01T09:00:00\n", "key"),
        ("[[meeting]]\nkey = 'a'\ntitle = 'x'\nstart = 'soon'\n", "TOML date-time"),
        (
            "[[meeting]]\nkey = 'a'\ntitle = 'x'\nstart = 2027-01-01T09:00:00\ncolour = 1\n",
            "unknown field",
        ),
        (
            "[[deadline]]\nkey = 'a'\ntitle = 'x'\ndue = 2027-01-01T09:00:00\n"
            "[[deadline]]\nkey = 'a'\ntitle = 'y'\ndue = 2027-01-02T09:00:00\n",
            "duplicate key",
        ),
        (
            "[[meeting]]\nkey = 'a'\ntitle = 'x'\nstart = 2027-01-01T09:00:00\nrepeat = 'often'\n",
            "unknown repeat",
        ),
        ("[[meeting\nkey = 'a'", "nothing was changed"),
        (
            "[[meeting]]\nkey = 'a'\ntitle = 'x'\nstart = 2027-01-01T09:00:00\nleads = ['90d']\n",
            "between 1 minute and 60 days",
        ),
        (
            "[[deadline]]\nkey = 'a'\ntitle = 'x'\ndue = 2027-01-01T09:00:00\n"
            "leads = ['1d', '2d', '3d', '4d', '5d', '6d', '7d']\n",
            "at most 6",
        ),
    ],
)
def test_malformed_file_changes_nothing(tmp_path, service, text, message):
    good = tmp_path / "good.toml"
    good.write_text(TOML)
    sync_standing_schedule(service, good, NOW)
    before = service.conn.execute("SELECT * FROM schedule_items ORDER BY id").fetchall()
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    with pytest.raises(StandingScheduleError, match=message):
        sync_standing_schedule(service, bad, NOW)
    assert service.conn.execute("SELECT * FROM schedule_items ORDER BY id").fetchall() == before


def test_missing_file_retires_nothing(tmp_path, service):
    good = tmp_path / "schedule.toml"
    good.write_text(TOML)
    sync_standing_schedule(service, good, NOW)
    report = sync_standing_schedule(service, tmp_path / "nope.toml", NOW)
    assert report.retired == [] and report.warnings
    assert len(service.items()) == 2
