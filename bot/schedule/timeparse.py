"""Read the times people type ("next Tuesday 3pm", "in 2 hours", "Dec 5 at 9", ISO) into UTC.

Wall-clock phrases are read in the server's zone. The contract is conservative: anything the
parser is not sure about (a bare "3" that could be 3am or 3pm, "12/5", a date without a time, a
local time that happens twice or never because of DST) is refused with a message that shows how to
write it, rather than guessed. `now` is always passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil import tz as dateutil_tz
from dateutil.relativedelta import relativedelta, weekday

from bot.schedule.errors import TimeParseError

EXAMPLES = (
    '"tomorrow 5pm", "next Tuesday 15:00", "Dec 5 at 9:30", "in 2 hours" or "2026-12-01 17:00"'
)

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_RE = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_WEEKDAY_RE = (
    r"(mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)"
)
_DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_UNITS = {
    "m": "minutes", "min": "minutes", "mins": "minutes", "minute": "minutes", "minutes": "minutes",
    "h": "hours", "hr": "hours", "hrs": "hours", "hour": "hours", "hours": "hours",
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "wk": "weeks", "wks": "weeks", "week": "weeks", "weeks": "weeks",
}  # fmt: skip

_RELATIVE = re.compile(r"^in\s+(\d+|an?)\s*([a-z]+)$")
_TIME = re.compile(
    r"^(?:at\s+)?(?:(noon|midnight)|(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?)$"
)
_DATE_FORMS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")),
    ("slash", re.compile(r"^\d{1,2}/\d{1,2}(?:/\d{2,4})?")),
    ("word", re.compile(r"^(today|tomorrow)\b")),
    ("weekday", re.compile(rf"^(?:(next|this|on)\s+)?{_WEEKDAY_RE}\b")),
    ("month_day", re.compile(rf"^{_MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:\s+(\d{{4}})\b)?")),
    ("day_month", re.compile(rf"^(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH_RE}(?:\s+(\d{{4}})\b)?")),
]


@dataclass(frozen=True)
class ParsedTime:
    """A parsed instant plus whether the person actually gave a time of day."""

    when: datetime
    has_time: bool


def parse_when(
    text: str,
    *,
    tz: ZoneInfo,
    now: datetime,
    allow_past: bool = False,
    date_only: time | None = None,
) -> datetime:
    """Return the aware UTC instant `text` names, read in `tz`.

    `date_only` is the time of day used when the text gives only a date (e.g. 23:59:59 for an
    "until" date); without it a date with no time is refused as ambiguous. Past instants are
    refused unless `allow_past`.
    """
    parsed = _parse(text, tz=tz, now=now, date_only=date_only)
    if not allow_past and parsed.when <= now:
        local = parsed.when.astimezone(tz)
        raise TimeParseError(
            f'"{text.strip()}" is in the past ({format_local(local)}); give a future time, '
            f"e.g. {EXAMPLES}"
        )
    return parsed.when


def parse_duration(text: str) -> timedelta:
    """Read a lead time or duration such as "7d", "2h", "90m", "1w", "1 day", "30 minutes"."""
    match = re.fullmatch(r"\s*(\d+)\s*([a-zA-Z]+)\s*", text)
    unit = _UNITS.get(match.group(2).lower()) if match else None
    if match is None or unit is None:
        raise TimeParseError(
            f'could not read the duration "{text.strip()}" — '
            'write it like "7d", "2h", "30m" or "1w"'
        )
    return timedelta(**{unit: int(match.group(1))})


def format_local(when: datetime) -> str:
    """A readable local rendering such as "Tue Dec 1 2026, 5:00 PM MST"."""
    hour = when.strftime("%I").lstrip("0") or "12"
    return f"{when:%a %b} {when.day} {when.year}, {hour}:{when:%M %p %Z}"


def _fail(text: str, why: str = "") -> TimeParseError:
    reason = f" ({why})" if why else ""
    return TimeParseError(f'could not read "{text.strip()}"{reason} — try {EXAMPLES}')


def _parse(text: str, *, tz: ZoneInfo, now: datetime, date_only: time | None) -> ParsedTime:
    raw = text.strip()
    if not raw:
        raise TimeParseError(f"no time given — try {EXAMPLES}")
    if len(raw) > 100:
        raise _fail(raw[:40] + "…", "too long")
    iso = _parse_iso(raw, tz)
    if iso is not None:
        return iso
    norm = re.sub(r"\s+", " ", raw.lower().replace(",", " ")).strip()
    norm = re.sub(r"^(at|@)\s+", "", norm)  # "at 3pm on Friday"
    rel = _RELATIVE.match(norm)
    if rel:
        amount = 1 if rel.group(1) in ("a", "an") else int(rel.group(1))
        unit = _UNITS.get(rel.group(2))
        if unit is None:
            raise _fail(raw, f'unknown unit "{rel.group(2)}"; use minutes, hours, days or weeks')
        if amount <= 0 or amount > 5000:
            raise _fail(raw, "amount out of range")
        return ParsedTime(now.replace(microsecond=0) + timedelta(**{unit: amount}), True)
    if norm in ("now", "right now"):
        raise _fail(raw, "give a time in the future")
    local_now = now.astimezone(tz)
    day, rest = _take_date(norm, raw, local_now)
    if day is None:
        # Time first, then date: "3pm tomorrow", "9:30 on Dec 5".
        time_part, _, date_part = norm.partition(" ")
        date_part = re.sub(r"^on\s+", "", date_part)
        if date_part and _TIME.match(time_part):
            day, rest2 = _take_date(date_part, raw, local_now)
            if day is not None and not rest2:
                rest = time_part
        if day is None:
            if _TIME.match(norm):
                raise _fail(raw, "a time needs a day too, e.g. today, tomorrow, Friday or Dec 5")
            raise _fail(raw)
    if not rest:
        if date_only is None:
            raise _fail(raw, "add a time of day")
        return ParsedTime(_localize(datetime.combine(day, date_only), tz, raw), False)
    clock = _parse_time(rest, raw)
    return ParsedTime(_localize(datetime.combine(day, clock), tz, raw), True)


def _parse_iso(raw: str, tz: ZoneInfo) -> ParsedTime | None:
    """ISO 8601 forms; an explicit offset or Z is honoured, otherwise the server zone."""
    candidate = raw.strip()
    if not re.match(
        r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$", candidate
    ):
        return None
    if len(candidate) == 10:
        return None  # a bare date: let the general path decide (needs a time or `date_only`)
    try:
        parsed = datetime.fromisoformat(candidate.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _fail(raw, str(exc)) from None
    if parsed.tzinfo is not None:
        return ParsedTime(parsed.astimezone(UTC).replace(microsecond=0), True)
    return ParsedTime(_localize(parsed.replace(microsecond=0), tz, raw), True)


def _take_date(norm: str, raw: str, local_now: datetime) -> tuple[date | None, str]:
    """Match a date at the start of `norm`; return it and the unparsed remainder."""
    today = local_now.date()
    for form, pattern in _DATE_FORMS:
        match = pattern.match(norm)
        if not match:
            continue
        rest = norm[match.end() :].strip()
        if form == "slash":
            raise _fail(raw, "numeric dates like 12/5 are ambiguous; write Dec 5 or 2026-12-05")
        if form == "iso":
            day = _safe_date(int(match.group(1)), int(match.group(2)), int(match.group(3)), raw)
        elif form == "word":
            day = today + timedelta(days=1 if match.group(1) == "tomorrow" else 0)
        elif form == "weekday":
            target = _WEEKDAYS[match.group(2)[:3]]
            # "Tuesday", "next Tuesday", "this Tuesday": the first such day after today.
            day = today + relativedelta(days=+1, weekday=weekday(target))
            if match.group(1) == "this" and target == today.weekday():
                day = today
            if rest and not rest.startswith("at") and not _TIME.match(rest):
                # "Friday, Dec 5 at 9am": the explicit date wins, but it must be a Friday.
                explicit, rest_after = _take_date(rest, raw, local_now)
                if explicit is not None:
                    if explicit.weekday() != target:
                        raise TimeParseError(
                            f'"{raw.strip()}": {explicit:%b} {explicit.day} {explicit.year} is a '
                            f"{explicit:%A}, not a {_DAY_NAMES[target]}; check the date"
                        )
                    day, rest = explicit, rest_after
        else:
            if form == "month_day":
                month, dom, year = _MONTHS[match.group(1)[:3]], int(match.group(2)), match.group(3)
            else:
                dom, month, year = int(match.group(1)), _MONTHS[match.group(2)[:3]], match.group(3)
            if year is not None:
                day = _safe_date(int(year), month, dom, raw)
            else:
                day = _safe_date(today.year, month, dom, raw)
                if day < today - timedelta(days=60):
                    # "Jan 5" said in December means next January; a date just gone is an error.
                    day = _safe_date(today.year + 1, month, dom, raw)
        return day, re.sub(r"^(at|@)\s*", "at ", rest) if rest else ""
    return None, norm


def _safe_date(year: int, month: int, dom: int, raw: str) -> date:
    try:
        return date(year, month, dom)
    except ValueError:
        raise _fail(raw, "no such date") from None


def _parse_time(part: str, raw: str) -> time:
    match = _TIME.match(part.strip())
    if not match:
        raise _fail(raw, f'cannot read the time "{part.strip()}"')
    word, hour_s, minute_s, meridiem = match.groups()
    if word == "noon":
        return time(12, 0)
    if word == "midnight":
        return time(0, 0)
    hour, minute = int(hour_s), int(minute_s or 0)
    if minute > 59:
        raise _fail(raw, "minutes must be 00–59")
    if meridiem:
        if not 1 <= hour <= 12:
            raise _fail(raw, "with am/pm the hour must be 1–12")
        hour = hour % 12 + (12 if meridiem.startswith("p") else 0)
    elif hour > 23:
        raise _fail(raw, "the hour must be 0–23")
    elif 1 <= hour <= 7 and not hour_s.startswith("0"):
        raise TimeParseError(
            f'"{raw.strip()}" is ambiguous: {hour} in the morning or the afternoon? '
            f'Write "{hour}am", "{hour}pm" or "{hour + 12}:{minute:02d}"'
        )
    return time(hour, minute)


def _localize(naive: datetime, tz: ZoneInfo, raw: str) -> datetime:
    """Attach `tz` to a wall-clock time; refuse times DST skips or repeats."""
    local = naive.replace(tzinfo=tz)
    if not dateutil_tz.datetime_exists(local):
        raise TimeParseError(
            f'"{raw.strip()}" does not exist in {tz.key}: clocks skip that hour for daylight '
            "saving time; pick a time an hour later or earlier"
        )
    if dateutil_tz.datetime_ambiguous(local):
        first = local.replace(fold=0)
        second = local.replace(fold=1)
        raise TimeParseError(
            f'"{raw.strip()}" happens twice in {tz.key} (clocks go back that night); write it '
            f"with the offset, e.g. {first.isoformat(timespec='minutes')} or "
            f"{second.isoformat(timespec='minutes')}"
        )
    return local.astimezone(UTC)
