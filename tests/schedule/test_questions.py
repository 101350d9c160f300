"""Schedule questions are answered from the live store; document questions are left alone."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from bot.schedule.domain.questions import answer_schedule_question, classify
from bot.schedule.domain.standing import sync_standing_schedule

from .conftest import NOW, local
from .test_standing import REPO_SCHEDULE


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("When is the next meeting?", "next_meeting"),
        ("when's our next coalition meeting", "next_meeting"),
        ("What time is the meeting on Tuesday?", "next_meeting"),
        ("When do we meet next?", "next_meeting"),
        ("When is the application deadline?", "deadline"),
        ("what's the next deadline?", "deadline"),
        ("When are applications due?", "deadline"),
        ("What's coming up?", "upcoming"),
        ("anything on the calendar?", "upcoming"),
        ("upcoming deadlines", "upcoming"),
        # Document questions stay with the search index.
        ("How do members establish meeting norms?", None),
        ("When do members establish meeting norms?", None),
        ("What kinds of meetings do new members attend?", None),
        ("What are the alliance's values?", None),
        ("Who can apply to the coalition?", None),
        ("What is the purpose of the coalition?", None),
        ("What happens at the in-person meetings?", None),
    ],
)
def test_classifier_is_conservative(question, intent):
    assert classify(question) == intent


def test_next_meeting_answer_has_local_and_discord_time(service):
    service.add_meeting("Coalition meeting", "Dec 1 at 9:00", repeat="weekly", where="Zoom")
    answer = answer_schedule_question("When is the next meeting?", service)
    start = local(2026, 12, 1, 9, 0).astimezone(UTC)
    unix = int(start.timestamp())
    assert "Coalition meeting" in answer.text and "Tue Dec 1 2026, 9:00 AM MST" in answer.text
    assert f"<t:{unix}:F>" in answer.discord_text and f"<t:{unix}:R>" in answer.discord_text
    assert answer.occurrences[0].start == start


def test_answer_follows_the_live_store(env):
    service = env.service
    service.add_meeting("Planning", "Dec 1 at 9:00")
    assert "Dec 1" in answer_schedule_question("when is the next meeting", service).text
    item = service.items()[0]
    service.edit(item.id, when="Dec 3 at 13:00")
    assert (
        "Thu Dec 3 2026, 1:00 PM"
        in answer_schedule_question("when is the next meeting?", service).text
    )
    env.clock.advance(timedelta(days=11))
    assert (
        "No upcoming meeting" in answer_schedule_question("when is the next meeting?", service).text
    )


def test_application_deadline_is_matched_by_topic(service):
    service.add_deadline("Report draft", "Dec 2 at 17:00")
    service.add_deadline("Coalition application deadline", "Dec 12 at 17:00")
    answer = answer_schedule_question("When is the application deadline?", service)
    assert "Coalition application deadline" in answer.text and "Dec 12" in answer.text
    assert "Report draft" not in answer.text


def test_unscheduled_deadline_says_so_and_lists_what_is(service):
    service.add_deadline("Report draft", "Dec 2 at 17:00")
    answer = answer_schedule_question("When is the application deadline?", service)
    assert answer.text.startswith("No upcoming application deadline is on the schedule")
    assert "Report draft" in answer.text


def test_past_standing_dates_are_reported_as_past(service):
    sync_standing_schedule(service, REPO_SCHEDULE, NOW)
    answer = answer_schedule_question("When are the year-one outcomes due?", service)
    assert "year-one outcomes" in answer.text and "Jun 30 2023" in answer.text
    assert "has passed" in answer.text
    nothing = answer_schedule_question("When is the next meeting?", service)
    assert nothing.text.startswith("No upcoming meeting")


def test_whats_coming_up_lists_both_kinds_in_order(service):
    service.add_deadline("Report draft", "Dec 2 at 17:00")
    service.add_meeting("Planning", "Nov 30 at 10:00")
    service.add_meeting("Far away", "2027-03-01 10:00")
    answer = answer_schedule_question("What's coming up?", service)
    lines = answer.text.splitlines()
    assert "Planning" in lines[1] and "Report draft" in lines[2] and len(lines) == 3


def test_not_a_schedule_question_returns_none(service):
    service.add_meeting("Planning", "Nov 30 at 10:00")
    assert answer_schedule_question("How do members establish meeting norms?", service) is None
