"""Chats, their answers log and the updates already handled.

The schema is declared with sqlite-utils' table API in migrations; the functions called on
every update are plain SQL through ``db.execute`` (several times cheaper than the table API).
Callers wrap writes that belong together in ``db.atomic()``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database, Migrations

from bot.storage.sql import insert_row, rows, update_row

migrations = Migrations("tpbot.core")


@migrations()
def m001_chats_events_updates(db: Database) -> None:
    db.table("chats").create(
        {
            "id": int,
            "type": str,
            "title": str,
            "language": str,
            "state": str,
            "history": str,  # JSON list of previous states, for /back
            "seq": int,  # bumps on every change: buttons carry it, so old ones are detected
            "audit_step": str,
            "audit_submitted_on": str,
            "audit_due_on": str,
            "active": int,
            "created_at": str,
            "updated_at": str,
            "finished_at": str,
        },
        pk="id",
        not_null={"type", "language", "state", "history", "seq", "active"},
        defaults={"history": "[]", "seq": 0, "active": 1},
    )
    db.table("chats").create_index(["state"])
    db.table("chats").create_index(["updated_at"])
    db.table("events").create(
        {
            "id": int,
            "chat_id": int,
            "user_id": int,
            "update_id": int,
            "kind": str,  # start / answer / back / reset / language / migrate ...
            "step": str,
            "answer": str,
            "to_state": str,
            "detail": str,
            "at": str,
        },
        pk="id",
    )
    db.table("events").create_index(["chat_id", "id"])
    db.table("handled_updates").create({"update_id": int, "at": str}, pk="update_id")


@migrations()
def m002_drop_state_index(db: Database) -> None:
    # Every answer changes ``state``, and keeping this index cost about a quarter of an
    # answer's write. Its only readers are rare operator queries (a broadcast's stage/step
    # audience, /stats), for which one scan of ``chats`` is cheap enough.
    db.execute("DROP INDEX IF EXISTS idx_chats_state")


@migrations()
def m003_drop_updated_at_index(db: Database) -> None:
    # Every answer changes ``updated_at``, so this index cost a page write per answer; the
    # reminders sync, its one reader, follows the answers log (``events`` ids) instead.
    db.execute("DROP INDEX IF EXISTS idx_chats_updated_at")


CHAT_COLUMNS = (
    "id, type, title, language, state, history, seq, audit_step, audit_submitted_on, "
    "audit_due_on, active, created_at, updated_at, finished_at"
)


_SELECT_CHAT = f"SELECT {CHAT_COLUMNS} FROM chats WHERE id = ?"


def get_chat(db: Database, chat_id: int) -> tuple[Any, ...] | None:
    """The chat's row as a tuple in :data:`CHAT_COLUMNS` order (read on every update)."""
    row: tuple[Any, ...] | None = db.conn.execute(_SELECT_CHAT, [chat_id]).fetchone()
    return row


def insert_chat(db: Database, row: dict[str, Any]) -> None:
    insert_row(db, "chats", row)


def update_chat(db: Database, chat_id: int, changes: dict[str, Any]) -> None:
    update_row(db, "chats", chat_id, changes)


EVENT_COLUMNS = (
    "chat_id",
    "user_id",
    "update_id",
    "kind",
    "step",
    "answer",
    "to_state",
    "detail",
    "at",
)
_EVENT_COLUMN_SET = frozenset(EVENT_COLUMNS)
_INSERT_EVENT = (
    f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in EVENT_COLUMNS)})"
)


def log_event(db: Database, event: dict[str, Any]) -> None:
    """Append to the answers log (columns missing from ``event`` are NULL)."""
    unknown = event.keys() - _EVENT_COLUMN_SET
    if unknown:
        raise ValueError(f"not event columns: {sorted(unknown)}")
    insert_event(db, [event.get(column) for column in EVENT_COLUMNS])


def insert_event(db: Database, values: Sequence[Any]) -> None:
    """Append to the answers log: ``values`` in :data:`EVENT_COLUMNS` order (the per-update
    form of :func:`log_event`)."""
    db.conn.execute(_INSERT_EVENT, values)


def events_of(db: Database, chat_id: int) -> list[dict[str, Any]]:
    cursor = db.execute(
        "SELECT kind, step, answer, to_state, detail, at, user_id FROM events "
        "WHERE chat_id = ? ORDER BY id",
        [chat_id],
    )
    return rows(cursor)


def update_logged(db: Database, chat_id: int, update_id: int) -> bool:
    """Whether ``update_id`` changed this chat (its log entry names it)."""
    row = db.execute(
        "SELECT 1 FROM events WHERE chat_id = ? AND update_id = ? LIMIT 1", [chat_id, update_id]
    ).fetchone()
    return row is not None


# An answer appends the state it leaves to the JSON history, keeping only the newest entries.
# (In an UPDATE, ``state`` on the right-hand side is the value before the update.)
_PUSH_HISTORY = (
    "history = CASE WHEN json_array_length(history) >= ? "
    "THEN json_insert(json_remove(history, '$[0]'), '$[#]', state) "
    "ELSE json_insert(history, '$[#]', state) END"
)


# The UPDATE of an answer, per set of changed columns (a handful: the flow's kinds of move).
_ADVANCE_SQL: dict[tuple[tuple[str, ...], bool], str] = {}


def advance_chat(
    db: Database,
    chat_id: int,
    state: str,
    seq: int,
    changes: dict[str, Any],
    *,
    push_history: bool,
    history_limit: int,
) -> tuple[Any, ...] | None:
    """Compare-and-set: apply ``changes`` and bump the change counter only if the chat is at
    ``state`` with counter ``seq``. Returns the new row (:data:`CHAT_COLUMNS`), or None if the
    chat is elsewhere (or does not exist), in which case nothing was written."""
    key = (tuple(changes), push_history)
    sql = _ADVANCE_SQL.get(key)
    if sql is None:
        assignments = [f"{column} = ?" for column in changes]
        if push_history:
            assignments.append(_PUSH_HISTORY)
        assignments.append("seq = seq + 1")
        sql = _ADVANCE_SQL[key] = (
            f"UPDATE chats SET {', '.join(assignments)} WHERE id = ? AND state = ? AND seq = ?"
        )
    params = [*changes.values(), history_limit] if push_history else [*changes.values()]
    # Read back with a SELECT rather than RETURNING, which measured ~15 µs slower here.
    moved = db.conn.execute(sql, [*params, chat_id, state, seq]).rowcount
    return get_chat(db, chat_id) if moved else None


def update_seen(db: Database, update_id: int) -> bool:
    row = db.execute("SELECT 1 FROM handled_updates WHERE update_id = ?", [update_id]).fetchone()
    return row is not None


def newest_handled_update(db: Database) -> int:
    """The highest update id recorded as handled (0 if none)."""
    row = db.execute("SELECT MAX(update_id) FROM handled_updates").fetchone()
    return int(row[0] or 0)


def claim_update(db: Database, update_id: int, at: str) -> bool:
    """Record ``update_id`` as handled; False if it already was (a redelivered update)."""
    try:
        db.execute("INSERT INTO handled_updates (update_id, at) VALUES (?, ?)", [update_id, at])
    except sqlite3.IntegrityError:
        return False
    return True


def forget_updates_before(db: Database, at: str, batch: int = 5_000) -> int:
    """Drop the record of updates handled before ``at``: Telegram redelivers only recent ones.

    Looks only at the ``batch`` oldest ids (ids grow with time), so a run costs the same
    however large the table is; a backlog goes over the next runs.
    """
    return db.execute(
        "DELETE FROM handled_updates WHERE update_id IN "
        "(SELECT update_id FROM handled_updates ORDER BY update_id LIMIT ?) AND at < ?",
        [batch, at],
    ).rowcount


def move_chat(db: Database, old_id: int, new_id: int, new_type: str) -> None:
    """Give a chat's progress and history a new id (group → supergroup migration)."""
    db.execute("UPDATE chats SET id = ?, type = ? WHERE id = ?", [new_id, new_type, old_id])
    db.execute("UPDATE events SET chat_id = ? WHERE chat_id = ?", [new_id, old_id])
