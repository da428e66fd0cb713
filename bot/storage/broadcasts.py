"""``broadcasts`` and their per-chat ``deliveries``.

* ``broadcasts``: one row per broadcast: its content (one variant per language), audience,
  status (draft → scheduled → running → done / cancelled; a draft may be discarded), and a
  lease (``runner``, ``heartbeat_at``) so that only one process sends it at a time.
* ``deliveries``: one row per (broadcast, chat), created when the broadcast starts. Its
  status is ``pending`` → ``sending`` (written *before* the send) → ``sent`` / ``blocked`` /
  ``failed`` / ``unknown`` (after: no answer came, it may have arrived), or ``cancelled`` (still
  pending when the broadcast was cancelled). A row left in ``sending`` by a crash also becomes
  ``unknown``. An ``unknown`` row is never sent again (at
  most once) unless the operator asks for it (:func:`resend_unknown`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlite_utils import Database

from bot.storage.chat_query import ChatQuery, where_sql
from bot.storage.sql import insert_row, update_row, write


class BroadcastRow(NamedTuple):
    id: int
    created_by: int  # operator's user id (0 for the command line)
    operator_chat_id: int | None  # where the live progress is shown (None: CLI)
    operator_language: str | None
    progress_message_id: int | None
    status: str  # draft / scheduled / running / done / cancelled / discarded
    awaiting: str | None  # draft only: which input the conversation waits for
    audience: str  # e.g. "all", "stage:2,unfinished" (see services.audience)
    content: str  # JSON {"en": {kind, html, file_id}, "zh": {...}}
    send_at: str | None  # UTC ISO; None: immediately
    total: int | None
    runner: str | None  # lease holder while running
    heartbeat_at: str | None
    created_at: str
    started_at: str | None
    finished_at: str | None


_COLUMNS = ", ".join(BroadcastRow._fields)


def _rows(db: Database, where: str, params: list[Any]) -> list[BroadcastRow]:
    cursor = db.execute(f"SELECT {_COLUMNS} FROM broadcasts WHERE {where}", params)
    return [BroadcastRow._make(row) for row in cursor.fetchall()]


def insert_broadcast(db: Database, row: dict[str, Any]) -> int:
    return insert_row(db, "broadcasts", row)


def get_broadcast(db: Database, broadcast_id: int) -> BroadcastRow | None:
    found = _rows(db, "id = ?", [broadcast_id])
    return found[0] if found else None


def update_broadcast(db: Database, broadcast_id: int, changes: dict[str, Any]) -> None:
    update_row(db, "broadcasts", broadcast_id, changes)


def draft_of(db: Database, user_id: int) -> BroadcastRow | None:
    """The operator's broadcast being composed, if any (the newest draft)."""
    found = _rows(db, "status = 'draft' AND created_by = ? ORDER BY id DESC LIMIT 1", [user_id])
    return found[0] if found else None


def drafts_awaiting_input(db: Database) -> dict[int, str]:
    """Operator → the state of their newest draft in the dialog (its ``awaiting``)."""
    cursor = db.execute(
        "SELECT created_by, awaiting FROM broadcasts WHERE status = 'draft' ORDER BY id"
    )
    newest = {int(user): awaiting for user, awaiting in cursor.fetchall()}
    return {user: awaiting for user, awaiting in newest.items() if awaiting}


def discard_drafts(db: Database, user_id: int) -> None:
    write(
        db,
        "UPDATE broadcasts SET status = 'discarded', awaiting = NULL "
        "WHERE status = 'draft' AND created_by = ?",
        [user_id],
    )


def confirm_draft(db: Database, broadcast_id: int) -> bool:
    """The draft becomes scheduled; False if it is no longer a draft (a second press)."""
    cursor = write(
        db,
        "UPDATE broadcasts SET status = 'scheduled', awaiting = NULL "
        "WHERE id = ? AND status = 'draft'",
        [broadcast_id],
    )
    return cursor.rowcount == 1


def cancel(db: Database, broadcast_id: int, now: str) -> bool:
    """Scheduled or running → cancelled, and its pending deliveries with it (a sender claims
    only pending ones, so it stops at the next chat; sends in flight finish and are recorded);
    False if it was neither. Within a transaction."""
    cursor = write(
        db,
        "UPDATE broadcasts SET status = 'cancelled', finished_at = ? "
        "WHERE id = ? AND status IN ('scheduled', 'running')",
        [now, broadcast_id],
    )
    if cursor.rowcount != 1:
        return False
    write(
        db,
        "UPDATE deliveries SET status = 'cancelled', updated_at = ? "
        "WHERE broadcast_id = ? AND status = 'pending'",
        [now, broadcast_id],
    )
    return True


def recent_broadcasts(db: Database, limit: int = 10) -> list[BroadcastRow]:
    return _rows(db, "status NOT IN ('draft', 'discarded') ORDER BY id DESC LIMIT ?", [limit])


def recent_with_counts(db: Database, limit: int = 10) -> list[tuple[BroadcastRow, dict[str, int]]]:
    """The newest broadcasts (not drafts), each with its deliveries counted by status, in one
    query (the counts come from the deliveries' (broadcast, status) index)."""
    columns = ", ".join(f"b.{name}" for name in BroadcastRow._fields)
    cursor = db.execute(
        f"SELECT {columns}, d.status, COUNT(d.broadcast_id) FROM (SELECT {_COLUMNS} "
        "FROM broadcasts WHERE status NOT IN ('draft', 'discarded') ORDER BY id DESC LIMIT ?) b "
        "LEFT JOIN deliveries d ON d.broadcast_id = b.id "
        "GROUP BY b.id, d.status ORDER BY b.id DESC",
        [limit],
    )
    width = len(BroadcastRow._fields)
    found: list[tuple[BroadcastRow, dict[str, int]]] = []
    for values in cursor.fetchall():
        if not found or found[-1][0].id != values[0]:
            found.append((BroadcastRow._make(values[:width]), {}))
        if values[width] is not None:
            found[-1][1][str(values[width])] = int(values[width + 1])
    return found


def running_broadcasts(db: Database) -> list[BroadcastRow]:
    return _rows(db, "status = 'running' ORDER BY id", [])


def broadcasts_to_run(
    db: Database, now: str, stale_before: str, *, timed: bool = True
) -> list[int]:
    """Scheduled broadcasts now due (``send_at`` NULL: confirmed to go at once, but not yet
    started, e.g. a crash right after the confirmation; ``timed`` False leaves out those with
    a time), and running ones whose runner stopped heartbeating."""
    due = "send_at IS NULL OR send_at <= ?" if timed else "send_at IS NULL"
    cursor = db.execute(
        f"SELECT id FROM broadcasts WHERE (status = 'scheduled' AND ({due})) "
        "OR (status = 'running' AND (runner IS NULL OR heartbeat_at < ?)) ORDER BY id",
        [now, stale_before] if timed else [stale_before],
    )
    return [int(row[0]) for row in cursor.fetchall()]


def pending_like(db: Database, audience: str, content: str) -> list[BroadcastRow]:
    """Scheduled or running broadcasts with this audience and content (a retry's twin)."""
    return _rows(
        db,
        "status IN ('scheduled', 'running') AND audience = ? AND content = ? ORDER BY id",
        [audience, content],
    )


def take_lease(
    db: Database,
    broadcast_id: int,
    runner: str,
    now: str,
    stale_before: str,
    dead_runner: str | None = None,
) -> bool:
    """Become the one process sending this broadcast (unless another is alive): free if
    nobody holds it, its heartbeat is stale, or its holder is ``dead_runner`` (known gone)."""
    cursor = write(
        db,
        "UPDATE broadcasts SET runner = ?, heartbeat_at = ? WHERE id = ? "
        "AND status IN ('scheduled', 'running') "
        "AND (runner IS NULL OR runner = ? OR heartbeat_at < ? OR runner = ?)",
        [runner, now, broadcast_id, runner, stale_before, dead_runner],
    )
    return cursor.rowcount == 1


def reopen(db: Database, broadcast_id: int, runner: str, now: str) -> bool:
    """A finished broadcast runs again (to resend its unknown deliveries), under ``runner``."""
    cursor = write(
        db,
        "UPDATE broadcasts SET status = 'running', finished_at = NULL, runner = ?, "
        "heartbeat_at = ? WHERE id = ? AND status = 'done'",
        [runner, now, broadcast_id],
    )
    return cursor.rowcount == 1


def heartbeat(db: Database, broadcast_id: int, runner: str, now: str) -> str | None:
    """Renew the lease; returns the broadcast's status (None if the lease was lost)."""
    cursor = write(
        db,
        "UPDATE broadcasts SET heartbeat_at = ? WHERE id = ? AND runner = ?",
        [now, broadcast_id, runner],
    )
    if cursor.rowcount != 1:
        return None
    row = db.execute("SELECT status FROM broadcasts WHERE id = ?", [broadcast_id]).fetchone()
    return str(row[0]) if row else None


def release(db: Database, broadcast_id: int, runner: str, now: str) -> None:
    """The run ended: a running broadcast is done (a cancelled one stays cancelled)."""
    write(
        db,
        "UPDATE broadcasts SET status = CASE WHEN status = 'running' THEN 'done' "
        "ELSE status END, finished_at = COALESCE(finished_at, ?), runner = NULL "
        "WHERE id = ? AND runner = ?",
        [now, broadcast_id, runner],
    )


def let_go(db: Database, broadcast_id: int, runner: str) -> None:
    """The run stopped with an error: it stays running, free for the next sender at once."""
    write(
        db,
        "UPDATE broadcasts SET runner = NULL WHERE id = ? AND runner = ?",
        [broadcast_id, runner],
    )


# -- deliveries ------------------------------------------------------------------------------
class PendingDelivery(NamedTuple):
    chat_id: int
    language: str


def add_deliveries(db: Database, broadcast_id: int, audience: ChatQuery, now: str) -> int:
    """Fix the audience: one pending delivery per chat matching ``audience``."""
    where, params = where_sql(audience)
    cursor = write(
        db,
        "INSERT OR IGNORE INTO deliveries (broadcast_id, chat_id, status, updated_at) "
        f"SELECT ?, c.id, 'pending', ? FROM chats c{where}",
        [broadcast_id, now, *params],
    )
    return cursor.rowcount


def pending_deliveries(
    db: Database, broadcast_id: int, after_chat_id: int, limit: int
) -> list[PendingDelivery]:
    """The next pending deliveries (with the chat's language), in chat id order."""
    cursor = db.execute(
        "SELECT d.chat_id, COALESCE(c.language, 'en') FROM deliveries d "
        "LEFT JOIN chats c ON c.id = d.chat_id "
        "WHERE d.broadcast_id = ? AND d.status = 'pending' AND d.chat_id > ? "
        "ORDER BY d.chat_id LIMIT ?",
        [broadcast_id, after_chat_id, limit],
    )
    return [PendingDelivery(int(row[0]), str(row[1])) for row in cursor.fetchall()]


def claim_delivery(db: Database, broadcast_id: int, chat_id: int, now: str) -> bool:
    """Mark the delivery as being sent (committed before the send); False if not pending."""
    cursor = write(
        db,
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
    write(
        db,
        "UPDATE deliveries SET status = ?, error = ?, message_id = ?, updated_at = ? "
        "WHERE broadcast_id = ? AND chat_id = ?",
        [status, error, message_id, now, broadcast_id, chat_id],
    )


def mark_in_flight_unknown(db: Database, broadcast_id: int, now: str) -> int:
    """After a crash: sends that were in flight may or may not have arrived. Never resent."""
    return write(
        db,
        "UPDATE deliveries SET status = 'unknown', error = 'in flight when the sender stopped', "
        "updated_at = ? WHERE broadcast_id = ? AND status = 'sending'",
        [now, broadcast_id],
    ).rowcount


def resend_unknown(db: Database, broadcast_id: int, now: str) -> int:
    """The operator accepts possible duplicates: unknown deliveries are pending again."""
    return write(
        db,
        "UPDATE deliveries SET status = 'pending', error = NULL, updated_at = ? "
        "WHERE broadcast_id = ? AND status = 'unknown'",
        [now, broadcast_id],
    ).rowcount


def delivery_counts(db: Database, broadcast_id: int) -> dict[str, int]:
    cursor = db.execute(
        "SELECT status, COUNT(*) FROM deliveries WHERE broadcast_id = ? GROUP BY status",
        [broadcast_id],
    )
    return {str(status): int(count) for status, count in cursor.fetchall()}
