"""The CLI twins: exact shapes other tools depend on, one-line errors, store unchanged on error."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from bot.app.cli import main


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ALLIANCE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ALLIANCE_CORPUS_DIR", str(tmp_path / "corpus"))
    monkeypatch.setenv("ALLIANCE_TIMEZONE", "America/Denver")
    monkeypatch.chdir(tmp_path)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    run.db = tmp_path / "data" / "alliance.sqlite3"
    run.tmp = tmp_path
    return run


def dump(db) -> list:
    conn = sqlite3.connect(db)
    try:
        return [
            conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()  # noqa: S608
            for t in ("schedule_items", "schedule_reminders", "schedule_deliveries")
        ]
    finally:
        conn.close()


def test_add_prints_id_and_list_json_has_the_contract(cli):
    code, out, _ = cli(
        "meetings",
        "add",
        "--title",
        "Coalition meeting",
        "--when",
        "in 3 days",
        "--duration",
        "90",
        "--where",
        "Zoom",
        "--repeat",
        "weekly",
        "--until",
        "in 20 days",
        "--channel",
        "1234",
    )
    assert code == 0 and re.fullmatch(r"\d+\n", out)
    meeting_id = int(out)
    code, out, _ = cli(
        "deadlines",
        "add",
        "--title",
        "Application deadline",
        "--due",
        "in 5 days",
        "--link",
        "https://example.org/apply",
    )
    deadline_id = int(out)
    code, out, _ = cli("meetings", "list", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 3  # days 3, 10, 17 (the 24th is past --until)
    assert {r["id"] for r in rows} == {meeting_id}
    for row in rows:
        assert row["kind"] == "meeting" and row["title"] == "Coalition meeting"
        assert row["start_utc"].endswith("Z")
        start = datetime.fromisoformat(row["start"])
        assert start.utcoffset() in (timedelta(hours=-7), timedelta(hours=-6))
        assert start == datetime.fromisoformat(row["start_utc"].replace("Z", "+00:00"))
    assert [r["start_utc"] for r in rows] == sorted(r["start_utc"] for r in rows)
    code, out, _ = cli("deadlines", "list", "--json")
    (row,) = json.loads(out)
    assert row["id"] == deadline_id and row["kind"] == "deadline"
    assert row["link"] == "https://example.org/apply"
    code, out, _ = cli("meetings", "list", "--days", "5")
    assert out.count(f"#{meeting_id} Coalition meeting") == 1


def test_edit_and_cancel(cli):
    _, out, _ = cli("deadlines", "add", "--title", "Report", "--due", "in 4 days")
    item = out.strip()
    code, out, _ = cli("deadlines", "edit", item, "--title", "Final report", "--due", "in 6 days")
    assert code == 0 and out.strip() == item
    (row,) = json.loads(cli("deadlines", "list", "--json")[1])
    assert row["title"] == "Final report"
    due = datetime.fromisoformat(row["start_utc"].replace("Z", "+00:00"))
    assert timedelta(days=5) < due - datetime.now(UTC) <= timedelta(days=6)
    code, out, _ = cli("deadlines", "cancel", item)
    assert code == 0 and "cancelled" in out
    assert json.loads(cli("deadlines", "list", "--json")[1]) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["meetings", "add", "--title", "X", "--when", "tmrw 5"],
        ["meetings", "add", "--title", "X", "--when", "tomorrow 3"],
        ["meetings", "add", "--title", "X", "--when", "2020-01-01 10:00"],
        ["meetings", "add", "--title", "X", "--when", "in 3 days", "--repeat", "sometimes"],
        ["meetings", "add", "--title", " ", "--when", "in 3 days"],
        ["meetings", "add", "--title", "X", "--when", "in 3 days", "--lead", "soon"],
        ["deadlines", "add", "--title", "X", "--due", "in 3 days", "--link", "ftp://x"],
        ["meetings", "edit", "999", "--title", "Y"],
        ["meetings", "cancel", "999"],
        ["deadlines", "cancel", "1"],  # id 1 is a meeting
        ["meetings", "edit", "1", "--when", "2027-03-14 02:30"],  # DST gap
    ],
)
def test_invalid_input_is_one_line_exit_2_and_changes_nothing(cli, argv):
    assert cli("meetings", "add", "--title", "Existing", "--when", "in 2 days")[0] == 0
    before = dump(cli.db)
    code, out, err = cli(*argv)
    assert code == 2 and out == ""
    assert err.startswith("alliance-bot: ") and err.count("\n") == 1 and "Traceback" not in err
    assert dump(cli.db) == before


def test_export_ics(cli):
    cli("meetings", "add", "--title", "Planning", "--when", "in 3 days", "--repeat", "biweekly")
    cli("deadlines", "add", "--title", "Apply", "--due", "in 9 days")
    target = cli.tmp / "out.ics"
    code, out, _ = cli("schedule", "export", "--ics", str(target))
    assert code == 0 and "2 events" in out
    cal = Calendar.from_ical(target.read_bytes())
    assert sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT")) == ["Deadline: Apply", "Planning"]
    code, _, err = cli("schedule", "export", "--ics", str(cli.tmp))
    assert code == 2 and "directory" in err


def test_schedule_sync_loads_corpus_file(cli):
    corpus = cli.tmp / "corpus"
    corpus.mkdir()
    (corpus / "schedule.toml").write_text(
        '[[deadline]]\nkey = "k"\ntitle = "Kept"\ndue = 2030-01-01T09:00:00\n'
    )
    code, out, _ = cli("schedule", "sync")
    assert code == 0 and "1 added" in out
    code, out, _ = cli("schedule", "sync")
    assert "0 added" in out and "1 unchanged" in out
    (row,) = json.loads(cli("deadlines", "list", "--json", "--days", "3660")[1])
    assert row["title"] == "Kept" and row["start"] == "2030-01-01T09:00:00-07:00"


def test_cli_changes_are_audited_like_the_bots(cli):
    """A change made from a shell lands in the same audit log as one made in Discord, under the
    local operator's name, refusals and failures included."""
    code, out, _ = cli("meetings", "add", "--title", "Board call", "--when", "in 3 days")
    assert code == 0
    item = out.strip()
    assert cli("meetings", "edit", item, "--where", "Zoom")[0] == 0
    assert cli("meetings", "skip", item, "--on", "in 3 days")[0] != 0  # not a repeating meeting
    assert cli("meetings", "cancel", item)[0] == 0
    conn = sqlite3.connect(cli.db)
    try:
        rows = conn.execute(
            "SELECT actor_name, action, outcome FROM bot_audit ORDER BY id"
        ).fetchall()
    finally:
        conn.close()
    assert [(name, action) for name, action, _ in rows] == [
        ("cli", "meeting add"),
        ("cli", "schedule edit"),
        ("cli", "occurrence skip"),
        ("cli", "schedule cancel"),
    ]
    assert [outcome.split(":")[0] for _, _, outcome in rows] == ["ok", "ok", "rejected", "ok"]
