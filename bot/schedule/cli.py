"""`meetings`, `deadlines` and `schedule` sub-commands: the schedule's use cases from a shell.

Every handler opens the same database as the bot (`settings.db_path`) and calls the use case the
bot's commands call: changes go through `ScheduleActions` and `CalendarActions`, so they are
checked and written to the audit log as the local operator (`CLI_ACTOR`, an admin: they own the
files anyway), exactly like the same change made in Discord. Validation lives in the domain
service, whose `ScheduleError`s become one-line messages (exit 2) with the store unchanged.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.common.audit import AdminGate
from bot.common.db import connect
from bot.common.permissions import Actor
from bot.common.records import Records
from bot.schedule.actions import ScheduleActions
from bot.schedule.calendar import CalendarActions
from bot.schedule.domain import display as render
from bot.schedule.domain.clock import SystemClock
from bot.schedule.domain.errors import ScheduleError
from bot.schedule.domain.models import Kind, Occurrence
from bot.schedule.domain.service import ScheduleService, open_service
from bot.settings import Settings
from index.errors import UserError


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `meetings`, `deadlines` and `schedule`."""
    meetings = sub.add_parser("meetings", help="add, edit, cancel and list meetings")
    msub = meetings.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = msub.add_parser("add", help="schedule a meeting; prints its id")
    add.add_argument("--title", required=True)
    add.add_argument("--when", required=True, help='e.g. "next Tuesday 3pm", "2026-12-01 17:00"')
    _meeting_options(add, editing=False)
    add.set_defaults(handler=_meeting_add)
    edit = msub.add_parser("edit", help="change a meeting")
    edit.add_argument("id", type=_item_id)
    edit.add_argument("--title")
    edit.add_argument("--when")
    _meeting_options(edit, editing=True)
    edit.set_defaults(handler=_meeting_edit)
    _cancel_and_list(msub, "meeting", days_default=30)
    for name, text in (
        ("skip", "skip one date of a repeating meeting"),
        ("move", "move one date of a repeating meeting (--to)"),
        ("restore", "undo a skip or move"),
    ):
        one = msub.add_parser(name, help=text)
        one.add_argument("id", type=_item_id)
        one.add_argument("--on", required=True, help='the date, e.g. "Dec 24"')
        if name == "move":
            one.add_argument("--to", required=True, help='the new time, e.g. "Dec 23 at 10am"')
        one.set_defaults(handler=_one_date, change=name)

    deadlines = sub.add_parser("deadlines", help="add, edit, cancel and list deadlines")
    dsub = deadlines.add_subparsers(dest="action", metavar="ACTION", required=True)
    dadd = dsub.add_parser("add", help="record a deadline; prints its id")
    dadd.add_argument("--title", required=True)
    dadd.add_argument("--due", required=True, help='e.g. "Dec 5 at 17:00"')
    _deadline_options(dadd)
    dadd.set_defaults(handler=_deadline_add)
    dedit = dsub.add_parser("edit", help="change a deadline")
    dedit.add_argument("id", type=_item_id)
    dedit.add_argument("--title")
    dedit.add_argument("--due")
    _deadline_options(dedit)
    dedit.set_defaults(handler=_deadline_edit)
    _cancel_and_list(dsub, "deadline", days_default=366)

    schedule = sub.add_parser("schedule", help="export the calendar, sync schedule.toml")
    ssub = schedule.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = ssub.add_parser("export", help="write upcoming meetings and deadlines as .ics")
    export.add_argument("--ics", required=True, type=Path, metavar="FILE")
    export.add_argument("--id", type=_item_id, help="export only this item")
    export.set_defaults(handler=_export)
    feed_cmd = ssub.add_parser("feed", help="print the live calendar feed's address")
    feed_cmd.add_argument("--rotate", action="store_true", help="give it a new secret first")
    feed_cmd.set_defaults(handler=_feed)
    sync = ssub.add_parser("sync", help="load corpus/schedule.toml into the store")
    sync.add_argument("--file", type=Path, help="default: ALLIANCE_CORPUS_DIR/schedule.toml")
    sync.set_defaults(handler=_sync)


def _meeting_options(parser: argparse.ArgumentParser, *, editing: bool) -> None:
    parser.add_argument("--duration", type=int, metavar="MINUTES", default=None if editing else 60)
    parser.add_argument("--where", help="location or meeting link")
    parser.add_argument("--description")
    parser.add_argument(
        "--repeat",
        help='weekly | biweekly | "every N weeks" | monthly | monthly-weekday | RRULE'
        + (" | none" if editing else ""),
    )
    parser.add_argument("--until", help="last day of a repeating meeting")
    parser.add_argument("--count", type=int, help="number of occurrences of a repeating meeting")
    parser.add_argument("--channel", type=_channel_id, metavar="ID")
    parser.add_argument("--lead", help='reminder lead times, e.g. "1d,1h" (default 1d,1h)')


def _deadline_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--link", metavar="URL")
    parser.add_argument("--description")
    parser.add_argument("--channel", type=_channel_id, metavar="ID")
    parser.add_argument("--lead", help='reminder lead times, e.g. "7d,1d,2h" (the default)')


def _cancel_and_list(sub: argparse._SubParsersAction[Any], kind: Kind, days_default: int) -> None:
    cancel = sub.add_parser("cancel", help=f"cancel a {kind} and its pending reminders")
    cancel.add_argument("id", type=_item_id)
    cancel.set_defaults(handler=_cancel, kind=kind)
    listing = sub.add_parser("list", help=f"upcoming {kind}s in time order")
    listing.add_argument("--json", action="store_true", help="one JSON array")
    listing.add_argument("--days", type=_days, default=days_default, metavar="N")
    listing.set_defaults(handler=_list, kind=kind)


def _item_id(text: str) -> int:
    if not text.isdigit() or int(text) <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not an item id (a positive number)")
    return int(text)


def _channel_id(text: str) -> int:
    if not text.strip().isdigit() or int(text) <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a Discord channel id")
    return int(text)


def _days(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 3660:
        raise argparse.ArgumentTypeError("--days must be a whole number from 1 to 3660")
    return int(text)


CLI_ACTOR = Actor(id=0, name="cli", manage_guild=True)


def _service(settings: Settings) -> ScheduleService:
    return open_service(settings, SystemClock(), commands="cli")


def _gate(settings: Settings) -> AdminGate:
    return AdminGate(settings, Records(connect(settings.db_path)))


def _actions(settings: Settings) -> ScheduleActions:
    """The audited schedule use cases over one CLI connection."""
    service = _service(settings)
    return ScheduleActions(_gate(settings), service, service, discord=False)


def _calendar(settings: Settings) -> CalendarActions:
    """The audited calendar use cases (one date of a series, the feed's secret)."""
    return CalendarActions(_gate(settings), _service(settings))


def _leads(text: str | None) -> list[str] | None:
    if text is None:
        return None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise ScheduleError('--lead needs at least one lead time, e.g. "1d,1h"')
    return parts


def _meeting_add(args: argparse.Namespace, settings: Settings) -> int:
    actions = _actions(settings)
    item = actions.add_meeting(
        CLI_ACTOR,
        args.title,
        args.when,
        duration_minutes=args.duration,
        where=args.where,
        description=args.description,
        repeat=args.repeat,
        until=args.until,
        count=args.count,
        channel_id=args.channel,
        leads=_leads(args.lead),
    )
    print(item.id)
    for twin in actions.service.same_meetings(item):
        print(f"warning: meeting {twin.id} has the same title and start", file=sys.stderr)
    return 0


MEETING_FIELDS = ("title", "when", "duration", "where", "description", "repeat", "until", "count",
                  "channel", "lead")  # fmt: skip
DEADLINE_FIELDS = ("title", "due", "link", "description", "channel", "lead")


def _require_changes(args: argparse.Namespace, fields: tuple[str, ...]) -> None:
    """An edit with no field to change is a mistake: say so (exit 2) instead of a silent 0."""
    if all(getattr(args, name, None) is None for name in fields):
        flags = ", ".join(f"--{name}" for name in fields)
        raise UserError(f"nothing to change for item {args.id}: give at least one of {flags}")


def _meeting_edit(args: argparse.Namespace, settings: Settings) -> int:
    _require_changes(args, MEETING_FIELDS)
    changes: dict[str, Any] = {}
    for flag, name in (("where", "where"), ("description", "description"),
                       ("repeat", "repeat"), ("channel", "channel_id")):  # fmt: skip
        if getattr(args, flag) is not None:
            changes[name] = getattr(args, flag)
    item = _actions(settings).edit(
        CLI_ACTOR,
        args.id,
        kind="meeting",
        title=args.title,
        when=args.when,
        duration_minutes=args.duration,
        until=args.until,
        count=args.count,
        leads=_leads(args.lead),
        **changes,
    )
    print(item.id)
    return 0


def _deadline_add(args: argparse.Namespace, settings: Settings) -> int:
    item = _actions(settings).add_deadline(
        CLI_ACTOR,
        args.title,
        args.due,
        link=args.link,
        description=args.description,
        channel_id=args.channel,
        leads=_leads(args.lead),
    )
    print(item.id)
    return 0


def _deadline_edit(args: argparse.Namespace, settings: Settings) -> int:
    _require_changes(args, DEADLINE_FIELDS)
    changes: dict[str, Any] = {}
    for flag, name in (("link", "link"), ("description", "description"), ("channel", "channel_id")):
        if getattr(args, flag) is not None:
            changes[name] = getattr(args, flag)
    item = _actions(settings).edit(
        CLI_ACTOR,
        args.id,
        kind="deadline",
        title=args.title,
        when=args.due,
        leads=_leads(args.lead),
        **changes,
    )
    print(item.id)
    return 0


def _cancel(args: argparse.Namespace, settings: Settings) -> int:
    item = _actions(settings).cancel(CLI_ACTOR, args.id, kind=args.kind)
    print(f"cancelled {item.kind} {item.id}: {item.title}")
    return 0


def occurrence_json(occ: Occurrence, settings: Settings) -> dict[str, Any]:
    """The JSON object of one listed occurrence (the CLI contract)."""
    item, tz = occ.item, settings.tz
    return {
        "id": item.id,
        "kind": item.kind,
        "title": item.title,
        "start": occ.start.astimezone(tz).isoformat(),
        "start_utc": occ.start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end": occ.end.astimezone(tz).isoformat(),
        "end_utc": occ.end.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration_minutes": int(item.duration.total_seconds() // 60),
        "location": item.location,
        "link": item.link,
        "description": item.description,
        "recurring": item.recurring,
        "rrule": item.rrule,
        "channel_id": item.channel_id,
        "standing_key": item.standing_key,
        "approximate": item.approximate,
    }


def _list(args: argparse.Namespace, settings: Settings) -> int:
    occs = _service(settings).upcoming(args.kind, days=args.days)
    if args.json:
        print(json.dumps([occurrence_json(o, settings) for o in occs], ensure_ascii=False))
        return 0
    if not occs:
        print(f"No upcoming {args.kind}s in the next {args.days} days.")
        return 0
    for occ in occs:
        print(render.render_occurrence(occ, settings.tz))
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    data = _service(settings).export_ics(args.id)
    target: Path = args.ics
    if str(target) == "-":
        sys.stdout.buffer.write(data)
        return 0
    if target.is_dir():
        raise ScheduleError(f"{target} is a directory; give a file name such as schedule.ics")
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise ScheduleError(f"cannot write {target}: {exc.strerror}") from None
    print(f"wrote {target} ({data.count(b'BEGIN:VEVENT')} events)")
    return 0


def _sync(args: argparse.Namespace, settings: Settings) -> int:
    path = args.file or settings.corpus_dir / "schedule.toml"
    report = _service(settings).sync_standing(path)
    print(report.summary())
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def _one_date(args: argparse.Namespace, settings: Settings) -> int:
    """`meetings skip|move|restore ID --on W [--to W]`: prints what changed, in local time."""
    calendar = _calendar(settings)
    if args.change == "skip":
        item, original = calendar.skip_occurrence(CLI_ACTOR, args.id, args.on)
        print(f"skipped meeting {item.id} on {render.local_time(original, settings.tz)}")
    elif args.change == "move":
        item, original, new = calendar.move_occurrence(CLI_ACTOR, args.id, args.on, args.to)
        print(
            f"moved meeting {item.id} from {render.local_time(original, settings.tz)}"
            f" to {render.local_time(new, settings.tz)}"
        )
    else:
        item, original = calendar.restore_occurrence(CLI_ACTOR, args.id, args.on)
        print(f"restored meeting {item.id} on {render.local_time(original, settings.tz)}")
    return 0


def _feed(args: argparse.Namespace, settings: Settings) -> int:
    """`schedule feed [--rotate]`: the feed's https and webcal addresses, one a line."""
    if not settings.feed_enabled or settings.feed_public_url is None:
        raise ScheduleError(
            "the calendar feed is off; set ALLIANCE_FEED_PORT and ALLIANCE_FEED_PUBLIC_URL"
        )
    calendar = _calendar(settings)
    found = calendar.rotate_feed(CLI_ACTOR) if args.rotate else calendar.feed_links()
    if found is None:
        raise ScheduleError("the calendar feed is off")
    links = found
    print(links.http)
    print(links.webcal)
    return 0
