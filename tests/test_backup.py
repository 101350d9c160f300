"""`alliance-bot backup` / `restore`: restoring into an empty data dir gives back every row and
every admin-added file; refusals change nothing; the token never enters an archive."""

from __future__ import annotations

import io
import json
import sqlite3
import tarfile
from pathlib import Path

import pytest

from bot.app.cli import main
from bot.common.db import connect
from bot.common.lock import InstanceLock
from bot.common.records import Records

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"


@pytest.fixture
def site(tmp_path, monkeypatch, capsys):
    """An install with schedule items, logged questions, an upload and a web document."""
    corpus = tmp_path / "corpus"
    (corpus / "uploads").mkdir(parents=True)
    (corpus / "web").mkdir()
    (corpus / "seed.md").write_text("# Seed\n\nShipped with the repository.\n")
    (corpus / "uploads" / "notes.md").write_text("# Notes\n\nAdded by an admin.\n")
    (corpus / "web" / "page.md").write_text("---\nurl: https://example.org/\n---\n# Page\n\nx\n")
    (corpus / "synonyms.toml").write_text('goals = ["outcomes"]\n')
    monkeypatch.setenv("ALLIANCE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ALLIANCE_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("ALLIANCE_DISCORD_TOKEN", TOKEN)
    monkeypatch.setenv("ALLIANCE_ANNOUNCE_CHANNEL_ID", "4242")
    monkeypatch.chdir(tmp_path)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    assert run("meetings", "add", "--title", "Check-in", "--when", "in 3 days")[0] == 0
    assert run("deadlines", "add", "--title", "Forms", "--due", "in 9 days")[0] == 0
    records = Records(connect(tmp_path / "data" / "alliance.sqlite3"))
    records.log_question(user_id=7, question="what are the values?", answered=True)
    records.audit(actor_id=1, actor_name="ana", action="reindex", detail="", outcome="ok")
    run.records = records
    run.tmp = tmp_path
    return run


def rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(db)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: conn.execute(f'SELECT * FROM "{n}" ORDER BY 1').fetchall() for n in names}  # noqa: S608
    finally:
        conn.close()


def test_restore_into_an_empty_data_dir_gives_back_every_row_and_file(site, monkeypatch):
    archive = site.tmp / "backup.tar.gz"
    # The bot's connection stays open (WAL not checkpointed) while the backup runs.
    site.records.log_question(user_id=8, question="written just before the backup", answered=False)
    code, out, err = site("backup", str(archive))
    assert code == 0, err
    assert "corpus files" in out and archive.is_file()
    before = rows(site.tmp / "data" / "alliance.sqlite3")
    assert any("written just before the backup" in str(r) for r in before["bot_questions"])

    monkeypatch.setenv("ALLIANCE_DATA_DIR", str(site.tmp / "data2"))
    monkeypatch.setenv("ALLIANCE_CORPUS_DIR", str(site.tmp / "corpus2"))
    monkeypatch.setenv("ALLIANCE_ANNOUNCE_CHANNEL_ID", "1")
    code, out, err = site("restore", str(archive))
    assert code == 0, err
    assert rows(site.tmp / "data2" / "alliance.sqlite3") == before
    for rel in ("uploads/notes.md", "web/page.md", "synonyms.toml"):
        assert (site.tmp / "corpus2" / rel).read_bytes() == (site.tmp / "corpus" / rel).read_bytes()
    assert not (site.tmp / "corpus2" / "seed.md").exists()  # shipped files come from the clone
    assert "ALLIANCE_ANNOUNCE_CHANNEL_ID=4242" in out  # the old setting, shown to copy


def test_the_token_never_enters_a_backup(site):
    archive = site.tmp / "b.tar.gz"
    assert site("backup", str(archive))[0] == 0
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        blob = b"".join(tar.extractfile(m).read() for m in tar if m.isfile())
    assert TOKEN.encode() not in blob
    assert "discord_token" not in manifest["settings"]
    assert manifest["tables"]["schedule_items"] == 2


def test_restore_refuses_a_data_dir_with_data_and_changes_nothing(site):
    archive = site.tmp / "b.tar.gz"
    assert site("backup", str(archive))[0] == 0
    site.records.log_question(user_id=9, question="after the backup", answered=True)
    before = rows(site.tmp / "data" / "alliance.sqlite3")
    code, out, err = site("restore", str(archive))
    assert code == 2
    assert "not empty" in err and "--force" in err and len(err.strip().splitlines()) == 1
    assert rows(site.tmp / "data" / "alliance.sqlite3") == before


def test_force_replaces_the_database_with_the_backups(site):
    archive = site.tmp / "b.tar.gz"
    assert site("backup", str(archive))[0] == 0
    site.records.log_question(user_id=9, question="after the backup", answered=True)
    code, _, err = site("restore", "--force", str(archive))
    assert code == 0, err
    questions = rows(site.tmp / "data" / "alliance.sqlite3")["bot_questions"]
    assert not any("after the backup" in str(r) for r in questions)


def test_restore_refuses_while_a_bot_holds_the_data_dir(site):
    archive = site.tmp / "b.tar.gz"
    assert site("backup", str(archive))[0] == 0
    with InstanceLock(site.tmp / "data"):
        code, _, err = site("restore", "--force", str(archive))
    assert code == 2 and "already running" in err


def test_a_damaged_archive_is_refused_before_anything_is_written(site, monkeypatch):
    archive = site.tmp / "b.tar.gz"
    assert site("backup", str(archive))[0] == 0
    damaged = site.tmp / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()
            if member.name == "corpus/uploads/notes.md":
                data = b"tampered"
                member.size = len(data)

            dst.addfile(member, io.BytesIO(data))
    monkeypatch.setenv("ALLIANCE_DATA_DIR", str(site.tmp / "data3"))
    monkeypatch.setenv("ALLIANCE_CORPUS_DIR", str(site.tmp / "corpus3"))
    code, _, err = site("restore", str(damaged))
    assert code == 2 and "damaged" in err
    assert not (site.tmp / "data3").exists() and not (site.tmp / "corpus3").exists()
    code, _, err = site("restore", str(site.tmp / "missing.tar.gz"))
    assert code == 2 and "no backup file" in err
