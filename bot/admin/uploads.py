"""Validate and store corpus documents that admins upload with `/corpus add`, and remove them.

Everything is checked before a byte is written: size (`ALLIANCE_MAX_UPLOAD_BYTES`), type (`.md`,
`.txt`, `.html`, `.pdf`), UTF-8 for text types, a PDF signature for PDFs, and a safe plain file name
(no directories, no `..`, no hidden or control characters). Files are written atomically (temporary
file + `os.replace`) under `<corpus_dir>/uploads/`, and removal only ever touches files that resolve
inside the corpus dir; removed files are moved to a trash folder (`<data_dir>/removed/`), one
sub-folder per removal, from which `restore_removed` puts them back (`/corpus undo`).
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from bot.common.errors import NotFound, UploadRejected
from bot.common.files import write_atomic
from index.loader import ADMIN_STEMS

TEXT_TYPES = frozenset({".md", ".txt", ".html", ".htm"})
ALLOWED_TYPES = TEXT_TYPES | {".pdf"}
UPLOAD_SUBDIR = "uploads"
MAX_NAME_CHARS = 100
_SAFE_NAME = re.compile(r"^\w[\w ._()-]*$")


@dataclass(frozen=True, slots=True)
class ValidUpload:
    """An upload that passed every check: a safe base name and its bytes."""

    name: str
    data: bytes


def safe_filename(name: str) -> str:
    """Return `name` if it is a plain, safe file name, else raise `UploadRejected` saying why."""
    name = unicodedata.normalize("NFC", name).strip()
    if not name:
        raise UploadRejected("The file has no name.")
    if "/" in name or "\\" in name or "\x00" in name or ".." in name:
        raise UploadRejected(
            f"The file name {name[:80]!r} is not allowed: use a plain name such as "
            "'meeting-notes.md' (no folders or '..')."
        )
    if len(name) > MAX_NAME_CHARS:
        raise UploadRejected(f"The file name is too long (at most {MAX_NAME_CHARS} characters).")
    if not _SAFE_NAME.match(name):
        raise UploadRejected(
            f"The file name {name[:80]!r} is not allowed: use letters, digits, spaces, '.', '-', "
            "'_' or brackets, starting with a letter or digit."
        )
    return name


def precheck(name: str, size: int, *, max_bytes: int) -> str:
    """Check name, type and declared size before downloading; return the clean name."""
    clean = safe_filename(name)
    suffix = PurePosixPath(clean).suffix.lower()
    if PurePosixPath(clean).stem.lower() in ADMIN_STEMS:
        raise UploadRejected(
            f"'{clean}' has a name the corpus keeps for its own files (README, schedule, "
            "synonyms, lexicon, license, changelog), so it would never be indexed; rename it, "
            f"e.g. 'notes-{clean}'."
        )
    if suffix not in ALLOWED_TYPES:
        allowed = ", ".join(sorted(ALLOWED_TYPES - {".htm"}))
        raise UploadRejected(
            f"'{clean}' is not a supported document type; upload one of: {allowed}."
        )
    if size > max_bytes:
        raise UploadRejected(
            f"'{clean}' is {_size(size)}; the limit is {_size(max_bytes)}. "
            "Split it into smaller documents."
        )
    return clean


def validate_upload(name: str, data: bytes, *, max_bytes: int) -> ValidUpload:
    """Check one uploaded file; raise `UploadRejected` with a teaching message if it fails."""
    clean = precheck(name, len(data), max_bytes=max_bytes)
    suffix = PurePosixPath(clean).suffix.lower()
    if not data.strip():
        raise UploadRejected(f"'{clean}' is empty.")
    if suffix in TEXT_TYPES:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UploadRejected(
                f"'{clean}' is not UTF-8 text (bad byte at position {exc.start}); "
                "save it as UTF-8 and upload it again."
            ) from None
        if b"\x00" in data:
            raise UploadRejected(f"'{clean}' looks like a binary file, not text.")
    elif not data.startswith(b"%PDF-"):
        raise UploadRejected(f"'{clean}' does not look like a PDF file.")
    return ValidUpload(clean, data)


def save_upload(corpus_dir: Path, upload: ValidUpload, *, replace: bool = False) -> str:
    """Write `upload` under `<corpus_dir>/uploads/` atomically; return its corpus-relative path."""
    target_dir = Path(corpus_dir) / UPLOAD_SUBDIR
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / upload.name
    _inside(corpus_dir, target)
    if target.exists() and not replace:
        raise UploadRejected(
            f"'{UPLOAD_SUBDIR}/{upload.name}' already exists; choose another name or set "
            "replace to True."
        )
    write_atomic(target, upload.data)
    return f"{UPLOAD_SUBDIR}/{upload.name}"


def delete_saved(corpus_dir: Path, relative: str) -> None:
    """Undo `save_upload` (used when the index refuses the new file)."""
    path = _inside(corpus_dir, Path(corpus_dir) / relative)
    path.unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class Removed:
    """A document waiting in the trash: its id (the folder name), where it came from, its file."""

    id: str
    source: str
    path: Path


def remove_document(corpus_dir: Path, relative: str, *, trash_dir: Path, now: datetime) -> Path:
    """Move corpus file `relative` into `trash_dir` (restorable); return where it went.

    Each removal gets its own folder `<trash_dir>/<UTC stamp>[-n]/` that holds the file under its
    corpus-relative path, so the original place is known without any side file.
    """
    path = _inside(corpus_dir, Path(corpus_dir) / relative)
    if not path.is_file():
        raise NotFound(f"There is no document '{relative}' in the corpus; see /docs for the list.")
    rel = path.relative_to(Path(corpus_dir).resolve())
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    trash_dir.mkdir(parents=True, exist_ok=True)
    slot, n = trash_dir / stamp, 1
    while slot.exists():
        n += 1
        slot = trash_dir / f"{stamp}-{n}"
    dest = slot / rel
    dest.parent.mkdir(parents=True)
    shutil.move(str(path), dest)
    return dest


def removed_documents(trash_dir: Path) -> list[Removed]:
    """Documents in the trash, most recently removed first."""
    if not trash_dir.is_dir():
        return []
    found = []
    for slot in sorted(trash_dir.iterdir(), key=lambda p: _slot_key(p.name), reverse=True):
        if not slot.is_dir():
            continue
        for path in sorted(slot.rglob("*")):
            if path.is_file():
                found.append(Removed(slot.name, path.relative_to(slot).as_posix(), path))
    return found


def _slot_key(name: str) -> tuple[str, int]:
    stamp, _, n = name.partition("-")
    return stamp, int(n) if n.isdigit() else 1


def restore_removed(corpus_dir: Path, trash_dir: Path, removed_id: str | None = None) -> Removed:
    """Put a removed document back where it was (the latest one unless `removed_id` is given).

    Refuses, changing nothing, when the trash is empty, the id is unknown, or a file of that name
    has appeared in the corpus since.
    """
    entries = removed_documents(trash_dir)
    if removed_id is not None:
        wanted = removed_id.strip()
        entries = [e for e in entries if wanted in (e.id, e.source, f"{e.id}/{e.source}")]
    if not entries:
        raise NotFound(
            "There is nothing to undo: no removed document matches."
            if removed_id
            else "There is nothing to undo: no document has been removed."
        )
    entry = entries[0]
    target = _inside(corpus_dir, Path(corpus_dir) / entry.source)
    if target.exists():
        raise UploadRejected(
            f"'{entry.source}' exists again in the corpus; remove or rename it first, then undo."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(entry.path), target)
    folder = entry.path.parent
    while folder != trash_dir and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
    return Removed(entry.id, entry.source, target)


def read_existing(corpus_dir: Path, relative: str) -> bytes | None:
    """The bytes of corpus file `relative`, or None when there is none."""
    path = _inside(corpus_dir, Path(corpus_dir) / relative)
    return path.read_bytes() if path.is_file() else None


def _inside(corpus_dir: Path, path: Path) -> Path:
    """Resolve `path` and refuse it unless it lies strictly inside `corpus_dir`."""
    root = Path(corpus_dir).resolve()
    resolved = path.resolve()
    if resolved == root or root not in resolved.parents:
        raise UploadRejected("That path is outside the corpus folder and cannot be used.")
    return resolved


def _size(n: int) -> str:
    """Human-readable byte count."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    if n >= 1_000:
        return f"{n / 1_000:.0f} kB"
    return f"{n} bytes"
