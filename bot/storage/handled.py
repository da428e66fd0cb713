"""``handled_updates``: the ids of updates already handled, so a redelivery changes nothing.

A button press keeps its update id in its answers-log entry instead (``events.update_id``);
every other update that was handled records its id here, in the same transaction as its
change. Telegram redelivers only recent updates, so old ids are forgotten in the background.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from bot.storage.sql import write


def update_seen(db: Database, update_id: int) -> bool:
    row = db.conn.execute(
        "SELECT 1 FROM handled_updates WHERE update_id = ?", [update_id]
    ).fetchone()
    return row is not None


def newest_handled_update(db: Database) -> int:
    """The highest update id recorded as handled (0 if none)."""
    row = db.execute("SELECT MAX(update_id) FROM handled_updates").fetchone()
    return int(row[0] or 0)


def claim_update(db: Database, update_id: int, at: str) -> bool:
    """Record ``update_id`` as handled; False if it already was (a redelivered update)."""
    try:
        write(db, "INSERT INTO handled_updates (update_id, at) VALUES (?, ?)", [update_id, at])
    except sqlite3.IntegrityError:
        return False
    return True


def forget_updates_before(db: Database, at: str, batch: int = 5_000) -> int:
    """Drop the record of updates handled before ``at``.

    Looks only at the ``batch`` oldest ids (ids grow with time), so a run costs the same
    however large the table is; a backlog goes over the next runs.
    """
    return write(
        db,
        "DELETE FROM handled_updates WHERE update_id IN "
        "(SELECT update_id FROM handled_updates ORDER BY update_id LIMIT ?) AND at < ?",
        [batch, at],
    ).rowcount
