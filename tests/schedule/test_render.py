"""Reminder text: Discord timestamps for members, local time for the console."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from bot.schedule.domain.display import (
    format_duration,
    humanize_lead,
    lead_adjective,
    render_reminder,
)
from bot.schedule.domain.models import Reminder

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
    assert "Sent late" in text and "1-hour reminder" in text and "8:00 AM MST" in text


def test_deadline_wording():
    assert "is due" in render_reminder(reminder(kind="deadline"), DENVER)


def test_humanize_lead():
    assert [
        humanize_lead(timedelta(days=7)),
        humanize_lead(timedelta(hours=2)),
        humanize_lead(timedelta(minutes=30)),
    ] == ["7 days", "2 hours", "30 minutes"]


def test_reminders_lead_with_the_relative_time_a_member_acts_on():
    event = int(local(2026, 12, 1, 9, 0).timestamp())
    meeting = render_reminder(reminder()).splitlines()[0]
    deadline = render_reminder(reminder(kind="deadline", title="Grant report")).splitlines()[0]
    assert (
        meeting
        == f"⏰ Meeting reminder: **Coalition meeting** starts <t:{event}:R> (<t:{event}:F>)."
    )
    assert (
        deadline == f"⏰ Deadline reminder: **Grant report** is due <t:{event}:R> (<t:{event}:F>)."
    )


@pytest.mark.parametrize(
    ("lead", "adjective"),
    [
        (timedelta(days=7), "7-day"),
        (timedelta(days=1), "1-day"),
        (timedelta(hours=8), "8-hour"),
        (timedelta(hours=1), "1-hour"),
        (timedelta(minutes=30), "30-minute"),
        (timedelta(minutes=90), "90-minute"),
        (timedelta(days=1, hours=2), "26-hour"),
        (timedelta(hours=1, minutes=6, seconds=40), "1 h 6 min"),
    ],
)
def test_lead_adjective(lead, adjective):
    assert lead_adjective(lead) == adjective
    text = render_reminder(reminder(late=True, lead=lead))
    assert f"this {adjective} reminder" in text


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (timedelta(hours=8), "8 h"),
        (timedelta(minutes=90), "1 h 30 min"),
        (timedelta(minutes=45), "45 min"),
        (timedelta(days=2), "2 days"),
        (timedelta(days=1, hours=4), "1 day 4 h"),
        (timedelta(0), "0 min"),
    ],
)
def test_format_duration(span, text):
    assert format_duration(span) == text
