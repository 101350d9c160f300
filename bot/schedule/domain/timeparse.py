"""Read the times people type ("tomorrow 5pm", "in 2 hours", "8pm", "12/25 9am MT", ISO) into UTC.

Wall-clock phrases are read in the server's zone unless the text names one ("3pm ET", "noon UTC",
"11am UTC+02:00"). The contract is conservative: nothing is guessed. Text the parser is not sure
of is refused with a message that shows how to write it: a bare "3" (3am or 3pm?), a local time
that happens twice or never because of DST, "MST" on a summer date, a weekday that does not match
the date, "2300" (a year or 23:00?), numbers that are not times ("12.53%"). `now` is always passed
in.

Rules a reader relies on:
- A time of day with no date ("8pm", "at noon", "22:33:44") is the next such time: today if it is
  still ahead, otherwise tomorrow.
- Relative times ("in 2 hours", "10m", "a week from now") count from now with the seconds dropped;
  days, weeks, months and years keep the wall-clock time ("in a month" at 12:00 is 12:00), hours
  and minutes are elapsed time.
- Numeric dates are month first ("3/15" is March 15) unless `day_first`.
- A date with no time is refused unless the caller gives `date_only` (deadlines use the end of the
  day, repeat ends 23:59:59); `read_when` tells the caller which happened.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from dateutil import tz as dateutil_tz
from dateutil.relativedelta import relativedelta, weekday

from bot.schedule.domain.durations import UNITS, Span, read_relative, read_span, span_to_timedelta
from bot.schedule.domain.errors import TimeParseError
from bot.schedule.domain.zones import ZoneSpec, check_abbreviation, take_zone

EXAMPLES = (
    '"tomorrow 5pm", "next Tuesday 15:00", "Dec 5 at 9:30", "in 2 hours" or "2026-12-01 17:00"'
)
END_OF_DAY = time(23, 59)
"""The time a date-only deadline ("Dec 18", "Friday") is due: the end of that day."""
MAX_YEARS_AHEAD = 10

#: English month and day names from the stdlib (`calendar` reads the C locale: Python never
#: switches LC_TIME on its own, and the bot does not).
_MONTHS = {calendar.month_abbr[m].lower(): m for m in range(1, 13)}
_MONTH_RE = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAYS = {calendar.day_abbr[d].lower(): d for d in range(7)}
_WEEKDAY_RE = (
    r"(mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)"
)
_DAY_NAMES = list(calendar.day_name)
_NTH = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
        "4th": 4, "fifth": 5, "5th": 5, "last": -1}  # fmt: skip
_NTH_RE = "|".join(_NTH)
_ORD = r"(?:st|nd|rd|th)"

_PREFIX = re.compile(r"^(?:(?:until|till|til|due|by|on)\b\s*:?\s*)+")
_ALLOWED_CHARS = re.compile(r"^[a-z0-9 :./+'\-@]*$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_ISO_BASIC = re.compile(r"^(\d{4})(\d{2})(\d{2})t(\d{2})(\d{2})(\d{2})?(z)?$")

# Parts of the day: which hours they allow, and how a bare hour is read in them.
_PERIODS = {
    "morning": (range(1, 12), range(0, 12)),
    "afternoon": (range(1, 7), range(12, 19)),
    "evening": (range(4, 12), range(16, 24)),
    "night": (range(6, 12), range(18, 24)),
}
_PERIOD_RE = re.compile(
    r"\b(?:(tonight)|this\s+(morning|afternoon|evening)|(?:in\s+the\s+)(morning|afternoon|evening)"
    r"|at\s+(night)|(morning|afternoon|evening|night))\b"
)
_UNKNOWN_UNIT = re.compile(r"^in\s+(?:\d+(?:\.\d+)?|an?|a\s+few|several|some)\s+([a-z]+)$")
_FILLERS = {"at", "on", "the", "@", "of"}


@dataclass(frozen=True)
class ParsedTime:
    """A parsed instant, and how a missing time of day was read ("end of day"; "" when given)."""

    when: datetime
    note: str = ""


@dataclass(frozen=True)
class _DatePhrase:
    """One date in the text: how to find the day from today, and what it constrains."""

    resolve: Callable[[date], date]
    relative: bool  # depends on which day "today" is ("tomorrow", "Friday"), not explicit
    weekday: int | None = None  # a bare weekday also checks an explicit date
    month_only: bool = False  # "June 2027": only usable as an end date


def parse_when(
    text: str,
    *,
    tz: ZoneInfo,
    now: datetime,
    allow_past: bool = False,
    date_only: time | None = None,
    day_first: bool = False,
) -> datetime:
    """Return the aware UTC instant `text` names, read in `tz` (see the module rules).

    `date_only` is the time of day used when the text gives only a date (e.g. 23:59:59 for an
    "until" date); without it a date with no time is refused. Past instants are refused unless
    `allow_past`.
    """
    return read_when(
        text, tz=tz, now=now, allow_past=allow_past, date_only=date_only, day_first=day_first
    ).when


def read_when(
    text: str,
    *,
    tz: ZoneInfo,
    now: datetime,
    allow_past: bool = False,
    date_only: time | None = None,
    day_first: bool = False,
) -> ParsedTime:
    """Like `parse_when`, but also say how a missing time of day was read (`note`)."""
    parsed = _parse(text, tz=tz, now=now, date_only=date_only, day_first=day_first)
    if not allow_past and parsed.when <= now:
        local = parsed.when.astimezone(tz)
        raise TimeParseError(
            f'"{text.strip()}" is in the past ({format_local(local)}); give a future time, '
            f"e.g. {EXAMPLES}"
        )
    return parsed


def parse_duration(text: str) -> timedelta:
    """Read a lead time or duration such as "7d", "2h", "90m", "1h30m", "1 day", "30 minutes"."""
    try:
        span = read_span(text.strip().lower())
    except TimeParseError:
        span = None
    if span is None:
        raise TimeParseError(
            f'could not read the duration "{text.strip()}" — '
            'write it like "7d", "2h", "30m", "1h30m" or "1w"'
        )
    return span_to_timedelta(span, text)


#: At most this many reminders per item, each at most `MAX_LEAD` before it.
MAX_LEADS = 6
MAX_LEAD = timedelta(days=60)


def lead_times(
    values: Sequence[str | timedelta] | None, default: tuple[timedelta, ...]
) -> tuple[timedelta, ...]:
    """Reminder lead times ("1d", "2h", or already read), longest first, duplicates merged:
    `default` when none are given. The one rule for every way a schedule is written (commands,
    the CLI, `schedule.toml`): each between 1 minute and 60 days, at most six."""
    if values is None:
        return default
    leads: list[timedelta] = []
    for value in values:
        lead = parse_duration(value) if isinstance(value, str) else value
        if lead <= timedelta(0) or lead > MAX_LEAD:
            raise TimeParseError("each reminder lead time must be between 1 minute and 60 days")
        leads.append(lead)
    if len(leads) > MAX_LEADS:
        raise TimeParseError(f"at most {MAX_LEADS} reminder lead times")
    return tuple(sorted(set(leads), reverse=True))


def format_local(when: datetime) -> str:
    """A readable local rendering such as "Tue Dec 1 2026, 5:00 PM MST"."""
    hour = when.strftime("%I").lstrip("0") or "12"
    return f"{when:%a %b} {when.day} {when.year}, {hour}:{when:%M %p %Z}"


def _fail(text: str, why: str = "") -> TimeParseError:
    reason = f" ({why})" if why else ""
    return TimeParseError(f'could not read "{text.strip()}"{reason} — try {EXAMPLES}')


def _normalise(raw: str) -> str:
    text = raw.lower().replace(",", " ")
    text = re.sub(r"\b([ap])\.\s?m\b\.?", r"\1m", text)  # "11 p.m." -> "11 pm"
    text = re.sub(r"\s+", " ", text).strip().rstrip("!?").strip()
    if text.endswith(".") and not re.search(r"\d\.$", text):
        text = text[:-1].strip()  # "8pm." at the end of a sentence
    return _PREFIX.sub("", text).strip()


def _parse(
    text: str, *, tz: ZoneInfo, now: datetime, date_only: time | None, day_first: bool
) -> ParsedTime:
    raw = text.strip()
    if not raw:
        raise TimeParseError(f"no time given — try {EXAMPLES}")
    if len(raw) > 100:
        raise _fail(raw[:40] + "…", "too long")
    norm = _normalise(raw)
    iso = _parse_iso(norm, raw, tz)
    if iso is not None:
        return iso
    if not _ALLOWED_CHARS.match(norm):
        raise _fail(raw, "that is not a date or time")
    if norm in ("now", "right now", "asap", "immediately"):
        raise _fail(raw, "give a time in the future")
    span = read_relative(norm)
    if span is not None:
        return ParsedTime(_apply_span(span, now, tz, raw))
    unit = _UNKNOWN_UNIT.match(norm)
    if unit and unit.group(1) not in UNITS:
        raise _fail(
            raw, f'unknown unit "{unit.group(1)}"; use minutes, hours, days, weeks, months or years'
        )
    return _absolute(norm, raw, tz=tz, now=now, date_only=date_only, day_first=day_first)


def _apply_span(span: Span, now: datetime, tz: ZoneInfo, raw: str) -> datetime:
    """Now plus a span, seconds dropped; calendar parts move the server-zone wall clock."""
    base = now.replace(second=0, microsecond=0)
    if span.calendar:
        wall = base.astimezone(tz).replace(tzinfo=None)
        wall += relativedelta(years=span.years, months=span.months, days=span.days)
        base = _localize(wall, tz, raw)
    return (base + timedelta(seconds=span.seconds)).replace(second=0, microsecond=0)


def _parse_iso(norm: str, raw: str, tz: ZoneInfo) -> ParsedTime | None:
    """ISO 8601 forms (extended or basic); an explicit offset or Z is honoured."""
    candidate = norm.upper()
    basic = _ISO_BASIC.match(norm)
    if basic:
        y, mo, d, h, mi, s, z = basic.groups()
        candidate = f"{y}-{mo}-{d}T{h}:{mi}:{s or '00'}{'Z' if z else ''}"
    elif not _ISO.match(candidate) or len(candidate) == 10:
        return None  # a bare date goes the general way (it needs a time or `date_only`)
    try:
        parsed = datetime.fromisoformat(candidate.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _fail(raw, str(exc)) from None
    if parsed.tzinfo is not None:
        return ParsedTime(parsed.astimezone(UTC).replace(microsecond=0))
    return ParsedTime(_localize(parsed.replace(microsecond=0), tz, raw))


# ---------------------------------------------------------------- wall-clock phrases


def _absolute(
    norm: str, raw: str, *, tz: ZoneInfo, now: datetime, date_only: time | None, day_first: bool
) -> ParsedTime:
    spec, rest = take_zone(norm)
    period, rest = _take_period(rest, raw)
    today = now.astimezone(tz).date()
    phrases, rest = _take_dates(rest, raw, today, day_first)
    if period and period[1]:
        phrases.append(_DatePhrase(lambda t: t, relative=True))
    clock, rest = _take_clock(rest, raw, period[0] if period else None, bool(phrases))
    leftover = [w for w in rest.split() if w not in _FILLERS]
    if leftover:
        raise _fail(raw, f'"{" ".join(leftover)}" is not a date or time I know')
    zone: tzinfo = spec.zone if spec else tz
    if clock is None:
        if not phrases:
            raise _fail(raw)
        day = _resolve(phrases, today, raw)  # a contradiction is the first thing to say
        if period:
            raise _fail(raw, "add a time, e.g. tonight at 7 or tomorrow morning at 9")
        if date_only is None:
            raise _fail(raw, "add a time of day")
        return ParsedTime(_place(day, date_only, zone, spec, raw), "end of day")
    if any(p.month_only for p in phrases):
        raise _fail(raw, "which day of the month? e.g. June 5 at 9am")
    if not phrases:
        return ParsedTime(_next_clock(clock, zone, spec, now, raw))
    day = _resolve(phrases, today, raw)
    when = _place(day, clock, zone, spec, raw)
    if spec is not None and any(p.relative for p in phrases):
        there = now.astimezone(zone).date()
        if there != today and _place(_resolve(phrases, there, raw), clock, zone, spec, raw) != when:
            raise TimeParseError(
                f'"{raw.strip()}": it is already {there:%b} {there.day} in {spec.label}, so the '
                "day is unclear; give the date, e.g. Dec 5 9am " + spec.label
            )
    return ParsedTime(when)


def _place(day: date, clock: time, zone: tzinfo, spec: ZoneSpec | None, raw: str) -> datetime:
    naive = datetime.combine(day, clock)
    if isinstance(zone, ZoneInfo):
        when = _localize(naive, zone, raw)
        if spec is not None:
            check_abbreviation(spec, when.astimezone(zone), raw)
        return when
    return naive.replace(tzinfo=zone).astimezone(UTC)


def _next_clock(
    clock: time, zone: tzinfo, spec: ZoneSpec | None, now: datetime, raw: str
) -> datetime:
    """A time of day alone: today in its zone if still ahead, else tomorrow."""
    day = now.astimezone(zone).date()
    when = _place(day, clock, zone, spec, raw)
    if when <= now:
        when = _place(day + timedelta(days=1), clock, zone, spec, raw)
    return when


def _take_period(text: str, raw: str) -> tuple[tuple[str, bool] | None, str]:
    """Remove "tonight", "this afternoon", "in the evening"…; return (period, means today)."""
    matches = list(_PERIOD_RE.finditer(text))
    if not matches:
        return None, text
    if len(matches) > 1:
        raise _fail(raw, "more than one part of the day")
    m = matches[0]
    today = bool(m.group(1) or m.group(2))
    period = "night" if m.group(1) else next(g for g in m.groups()[1:] if g)
    return (period, today), _cut(text, m)


def _cut(text: str, match: re.Match[str]) -> str:
    return re.sub(r"\s+", " ", text[: match.start()] + " " + text[match.end() :]).strip()


# ---------------------------------------------------------------- dates


def _take_dates(text: str, raw: str, today: date, day_first: bool) -> tuple[list[_DatePhrase], str]:
    phrases: list[_DatePhrase] = []
    for pattern, build in _DATE_READERS:
        while True:
            match = pattern.search(text)
            if match is None:
                break
            phrases.append(build(match, raw, today, day_first))
            text = _cut(text, match)
    return phrases, text


def _resolve(phrases: list[_DatePhrase], today: date, raw: str) -> date:
    """The one day the date phrases agree on; a weekday must match an explicit date."""
    days = [(p, p.resolve(today)) for p in phrases if p.weekday is None]
    weekdays = [p for p in phrases if p.weekday is not None]
    if len({d for _, d in days}) > 1:
        raise _fail(raw, "it names two different days")
    if len(weekdays) > 1:
        raise _fail(raw, "it names two weekdays")
    if not days:
        return weekdays[0].resolve(today)
    day = days[0][1]
    target = weekdays[0].weekday if weekdays else None
    if target is not None and target != day.weekday():
        raise TimeParseError(
            f'"{raw.strip()}": {day:%b} {day.day} {day.year} is a {day:%A}, not a '
            f"{_DAY_NAMES[target]}; check the date"
        )
    return day


def _check_year(year: int, this_year: int, raw: str) -> None:
    if year > this_year + MAX_YEARS_AHEAD or year < 1970:
        raise TimeParseError(
            f'"{raw.strip()}": the year {year} is not a plausible date (a time like 23:00 is '
            'written "11pm" or "23:00"); write e.g. "Dec 5 2027 at 9am"'
        )


def _safe_date(year: int, month: int, dom: int, raw: str) -> date:
    try:
        return date(year, month, dom)
    except ValueError:
        raise _fail(raw, "no such date") from None


def _year_of(match_year: str | None, raw: str, today: date) -> int | None:
    if match_year is None:
        return None
    year = int(match_year)
    if len(match_year) == 2:
        year += 2000
    _check_year(year, today.year, raw)
    return year


def _month_day(month: int, dom: int, year: int | None, raw: str) -> Callable[[date], date]:
    """A month and day; without a year, the next one (a date just gone is refused as past)."""
    _safe_date(year or 2028, month, dom, raw)  # Feb 29 exists in a leap year

    def resolve(today: date) -> date:
        if year is not None:
            return _safe_date(year, month, dom, raw)
        # "Jan 5" said in December means next January; a date just gone is an error.
        for y in (today.year, today.year + 1):  # Feb 29 in a year without one is refused
            try:
                day = date(y, month, dom)
            except ValueError:
                continue
            if day >= today - timedelta(days=60):
                return day
        raise _fail(raw, "no such date")

    return resolve


def _iso_date(m: re.Match[str], raw: str, today: date, day_first: bool) -> _DatePhrase:
    # An ISO date's year is never mistaken for a time, so any year is read as written.
    day = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), raw)
    return _DatePhrase(lambda _t: day, relative=False)


def _numeric(m: re.Match[str], raw: str, today: date, day_first: bool) -> _DatePhrase:
    first, second = int(m.group(1)), int(m.group(2))
    month, dom = (second, first) if day_first else (first, second)
    order = "day/month" if day_first else "month/day"
    if not 1 <= month <= 12 or not 1 <= dom <= 31:
        raise _fail(raw, f"numeric dates here are {order}, so {m.group(0)} is not a date")
    year = _year_of(m.group(3), raw, today)
    return _DatePhrase(_month_day(month, dom, year, raw), relative=year is None)


def _nth_weekday(m: re.Match[str], raw: str, today: date, day_first: bool) -> _DatePhrase:
    nth, target, which = _NTH[m.group(1)], _WEEKDAYS[m.group(2)[:3]], m.group(3)
    month_name, year_s = m.group(4), m.group(5)

    def resolve(t: date) -> date:
        if month_name is not None:
            month = _MONTHS[month_name[:3]]
            year = _year_of(year_s, raw, t) or (t.year + (1 if month < t.month else 0))
        else:
            first = t.replace(day=1) + relativedelta(months=1 if which == "next" else 0)
            year, month = first.year, first.month
        start = date(year, month, 1)
        if nth > 0:
            day = start + relativedelta(weekday=weekday(target)(+nth))
        else:
            day = start + relativedelta(day=31, weekday=weekday(target)(-1))
        if day.month != month:
            raise _fail(raw, f"that month has no {m.group(1)} {_DAY_NAMES[target]}")
        return day

    return _DatePhrase(resolve, relative=year_s is None)


def _month_day_words(m: re.Match[str], raw: str, today: date, day_first: bool) -> _DatePhrase:
    month, dom = _MONTHS[m.group(1)[:3]], int(m.group(2))
    year = _year_of(m.group(3), raw, today)
    return _DatePhrase(_month_day(month, dom, year, raw), relative=year is None)


def _day_month_words(m: re.Match[str], raw: str, today: date, day_first: bool) -> _DatePhrase:
    dom, month = int(m.group(1)), _MONTHS[m.group(2)[:3]]
    year = _year_of(m.group(3), raw, today)
    return _DatePhrase(_month_day(month, dom, year, raw), relative=year is None)


def _month_year(m: re.Match[str], raw: str, today: date, day_first: bool) -> _DatePhrase:
    """ "June 2027": the month's last day, usable only as an end date ("until: June 2027")."""
    month = _MONTHS[m.group(1)[:3]]
    year = _year_of(m.group(2), raw, today) or today.year
    last = date(year, month, calendar.monthrange(year, month)[1])
    return _DatePhrase(lambda _t: last, relative=False, month_only=True)


def _ordinal_day(m: re.Match[str], raw: str, today: date, day_first: bool) -> _DatePhrase:
    """ "the 15th": the next 15th (this month if not yet past, else the next month with one)."""
    dom = int(m.group(1))
    if not 1 <= dom <= 31:
        raise _fail(raw, "no such date")

    def resolve(t: date) -> date:
        first = t.replace(day=1)
        for ahead in range(13):
            month = first + relativedelta(months=ahead)
            if dom <= calendar.monthrange(month.year, month.month)[1]:
                day = month.replace(day=dom)
                if day >= t:
                    return day
        raise _fail(raw, "no such date")  # pragma: no cover - some month has every day

    return _DatePhrase(resolve, relative=True)


def _end_of(m: re.Match[str], raw: str, today: date, day_first: bool) -> _DatePhrase:
    """ "end of month", "end of next month", "end of day", "eod": that day's end."""
    what = m.group(0)
    if "month" in what:
        ahead = 1 if "next" in what else 0

        def resolve(t: date) -> date:
            month = t.replace(day=1) + relativedelta(months=ahead)
            return month + relativedelta(day=31)

        return _DatePhrase(resolve, relative=True)
    return _DatePhrase(lambda t: t, relative=True)


def _day_word(m: re.Match[str], raw: str, today: date, day_first: bool) -> _DatePhrase:
    ahead = {"today": 0, "tomorrow": 1, "tmrw": 1}.get(m.group(1), 2)
    return _DatePhrase(lambda t: t + timedelta(days=ahead), relative=True)


def _weekday(m: re.Match[str], raw: str, today: date, day_first: bool) -> _DatePhrase:
    """ "Tuesday", "next Tuesday": the first such day after today; "this Tuesday" may be today."""
    target = _WEEKDAYS[m.group(2)[:3]]
    this = m.group(1) == "this"

    def resolve(t: date) -> date:
        if this and target == t.weekday():
            return t
        day: date = t + relativedelta(days=+1, weekday=weekday(target))
        return day

    return _DatePhrase(resolve, relative=True, weekday=target)


_Reader = Callable[[re.Match[str], str, date, bool], _DatePhrase]
_DATE_READERS: list[tuple[re.Pattern[str], _Reader]] = [
    (re.compile(r"(?<![\d/.:])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d:])"), _iso_date),
    (re.compile(r"(?<![\d/.:])(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\d/:])"), _numeric),
    (
        re.compile(
            rf"\b({_NTH_RE})\s+{_WEEKDAY_RE}\s+(?:of|in)\s+(?:(next|this|the)\s+month"
            rf"|{_MONTH_RE}(?:\s+(\d{{4}}))?)(?![a-z\d])"
        ),
        _nth_weekday,
    ),
    (
        re.compile(
            rf"\b{_MONTH_RE}\s+(?:the\s+)?(\d{{1,2}}){_ORD}?(?![\d:a-z])(?:\s+(\d{{4}}))?"
            r"(?![\d:])"
        ),  # fmt: skip
        _month_day_words,
    ),
    (
        re.compile(
            rf"\b(\d{{1,2}}){_ORD}?\s+(?:of\s+)?{_MONTH_RE}(?![a-z])(?:\s+(\d{{4}}))?"
            r"(?![\d:])"
        ),  # fmt: skip
        _day_month_words,
    ),
    (re.compile(rf"\b{_MONTH_RE}\s+(\d{{4}})(?![\d:])"), _month_year),
    (re.compile(rf"(?:\bthe\s+)?\b(\d{{1,2}}){_ORD}\b"), _ordinal_day),
    (
        re.compile(
            r"\b(?:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+|next\s+)?(?:month|day|today)|eod)\b"
        ),
        _end_of,
    ),
    (re.compile(r"\b(today|tomorrow|tmrw|(?:the\s+)?day\s+after\s+tomorrow)\b"), _day_word),
    (re.compile(rf"\b(?:(next|this|on|coming)\s+)?{_WEEKDAY_RE}\b"), _weekday),
]


# ---------------------------------------------------------------- times of day

_MERIDIEM = r"\s*(am|pm)(?![a-z])"
_CLOCK_READERS: list[tuple[str, re.Pattern[str]]] = [
    ("hms", re.compile(rf"(?<![\d/.:])(\d{{1,2}}):(\d{{2}})(?::(\d{{2}}))?(?:{_MERIDIEM})?(?![\d:])")),  # noqa: E501
    ("dot", re.compile(rf"(?<![\d/.:])(\d{{1,2}})\.(\d{{2}}){_MERIDIEM}")),
    ("hour_m", re.compile(rf"(?<![\d/.:])(\d{{1,2}}){_MERIDIEM}")),
    ("word", re.compile(r"\b(noon|midday|midnight)\b")),
    ("bare", re.compile(r"(?<![\d/.:])(\d{1,2})(?:\s*o'?clock)?(?![\d:./])")),
]  # fmt: skip


def _take_clock(text: str, raw: str, period: str | None, has_date: bool) -> tuple[time | None, str]:
    """Remove the one time of day in `text`; a bare hour needs "at", a date or a part of day."""
    for kind, pattern in _CLOCK_READERS:
        match = pattern.search(text)
        if match is None:
            continue
        rest = _cut(text, match)
        if kind == "bare" and not (
            has_date or period or re.search(r"\bat\s*$", text[: match.start()])
        ):
            return None, text
        clock = _clock(kind, match, raw, period)
        if any(p.search(rest) for k, p in _CLOCK_READERS if k != "bare") or re.search(
            r"(?<![\d/.:])\d{1,2}(?![\d:./])", rest
        ):
            raise _fail(raw, "it has more than one time of day")
        return clock, rest
    return None, text


def _clock(kind: str, m: re.Match[str], raw: str, period: str | None) -> time:
    if kind == "word":
        if period is not None:
            raise _fail(raw, f"{m.group(1)} and a part of the day together are unclear")
        return time(0, 0) if m.group(1) == "midnight" else time(12, 0)
    hour_s = m.group(1)
    hour = int(hour_s)
    minute = int(m.group(2)) if kind in ("hms", "dot") else 0
    second = int(m.group(3) or 0) if kind == "hms" else 0
    meridiem = m.groups()[-1] if kind != "bare" else None
    if kind == "hms":
        meridiem = m.group(4)
    if minute > 59 or second > 59:
        raise _fail(raw, "minutes must be 00–59")
    if meridiem:
        if not 1 <= hour <= 12:
            raise _fail(raw, "with am/pm the hour must be 1–12")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
        if period is not None and hour not in _PERIODS[period][1]:
            raise _fail(raw, f"{_clock_text(hour, minute)} is not in the {period}")
        return time(hour, minute, second)
    if hour > 23:
        raise _fail(raw, "the hour must be 0–23")
    if period is not None:
        bare_hours, hours24 = _PERIODS[period]
        if hour in bare_hours and not hour_s.startswith("0"):
            hour = hour if period == "morning" else hour + 12
        elif hour == 12 and period == "afternoon":
            hour = 12
        elif hour not in hours24:
            raise _fail(raw, f"{hour_s} is not a time in the {period}")
        return time(hour, minute, second)
    if 1 <= hour <= 7 and not hour_s.startswith("0"):
        raise TimeParseError(
            f'"{raw.strip()}" is ambiguous: {hour} in the morning or the afternoon? '
            f'Write "{hour}am", "{hour}pm" or "{hour + 12}:{minute:02d}"'
        )
    return time(hour, minute, second)


def _clock_text(hour: int, minute: int) -> str:
    return f"{hour:02d}:{minute:02d}"


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
