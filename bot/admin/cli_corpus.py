"""`alliance-bot corpus add-url URL` and `alliance-bot corpus refresh`: web pages as documents.

`add-url` prints `Added web/<name>.md: "Title" from URL` (or `Nothing changed: …` when the stored
copy already has the page's text), then the reindex report (`cli_index.format_report`).
`refresh` prints one line per web document, `changed`, `unchanged` or `failed`, each changed one
followed by its `+`/`-` text diff, then a summary line and, when anything changed, the reindex
report. It exits 1 when any page failed (so a cron job notices), 0 otherwise. The CLI acts as the
local operator, who is an admin; every action is audited like the bot's.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial
from typing import Any

from bot.admin.cli_index import format_report
from bot.admin.corpus import CorpusAdmin, RefreshReport, UrlResult
from bot.common.permissions import Actor
from bot.settings import Settings

CLI_ACTOR = Actor(id=0, name="cli", manage_guild=True)


#: Opens the wired corpus use cases for one command: them, and what closes what they opened.
#: The root CLI passes the bot's own wiring, so a CLI change is the same audited use case.
OpenCorpus = Callable[[Settings], tuple[CorpusAdmin, Callable[[], None]]]


def register(sub: argparse._SubParsersAction[Any], open_corpus: OpenCorpus) -> None:
    """Add `corpus add-url` and `corpus refresh`."""
    corpus = sub.add_parser("corpus", help="documents from the web")
    actions = corpus.add_subparsers(dest="corpus_command", metavar="ACTION", required=True)
    add = actions.add_parser("add-url", help="fetch a web page and index its main text")
    add.add_argument("url", help="the page, http:// or https://")
    add.set_defaults(handler=partial(add_url_handler, open_corpus=open_corpus))
    refresh = actions.add_parser("refresh", help="re-fetch web documents and index what changed")
    refresh.set_defaults(handler=partial(refresh_handler, open_corpus=open_corpus))


def add_url_handler(
    args: argparse.Namespace, settings: Settings, *, open_corpus: OpenCorpus
) -> int:
    corpus, close = open_corpus(settings)
    try:
        result = corpus.add_url(CLI_ACTOR, args.url)
    finally:
        close()
    print(format_url_result(result))
    return 0


def refresh_handler(
    args: argparse.Namespace, settings: Settings, *, open_corpus: OpenCorpus
) -> int:
    corpus, close = open_corpus(settings)
    try:
        result = corpus.refresh(CLI_ACTOR)
    finally:
        close()
    print(format_refresh(result))
    return 1 if result.count("failed") else 0


def format_url_result(result: UrlResult) -> str:
    head = (
        f"Nothing changed: {result.source} already has the text of {result.url}"
        if result.unchanged
        else f'Added {result.source}: "{result.title}" from {result.url}'
    )
    return f"{head}\n{format_report(result.report)}"


def format_refresh(result: RefreshReport) -> str:
    if not result.entries:
        return "No web documents yet: add one with `alliance-bot corpus add-url URL`."
    lines = []
    for entry in result.entries:
        line = f"{entry.status:<9} {entry.source}  {entry.url}"
        if entry.detail:
            line += f"\n          {entry.detail}"
        lines.append(line)
        lines.extend(f"          {d}" for d in entry.diff)
    lines.append(
        f"Refresh: {result.count('changed')} changed, {result.count('unchanged')} unchanged, "
        f"{result.count('failed')} failed"
    )
    if result.report is not None:
        lines.append(format_report(result.report))
    return "\n".join(lines)
