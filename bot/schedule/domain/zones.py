"""Zone suffixes people add to a time ("5pm MT", "3pm ET", "noon UTC", "11 am utc+02:00").

Only names that mean one thing in a US deployment are read: the US zone letters (ET, CT, MT, PT,
AKT, HST and their standard/daylight forms), the words eastern/central/mountain/pacific, UTC/GMT
and UTC/GMT offsets. A standard or daylight abbreviation ("MST", "EDT") is a claim about the date:
`check_abbreviation` refuses "5pm MST" in July rather than guess whether the writer meant Mountain
time or the fixed offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from bot.schedule.domain.errors import TimeParseError

_REGIONS = {
    "e": ("America/New_York", "Eastern"),
    "c": ("America/Chicago", "Central"),
    "m": ("America/Denver", "Mountain"),
    "p": ("America/Los_Angeles", "Pacific"),
    "ak": ("America/Anchorage", "Alaska"),
}
_WORDS = {"eastern": "e", "central": "c", "mountain": "m", "pacific": "p", "alaska": "ak"}
_OFFSET = re.compile(r"\b(?:utc|gmt)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?(?![\d:])")
_NAMED = re.compile(
    r"\b(utc|gmt|hst|hawaii|eastern|central|mountain|pacific|alaska|(ak|e|c|m|p)([sd]?)t)\b"
    r"(?:\s+time\b)?"
)


@dataclass(frozen=True)
class ZoneSpec:
    """A zone named in the text: where to read the wall time, and what the text claimed."""

    zone: tzinfo
    label: str
    daylight: bool | None = None  # True for "MDT", False for "MST", None for "MT"/"UTC"
    region: str = ""


def take_zone(text: str) -> tuple[ZoneSpec | None, str]:
    """Remove one zone suffix from `text`; return it (or None) and the rest."""
    found: list[tuple[ZoneSpec, re.Match[str]]] = []
    for match in _OFFSET.finditer(text):
        found.append((_offset(match), match))
    rest = _OFFSET.sub(" ", text)
    for match in _NAMED.finditer(rest):
        found.append((_named(match), match))
    if len(found) > 1:
        raise TimeParseError(f'"{text}" names more than one time zone; keep one')
    if not found:
        return None, text
    rest = _NAMED.sub(" ", rest)
    return found[0][0], re.sub(r"\s+", " ", rest).strip()


def check_abbreviation(spec: ZoneSpec, local: datetime, raw: str) -> None:
    """Refuse "MST" on a date when Mountain time is MDT (and the like)."""
    if spec.daylight is None:
        return
    in_dst = bool(local.dst())
    if in_dst != spec.daylight:
        actual = local.tzname() or ""
        raise TimeParseError(
            f'"{raw.strip()}": {spec.label} is not in use on {local:%b} {local.day} {local.year} '
            f"({spec.region} time is {actual} then); write {spec.region} time as "
            f'"{_letters(spec)}" or give the offset, e.g. "UTC{_offset_text(local)}"'
        )


def _named(match: re.Match[str]) -> ZoneSpec:
    word = match.group(1)
    if word in ("utc", "gmt"):
        return ZoneSpec(UTC, word.upper())
    if word in ("hst", "hawaii"):
        return ZoneSpec(ZoneInfo("Pacific/Honolulu"), "HST")
    key = _WORDS.get(word) or match.group(2)
    name, region = _REGIONS[key]
    kind = match.group(3) if key == match.group(2) else ""
    daylight = {"s": False, "d": True}.get(kind or "")
    return ZoneSpec(ZoneInfo(name), word.upper(), daylight, region)


def _offset(match: re.Match[str]) -> ZoneSpec:
    sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
    if hours > 14 or minutes not in (0, 15, 30, 45):
        raise TimeParseError(f'"{match.group(0)}" is not a real UTC offset; e.g. "UTC+02:00"')
    delta = timedelta(hours=hours, minutes=minutes)
    offset = timezone(-delta if sign == "-" else delta)
    return ZoneSpec(offset, f"UTC{sign}{hours:02d}:{minutes:02d}")


def _letters(spec: ZoneSpec) -> str:
    return spec.label[:-2] + "T" if len(spec.label) >= 3 else spec.label


def _offset_text(local: datetime) -> str:
    offset = local.utcoffset() or timedelta(0)
    total = int(offset.total_seconds() // 60)
    sign = "-" if total < 0 else "+"
    return f"{sign}{abs(total) // 60:02d}:{abs(total) % 60:02d}"
