"""What the bot remembers in SQLite: the question log, 👍/👎 feedback and the admin audit log.

Tables live on the `bot` migration track of the shared database (`bot.common.db.migrate`). All
times are stored as UTC ISO 8601 text. Every write is one real transaction
(`bot.common.db.transaction`: `BEGIN IMMEDIATE` … `COMMIT`, rolled back on any error) behind a
lock, so the stores can be called from worker threads (`asyncio.to_thread`) and from the console
alike, never two at once on one connection.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.common.db import migrate, quick_check, transaction
from index.smalltalk import small_talk_reply

Clock = Callable[[], datetime]

MIGRATIONS: list[str] = [
    """
    CREATE TABLE bot_questions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        asked_at TEXT NOT NULL,
        user_id INTEGER NOT NULL,
        guild_id INTEGER,
        channel_id INTEGER,
        question TEXT NOT NULL,
        normalized TEXT NOT NULL,
        answered INTEGER NOT NULL,
        top_source TEXT
    );
    CREATE INDEX bot_questions_gaps ON bot_questions(answered, asked_at);
    CREATE TABLE bot_feedback (
        question_id INTEGER NOT NULL REFERENCES bot_questions(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL,
        vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
        voted_at TEXT NOT NULL,
        PRIMARY KEY (question_id, user_id)
    );
    CREATE TABLE bot_audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor_id INTEGER NOT NULL,
        actor_name TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL,
        outcome TEXT NOT NULL
    );
    CREATE TABLE bot_escalations (
        question_id INTEGER NOT NULL REFERENCES bot_questions(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL,
        escalated_at TEXT NOT NULL,
        PRIMARY KEY (question_id, user_id)
    );
    """,
    "CREATE INDEX bot_audit_action ON bot_audit(action, id);",
    # The answer's coverage of the question (NULL: refused, small talk or from the schedule), so
    # /gaps can list weak answers too, not only refusals.
    """
    ALTER TABLE bot_questions ADD COLUMN coverage REAL;
    """,
]


def utcnow() -> datetime:
    """The default clock: aware UTC now."""
    return datetime.now(UTC)


def normalize_question(text: str) -> str:
    """Fold case, punctuation and spacing so repeats of one question group together in /gaps."""
    return " ".join(re.findall(r"[a-z0-9']+", text.lower())).strip("'")


#: Whole questions that are commands or tests typed into /ask, not something the documents lack.
JUNK_QUESTIONS = frozenset(
    "quit exit q x bye goodbye stop cancel end close test testing tests asdf qwerty help menu "
    "start restart ping none nothing idk na n/a".split()
)
VOWELS = frozenset("aeiouy")


def fold_key(text: str) -> str:
    """The key repeats of one question share: letters and digits only, in any script and case
    ("What's the Alliance’s mission?!" and "whats the alliances mission" fold together)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def is_junk(question: str) -> bool:
    """True for what no document could answer and no officer can act on: an empty, emoji- or
    punctuation-only or one-character question, one character repeated ("???", "aaaa"), a
    command typed as a question (`JUNK_QUESTIONS`: "quit", "exit", "test"), a keyboard mash
    without vowels ("sdfgh"), and small talk logged before it was recognised ("lol", "thanks")."""
    key = fold_key(question)
    if len(set(key)) <= 1:
        return True
    words = unicodedata.normalize("NFKC", question).casefold().split()
    if " ".join(words).strip(".!?,;:/ ") in JUNK_QUESTIONS:
        return True
    if len(words) == 1 and key.isascii() and key.isalpha() and not (set(key) & VOWELS):
        return True
    return small_talk_reply(question) is not None


@dataclass(frozen=True, slots=True)
class LoggedQuestion:
    """One asked question as logged."""

    id: int
    asked_at: datetime
    user_id: int
    guild_id: int | None
    channel_id: int | None
    question: str
    answered: bool


@dataclass(frozen=True, slots=True)
class Gap:
    """A question the corpus seems not to answer: abstained on, voted 👎, or answered weakly
    (`weak` times, the best of those answers covering `coverage` of the question's words, from
    `source`). Repeats are folded into one gap (`times`)."""

    question: str
    times: int
    abstained: int
    downvotes: int
    last_asked: datetime
    weak: int = 0
    coverage: float | None = None
    source: str | None = None

    @property
    def weight(self) -> int:
        """How strongly members ran into this gap (the order of /gaps)."""
        return self.abstained + self.downvotes + self.weak


@dataclass(frozen=True, slots=True)
class Handoffs:
    """ "Ask a person" counts: this question's hand-offs, and one member's in a recent window."""

    question: int
    member_recent: int
    member_oldest: datetime | None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One admin action: who, what, when, and how it ended."""

    at: datetime
    actor_id: int
    actor_name: str
    action: str
    detail: str
    outcome: str


def fold(groups: Iterable[Gap]) -> list[Gap]:
    """Merge gaps whose questions share a `fold_key`, adding their counts; the wording asked
    most often stands for the group."""
    merged: dict[str, Gap] = {}
    for gap in groups:
        key = fold_key(gap.question)
        old = merged.get(key)
        if old is None:
            merged[key] = gap
            continue
        main = old if old.times >= gap.times else gap
        weak = [g.coverage for g in (old, gap) if g.coverage is not None]
        merged[key] = Gap(
            question=main.question,
            times=old.times + gap.times,
            abstained=old.abstained + gap.abstained,
            downvotes=old.downvotes + gap.downvotes,
            last_asked=max(old.last_asked, gap.last_asked),
            weak=old.weak + gap.weak,
            coverage=max(weak) if weak else None,
            source=main.source or old.source or gap.source,
        )
    return list(merged.values())


class Records:
    """Question log, feedback and audit log over one SQLite connection."""

    def __init__(self, conn: sqlite3.Connection, *, clock: Clock = utcnow) -> None:
        self._conn = conn
        self._clock = clock
        self._lock = threading.Lock()
        with self._lock:
            migrate(conn, "bot", MIGRATIONS)

    def _now(self) -> str:
        return self._clock().astimezone(UTC).isoformat()

    # -- question log --------------------------------------------------------------------------

    def log_question(
        self,
        *,
        user_id: int,
        question: str,
        answered: bool,
        top_source: str | None = None,
        guild_id: int | None = None,
        channel_id: int | None = None,
        coverage: float | None = None,
    ) -> int:
        """Store one asked question and return its id (buttons carry this id); `coverage` is
        the answer's coverage of the question (`Answer.coverage`), None when not searched."""
        with self._lock, transaction(self._conn):
            cur = self._conn.execute(
                "INSERT INTO bot_questions(asked_at, user_id, guild_id, channel_id, question,"
                " normalized, answered, top_source, coverage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self._now(),
                    user_id,
                    guild_id,
                    channel_id,
                    question,
                    normalize_question(question),
                    int(answered),
                    top_source,
                    coverage,
                ),
            )
            return int(cur.lastrowid or 0)

    def question(self, question_id: int) -> LoggedQuestion | None:
        """The logged question with this id, or None."""
        with self._lock:
            row = self._conn.execute(
                "SELECT * FROM bot_questions WHERE id = ?", (question_id,)
            ).fetchone()
        if row is None:
            return None
        return LoggedQuestion(
            id=row["id"],
            asked_at=datetime.fromisoformat(row["asked_at"]),
            user_id=row["user_id"],
            guild_id=row["guild_id"],
            channel_id=row["channel_id"],
            question=row["question"],
            answered=bool(row["answered"]),
        )

    def question_count(self) -> int:
        """How many questions have been logged."""
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM bot_questions").fetchone()[0])

    # -- feedback ------------------------------------------------------------------------------

    def vote(self, question_id: int, user_id: int, vote: int) -> bool:
        """Record (or change) `user_id`'s 👍 (+1) / 👎 (-1); False if the vote was already that."""
        if vote not in (-1, 1):
            raise ValueError("vote must be +1 or -1")
        with self._lock, transaction(self._conn):
            row = self._conn.execute(
                "SELECT vote FROM bot_feedback WHERE question_id = ? AND user_id = ?",
                (question_id, user_id),
            ).fetchone()
            if row is not None and int(row[0]) == vote:
                return False
            self._conn.execute(
                "INSERT INTO bot_feedback(question_id, user_id, vote, voted_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(question_id, user_id) DO UPDATE SET vote = excluded.vote,"
                " voted_at = excluded.voted_at",
                (question_id, user_id, vote, self._now()),
            )
            return True

    def votes(self, question_id: int) -> tuple[int, int]:
        """(👍 count, 👎 count) for one question."""
        with self._lock:
            row = self._conn.execute(
                "SELECT COALESCE(SUM(vote = 1), 0), COALESCE(SUM(vote = -1), 0)"
                " FROM bot_feedback WHERE question_id = ?",
                (question_id,),
            ).fetchone()
        return int(row[0]), int(row[1])

    def mark_escalated(self, question_id: int, user_id: int) -> bool:
        """Remember that `user_id` sent this question to a person; False if already done.

        Called only once the officers' post went out, so a row means "the officers have it"."""
        with self._lock, transaction(self._conn):
            cur = self._conn.execute(
                "INSERT OR IGNORE INTO bot_escalations(question_id, user_id, escalated_at)"
                " VALUES (?, ?, ?)",
                (question_id, user_id, self._now()),
            )
            return cur.rowcount == 1

    def handoffs(self, question_id: int, user_id: int, *, within: timedelta) -> Handoffs:
        """How often this question was passed to a person (by anyone), and how many hand-offs
        `user_id` made in the last `within`, with the oldest of those (the one to expire
        first), for the per-member limit of "Ask a person"."""
        since = (self._clock() - within).astimezone(UTC).isoformat()
        with self._lock:
            done = self._conn.execute(
                "SELECT COUNT(*) FROM bot_escalations WHERE question_id = ?", (question_id,)
            ).fetchone()
            recent = self._conn.execute(
                "SELECT COUNT(*), MIN(escalated_at) FROM bot_escalations"
                " WHERE user_id = ? AND escalated_at > ?",
                (user_id, since),
            ).fetchone()
        oldest = datetime.fromisoformat(recent[1]) if recent[1] else None
        return Handoffs(int(done[0]), int(recent[0]), oldest)

    # -- gaps ----------------------------------------------------------------------------------

    def gaps(self, *, days: int = 30, limit: int = 10, weak_below: float = 0.0) -> list[Gap]:
        """Recent abstained, 👎 or weakly answered (coverage under `weak_below`) questions,
        repeats folded into one (`fold_key`), junk left out (`is_junk`), most frequent first."""
        since = (self._clock() - timedelta(days=days)).astimezone(UTC).isoformat()
        with self._lock:
            rows = self._conn.execute(
                """
                WITH down AS (
                    SELECT question_id, COUNT(*) AS n FROM bot_feedback
                    WHERE vote = -1 GROUP BY question_id
                )
                SELECT q.normalized,
                       MAX(q.question) AS question,
                       COUNT(*) AS times,
                       SUM(q.answered = 0) AS abstained,
                       COALESCE(SUM(down.n), 0) AS downvotes,
                       SUM(q.answered = 1 AND q.coverage IS NOT NULL AND q.coverage < :weak)
                           AS weak,
                       MAX(CASE WHEN q.answered = 1 AND q.coverage < :weak THEN q.coverage END)
                           AS coverage,
                       MAX(CASE WHEN q.answered = 1 AND q.coverage < :weak THEN q.top_source END)
                           AS source,
                       MAX(q.asked_at) AS last_asked
                FROM bot_questions q LEFT JOIN down ON down.question_id = q.id
                WHERE q.asked_at >= :since
                GROUP BY q.normalized
                HAVING abstained > 0 OR downvotes > 0 OR weak > 0
                """,
                {"since": since, "weak": weak_below},
            ).fetchall()
        groups = [
            Gap(
                question=row["question"],
                times=int(row["times"]),
                abstained=int(row["abstained"]),
                downvotes=int(row["downvotes"]),
                last_asked=datetime.fromisoformat(row["last_asked"]),
                weak=int(row["weak"]),
                coverage=row["coverage"],
                source=row["source"],
            )
            for row in rows
            if not is_junk(row["question"])
        ]
        gaps = fold(groups)
        gaps.sort(key=lambda g: (-g.weight, -g.times, -g.last_asked.timestamp()))
        return gaps[:limit]

    # -- audit ---------------------------------------------------------------------------------

    def audit(
        self, *, actor_id: int, actor_name: str, action: str, detail: str, outcome: str
    ) -> None:
        """Append one admin action to the audit log."""
        with self._lock, transaction(self._conn):
            self._conn.execute(
                "INSERT INTO bot_audit(at, actor_id, actor_name, action, detail, outcome)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (self._now(), actor_id, actor_name, action, detail[:2000], outcome[:500]),
            )

    def last_action_at(self, actions: Sequence[str], *, succeeded: bool = True) -> datetime | None:
        """When one of `actions` (exact audit action names) last ran, however many other entries
        came after it (an indexed query). `succeeded` keeps only runs whose outcome was "ok…" or
        "unchanged…", not refused, rejected or failed attempts."""
        if not actions:
            return None
        sql = "SELECT at FROM bot_audit WHERE action IN (SELECT value FROM json_each(?))"
        if succeeded:
            sql += " AND (substr(outcome, 1, 2) = 'ok' OR substr(outcome, 1, 9) = 'unchanged')"
        with self._lock:
            row = self._conn.execute(
                sql + " ORDER BY id DESC LIMIT 1", (json.dumps(list(actions)),)
            ).fetchone()
        return datetime.fromisoformat(row["at"]) if row is not None else None

    def integrity(self) -> list[str]:
        """Problems `PRAGMA quick_check` finds in the database (empty when it is sound)."""
        with self._lock:
            return quick_check(self._conn)

    def audit_log(self, limit: int = 50) -> list[AuditEntry]:
        """The newest audit entries first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM bot_audit ORDER BY id DESC LIMIT ?", (limit,)
            ).fetchall()
        return [
            AuditEntry(
                at=datetime.fromisoformat(r["at"]),
                actor_id=r["actor_id"],
                actor_name=r["actor_name"],
                action=r["action"],
                detail=r["detail"],
                outcome=r["outcome"],
            )
            for r in rows
        ]
