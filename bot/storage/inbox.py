"""``inbox``: the update ledger. One row per incoming update, from kept to done.

An update is written here (``new``) before Telegram is told it arrived: in polling mode a
``getUpdates`` batch in one transaction before the next ``getUpdates`` confirms it, in webhook
mode before the HTTP 200. A change made by the update claims its row (``owed``: the change is
saved, the reply showing it not confirmed yet) in the change's own transaction; once the reply
went out, or the update changed nothing, the row is ``done`` and its body is dropped. ``done``
rows stay a while, so that a second delivery of the same update is recognised, then go.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlite_utils import Database

from bot.storage.sql import write, write_many

NEW, OWED, DONE = "new", "owed", "done"


class InboxRow(NamedTuple):
    update_id: int
    body: str  # the update as Telegram sent it (JSON)


class OwedRow(NamedTuple):
    update_id: int
    chat_id: int
    body: str | None


def keep(db: Database, rows: Sequence[tuple[int, str, str]]) -> list[int]:
    """Store (update id, JSON body, received at) as ``new``; returns the ids that were new
    (an id recorded before, in any state, is a second delivery)."""
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


def unhandled(db: Database, after: int = -1, limit: int = 1_000) -> list[InboxRow]:
    """The kept updates not handled yet after ``after``, oldest first."""
    cursor = db.execute(
        "SELECT update_id, body FROM inbox WHERE update_id > ? AND status = 'new' "
        "ORDER BY update_id LIMIT ?",
        [after, limit],
    )
    return [InboxRow._make(row) for row in cursor.fetchall()]


def owed(db: Database) -> list[OwedRow]:
    """Updates whose change was saved and whose reply was never confirmed."""
    cursor = db.execute(
        "SELECT update_id, chat_id, body FROM inbox WHERE status = 'owed' ORDER BY update_id"
    )
    return [OwedRow._make(row) for row in cursor.fetchall()]


def status_of(db: Database, update_id: int) -> str | None:
    row = db.conn.execute("SELECT status FROM inbox WHERE update_id = ?", [update_id]).fetchone()
    return str(row[0]) if row is not None else None


def newest(db: Database) -> int | None:
    row = db.execute("SELECT MAX(update_id) FROM inbox").fetchone()
    return int(row[0]) if row[0] is not None else None


def claim(db: Database, update_id: int, chat_id: int, at: str) -> bool:
    """Mark the update ``owed`` by a change in the caller's transaction; False if it was
    handled already (a second delivery). An update that was never kept (handed to the
    application directly) gets its row here."""
    cursor = write(
        db,
        "INSERT INTO inbox (update_id, chat_id, status, received_at) VALUES (?, ?, 'owed', ?) "
        "ON CONFLICT (update_id) DO UPDATE SET status = 'owed', chat_id = excluded.chat_id "
        "WHERE inbox.status = 'new'",
        [update_id, chat_id, at],
    )
    return cursor.rowcount == 1


def mark_done(db: Database, update_ids: Sequence[int], at: str) -> None:
    """The updates were handled and any reply went out: ``done``, without their bodies."""
    write_many(
        db,
        "INSERT INTO inbox (update_id, status, received_at) VALUES (?, 'done', ?) "
        "ON CONFLICT (update_id) DO UPDATE SET status = 'done', body = NULL",
        [(update_id, at) for update_id in update_ids],
    )


def forget_before(db: Database, at: str, batch: int = 5_000) -> int:
    """Delete the rows received before ``at`` among the ``batch`` oldest: ids grow with time,
    so a run costs the same however large the table is. Whatever state such a row is in, it
    is of no use any more: Telegram redelivers only recent updates, and a reply owed that
    long ago is not worth making good (the chat's next press shows its step)."""
    return write(
        db,
        "DELETE FROM inbox WHERE update_id IN "
        "(SELECT update_id FROM inbox ORDER BY update_id LIMIT ?) AND received_at < ?",
        [batch, at],
    ).rowcount
