"""``inbox``: every incoming update, kept before Telegram is told it arrived.

In polling mode a batch from ``getUpdates`` is written here in one transaction before the next
``getUpdates`` confirms it; in webhook mode an update is written before the HTTP 200. Handling
reads from the queue these rows fed; on start, what is still here is handled first. Handled
rows are deleted in the background, a bounded batch at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlite_utils import Database

from bot.storage.sql import write, write_many


class InboxRow(NamedTuple):
    update_id: int
    body: str  # the update as Telegram sent it (JSON)


def keep(db: Database, rows: Sequence[tuple[int, str, str]]) -> list[int]:
    """Store (update id, JSON body, received at); returns the ids that were new."""
    ids = [row[0] for row in rows]
    marks = ", ".join("?" for _ in ids)
    kept_before = {
        int(found[0])
        for found in db.conn.execute(
            f"SELECT update_id FROM inbox WHERE update_id IN ({marks})", ids
        ).fetchall()
    }
    fresh = [row for row in rows if row[0] not in kept_before]
    write_many(
        db, "INSERT OR IGNORE INTO inbox (update_id, body, received_at) VALUES (?, ?, ?)", fresh
    )
    return [row[0] for row in fresh]


def kept(db: Database, after: int = -1, limit: int = 1_000) -> list[InboxRow]:
    """The kept updates after ``after``, oldest first."""
    cursor = db.execute(
        "SELECT update_id, body FROM inbox WHERE update_id > ? ORDER BY update_id LIMIT ?",
        [after, limit],
    )
    return [InboxRow._make(row) for row in cursor.fetchall()]


def newest(db: Database) -> int | None:
    row = db.execute("SELECT MAX(update_id) FROM inbox").fetchone()
    return int(row[0]) if row[0] is not None else None


def forget_through(db: Database, update_id: int, batch: int = 5_000) -> int:
    """Delete up to ``batch`` of the oldest rows with ids up to ``update_id``."""
    return write(
        db,
        "DELETE FROM inbox WHERE update_id IN "
        "(SELECT update_id FROM inbox WHERE update_id <= ? ORDER BY update_id LIMIT ?)",
        [update_id, batch],
    ).rowcount
