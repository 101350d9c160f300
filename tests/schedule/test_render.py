"""Reminder text: Discord timestamps for members, local time for the console."""

from __future__ import annotations

from datetime import UTC, timedelta

from bot.schedule.models import Reminder
from bot.schedule.render import humanize_lead, render_reminder

from .conftest import DENVER, local


def reminder(**kw):
    event = local(2026, 12, 1, 9, 0).astimezone(UTC)
    base = dict(
        item_id=1,
        kind="meeting",
        title="Coalition meeting",
        event=event,
        end=event + timedelta(hours=1),
        lead=timedelta(hours=1),
        due=event - timedelta(hours=1),
        late=False,
        location="Zoom",
        link="https://zoom.example/j/1",
        description=None,
        nonce="rem-1",
        delivery_id=1,
    )
    base.update(kw)
    return Reminder(**base)


def test_discord_rendering_uses_timestamps():
    text = render_reminder(reminder())
    unix = int(local(2026, 12, 1, 9, 0).timestamp())
    assert f"<t:{unix}:F>" in text and f"<t:{unix}:R>" in text
    assert "Coalition meeting" in text and "Zoom" in text and "Sent late" not in text


def test_late_reminders_say_so():
    text = render_reminder(reminder(late=True), DENVER)
    assert "Sent late" in text and "1 hour reminder" in text and "8:00 AM MST" in text


def test_deadline_wording():
    assert "is due" in render_reminder(reminder(kind="deadline"), DENVER)


def test_humanize_lead():
    assert [
        humanize_lead(timedelta(days=7)),
        humanize_lead(timedelta(hours=2)),
        humanize_lead(timedelta(minutes=30)),
    ] == ["7 days", "2 hours", "30 minutes"]
