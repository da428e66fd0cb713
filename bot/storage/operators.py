"""Operators' tables: broadcasts, their per-chat deliveries, reminders and muted chats.

Schema through sqlite-utils' table API in its own migration set; the functions on the
per-delivery and per-tick paths are plain SQL (``db.execute``), like ``bot.storage.chats``.

* ``broadcasts`` — one row per broadcast: its content (one variant per language), audience,
  status (draft → scheduled → running → done / cancelled), and a lease (``runner``,
  ``heartbeat_at``) so that only one process sends it at a time.
* ``deliveries`` — one row per (broadcast, chat), created when the broadcast starts. Its
  status is ``pending`` → ``sending`` (written *before* the send) → ``sent`` / ``blocked`` /
  ``failed`` (after). A row left in ``sending`` by a crash becomes ``unknown``: it is never
  sent again (at most once).
* ``reminders`` — at most one row per chat: the next automatic follow-up (audit follow-up or
  idle nudge), ``due_at`` in UTC. A partial index on ``due_at`` for pending rows keeps the
  periodic "what is due?" query independent of the number of chats.
* ``muted_chats`` — chats that asked for no reminders (``/mute``).
* ``operator_meta`` — small key/value state (the reminders sync cursor).
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database, Migrations

from bot.storage.sql import insert_row, update_row
from bot.storage.sql import rows as _rows

migrations = Migrations("tpbot.operators")

DELIVERY_DONE = ("sent", "blocked", "failed", "unknown")


@migrations()
def m001_broadcasts_deliveries_reminders(db: Database) -> None:
    db.table("broadcasts").create(
        {
            "id": int,
            "created_by": int,  # operator's user id (0 for the command line)
            "operator_chat_id": int,  # where the live progress is shown (None: CLI)
            "operator_language": str,
            "progress_message_id": int,
            "status": str,  # draft / scheduled / running / done / cancelled
            "awaiting": str,  # draft only: which input the conversation waits for
            "audience": str,  # e.g. "all", "stage:2,unfinished" (see services.broadcasts)
            "content": str,  # JSON {"en": {kind, html, file_id}, "zh": {...}}
            "send_at": str,  # UTC ISO; None: immediately
            "total": int,
            "runner": str,  # lease holder while running
            "heartbeat_at": str,
            "created_at": str,
            "started_at": str,
            "finished_at": str,
        },
        pk="id",
        not_null={"status", "audience", "content", "created_at"},
        defaults={"audience": "all", "content": "{}", "total": 0},
    )
    db.table("broadcasts").create_index(["status", "send_at"])
    db.table("deliveries").create(
        {
            "broadcast_id": int,
            "chat_id": int,
            "status": str,
            "error": str,
            "message_id": int,
            "attempts": int,
            "updated_at": str,
        },
        pk=("broadcast_id", "chat_id"),
        not_null={"status"},
        defaults={"attempts": 0},
        foreign_keys=[("broadcast_id", "broadcasts", "id")],
    )
    db.table("deliveries").create_index(["broadcast_id", "status"])
    db.table("reminders").create(
        {
            "chat_id": int,
            "kind": str,  # audit / audit_ask / idle
            "status": str,  # pending / sent / done / muted
            "due_at": str,  # UTC ISO
            "count": int,  # follow-ups of this kind already sent for this step
            "seq": int,  # the chat's seq when this reminder was (re)computed
            "audit_key": str,  # "<step>@<submitted date>": which audit the count is for
            "sent_at": str,
            "error": str,
        },
        pk="chat_id",
        not_null={"kind", "status", "due_at", "count", "seq"},
        defaults={"count": 0},
    )
    db.execute("CREATE INDEX idx_reminders_due ON reminders (due_at) WHERE status = 'pending'")
    db.table("muted_chats").create({"chat_id": int, "muted_at": str}, pk="chat_id")
    db.table("operator_meta").create({"key": str, "value": str}, pk="key")
    # Audiences filter chats by language and activity (stage/step audiences scan the chats).
    db.table("chats").create_index(["language"], if_not_exists=True)


# -- broadcasts ------------------------------------------------------------------------------
BROADCAST_COLUMNS = (
    "id, created_by, operator_chat_id, operator_language, progress_message_id, status, "
    "awaiting, audience, content, send_at, total, runner, heartbeat_at, created_at, "
    "started_at, finished_at"
)


def insert_broadcast(db: Database, row: dict[str, Any]) -> int:
    return insert_row(db, "broadcasts", row)


def get_broadcast(db: Database, broadcast_id: int) -> dict[str, Any] | None:
    rows = _rows(
        db.execute(f"SELECT {BROADCAST_COLUMNS} FROM broadcasts WHERE id = ?", [broadcast_id])
    )
    return rows[0] if rows else None


def update_broadcast(db: Database, broadcast_id: int, changes: dict[str, Any]) -> None:
    update_row(db, "broadcasts", broadcast_id, changes)


def draft_of(db: Database, user_id: int) -> dict[str, Any] | None:
    """The operator's broadcast being composed, if any (the newest draft)."""
    rows = _rows(
        db.execute(
            f"SELECT {BROADCAST_COLUMNS} FROM broadcasts WHERE status = 'draft' AND created_by = ? "
            "ORDER BY id DESC LIMIT 1",
            [user_id],
        )
    )
    return rows[0] if rows else None


def discard_drafts(db: Database, user_id: int) -> None:
    db.execute(
        "UPDATE broadcasts SET status = 'discarded', awaiting = NULL "
        "WHERE status = 'draft' AND created_by = ?",
        [user_id],
    )


def recent_broadcasts(db: Database, limit: int = 10) -> list[dict[str, Any]]:
    return _rows(
        db.execute(
            f"SELECT {BROADCAST_COLUMNS} FROM broadcasts "
            "WHERE status NOT IN ('draft', 'discarded') "
            "ORDER BY id DESC LIMIT ?",
            [limit],
        )
    )


def broadcasts_to_run(db: Database, now: str, stale_before: str) -> list[int]:
    """Scheduled broadcasts now due (``send_at`` NULL: confirmed to go at once, but not yet
    started, e.g. a crash right after the confirmation), and running ones whose runner
    stopped heartbeating."""
    cursor = db.execute(
        "SELECT id FROM broadcasts WHERE (status = 'scheduled' AND "
        "(send_at IS NULL OR send_at <= ?)) "
        "OR (status = 'running' AND (runner IS NULL OR heartbeat_at < ?)) ORDER BY id",
        [now, stale_before],
    )
    return [row[0] for row in cursor.fetchall()]


def take_lease(db: Database, broadcast_id: int, runner: str, now: str, stale_before: str) -> bool:
    """Become the one process sending this broadcast (unless another is alive)."""
    cursor = db.execute(
        "UPDATE broadcasts SET runner = ?, heartbeat_at = ? WHERE id = ? "
        "AND status IN ('scheduled', 'running') "
        "AND (runner IS NULL OR runner = ? OR heartbeat_at < ?)",
        [runner, now, broadcast_id, runner, stale_before],
    )
    return cursor.rowcount == 1


def heartbeat(db: Database, broadcast_id: int, runner: str, now: str) -> str | None:
    """Renew the lease; returns the broadcast's status (None if the lease was lost)."""
    cursor = db.execute(
        "UPDATE broadcasts SET heartbeat_at = ? WHERE id = ? AND runner = ?",
        [now, broadcast_id, runner],
    )
    if cursor.rowcount != 1:
        return None
    row = db.execute("SELECT status FROM broadcasts WHERE id = ?", [broadcast_id]).fetchone()
    return str(row[0]) if row else None


# -- deliveries ------------------------------------------------------------------------------
def add_deliveries(db: Database, broadcast_id: int, where: str, params: list[Any], now: str) -> int:
    """Fix the audience: one pending delivery per chat matching ``where`` (on ``chats``)."""
    cursor = db.execute(
        "INSERT OR IGNORE INTO deliveries (broadcast_id, chat_id, status, updated_at) "
        f"SELECT ?, id, 'pending', ? FROM chats WHERE {where}",
        [broadcast_id, now, *params],
    )
    return cursor.rowcount


def pending_deliveries(
    db: Database, broadcast_id: int, after_chat_id: int, limit: int
) -> list[tuple[int, str]]:
    """(chat id, language) of the next pending deliveries, in chat id order."""
    cursor = db.execute(
        "SELECT d.chat_id, COALESCE(c.language, 'en') FROM deliveries d "
        "LEFT JOIN chats c ON c.id = d.chat_id "
        "WHERE d.broadcast_id = ? AND d.status = 'pending' AND d.chat_id > ? "
        "ORDER BY d.chat_id LIMIT ?",
        [broadcast_id, after_chat_id, limit],
    )
    return [(int(row[0]), str(row[1])) for row in cursor.fetchall()]


def claim_delivery(db: Database, broadcast_id: int, chat_id: int, now: str) -> bool:
    """Mark the delivery as being sent (committed before the send); False if not pending."""
    cursor = db.execute(
        "UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = ? "
        "WHERE broadcast_id = ? AND chat_id = ? AND status = 'pending'",
        [now, broadcast_id, chat_id],
    )
    return cursor.rowcount == 1


def finish_delivery(
    db: Database,
    broadcast_id: int,
    chat_id: int,
    status: str,
    error: str | None,
    message_id: int | None,
    now: str,
) -> None:
    db.execute(
        "UPDATE deliveries SET status = ?, error = ?, message_id = ?, updated_at = ? "
        "WHERE broadcast_id = ? AND chat_id = ?",
        [status, error, message_id, now, broadcast_id, chat_id],
    )


def mark_in_flight_unknown(db: Database, broadcast_id: int, now: str) -> int:
    """After a crash: sends that were in flight may or may not have arrived. Never resent."""
    return db.execute(
        "UPDATE deliveries SET status = 'unknown', error = 'in flight when the sender stopped', "
        "updated_at = ? WHERE broadcast_id = ? AND status = 'sending'",
        [now, broadcast_id],
    ).rowcount


def delivery_counts(db: Database, broadcast_id: int) -> dict[str, int]:
    cursor = db.execute(
        "SELECT status, COUNT(*) FROM deliveries WHERE broadcast_id = ? GROUP BY status",
        [broadcast_id],
    )
    return {str(status): int(count) for status, count in cursor.fetchall()}


def deliveries_of(db: Database, broadcast_id: int) -> list[dict[str, Any]]:
    return _rows(
        db.execute(
            "SELECT chat_id, status, error, message_id, attempts, updated_at FROM deliveries "
            "WHERE broadcast_id = ? ORDER BY chat_id",
            [broadcast_id],
        )
    )


def set_chat_inactive(db: Database, chat_id: int) -> None:
    db.execute("UPDATE chats SET active = 0 WHERE id = ?", [chat_id])


# -- reminders -------------------------------------------------------------------------------
def due_reminders(db: Database, now: str, limit: int) -> list[dict[str, Any]]:
    """Pending reminders due at ``now``, oldest first (the partial index answers this)."""
    return _rows(
        db.execute(
            "SELECT chat_id, kind, due_at, count, seq, audit_key FROM reminders "
            "WHERE status = 'pending' AND due_at <= ? ORDER BY due_at LIMIT ?",
            [now, limit],
        )
    )


def get_reminder(db: Database, chat_id: int) -> dict[str, Any] | None:
    rows = _rows(
        db.execute(
            "SELECT chat_id, kind, status, due_at, count, seq, audit_key, sent_at FROM reminders "
            "WHERE chat_id = ?",
            [chat_id],
        )
    )
    return rows[0] if rows else None


def put_reminder(db: Database, row: dict[str, Any]) -> None:
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    db.execute(f"INSERT OR REPLACE INTO reminders ({columns}) VALUES ({marks})", list(row.values()))


def delete_reminder(db: Database, chat_id: int) -> None:
    db.execute("DELETE FROM reminders WHERE chat_id = ?", [chat_id])


def chats_changed_after_event(
    db: Database, after_event: int, events: int
) -> tuple[list[dict[str, Any]], int]:
    """The chats with an answers-log entry among the ``events`` after id ``after_event``, each
    once, in the order of their last such entry; and the last event id looked at (where the
    next page starts). Every change of progress is logged, so the log is the change feed, and
    paging on its ids needs no index of its own."""
    upper = min(after_event + events, newest_event(db))
    if upper <= after_event:
        return [], after_event
    return _rows(
        db.execute(
            "SELECT c.id, c.language, c.state, c.seq, c.audit_step, c.audit_submitted_on, "
            "c.audit_due_on, c.active, c.updated_at, c.finished_at, MAX(e.id) AS last_event "
            "FROM events e JOIN chats c ON c.id = e.chat_id WHERE e.id > ? AND e.id <= ? "
            "GROUP BY e.chat_id ORDER BY last_event",
            [after_event, upper],
        )
    ), upper


def first_event_at_or_after(db: Database, at: str) -> int:
    """The id of the first answers-log entry at or after ``at`` (one past the last if none)."""
    row = db.execute("SELECT MIN(id) FROM events WHERE at >= ?", [at]).fetchone()
    if row[0] is not None:
        return int(row[0])
    return newest_event(db) + 1


def newest_event(db: Database) -> int:
    """The id of the newest answers-log entry (0 if there is none)."""
    return int(db.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])


def is_muted(db: Database, chat_id: int) -> bool:
    return (
        db.execute("SELECT 1 FROM muted_chats WHERE chat_id = ?", [chat_id]).fetchone() is not None
    )


def set_muted(db: Database, chat_id: int, muted_at: str | None) -> None:
    if muted_at is None:
        db.execute("DELETE FROM muted_chats WHERE chat_id = ?", [chat_id])
    else:
        db.execute(
            "INSERT OR REPLACE INTO muted_chats (chat_id, muted_at) VALUES (?, ?)",
            [chat_id, muted_at],
        )


def get_meta(db: Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM operator_meta WHERE key = ?", [key]).fetchone()
    return str(row[0]) if row else None


def set_meta(db: Database, key: str, value: str) -> None:
    db.execute("INSERT OR REPLACE INTO operator_meta (key, value) VALUES (?, ?)", [key, value])
