"""The standing schedule kept in the corpus repo (`corpus/schedule.toml`), synced into the store.

Each `[[meeting]]` / `[[deadline]]` table has a stable `key`. Sync upserts by key (never a
duplicate), retires keys no longer in the file (their pending reminders go with them) and leaves
unchanged items untouched, all in one transaction: a malformed file changes nothing. Times are
TOML local date-times read in the file's `timezone` (default: the server zone). Past items are
stored for the record (so "when were the year-one outcomes due?" has an answer) but never produce
reminders and never count as upcoming.
"""

from __future__ import annotations

import dataclasses
import logging
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.schedule.domain import recurrence, store
from bot.schedule.domain.errors import ScheduleError, StandingScheduleError
from bot.schedule.domain.models import DEFAULT_DEADLINE_LEADS, DEFAULT_MEETING_LEADS, Item, Kind
from bot.schedule.domain.timeparse import lead_times


class StandingTarget(Protocol):
    """What a sync needs of the schedule service: its zone, its connection, and its occurrence
    rule (so a past item is told from one still ahead)."""

    @property
    def tz(self) -> ZoneInfo: ...

    @property
    def conn(self) -> Any: ...

    def next_occurrence(self, item: Item) -> Any: ...


log = logging.getLogger(__name__)

_FIELDS = {
    "key", "title", "start", "due", "duration", "where", "link", "description", "repeat",
    "until", "count", "channel", "leads", "past", "approximate", "source",
}  # fmt: skip


@dataclass
class StandingReport:
    """What a sync did, by key."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    past: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for logs and the /reindex reply."""
        return (
            f"standing schedule: {len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.retired)} retired "
            f"({len(self.past)} past)"
        )


def sync_standing_schedule(service: StandingTarget, path: Path, now: datetime) -> StandingReport:
    """Upsert the items of `path` into the store by key; retire keys that disappeared.

    A missing file means "no standing schedule" and retires nothing (so a bad checkout cannot
    wipe the schedule); an empty file retires everything that came from it.
    """
    report = StandingReport()
    if not path.exists():
        report.warnings.append(f"{path} not found; standing schedule left as it was")
        return report
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise StandingScheduleError(f"{path.name}: {exc}; nothing was changed") from None
    try:
        zone = ZoneInfo(str(data.get("timezone", service.tz.key)))
    except (ZoneInfoNotFoundError, ValueError):
        raise StandingScheduleError(
            f"{path.name}: unknown timezone {data.get('timezone')!r}"
        ) from None
    wanted: dict[str, Item] = {}
    for kind, section in (("meeting", "meeting"), ("deadline", "deadline")):
        entries = data.get(section, [])
        if not isinstance(entries, list):
            raise StandingScheduleError(f"{path.name}: use [[{section}]] tables")
        for number, entry in enumerate(entries, 1):
            where = f"{path.name}: [[{section}]] #{number}"
            item = _item(entry, kind, zone, now, where)  # type: ignore[arg-type]
            key = item.standing_key or ""
            if key in wanted:
                raise StandingScheduleError(f"{where}: duplicate key {key!r}")
            wanted[key] = item
            if item.start + item.duration <= now and service.next_occurrence(item) is None:
                report.past.append(key)
                if entry.get("past") is False:
                    report.warnings.append(f"{key}: marked past = false but it is in the past")
            elif entry.get("past") is True:
                report.warnings.append(f"{key}: marked past = true but it is still ahead")
    conn = service.conn
    with store.transaction(conn):
        existing = store.standing_keys(conn)
        for key, item in wanted.items():
            old = existing.get(key) or store.get_by_key(conn, key)
            if old is None:
                new_id = store.insert_item(conn, item)
                store.materialize(
                    conn, dataclasses.replace(item, id=new_id), after=now, now=now, fresh=True
                )
                report.added.append(key)
                continue
            merged = dataclasses.replace(item, id=old.id, created=old.created)
            if _same(old, merged):
                report.unchanged.append(key)
                continue
            store.update_item(conn, merged)
            store.clear_pending(conn, old.id)
            store.materialize(conn, merged, after=now, now=now, fresh=True)
            report.updated.append(key)
        for key, old in existing.items():
            if key not in wanted:
                store.update_item(conn, dataclasses.replace(old, status="retired", updated=now))
                store.clear_pending(conn, old.id)
                report.retired.append(key)
    log.info(report.summary())
    for warning in report.warnings:
        log.warning("schedule.toml: %s", warning)
    return report


def _same(old: Item, new: Item) -> bool:
    keys = ("kind", "title", "start", "duration", "location", "link", "description", "rrule",
            "tz", "channel_id", "leads", "status", "approximate")  # fmt: skip
    return all(getattr(old, k) == getattr(new, k) for k in keys)


def _item(entry: Any, kind: Kind, zone: ZoneInfo, now: datetime, where: str) -> Item:
    if not isinstance(entry, dict):
        raise StandingScheduleError(f"{where}: not a table")
    unknown = set(entry) - _FIELDS
    if unknown:
        raise StandingScheduleError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    key = entry.get("key")
    if not isinstance(key, str) or not key.strip():
        raise StandingScheduleError(f"{where}: every entry needs a stable text `key`")
    where = f"{where} ({key})"
    title = entry.get("title")
    if not isinstance(title, str) or not title.strip():
        raise StandingScheduleError(f"{where}: `title` is required")
    when_field = "start" if kind == "meeting" else "due"
    start = _instant(entry.get(when_field), zone, where, when_field)
    duration = timedelta(0)
    rule = None
    try:
        if kind == "meeting":
            minutes = entry.get("duration", 60)
            if not isinstance(minutes, int) or not 0 < minutes <= 2880:
                raise StandingScheduleError(f"{where}: `duration` is minutes, 1–2880")
            duration = timedelta(minutes=minutes)
            if "repeat" in entry:
                until = entry.get("until")
                until_local = (
                    _instant(until, zone, where, "until", end_of_day=True)
                    .astimezone(zone)
                    .replace(tzinfo=None)
                    if until is not None
                    else None
                )
                rule = recurrence.build_rule(
                    str(entry["repeat"]),
                    start_local=start.astimezone(zone).replace(tzinfo=None),
                    until_local=until_local,
                    count=entry.get("count"),
                )
        defaults = DEFAULT_MEETING_LEADS if kind == "meeting" else DEFAULT_DEADLINE_LEADS
        leads_raw = entry.get("leads")
        leads = lead_times(
            [str(x) for x in leads_raw] if isinstance(leads_raw, list) else None, defaults
        )
    except ScheduleError as exc:
        raise StandingScheduleError(f"{where}: {exc}") from None
    channel = entry.get("channel")
    if channel is not None and (not isinstance(channel, int) or channel <= 0):
        raise StandingScheduleError(f"{where}: `channel` must be a channel id number")
    description = entry.get("description")
    if entry.get("source"):
        description = f"{description or ''}\nSource: {entry['source']}".strip()
    return Item(
        id=0,
        kind=kind,
        title=title.strip(),
        start=start,
        duration=duration,
        location=_opt_str(entry.get("where")),
        link=_opt_str(entry.get("link")),
        description=_opt_str(description),
        rrule=rule,
        tz=zone.key,
        channel_id=channel,
        leads=leads,
        standing_key=key.strip(),
        approximate=bool(entry.get("approximate", False)),
        created=now,
        updated=now,
    )


def _instant(
    value: Any, zone: ZoneInfo, where: str, name: str, *, end_of_day: bool = False
) -> datetime:
    if isinstance(value, datetime):
        local = value if value.tzinfo else value.replace(tzinfo=zone)
    elif isinstance(value, date):
        local = datetime.combine(value, time(23, 59, 59) if end_of_day else time(0, 0), zone)
    else:
        raise StandingScheduleError(
            f"{where}: `{name}` must be a TOML date-time such as 2026-12-01T17:00:00"
        )
    return local.astimezone(UTC)


def _opt_str(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None
