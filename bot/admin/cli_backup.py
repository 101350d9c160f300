"""`alliance-bot backup FILE` and `alliance-bot restore FILE [--force]` (see `bot.admin.backup`).

`backup` is safe while the bot runs and prints one line naming what the archive holds. `restore`
prints the same line, then the backed-up settings that differ from the current ones, as `.env`
lines to copy (they are never applied by themselves, and the token is never in a backup).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.admin.backup import create_backup, restore_backup, settings_lines
from bot.settings import Settings


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `backup` and `restore`."""
    backup = sub.add_parser(
        "backup", help="write the database and admin-added documents to one archive"
    )
    backup.add_argument("file", type=Path, help="the archive to write (.tar.gz)")
    backup.set_defaults(handler=backup_handler)
    restore = sub.add_parser("restore", help="restore a backup into an empty data dir")
    restore.add_argument("file", type=Path, help="an archive made by `alliance-bot backup`")
    restore.add_argument(
        "--force", action="store_true", help="replace the database of a data dir that has one"
    )
    restore.set_defaults(handler=restore_handler)


def backup_handler(args: argparse.Namespace, settings: Settings) -> int:
    report = create_backup(settings, args.file)
    print(f"Backed up {report.summary()}")
    return 0


def restore_handler(args: argparse.Namespace, settings: Settings) -> int:
    report = restore_backup(settings, args.file, force=args.force)
    print(f"Restored {report.summary()} (backup made {report.created})")
    lines = settings_lines(report.settings, settings)
    if lines:
        print("Settings at backup time that differ from now (add them to .env if still wanted):")
        for line in lines:
            print(f"  {line}")
    print("The search index is rebuilt from the corpus when the bot or console starts.")
    return 0
