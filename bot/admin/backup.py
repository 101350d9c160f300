"""Back up and restore everything an install cannot rebuild from the repository.

A backup is one `.tar.gz` with:

- `manifest.json`: format and version, creation time (UTC), the row count of every table, every
  file's size and SHA-256, and the settings needed to rebuild (`Settings` minus the token and any
  other secret, minus the paths, which belong to the machine restoring).
- `data/alliance.sqlite3`: a consistent copy made with SQLite's online backup API
  (`sqlite3.Connection.backup`), so it is safe while the bot runs and writes.
- `corpus/…`: the admin-managed part of the corpus: uploads (`uploads/`), web documents (`web/`)
  and the admin-edited `synonyms.toml` and `schedule.toml`. The search index is not included: it
  is rebuilt from the corpus on start.

`restore` checks the whole archive (manifest, checksums, member names, SQLite integrity) before
it writes anything, refuses a data dir that already holds data (or a corpus file that differs)
unless `force`, refuses while a bot holds the data dir's lock, and writes each file atomically.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from bot.common.files import write_atomic
from bot.common.lock import LOCK_NAME, InstanceLock
from bot.settings import Settings
from index.errors import UserError

FORMAT = "alliance-bot-backup"
VERSION = 1
MANIFEST = "manifest.json"
DB_MEMBER = "data/alliance.sqlite3"
#: Corpus parts that admins manage (the rest ships with the repository).
CORPUS_DIRS = ("uploads", "web")
CORPUS_FILES = ("synonyms.toml", "schedule.toml")
#: Settings never written to a backup: secrets, and paths of the machine that made it.
EXCLUDED_SETTINGS = frozenset({"discord_token", "corpus_dir", "data_dir"})


class BackupError(UserError):
    """A backup or restore that could not be done; nothing was changed."""


@dataclass(frozen=True, slots=True)
class BackupReport:
    """What a backup holds (also what a restore wrote)."""

    path: Path
    tables: dict[str, int]
    files: list[str]
    settings: dict[str, Any] = field(default_factory=dict)
    created: str = ""

    def summary(self) -> str:
        rows = sum(self.tables.values())
        return (
            f"{self.path}: database with {len(self.tables)} tables and {rows} rows, "
            f"{len(self.files)} corpus files"
        )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per table (SQLite's internal tables left out)."""
    names = [
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    return {n: int(conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0]) for n in names}  # noqa: S608


def admin_corpus_files(corpus_dir: Path) -> Iterator[tuple[str, Path]]:
    """(corpus-relative POSIX path, file) for every admin-managed corpus file."""
    root = Path(corpus_dir)
    for name in CORPUS_FILES:
        path = root / name
        if path.is_file():
            yield name, path
    for sub in CORPUS_DIRS:
        base = root / sub
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.is_symlink() and not path.name.startswith("."):
                yield path.relative_to(root).as_posix(), path


def public_settings(settings: Settings) -> dict[str, Any]:
    """The settings worth carrying to a rebuilt install, never the token."""
    dumped = settings.model_dump(mode="json")
    return {k: v for k, v in sorted(dumped.items()) if k not in EXCLUDED_SETTINGS}


def _copy_database(db_path: Path, into: Path) -> dict[str, int]:
    """Online backup of the live database into `into`; returns its row counts."""
    source = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10.0)
    try:
        target = sqlite3.connect(str(into))
        try:
            source.backup(target)
            return table_counts(target)
        finally:
            target.close()
    finally:
        source.close()


def create_backup(
    settings: Settings, archive: Path, *, now: datetime | None = None
) -> BackupReport:
    """Write a backup of `settings`' data and admin corpus files to `archive` (atomically)."""
    archive = Path(archive)
    created = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    parent = archive.resolve().parent
    if not parent.is_dir():
        raise BackupError(f"the folder {parent} does not exist; create it or choose another path")
    db_path = settings.db_path
    with tempfile.TemporaryDirectory(prefix="alliance-backup-") as tmp:
        tables: dict[str, int] = {}
        db_copy = Path(tmp) / "alliance.sqlite3"
        if db_path.is_file():
            try:
                tables = _copy_database(db_path, db_copy)
            except sqlite3.Error as exc:
                raise BackupError(f"could not read the database {db_path}: {exc}") from None
        files: list[dict[str, Any]] = []
        blobs: list[tuple[str, bytes]] = []
        for rel, path in admin_corpus_files(settings.corpus_dir):
            data = path.read_bytes()
            files.append({"path": rel, "bytes": len(data), "sha256": _sha256(data)})
            blobs.append((f"corpus/{rel}", data))
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "created": created,
            "database": None,
            "tables": tables,
            "files": files,
            "settings": public_settings(settings),
        }
        if db_copy.exists():
            db_bytes = db_copy.read_bytes()
            manifest["database"] = {"bytes": len(db_bytes), "sha256": _sha256(db_bytes)}
            blobs.insert(0, (DB_MEMBER, db_bytes))
        fd, part = tempfile.mkstemp(dir=parent, prefix=f".{archive.name}-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                with tarfile.open(fileobj=handle, mode="w:gz") as tar:
                    _add(tar, MANIFEST, json.dumps(manifest, indent=2).encode("utf-8"))
                    for name, data in blobs:
                        _add(tar, name, data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(part, archive)
        except BaseException:
            Path(part).unlink(missing_ok=True)
            raise
    return BackupReport(
        archive, tables, [f["path"] for f in files], manifest["settings"], created=created
    )


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


@dataclass(frozen=True, slots=True)
class _Contents:
    manifest: dict[str, Any]
    database: bytes | None
    files: dict[str, bytes]


def read_backup(archive: Path) -> _Contents:
    """Read and verify a backup entirely in memory; raise `BackupError` saying what is wrong."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"there is no backup file {archive}")
    members: dict[str, bytes] = {}
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for info in tar:
                name = info.name
                pure = PurePosixPath(name)
                if not info.isfile() or pure.is_absolute() or ".." in pure.parts:
                    raise BackupError(f"{archive} holds an unexpected entry {name!r}; not restored")
                handle = tar.extractfile(info)
                members[name] = handle.read() if handle else b""
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{archive} is not a readable backup ({exc})") from None
    try:
        manifest = json.loads(members.pop(MANIFEST))
    except (KeyError, ValueError):
        raise BackupError(
            f"{archive} has no valid {MANIFEST}; is it an alliance-bot backup?"
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is not an alliance-bot backup")
    if int(manifest.get("version", 0)) > VERSION:
        raise BackupError(
            f"{archive} was made by a newer alliance-bot (backup version "
            f"{manifest.get('version')}); upgrade before restoring"
        )
    database = members.pop(DB_MEMBER, None)
    expected = (manifest.get("database") or {}).get("sha256")
    if (database is None) != (expected is None) or (
        database is not None and _sha256(database) != expected
    ):
        raise BackupError(f"{archive}: the database does not match the manifest (damaged?)")
    files: dict[str, bytes] = {}
    listed = {str(f["path"]): str(f["sha256"]) for f in manifest.get("files", [])}
    for rel, digest in listed.items():
        data = members.pop(f"corpus/{rel}", None)
        if data is None or _sha256(data) != digest:
            raise BackupError(f"{archive}: corpus file {rel} is missing or damaged")
        files[rel] = data
    if members:
        raise BackupError(f"{archive} holds files the manifest does not list: {sorted(members)[0]}")
    return _Contents(manifest, database, files)


def _data_in(data_dir: Path) -> list[str]:
    """What already lives in a data dir (the lock file alone does not count)."""
    if not data_dir.is_dir():
        return []
    return sorted(p.name for p in data_dir.iterdir() if p.name != LOCK_NAME)


def restore_backup(settings: Settings, archive: Path, *, force: bool = False) -> BackupReport:
    """Restore `archive` into `settings`' data and corpus dirs; see the module docstring."""
    contents = read_backup(archive)
    data_dir = Path(settings.data_dir)
    corpus_dir = Path(settings.corpus_dir)
    present = _data_in(data_dir)
    if present and not force:
        raise BackupError(
            f"the data dir {data_dir} is not empty ({', '.join(present[:3])}"
            f"{', …' if len(present) > 3 else ''}); restore into an empty one, or pass --force "
            "to replace its database"
        )
    differing = [
        rel
        for rel, data in contents.files.items()
        if (corpus_dir / rel).is_file() and (corpus_dir / rel).read_bytes() != data
    ]
    if differing and not force:
        raise BackupError(
            f"corpus file {differing[0]} differs from the backup's copy "
            f"({len(differing)} in all); pass --force to overwrite"
        )
    if contents.database is not None:
        _check_database(contents.database)
    with InstanceLock(data_dir):
        if contents.database is not None:
            target = settings.db_path
            write_atomic(target, contents.database)
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
        for rel, data in contents.files.items():
            write_atomic(corpus_dir / rel, data)
    manifest = contents.manifest
    return BackupReport(
        Path(archive),
        {str(k): int(v) for k, v in manifest.get("tables", {}).items()},
        sorted(contents.files),
        dict(manifest.get("settings", {})),
        created=str(manifest.get("created", "")),
    )


def _check_database(data: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="alliance-restore-") as tmp:
        path = Path(tmp) / "check.sqlite3"
        path.write_bytes(data)
        try:
            conn = sqlite3.connect(str(path))
            try:
                verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise BackupError(f"the backup's database cannot be opened ({exc})") from None
        if verdict != "ok":
            raise BackupError(f"the backup's database is damaged ({verdict})")


def settings_lines(values: dict[str, Any], current: Settings) -> list[str]:
    """`ALLIANCE_X=value` lines for backed-up settings that differ from the current ones."""
    now = public_settings(current)
    lines = []
    for key, value in sorted(values.items()):
        if now.get(key) == value:
            continue
        text = ",".join(str(v) for v in value) if isinstance(value, list) else value
        if isinstance(text, bool):
            text = "true" if text else "false"
        lines.append(f"ALLIANCE_{key.upper()}={'' if text is None else text}")
    return lines
