"""SQLite persistence of the schedule: items, materialised reminders, deliveries, subscriptions.

Tables (component "schedule" in `bot.common.db.migrate`):
- `schedule_items`: one row per meeting/deadline; times as Unix seconds UTC.
- `schedule_reminders`: one row per (item, occurrence, lead), the moment a reminder falls due.
  Recurring items are materialised only up to a horizon (`materialized_until`), refilled by the
  scheduler, so an endless weekly meeting costs a bounded number of rows.
- `schedule_deliveries`: one row per (reminder, target) where target is the item's channel or a
  subscribed member's DMs; the exactly-once ledger (pending -> sending -> sent|failed|dropped).
- `schedule_subscriptions`: DM opt-in/out per user, per item or for all (item_id 0).
- `schedule_meta`: a `generation` counter bumped by every schedule write, for cheap change checks,
  and `install`, a random 48-bit token drawn once per database (see `install_token`).

Every write helper here expects to run inside `transaction(conn)`.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.common import db
from bot.schedule.domain import recurrence
from bot.schedule.domain.models import Item, Kind, Status, ts, utc_from_ts

COMPONENT = "schedule"
MIGRATIONS: list[str] = [
    """
    CREATE TABLE schedule_items (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('meeting', 'deadline')),
        title TEXT NOT NULL,
        start_utc INTEGER NOT NULL,
        duration_s INTEGER NOT NULL DEFAULT 0,
        location TEXT,
        link TEXT,
        description TEXT,
        rrule TEXT,
        tz TEXT NOT NULL,
        channel_id INTEGER,
        leads TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'active'
            CHECK (status IN ('active', 'cancelled', 'retired')),
        standing_key TEXT UNIQUE,
        approximate INTEGER NOT NULL DEFAULT 0,
        materialized_until INTEGER,
        refill_utc INTEGER,
        created_utc INTEGER NOT NULL,
        updated_utc INTEGER NOT NULL
    );
    CREATE INDEX schedule_items_refill ON schedule_items(refill_utc)
        WHERE status = 'active' AND rrule IS NOT NULL;
    CREATE TABLE schedule_reminders (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES schedule_items(id) ON DELETE CASCADE,
        occurrence_utc INTEGER NOT NULL,
        lead_s INTEGER NOT NULL,
        due_utc INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'fired', 'skipped')),
        fired_utc INTEGER,
        late INTEGER NOT NULL DEFAULT 0,
        UNIQUE (item_id, occurrence_utc, lead_s)
    );
    CREATE INDEX schedule_reminders_due ON schedule_reminders(due_utc) WHERE state = 'pending';
    CREATE TABLE schedule_deliveries (
        id INTEGER PRIMARY KEY,
        reminder_id INTEGER NOT NULL REFERENCES schedule_reminders(id) ON DELETE CASCADE,
        target TEXT NOT NULL CHECK (target IN ('channel', 'dm')),
        target_id INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'dropped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_utc INTEGER NOT NULL,
        last_error TEXT,
        sent_utc INTEGER,
        UNIQUE (reminder_id, target, target_id)
    );
    CREATE INDEX schedule_deliveries_next ON schedule_deliveries(next_attempt_utc)
        WHERE state = 'pending';
    CREATE TABLE schedule_subscriptions (
        user_id INTEGER NOT NULL,
        item_id INTEGER NOT NULL,
        opted_in INTEGER NOT NULL,
        updated_utc INTEGER NOT NULL,
        PRIMARY KEY (user_id, item_id)
    );
    CREATE INDEX schedule_subscriptions_item ON schedule_subscriptions(item_id);
    CREATE TABLE schedule_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT INTO schedule_meta(key, value) VALUES ('generation', 0);
    """,
    # The delivery ledger learns when a delivery was first claimed (where a reconciliation looks
    # from), whether its last attempt may have reached Discord (`verify`), and how many
    # reconciliation checks have failed; the install gets a random 48-bit token for its nonces.
    """
    ALTER TABLE schedule_deliveries ADD COLUMN claimed_utc INTEGER;
    ALTER TABLE schedule_deliveries ADD COLUMN verify INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE schedule_deliveries ADD COLUMN check_failures INTEGER NOT NULL DEFAULT 0;
    INSERT OR IGNORE INTO schedule_meta(key, value)
        VALUES ('install', random() & 281474976710655);
    """,
]

#: One-occurrence overrides (skip/move) live in their own track so the schedule's stays as it is.
OVERRIDES_COMPONENT = "schedule_overrides"
OVERRIDES_MIGRATIONS: list[str] = [
    "ALTER TABLE schedule_items ADD COLUMN overrides TEXT NOT NULL DEFAULT '[]';",
]

ALL_ITEMS = 0
#: Recurring items keep reminder rows for occurrences up to `now + horizon(item)`.
HORIZON_EXTRA = timedelta(days=28)


#: One write transaction (`BEGIN IMMEDIATE`); nested blocks join the outer one. See `bot.common.db`.
transaction = db.transaction


def bump_generation(conn: sqlite3.Connection) -> None:
    """Record that the schedule changed (read by schedulers in other processes)."""
    conn.execute("UPDATE schedule_meta SET value = value + 1 WHERE key = 'generation'")


def generation(conn: sqlite3.Connection) -> int:
    """The change counter."""
    row = conn.execute("SELECT value FROM schedule_meta WHERE key = 'generation'").fetchone()
    return int(row[0]) if row else 0


def install_token(conn: sqlite3.Connection) -> str:
    """This database's random token (12 hex digits), drawn once by the ledger migration.

    Why random and stored rather than derived from the path: two databases must never share a
    delivery nonce, and two installs can sit at the same path (two hosts, a data dir wiped and
    recreated). A restored backup keeps its token, which is right: it is the same ledger.
    """
    row = conn.execute("SELECT value FROM schedule_meta WHERE key = 'install'").fetchone()
    if row is None:
        raise RuntimeError("the schedule database has no install token (migrations not applied)")
    return f"{int(row[0]):012x}"


def delivery_nonce(install: str, delivery_id: int) -> str:
    """The nonce and marker of one delivery: `<install token>-<delivery id>` (at most 25 chars).

    Discord caps nonces at 25 characters; a 12-digit token, a dash and an id below 10^12 fit.
    """
    return f"{install}-{delivery_id}"


def horizon(item: Item) -> timedelta:
    """How far ahead a recurring item's reminders are materialised."""
    longest = max(item.leads, default=timedelta(0))
    return longest + HORIZON_EXTRA


def row_to_item(row: sqlite3.Row) -> Item:
    """Build an `Item` from a `schedule_items` row."""
    kind: Kind = "meeting" if row["kind"] == "meeting" else "deadline"
    status: Status = row["status"]
    return Item(
        id=int(row["id"]),
        kind=kind,
        title=row["title"],
        start=utc_from_ts(row["start_utc"]),
        duration=timedelta(seconds=row["duration_s"]),
        location=row["location"],
        link=row["link"],
        description=row["description"],
        rrule=row["rrule"],
        tz=row["tz"],
        channel_id=row["channel_id"],
        leads=tuple(timedelta(seconds=s) for s in json.loads(row["leads"])),
        status=status,
        standing_key=row["standing_key"],
        approximate=bool(row["approximate"]),
        created=utc_from_ts(row["created_utc"]),
        updated=utc_from_ts(row["updated_utc"]),
        overrides=_overrides(row["overrides"] if "overrides" in row.keys() else None),
    )


def _overrides(raw: str | None) -> tuple[tuple[datetime, datetime | None], ...]:
    pairs = json.loads(raw) if raw else []
    return tuple(
        (utc_from_ts(int(original)), utc_from_ts(int(new)) if new is not None else None)
        for original, new in pairs
    )


def set_overrides(
    conn: sqlite3.Connection, item_id: int, overrides: tuple[tuple[datetime, datetime | None], ...]
) -> None:
    """Store an item's one-occurrence overrides (sorted by original start)."""
    pairs = sorted([ts(o), ts(n) if n is not None else None] for o, n in overrides)
    conn.execute(
        "UPDATE schedule_items SET overrides = ? WHERE id = ?", (json.dumps(pairs), item_id)
    )
    bump_generation(conn)


def _leads_json(leads: tuple[timedelta, ...]) -> str:
    return json.dumps(sorted({int(lead.total_seconds()) for lead in leads}, reverse=True))


def insert_item(conn: sqlite3.Connection, item: Item) -> int:
    """Insert `item` (its id is ignored) and return the new id."""
    cur = conn.execute(
        "INSERT INTO schedule_items(kind, title, start_utc, duration_s, location, link,"
        " description, rrule, tz, channel_id, leads, status, standing_key, approximate,"
        " created_utc, updated_utc) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (*_item_values(item), ts(item.created), ts(item.updated)),
    )
    bump_generation(conn)
    return int(cur.lastrowid or 0)


def _item_values(item: Item) -> tuple[object, ...]:
    """The stored columns shared by insert and update, in `schedule_items` column order."""
    return (
        item.kind,
        item.title,
        ts(item.start),
        int(item.duration.total_seconds()),
        item.location,
        item.link,
        item.description,
        item.rrule,
        item.tz,
        item.channel_id,
        _leads_json(item.leads),
        item.status,
        item.standing_key,
        int(item.approximate),
    )


def update_item(conn: sqlite3.Connection, item: Item) -> None:
    """Overwrite the stored row of `item.id` with `item`."""
    conn.execute(
        "UPDATE schedule_items SET kind=?, title=?, start_utc=?, duration_s=?, location=?,"
        " link=?, description=?, rrule=?, tz=?, channel_id=?, leads=?, status=?,"
        " standing_key=?, approximate=?, updated_utc=? WHERE id=?",
        (*_item_values(item), ts(item.updated), item.id),
    )
    bump_generation(conn)


def get_item(conn: sqlite3.Connection, item_id: int) -> Item | None:
    """The item with this id, whatever its status."""
    row = conn.execute("SELECT * FROM schedule_items WHERE id = ?", (item_id,)).fetchone()
    return row_to_item(row) if row else None


def get_by_key(conn: sqlite3.Connection, key: str) -> Item | None:
    """The item loaded from the standing schedule under `key`."""
    row = conn.execute("SELECT * FROM schedule_items WHERE standing_key = ?", (key,)).fetchone()
    return row_to_item(row) if row else None


def list_items(
    conn: sqlite3.Connection, *, kind: Kind | None = None, status: Status | None = "active"
) -> list[Item]:
    """Items filtered by kind and status (None = any)."""
    sql = "SELECT * FROM schedule_items WHERE 1=1"
    params: list[object] = []
    if kind is not None:
        sql += " AND kind = ?"
        params.append(kind)
    if status is not None:
        sql += " AND status = ?"
        params.append(status)
    return [row_to_item(r) for r in conn.execute(sql + " ORDER BY start_utc, id", params)]


def standing_keys(conn: sqlite3.Connection) -> dict[str, Item]:
    """Active items that came from the standing schedule, by key."""
    rows = conn.execute(
        "SELECT * FROM schedule_items WHERE standing_key IS NOT NULL AND status = 'active'"
    )
    return {r["standing_key"]: row_to_item(r) for r in rows}


def clear_pending(conn: sqlite3.Connection, item_id: int) -> int:
    """Remove an item's not-yet-fired reminders and drop its undelivered deliveries.

    Used by edit/cancel/retire in the same transaction as the item change, so a scheduler never
    sees a half-updated item. Returns how many pending reminders were removed.
    """
    conn.execute(
        "UPDATE schedule_deliveries SET state = 'dropped', last_error = 'item changed'"
        " WHERE state IN ('pending', 'sending') AND reminder_id IN"
        " (SELECT id FROM schedule_reminders WHERE item_id = ?)",
        (item_id,),
    )
    cur = conn.execute(
        "DELETE FROM schedule_reminders WHERE item_id = ? AND state = 'pending'", (item_id,)
    )
    conn.execute(
        "UPDATE schedule_items SET materialized_until = NULL, refill_utc = NULL WHERE id = ?",
        (item_id,),
    )
    bump_generation(conn)
    return cur.rowcount


def materialize(
    conn: sqlite3.Connection, item: Item, *, after: datetime, now: datetime, fresh: bool
) -> int:
    """Create reminder rows for `item`'s occurrences after `after` (up to its horizon).

    `fresh` (add/edit): leads already due at `now` are not created, and past occurrences never
    are. Refill (`fresh=False`): rows due in the past are created and left to the scheduler's
    late/skip rule, so a bot that was down across a horizon boundary still catches up.
    Existing rows (e.g. already fired) are kept: (item, occurrence, lead) is unique.
    """
    if item.status != "active" or not item.leads:
        return 0
    tz = ZoneInfo(item.tz)
    until = now + horizon(item) if item.recurring else item.start
    created = 0
    rows: list[tuple[int, int, int, int]] = []
    for occ in recurrence.item_occurrences(item, after, until):
        if occ <= now:
            continue
        for lead in item.leads:
            due = occ - lead
            if fresh and due <= now:
                continue
            rows.append((item.id, ts(occ), int(lead.total_seconds()), ts(due)))
    if rows:
        cur = conn.executemany(
            "INSERT OR IGNORE INTO schedule_reminders(item_id, occurrence_utc, lead_s, due_utc)"
            " VALUES (?,?,?,?)",
            rows,
        )
        created = cur.rowcount
    # Refill while every reminder of the first not-yet-materialised occurrence is still ahead.
    longest = max(item.leads, default=timedelta(0))
    refill = until - longest - HORIZON_EXTRA / 2 if item.recurring else None
    if refill is not None and _ended(item, tz, until):
        refill = None  # the series ends within the horizon: nothing left to add later
    conn.execute(
        "UPDATE schedule_items SET materialized_until = ?, refill_utc = ? WHERE id = ?",
        (ts(until) if item.recurring else None, ts(refill) if refill else None, item.id),
    )
    return created


def _ended(item: Item, tz: ZoneInfo, until: datetime) -> bool:
    far = until + timedelta(days=3660)
    return next(recurrence.item_occurrences(item, until, far), None) is None


def items_needing_refill(conn: sqlite3.Connection, now: datetime) -> list[tuple[Item, datetime]]:
    """Active recurring items due for a refill, with the horizon end already materialised."""
    rows = conn.execute(
        "SELECT * FROM schedule_items WHERE status = 'active' AND rrule IS NOT NULL"
        " AND refill_utc <= ?",
        (ts(now),),
    )
    return [(row_to_item(r), utc_from_ts(r["materialized_until"])) for r in rows]


def next_refill(conn: sqlite3.Connection) -> int | None:
    """When the next recurring item needs its reminders extended (Unix seconds)."""
    row = conn.execute(
        "SELECT MIN(refill_utc) FROM schedule_items WHERE status = 'active' AND rrule IS NOT NULL"
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def next_reminder_due(conn: sqlite3.Connection) -> int | None:
    """The earliest pending reminder's due time (index-backed MIN)."""
    row = conn.execute(
        "SELECT MIN(due_utc) FROM schedule_reminders WHERE state = 'pending'"
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def next_delivery_due(conn: sqlite3.Connection) -> int | None:
    """The earliest pending delivery attempt (index-backed MIN)."""
    row = conn.execute(
        "SELECT MIN(next_attempt_utc) FROM schedule_deliveries WHERE state = 'pending'"
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def pending_count(conn: sqlite3.Connection) -> int:
    """Reminders not yet fired plus deliveries not yet done (for /status)."""
    row = conn.execute(
        "SELECT (SELECT COUNT(*) FROM schedule_reminders WHERE state = 'pending')"
        " + (SELECT COUNT(*) FROM schedule_deliveries WHERE state IN ('pending', 'sending'))"
    ).fetchone()
    return int(row[0])


def subscribers(conn: sqlite3.Connection, item_id: int) -> list[int]:
    """Users who get DMs for `item_id`: opted in for it, or for all and not out for it."""
    rows = conn.execute(
        "SELECT DISTINCT s.user_id FROM schedule_subscriptions s"
        " WHERE s.opted_in = 1 AND (s.item_id = :item OR (s.item_id = 0 AND NOT EXISTS ("
        "  SELECT 1 FROM schedule_subscriptions o"
        "  WHERE o.user_id = s.user_id AND o.item_id = :item AND o.opted_in = 0)))"
        " ORDER BY s.user_id",
        {"item": item_id},
    )
    return [int(r[0]) for r in rows]


def set_subscription(
    conn: sqlite3.Connection, user_id: int, item_id: int, opted_in: bool, now: datetime
) -> None:
    """Record a DM opt-in/out (item_id 0 = every item)."""
    conn.execute(
        "INSERT INTO schedule_subscriptions(user_id, item_id, opted_in, updated_utc)"
        " VALUES (?,?,?,?) ON CONFLICT(user_id, item_id) DO UPDATE SET"
        " opted_in = excluded.opted_in, updated_utc = excluded.updated_utc",
        (user_id, item_id, int(opted_in), ts(now)),
    )
    if item_id == ALL_ITEMS:
        # "All" replaces earlier per-item choices so the answer is what the member just said.
        conn.execute(
            "DELETE FROM schedule_subscriptions WHERE user_id = ? AND item_id != 0", (user_id,)
        )
    bump_generation(conn)


def subscriptions_of(conn: sqlite3.Connection, user_id: int) -> dict[int, bool]:
    """A user's explicit choices: item id (0 = all) -> opted in."""
    rows = conn.execute(
        "SELECT item_id, opted_in FROM schedule_subscriptions WHERE user_id = ?", (user_id,)
    )
    return {int(r[0]): bool(r[1]) for r in rows}


def last_change(conn: sqlite3.Connection) -> datetime | None:
    """The latest `updated_utc` over all items, whatever their status (for the feed)."""
    row = conn.execute("SELECT MAX(updated_utc) FROM schedule_items").fetchone()
    return utc_from_ts(int(row[0])) if row and row[0] is not None else None


# -- the reminder engine's ledger (`scheduler.ReminderScheduler` is its only caller) ------------


def requeue_unfinished_sends(conn: sqlite3.Connection) -> int:
    """At start: deliveries left `sending` by a dead process go back to `pending`, marked to be
    checked against Discord's history before any resend (a reminder is never sent twice)."""
    cur = conn.execute(
        "UPDATE schedule_deliveries SET state = 'pending', verify = 1 WHERE state = 'sending'"
    )
    return cur.rowcount


def due_reminders(conn: sqlite3.Connection, now: datetime, limit: int) -> list[sqlite3.Row]:
    """Pending reminders due by `now`, oldest first."""
    return conn.execute(
        "SELECT id, item_id, occurrence_utc, lead_s, due_utc FROM schedule_reminders"
        " WHERE state = 'pending' AND due_utc <= ? ORDER BY due_utc, id LIMIT ?",
        (ts(now), limit),
    ).fetchall()


def mark_reminder_fired(
    conn: sqlite3.Connection, reminder_id: int, now: datetime, *, late: bool
) -> None:
    """A pending reminder has become deliveries (`late`: it fired after its grace period)."""
    conn.execute(
        "UPDATE schedule_reminders SET state = 'fired', fired_utc = ?, late = ?"
        " WHERE id = ? AND state = 'pending'",
        (ts(now), int(late), reminder_id),
    )


def skip_reminder(conn: sqlite3.Connection, reminder_id: int, now: datetime) -> None:
    """A pending reminder that will not be sent (its event passed, or a catch-up replaced it)."""
    conn.execute(
        "UPDATE schedule_reminders SET state = 'skipped', fired_utc = ?"
        " WHERE id = ? AND state = 'pending'",
        (ts(now), reminder_id),
    )


def add_deliveries(
    conn: sqlite3.Connection, reminder_id: int, targets: list[tuple[str, int]], now: datetime
) -> None:
    """One delivery per target (`("channel", id)` or `("dm", user id)`), each at most once."""
    conn.executemany(
        "INSERT OR IGNORE INTO schedule_deliveries"
        "(reminder_id, target, target_id, next_attempt_utc) VALUES (?,?,?,?)",
        [(reminder_id, kind, target, ts(now)) for kind, target in targets],
    )


def due_deliveries(conn: sqlite3.Connection, now: datetime, limit: int) -> list[sqlite3.Row]:
    """Pending deliveries whose next attempt is due, with their reminder's fields."""
    return conn.execute(
        "SELECT d.id, d.target, d.target_id, d.attempts, r.item_id, r.occurrence_utc,"
        " r.lead_s, r.due_utc, r.late FROM schedule_deliveries d"
        " JOIN schedule_reminders r ON r.id = d.reminder_id"
        " WHERE d.state = 'pending' AND d.next_attempt_utc <= ?"
        " ORDER BY d.next_attempt_utc, d.id LIMIT ?",
        (ts(now), limit),
    ).fetchall()


def claim_delivery(conn: sqlite3.Connection, delivery_id: int, now: datetime) -> sqlite3.Row | None:
    """Mark a pending delivery `sending` (inside the caller's transaction) and return its
    `verify`, `claimed_utc` and `check_failures`; None when another attempt already has it."""
    claimed = conn.execute(
        "UPDATE schedule_deliveries SET state = 'sending', attempts = attempts + 1,"
        " claimed_utc = COALESCE(claimed_utc, ?) WHERE id = ? AND state = 'pending'",
        (ts(now), delivery_id),
    ).rowcount
    if not claimed:
        return None
    row: sqlite3.Row = conn.execute(
        "SELECT verify, claimed_utc, check_failures FROM schedule_deliveries WHERE id = ?",
        (delivery_id,),
    ).fetchone()
    return row


def record_delivery(
    conn: sqlite3.Connection,
    delivery_id: int,
    *,
    state: str,
    error: str | None,
    at: datetime,
    next_attempt: int | None,
    verify: bool,
    check_failed: bool,
) -> None:
    """Record an attempt's outcome. `sent` always wins (a late "sent" overrides a retry state);
    other outcomes only change a delivery still pending or sending."""
    conn.execute(
        "UPDATE schedule_deliveries SET state = :state, last_error = :error,"
        " sent_utc = CASE WHEN :state = 'sent' THEN :at ELSE sent_utc END,"
        " next_attempt_utc = COALESCE(:next, next_attempt_utc),"
        " verify = MAX(verify, :verify),"
        " check_failures = check_failures + :checked"
        " WHERE id = :id AND (state IN ('pending', 'sending') OR :state = 'sent')",
        {
            "state": state,
            "error": error,
            "at": ts(at),
            "next": next_attempt,
            "verify": int(verify),
            "checked": int(check_failed),
            "id": delivery_id,
        },
    )
