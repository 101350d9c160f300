"""The console is the same bot: quit/exit leave (never asked), /subscribe and /unsubscribe work
for the console user, `private:` is an option, every /schedule option is read, markdown is
rendered for a terminal, /help shows the option syntax; and CLI edits with nothing to change
fail loudly."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from bot.app.cli import main
from bot.app.console import CONSOLE_ACTOR, Console, run_console, terminal_text
from bot.app.wiring import build_app
from bot.schedule.console import CONSOLE_USER_ID
from bot.schedule.domain.clock import ManualClock
from tests.bot.fakes import FakeEngine

NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)


def run(core, text: str, *, bold: bool = False) -> str:
    out = io.StringIO()
    assert run_console(core, io.StringIO(text), out, bold=bold) == 0
    return out.getvalue()


@pytest.fixture
def sched_core(settings):
    return build_app(settings, engine=FakeEngine(), clock=ManualClock(NOW), discord=False)


@pytest.mark.parametrize("word", ["quit", "exit", "Exit", "/exit", "quit!"])
def test_quit_and_exit_leave_and_are_never_questions(core, word):
    out = run(core, f"{word}\n/ask what are the values?\n")
    assert "values" not in out.lower()
    assert core.records.question_count() == 0
    assert core.records.gaps(days=30) == []


def test_private_is_an_option_not_part_of_the_question(core):
    run(core, "/ask what are the values? private: true\n")
    (row,) = [core.records.question(i) for i in range(1, 2)]
    assert row is not None and row.question == "what are the values?"


def test_subscribe_and_unsubscribe_for_the_console_user(sched_core):
    item = sched_core.schedule.add_meeting(CONSOLE_ACTOR, "Coalition call", "2026-11-24 15:00")
    out = run(sched_core, f"/subscribe item: {item.id}\n")
    assert f"subscribed to #{item.id} Coalition call" in out
    service = sched_core.schedule.service
    assert service.subscriptions(CONSOLE_USER_ID) == {item.id: True}
    out = run(sched_core, f"/unsubscribe item: {item.id}\n/subscribe\n")
    assert "no more reminders for #" in out and "every meeting and deadline" in out
    assert service.subscriptions(CONSOLE_USER_ID)[None] is True


def test_every_schedule_edit_option_is_read(sched_core):
    item = sched_core.schedule.add_meeting(CONSOLE_ACTOR, "Coalition call", "2026-11-24 15:00")
    out = run(sched_core, f"/schedule edit item:{item.id} duration:90\n")
    assert "Updated: #" in out and "1 h 30 min" in out
    assert sched_core.schedule.service.get(item.id).duration == timedelta(minutes=90)
    out = run(
        sched_core,
        f"/schedule edit item: {item.id} duration: lots\n"
        f"/schedule edit item: {item.id}\n"
        "/schedule add-meeting title: X when: 2026-11-25 15:00 channel: general\n",
    )
    assert "duration must be a number of minutes" in out
    assert "Nothing to change" in out and "duration" in out
    assert "channel must be a channel id" in out
    assert "cancel" not in out
    assert sched_core.schedule.service.get(item.id).duration == timedelta(minutes=90)


def test_markdown_is_bold_on_a_terminal_and_plain_in_a_pipe(core):
    assert terminal_text("the **term** of \\*service\\*", bold=False) == "the term of *service*"
    assert terminal_text("the **term**", bold=True) == "the \033[1mterm\033[0m"
    assert "**" in Console(core).handle("/reindex dry_run: true")  # the shared Discord card
    plain = run(core, "/reindex dry_run: true\n")
    assert "**" not in plain and "\033[" not in plain and "would have 2 documents" in plain
    assert "\033[1m2\033[0m documents" in run(core, "/reindex dry_run: true\n", bold=True)


def test_help_shows_the_option_syntax(core):
    out = Console(core).handle("/help")
    assert "name: value" in out and "/schedule edit item: 11 duration: 90" in out
    assert "quit" in out


def test_cli_edit_with_nothing_to_change_says_so_and_fails(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ALLIANCE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ALLIANCE_CORPUS_DIR", str(tmp_path / "corpus"))
    assert main(["meetings", "add", "--title", "Call", "--when", "in 3 days"]) == 0
    item = capsys.readouterr().out.strip()
    assert main(["meetings", "edit", item]) == 2
    err = capsys.readouterr().err
    assert f"nothing to change for item {item}" in err and "--when" in err
    assert main(["deadlines", "edit", item]) == 2
    assert "--due" in capsys.readouterr().err
    assert main(["meetings", "edit", item, "--duration", "45"]) == 0


def test_one_date_changes_rsvps_and_the_feed_work_in_the_console(sched_core):
    item = sched_core.schedule.add_meeting(
        CONSOLE_ACTOR, "Coalition call", "2026-11-24 15:00", repeat="weekly"
    )
    out = run(sched_core, f"/schedule skip item: {item.id} date: Dec 1\n")
    assert f"Skipped #{item.id} Coalition call on Tue Dec 1 2026" in out
    out = run(sched_core, f"/schedule restore item: {item.id} date: Dec 1\n")
    assert f"Restored #{item.id} Coalition call on Tue Dec 1 2026" in out
    out = run(sched_core, f"/schedule move item: {item.id} date: Dec 8 to: Dec 9 at 3pm\n")
    assert "from Tue Dec 8 2026" in out and "to Wed Dec 9 2026" in out
    out = run(sched_core, f"/calendar rsvps item: {item.id}\n")
    assert "Coalition call" in out and "<t:" not in out
    out = run(sched_core, "/calendar rotate-feed\n/reminder-role\n/calendar nonsense\n")
    assert "no Discord roles" in out and "Use /calendar rsvps" in out


def test_console_buttons_follow_the_discord_rule(real_core):
    core = real_core
    out = run(core, "/ask thanks\n")
    assert "welcome" in out.lower() and "👍" not in out  # small talk: no buttons
    out = run(core, "/ask what are the values?\n")
    assert "👍 · 👎" in out
    assert ("Ask a person" in out) is (core.settings.officer_channel_id is not None)
