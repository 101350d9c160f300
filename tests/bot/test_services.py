"""Pure services: admin check, rate limiter, upload validation, single-instance lock."""

import subprocess
import sys

import pytest

from bot.admin import uploads
from bot.common.errors import AlreadyRunning, PermissionDenied, UploadRejected
from bot.common.lock import InstanceLock
from bot.common.permissions import Actor, is_admin, require_admin
from bot.common.ratelimit import RateLimiter


@pytest.mark.parametrize(
    ("manage", "roles", "admin_role", "expected"),
    [
        (True, set(), None, True),
        (False, {5}, 5, True),
        (False, {5}, 6, False),
        (False, set(), None, False),
        (False, {5}, None, False),
    ],
)
def test_admin_is_manage_server_or_the_admin_role(manage, roles, admin_role, expected):
    actor = Actor(1, "m", manage_guild=manage, role_ids=frozenset(roles))
    assert is_admin(actor, admin_role) is expected
    if not expected:
        with pytest.raises(PermissionDenied, match="Nothing was changed"):
            require_admin(actor, admin_role)


def test_rate_limiter_allows_uses_per_window_then_says_how_long_to_wait():
    now = [100.0]
    limiter = RateLimiter(2, 10, clock=lambda: now[0])
    assert limiter.hit("a") == 0 and limiter.hit("a") == 0
    assert limiter.hit("a") == pytest.approx(10)
    assert limiter.hit("b") == 0  # per user
    now[0] += 4
    assert limiter.hit("a") == pytest.approx(6)
    now[0] += 6
    assert limiter.hit("a") == 0  # the first use left the window


def test_refused_requests_do_not_extend_the_wait():
    now = [0.0]
    limiter = RateLimiter(1, 5, clock=lambda: now[0])
    assert limiter.hit(1) == 0
    for _ in range(10):
        now[0] += 0.4
        limiter.hit(1)
    now[0] = 5.0
    assert limiter.hit(1) == 0


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("../etc/passwd.md", b"x", "not allowed"),
        ("..\\evil.md", b"x", "not allowed"),
        ("/abs/path.md", b"x", "not allowed"),
        ("sub/dir.md", b"x", "not allowed"),
        (".hidden.md", b"x", "not allowed"),
        ("nul\x00.md", b"x", "not allowed"),
        ("bad\nname.md", b"x", "not allowed"),
        ("script.exe", b"x", "not a supported document type"),
        ("notes.docx", b"x", "not a supported document type"),
        ("latin1.md", "café".encode("latin-1"), "not UTF-8"),
        ("big.txt", b"a" * 1001, "the limit is 1 kB"),
        ("empty.md", b"  \n", "empty"),
        ("fake.pdf", b"hello", "does not look like a PDF"),
        ("binary.txt", b"ab\x00cd", "binary"),
        ("x" * 120 + ".md", b"x", "too long"),
    ],
)
def test_bad_uploads_are_rejected_with_a_reason(name, data, reason):
    with pytest.raises(UploadRejected, match=reason):
        uploads.validate_upload(name, data, max_bytes=1000)


@pytest.mark.parametrize(
    "name", ["notes.md", "Meeting Notes (2026).txt", "page.html", "doc.PDF", "café-notes.md"]
)
def test_good_names_pass(name):
    data = b"%PDF-1.4 ..." if name.lower().endswith(".pdf") else "hello é".encode()
    assert uploads.validate_upload(name, data, max_bytes=1000).name == name


def test_save_refuses_to_overwrite_unless_asked_and_stays_inside_corpus(tmp_path):
    up = uploads.validate_upload("notes.md", b"# Notes\n", max_bytes=100)
    assert uploads.save_upload(tmp_path, up) == "uploads/notes.md"
    with pytest.raises(UploadRejected, match="already exists"):
        uploads.save_upload(tmp_path, uploads.ValidUpload("notes.md", b"other"))
    assert (tmp_path / "uploads/notes.md").read_bytes() == b"# Notes\n"
    uploads.save_upload(tmp_path, uploads.ValidUpload("notes.md", b"new"), replace=True)
    assert (tmp_path / "uploads/notes.md").read_bytes() == b"new"
    assert not list((tmp_path / "uploads").glob(".upload-*"))


def test_remove_refuses_paths_outside_the_corpus(tmp_path):
    from datetime import UTC, datetime

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    secret = tmp_path / "secret.md"
    secret.write_text("keep me")
    with pytest.raises(UploadRejected, match="outside the corpus"):
        uploads.remove_document(
            corpus, "../secret.md", trash_dir=tmp_path / "t", now=datetime.now(UTC)
        )
    assert secret.exists()


def test_second_instance_is_refused_with_a_clear_message(tmp_path):
    with InstanceLock(tmp_path):
        with pytest.raises(AlreadyRunning, match="already running"):
            InstanceLock(tmp_path).acquire()
        # Another process sees the lock too.
        code = (
            "import sys\nfrom pathlib import Path\nfrom bot.common.lock import InstanceLock\n"
            "from bot.common.errors import AlreadyRunning\n"
            "try:\n    InstanceLock(Path(sys.argv[1])).acquire()\nexcept AlreadyRunning as e:\n"
            "    print(e); sys.exit(3)\n"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=30
        )
        assert proc.returncode == 3 and "already running" in proc.stdout
    # Released: a new holder gets it.
    lock = InstanceLock(tmp_path)
    lock.acquire()
    assert lock.held
    lock.release()


@pytest.mark.parametrize(
    "name", ["README.md", "readme.txt", "Schedule.md", "SYNONYMS.md", "lexicon.md"]
)
def test_a_reserved_name_is_refused_not_reported_added(name: str) -> None:
    from bot.admin.uploads import precheck

    with pytest.raises(UploadRejected, match="never be indexed"):
        precheck(name, 10, max_bytes=1000)
