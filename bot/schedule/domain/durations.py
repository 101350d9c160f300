"""Read spans of time people type ("10m", "1h30m", "in half an hour", "a week from now").

A `Span` keeps calendar parts (years, months, days) apart from elapsed time (hours, minutes):
"in a month" or "in 2 days" lands on the same wall-clock time in the server zone, while "in 90
minutes" is exact elapsed time. Nothing here knows about now or zones; `timeparse` applies a span.
Anything not clearly a span returns None (so the caller can try other readings) or raises with a
message that shows how to write it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from bot.schedule.domain.errors import TimeParseError

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60,
    "ninety": 90,
}  # fmt: skip
_UNIT_FORMS = {
    "minutes": ("minutes", "minute", "mins", "min", "m"),
    "hours": ("hours", "hour", "hrs", "hr", "h"),
    "days": ("days", "day", "d"),
    "weeks": ("weeks", "week", "wks", "wk", "w"),
    "months": ("months", "month", "mos", "mo"),
    "years": ("years", "year", "yrs", "yr", "y"),
}
UNITS = {form: unit for unit, forms in _UNIT_FORMS.items() for form in forms}
_UNIT_RE = "|".join(sorted(UNITS, key=len, reverse=True))
_WORD_RE = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_PART = re.compile(
    rf"(?:(?P<half>half\s+an?)\s+|(?P<n>\d+(?:\.\d+)?)\s*|(?P<w>{_WORD_RE})\s+)"
    rf"(?P<unit>{_UNIT_RE})(?![a-z])"
    r"(?P<andhalf>\s+and\s+a\s+half)?"
)
_SEPARATOR = re.compile(r"\s*(?:,|\band\b)?\s*")
_LEAD_IN = re.compile(r"^(?:in|\+)\s*(?:(?:about|around|roughly|approximately|approx\.?|~)\s*)?")
_TRAIL = re.compile(r"\s+(?:from\s+now|from\s+today|later|hence)$")
MAX_SPAN_DAYS = 3660  # ten years: anything further is a typo, not a plan


@dataclass(frozen=True)
class Span:
    """Calendar parts (applied to the wall clock) plus exact elapsed seconds."""

    years: int = 0
    months: int = 0
    days: int = 0
    seconds: float = 0.0

    @property
    def calendar(self) -> bool:
        """Whether the span moves the calendar (days or longer), not just the clock."""
        return bool(self.years or self.months or self.days)

    def rough_days(self) -> float:
        """A size estimate for range checks (a month counts 31 days)."""
        return self.years * 366 + self.months * 31 + self.days + self.seconds / 86400


def read_span(text: str) -> Span | None:
    """The span `text` is made of entirely ("1h 30m", "2 hours and 15 minutes"), or None.

    Raises when it is clearly a span but not a usable one (zero, fractions of a month, too far).
    """
    text = text.strip()
    pos, found = 0, False
    seen: set[str] = set()
    years = months = days = 0
    seconds = 0.0
    while pos < len(text):
        if found:
            sep = _SEPARATOR.match(text, pos)
            pos = sep.end() if sep else pos
        match = _PART.match(text, pos)
        if match is None:
            return None
        found = True
        pos = match.end()
        amount = 0.5 if match.group("half") else _number(match.group("n") or match.group("w"))
        if match.group("andhalf"):
            amount += 0.5
        unit = UNITS[match.group("unit")]
        if unit in seen:
            return None  # "1 hour 1 hour" is a slip, not a span
        seen.add(unit)
        if unit in ("years", "months"):
            if amount != int(amount):
                raise TimeParseError(
                    f'"{text}": a fraction of a {unit[:-1]} is not a clear time; write it in '
                    'weeks or days, e.g. "in 6 weeks"'
                )
            if unit == "years":
                years += int(amount)
            else:
                months += int(amount)
        elif unit in ("days", "weeks"):
            whole = amount * (7 if unit == "weeks" else 1)
            days += int(whole)
            seconds += (whole - int(whole)) * 86400
        else:
            seconds += amount * (3600 if unit == "hours" else 60)
    if not found:
        return None
    span = Span(years, months, days, seconds)
    if span.rough_days() <= 0:
        raise TimeParseError(f'"{text}" is no time at all; give a time in the future')
    if span.rough_days() > MAX_SPAN_DAYS:
        raise TimeParseError(f'"{text}" is more than ten years away; check the number')
    return span


def read_relative(text: str) -> Span | None:
    """A "from now" phrase: "in 5 minutes", "+30m", "a week from now", "3 days", or None."""
    body = _TRAIL.sub("", text.strip())
    body = _LEAD_IN.sub("", body, count=1)
    if not body:
        return None
    return read_span(body)


def span_to_timedelta(span: Span, text: str) -> timedelta:
    """A span as a fixed length (for reminder lead times); months and years are refused."""
    if span.years or span.months:
        raise TimeParseError(
            f'"{text.strip()}": a lead time in months or years is not fixed; use weeks or days'
        )
    return timedelta(days=span.days, seconds=span.seconds)


def _number(token: str) -> float:
    return NUMBER_WORDS[token] if token in NUMBER_WORDS else float(token)
