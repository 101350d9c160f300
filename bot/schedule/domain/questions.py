"""Answer schedule questions ("when is the next meeting?") from the live store, not from documents.

`answer_schedule_question` is deliberately conservative: it answers only when the question asks
*when* something on the schedule happens (or what is coming up) and returns None for everything
else, so questions about the documents — "how do members establish meeting norms?" — still go to
the search index. Callers (the `ask` command, the cog, the console) try this first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bot.schedule.domain.display import discord_time, format_duration, local_time
from bot.schedule.domain.models import Item, Kind, Occurrence

if TYPE_CHECKING:
    from bot.schedule.domain.service import ScheduleService

Intent = Literal["next_meeting", "deadline", "upcoming"]

_NOT_SCHEDULE = re.compile(
    r"\bmeeting\s+(norms?|notes|minutes|agendas?|expectations|etiquette|rules|structure)\b"
    r"|\b(norms?|minutes|agenda)\s+(for|of)\s+(the\s+)?meetings?\b"
)
_WHEN = (
    r"(when|what time|what day|what date|how soon|how long until|how long till|what'?s the date)"
)
_UPCOMING = re.compile(
    r"\b(what'?s|what is|what are|anything|is there anything|is anything)\s+"
    r"(coming up|upcoming|on the (schedule|calendar)|scheduled|happening (soon|this week|next))"
    r"|\bupcoming\s+(events|meetings|deadlines|dates|items)\b"
    r"|^(upcoming|schedule|calendar|what'?s next)$"
    r"|\bwhat'?s on (this|next) week\b"
)
_MEETING = re.compile(r"\b(meetings?|meet|call|gathering)\b")
_DEADLINE = re.compile(r"\b(deadlines?|due)\b")
_NEXT = re.compile(r"\b(next|upcoming|coming)\b")
_STOP = set(
    "a an the is are was were be when what whats what's time day date next upcoming coming our "
    "we us do does did of for to in on at by it its this that there any anything meeting meetings "
    "meet deadline deadlines due how soon long until till s schedule scheduled i my me you your "
    "will can could should would please tell know about".split()
)


@dataclass(frozen=True)
class ScheduleAnswer:
    """A schedule answer in two renderings plus the occurrences it is about.

    `text` shows server-zone times (console, CLI); `discord_text` uses `<t:…:F>`/`<t:…:R>` tags
    so each member sees their own local time and marks titles in **bold** (Markdown); `text` is
    plain, for a terminal and the `ask --json` contract.
    """

    intent: Intent
    text: str
    discord_text: str
    occurrences: tuple[Occurrence, ...]
    #: The schedule holds an item the question is about (not only "nothing like that is on
    #: the schedule", nor any meeting for a topic no meeting title has): then the documents
    #: get the first chance to answer (see `bot.ask.routing.answer_question`).
    matched: bool = True


def classify(question: str) -> Intent | None:
    """Which schedule question this is, or None when it is not one."""
    q = _normalize(question)
    if not q or _NOT_SCHEDULE.search(q):
        return None
    if _UPCOMING.search(q):
        return "upcoming"
    asks_when = re.search(rf"\b{_WHEN}\b", q) is not None or q.startswith("when")
    if _DEADLINE.search(q) and (asks_when or _NEXT.search(q)):
        return "deadline"
    if _MEETING.search(q) and (asks_when or (_NEXT.search(q) and "?" in question)):
        return "next_meeting"
    return None


def answer_schedule_question(question: str, service: ScheduleService) -> ScheduleAnswer | None:
    """Answer a schedule question from `service`'s live data, or None if it is not one."""
    intent = classify(question)
    if intent is None:
        return None
    topic = _topic(question)
    if intent == "upcoming":
        return _upcoming(service, _kind_hint(question))
    if intent == "deadline":
        return _about(service, "deadline", topic)
    return _about(service, "meeting", topic)


def _normalize(text: str) -> str:
    text = text.lower().replace("’", "'").strip()
    text = re.sub(r"[^\w'\s-]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _topic(question: str) -> list[str]:
    words = re.findall(r"[a-z0-9][a-z0-9-]*", _normalize(question))
    return [w for w in words if w not in _STOP and len(w) > 2]


def _kind_hint(question: str) -> Kind | None:
    q = _normalize(question)
    has_d, has_m = bool(_DEADLINE.search(q)), bool(_MEETING.search(q))
    if has_d and not has_m:
        return "deadline"
    if has_m and not has_d:
        return "meeting"
    return None


def _score(item: Item, topic: list[str]) -> int:
    title = item.title.lower()
    return sum(1 for word in topic if word[:6] in title)


def _best(occs: list[Occurrence], topic: list[str]) -> list[Occurrence]:
    """The occurrences whose titles share the most topic words (none if no word matches)."""
    scores = [_score(o.item, topic) for o in occs]
    top = max(scores, default=0)
    return [o for o, s in zip(occs, scores, strict=True) if top and s == top]


def _line(occ: Occurrence, service: ScheduleService, *, discord: bool) -> str:
    item = occ.item
    when = discord_time(occ.start) if discord else local_time(occ.start, service.tz)
    verb = "is due" if item.kind == "deadline" else "is on"
    extra = []
    if item.kind == "meeting":
        extra.append(format_duration(item.duration))
    if item.location:
        extra.append(item.location)
    if item.link:
        extra.append(item.link)
    tail = f" ({', '.join(extra)})" if extra else ""
    note = " (approximate date)" if item.approximate else ""
    title = f"**{item.title}**" if discord else item.title
    return f"{title} {verb} {when}{tail}{note}"


def _about(service: ScheduleService, kind: Kind, topic: list[str]) -> ScheduleAnswer:
    intent: Intent = "deadline" if kind == "deadline" else "next_meeting"
    upcoming = service.upcoming(kind, days=366)
    noun = "meeting" if kind == "meeting" else "deadline"
    matched = _best(upcoming, topic) if topic else upcoming
    on_topic = bool(matched)
    if topic and not matched and kind == "meeting":
        matched = upcoming  # "the next coalition meeting": any meeting is the useful answer
    if matched:
        first = matched[0]
        lead = f"The next {noun}: " if kind == "meeting" or not topic else ""
        return ScheduleAnswer(
            intent,
            lead + _line(first, service, discord=False) + ".",
            lead + _line(first, service, discord=True) + ".",
            (first,),
            on_topic,
        )
    wanted = f"{' '.join(topic)} {noun}" if topic else noun
    past = [
        last for item in service.items(kind) if (last := service.last_occurrence(item)) is not None
    ]
    past = _best(past, topic) if topic else past
    past.sort(key=lambda o: o.start)
    text = f"No upcoming {wanted} is on the schedule."
    discord = text
    occs: tuple[Occurrence, ...] = ()
    if past:
        last = past[-1]
        verb = "was due" if kind == "deadline" else "was on"
        note = " (approximate date)" if last.item.approximate else ""
        text += (
            f" The most recent, {last.item.title}, {verb} "
            f"{local_time(last.start, service.tz)}{note} — that date has passed."
        )
        discord += (
            f" The most recent, **{last.item.title}**, {verb} {discord_time(last.start)}{note}"
            " — that date has passed."
        )
        occs = (last,)
    elif topic and upcoming:
        text += (
            " Upcoming "
            + noun
            + "s: "
            + "; ".join(_line(o, service, discord=False) for o in upcoming[:3])
        )
        discord += (
            " Upcoming "
            + noun
            + "s: "
            + "; ".join(_line(o, service, discord=True) for o in upcoming[:3])
        )
        occs = tuple(upcoming[:3])
    return ScheduleAnswer(intent, text, discord, occs, matched=False)


def _upcoming(service: ScheduleService, kind: Kind | None) -> ScheduleAnswer:
    occs = service.upcoming(kind, days=30, limit=5)
    what = {"meeting": "meetings", "deadline": "deadlines", None: "meetings or deadlines"}[kind]
    if not occs:
        text = f"No {what} are scheduled in the next 30 days."
        return ScheduleAnswer("upcoming", text, text, ())
    head = f"Coming up in the next 30 days ({what}):"
    plain = "\n".join(["- " + _line(o, service, discord=False) for o in occs])
    disc = "\n".join(["- " + _line(o, service, discord=True) for o in occs])
    return ScheduleAnswer("upcoming", f"{head}\n{plain}", f"{head}\n{disc}", tuple(occs))
