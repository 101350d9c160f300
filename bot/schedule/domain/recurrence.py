"""Repeat rules: build RRULEs from what admins type and expand them on local wall time.

Rules are stored as an RRULE body without DTSTART (e.g. "FREQ=WEEKLY;INTERVAL=2;UNTIL=...").
Expansion runs on naive local wall time in the item's zone and converts each occurrence to UTC, so
a weekly 9:00 meeting stays at 9:00 local across daylight-saving changes. An occurrence that falls
in a DST gap moves forward by the gap (2:30 -> 3:30); one in the repeated hour takes the first.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from bot.schedule.domain.errors import RecurrenceError

if TYPE_CHECKING:
    from bot.schedule.domain.models import Item

_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
_DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
_ALLOWED_FREQ = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
REPEAT_HELP = (
    'use "weekly", "biweekly", "every 3 weeks", "monthly", "monthly-weekday" (e.g. the second '
    'Tuesday, taken from the start date) or an RRULE such as "FREQ=MONTHLY;BYDAY=+2TU"'
)


def build_rule(
    repeat: str,
    *,
    start_local: datetime,
    until_local: datetime | None = None,
    count: int | None = None,
) -> str:
    """Turn a `--repeat` value into a validated RRULE body anchored on `start_local`."""
    text = repeat.strip()
    lowered = text.lower()
    every = re.fullmatch(r"every\s+(\d+)\s+weeks?", lowered)
    if lowered in ("weekly", "every week"):
        parts = ["FREQ=WEEKLY"]
    elif lowered in ("biweekly", "fortnightly", "every other week"):
        parts = ["FREQ=WEEKLY", "INTERVAL=2"]
    elif every:
        n = int(every.group(1))
        if not 1 <= n <= 52:
            raise RecurrenceError(f'"{text}": the interval must be 1–52 weeks')
        parts = ["FREQ=WEEKLY"] + ([f"INTERVAL={n}"] if n > 1 else [])
    elif lowered in ("monthly", "monthly-date", "monthly by date"):
        if start_local.day > 28:
            raise RecurrenceError(
                f"a monthly meeting on day {start_local.day} would skip short months; start on "
                'day 1–28 or use "monthly-weekday"'
            )
        parts = ["FREQ=MONTHLY"]
    elif lowered in ("monthly-weekday", "monthly by weekday", "monthly weekday"):
        nth = (start_local.day - 1) // 7 + 1
        ordinal = -1 if nth == 5 else nth
        parts = ["FREQ=MONTHLY", f"BYDAY={ordinal:+d}{_DAY_CODES[start_local.weekday()]}"]
    elif "dtstart" in lowered:
        raise RecurrenceError("give the RRULE without DTSTART; the start comes from --when")
    elif lowered.startswith(("rrule:", "freq=")):
        body = text.split(":", 1)[1] if lowered.startswith("rrule:") else text
        return validate_rule(body, start_local=start_local, until_local=until_local, count=count)
    else:
        raise RecurrenceError(f'unknown repeat "{text}"; {REPEAT_HELP}')
    if until_local is not None:
        parts.append(f"UNTIL={until_local:%Y%m%dT%H%M%S}")
    if count is not None:
        parts.append(f"COUNT={count}")
    return validate_rule(";".join(parts), start_local=start_local)


def validate_rule(
    body: str,
    *,
    start_local: datetime,
    until_local: datetime | None = None,
    count: int | None = None,
) -> str:
    """Check an RRULE body (and add an end); return its canonical form."""
    body = body.strip().rstrip(";")
    if "DTSTART" in body.upper() or "\n" in body:
        raise RecurrenceError("give the RRULE without DTSTART; the start comes from --when")
    fields = dict(part.split("=", 1) for part in body.upper().split(";") if "=" in part)
    if fields.get("FREQ") not in _ALLOWED_FREQ:
        raise RecurrenceError(
            f'"{body}": FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY; {REPEAT_HELP}'
        )
    if until_local is not None:
        if "UNTIL" in fields or "COUNT" in fields:
            raise RecurrenceError("the RRULE already has an end (UNTIL/COUNT); drop --until")
        body += f";UNTIL={until_local:%Y%m%dT%H%M%S}"
    if count is not None:
        if "UNTIL" in fields or "COUNT" in fields or until_local is not None:
            raise RecurrenceError("give either an until date or a count, not both")
        body += f";COUNT={count}"
    if "UNTIL" in fields and fields["UNTIL"].endswith("Z"):
        raise RecurrenceError("write UNTIL as local time without Z (e.g. UNTIL=20270630T235959)")
    try:
        rule = _rule(body, start_local)
    except (ValueError, TypeError) as exc:
        raise RecurrenceError(f'cannot read the RRULE "{body}" ({exc}); {REPEAT_HELP}') from None
    first = next(iter(rule), None)
    if first is None:
        raise RecurrenceError("this repeat rule never happens (its end is before its start)")
    text = str(rule).split("RRULE:", 1)[1]
    return text


def _rule(body: str, start_local: datetime) -> rrule:
    naive = start_local.replace(tzinfo=None)
    parsed = rrulestr(body, dtstart=naive, forceset=False)
    if not isinstance(parsed, rrule):  # pragma: no cover - forceset=False returns rrule
        raise ValueError("not a single rule")
    return parsed


def occurrences(
    body: str | None,
    start: datetime,
    tz: ZoneInfo,
    after: datetime,
    before: datetime,
    *,
    inclusive_after: bool = False,
) -> Iterator[datetime]:
    """UTC occurrences of an item starting at `start`, in (after, before] (or [after, before])."""
    if body is None:
        if (start >= after if inclusive_after else start > after) and start <= before:
            yield start
        return
    start_local = start.astimezone(tz).replace(tzinfo=None)
    rule = _rule(body, start_local)
    for naive in rule:
        instant = _to_utc(naive, tz)
        if instant > before:
            return
        if (instant >= after if inclusive_after else instant > after) and instant <= before:
            yield instant


def item_occurrences(
    item: Item, after: datetime, before: datetime, *, inclusive_after: bool = False
) -> Iterator[datetime]:
    """`occurrences` of an item with its one-occurrence overrides applied, in time order.

    A skipped occurrence is left out; a moved one appears at its new start (when that falls in
    the window). An override whose original start is no longer an occurrence (the series was
    edited since) is ignored.
    """
    tz = ZoneInfo(item.tz)
    base = occurrences(item.rrule, item.start, tz, after, before, inclusive_after=inclusive_after)
    if not item.overrides:
        yield from base
        return
    replaced = {original for original, _ in item.overrides}

    def inside(when: datetime) -> bool:
        return (when >= after if inclusive_after else when > after) and when <= before

    moved = sorted(
        new
        for original, new in item.overrides
        if new is not None and inside(new) and is_occurrence(item, original)
    )
    yield from heapq.merge((o for o in base if o not in replaced), moved)


def is_occurrence(item: Item, when: datetime) -> bool:
    """Whether the item's rule (without overrides) has an occurrence starting at `when`."""
    tz = ZoneInfo(item.tz)
    window = occurrences(item.rrule, item.start, tz, when - timedelta(seconds=1), when)
    return next(window, None) == when


def _to_utc(naive: datetime, tz: ZoneInfo) -> datetime:
    # fold=0 takes the first of a repeated hour; in a gap it reads the time with the offset in
    # force before the change, which lands one hour later on the new wall clock.
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC)


def describe(body: str | None, start: datetime, tz: ZoneInfo) -> str:
    """A short English description such as "every 2 weeks" or "monthly on the second Tuesday"."""
    if body is None:
        return "once"
    fields = dict(part.split("=", 1) for part in body.split(";") if "=" in part)
    interval = int(fields.get("INTERVAL", "1"))
    freq = fields.get("FREQ", "")
    unit = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}.get(freq, "")
    text = f"every {interval} {unit}s" if interval > 1 else f"every {unit}"
    byday = fields.get("BYDAY", "")
    match = re.fullmatch(r"([+-]?\d)([A-Z]{2})", byday)
    if match and freq == "MONTHLY":
        names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        text += f" on the {_ORDINALS.get(int(match.group(1)), match.group(1))} "
        text += names[_DAY_CODES.index(match.group(2))]
    if "UNTIL" in fields:
        until = datetime.strptime(fields["UNTIL"][:15], "%Y%m%dT%H%M%S").replace(tzinfo=tz)
        text += f" until {until:%b} {until.day} {until.year}"
    if "COUNT" in fields:
        text += f", {fields['COUNT']} times"
    return text
