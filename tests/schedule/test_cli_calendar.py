"""CLI twins of the calendar commands: one date skipped, moved and restored; the feed's address
printed and rotated; one-line errors that change nothing."""

from __future__ import annotations

import json
from datetime import datetime

from tests.schedule.test_cli import cli, dump  # noqa: F401  (fixture and helper)


def starts(cli_run, item: int) -> list[str]:
    code, out, _ = cli_run("meetings", "list", "--json", "--days", "40")
    assert code == 0
    return [o["start"] for o in json.loads(out) if o["id"] == item]


def day_of(start: str) -> str:
    when = datetime.fromisoformat(start)
    return f"{when:%b} {when.day} {when.year}"


def test_skip_move_restore_one_date(cli):  # noqa: F811
    code, out, _ = cli(
        "meetings", "add", "--title", "Check-in", "--when", "next Tuesday 9am", "--repeat", "weekly"
    )
    item = int(out)
    before = starts(cli, item)
    second = before[1]
    code, out, err = cli("meetings", "skip", str(item), "--on", day_of(second))
    assert code == 0 and out.startswith(f"skipped meeting {item} on "), err
    assert starts(cli, item) == [s for s in before if s != second]
    code, out, _ = cli("meetings", "restore", str(item), "--on", day_of(second))
    assert code == 0 and starts(cli, item) == before
    target = datetime.fromisoformat(second).replace(hour=11).strftime("%Y-%m-%d %H:%M")
    code, out, err = cli("meetings", "move", str(item), "--on", day_of(second), "--to", target)
    assert code == 0 and out.startswith(f"moved meeting {item} from "), err
    assert datetime.fromisoformat(starts(cli, item)[1]).hour == 11


def test_bad_one_date_requests_are_one_line_and_change_nothing(cli):  # noqa: F811
    _, out, _ = cli(
        "meetings", "add", "--title", "Check-in", "--when", "next Tuesday 9am", "--repeat", "weekly"
    )
    item = int(out)
    once = int(cli("meetings", "add", "--title", "Visit", "--when", "next Friday 1pm")[1])
    snapshot = dump(cli.db)
    for argv in (
        ("meetings", "skip", str(item), "--on", "not a date"),
        ("meetings", "skip", str(once), "--on", "next Friday"),
        ("meetings", "restore", str(item), "--on", "next Tuesday"),
        ("meetings", "move", str(item), "--on", "next Tuesday", "--to", "2020-01-01 10:00"),
        ("meetings", "skip", "999", "--on", "next Tuesday"),
    ):
        code, out, err = cli(*argv)
        assert code == 2 and out == "", argv
        assert err.startswith("alliance-bot: ") and err.count("\n") == 1, (argv, err)
    assert dump(cli.db) == snapshot


def test_feed_address_and_rotation(cli, monkeypatch):  # noqa: F811
    code, _, err = cli("schedule", "feed")
    assert code == 2 and "feed is off" in err and err.count("\n") == 1
    monkeypatch.setenv("ALLIANCE_FEED_PORT", "8765")
    monkeypatch.setenv("ALLIANCE_FEED_PUBLIC_URL", "https://bot.example.org/")
    code, out, _ = cli("schedule", "feed")
    http, webcal = out.splitlines()
    assert http.startswith("https://bot.example.org/calendar/") and http.endswith(".ics")
    assert webcal == "webcal://" + http.removeprefix("https://")
    assert cli("schedule", "feed")[1] == out  # stable
    rotated = cli("schedule", "feed", "--rotate")[1]
    assert rotated != out and cli("schedule", "feed")[1] == rotated


def test_adding_the_same_meeting_twice_warns_on_stderr(cli):  # noqa: F811
    first = cli("meetings", "add", "--title", "Check-in", "--when", "2027-01-05 09:00")
    assert first[0] == 0 and first[2] == ""
    code, out, err = cli("meetings", "add", "--title", "check-in", "--when", "2027-01-05 09:00")
    assert code == 0 and int(out) != int(first[1])
    assert err == f"warning: meeting {int(first[1])} has the same title and start\n"
