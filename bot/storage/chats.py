"""The ``chats`` table: one row per chat (private or group) and where it stands in the flow.

Read and written on every update, so plain SQL through the connection, not sqlite-utils'
table API (which the migrations use): its overhead per call would be paid by every update.
Rows come back as :class:`ChatRow`, a ``NamedTuple``: as cheap as a tuple, read by name.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from sqlite_utils import Database

from bot.storage.chat_query import ChatQuery, CompanyRow, companies
from bot.storage.sql import insert_row, update_row, write


class ChatRow(NamedTuple):
    id: int
    type: str
    title: str | None
    language: str
    state: str
    history: str  # JSON list of previous states, for /back
    seq: int  # bumps on every change: buttons carry it, so old ones are detected
    audit_step: str | None
    audit_submitted_on: str | None
    audit_due_on: str | None
    active: int
    created_at: str | None
    updated_at: str | None
    finished_at: str | None
    flow_version: int  # the flow's version when the chat last changed
    step_since: str | None  # when it came to its current step (UTC ISO)


CHAT_COLUMNS = ", ".join(ChatRow._fields)
_SELECT_CHAT = f"SELECT {CHAT_COLUMNS} FROM chats WHERE id = ?"


def get_chat(db: Database, chat_id: int) -> ChatRow | None:
    """The chat's row (read on every update), or None for a chat that never started."""
    row = db.conn.execute(_SELECT_CHAT, [chat_id]).fetchone()
    return ChatRow._make(row) if row is not None else None


def insert_chat(db: Database, row: dict[str, Any]) -> None:
    insert_row(db, "chats", row)


def update_chat(db: Database, chat_id: int, changes: dict[str, Any]) -> None:
    update_row(db, "chats", chat_id, changes)


def set_active(db: Database, chat_id: int, active: bool) -> None:
    """Blocked the bot / removed it (inactive: no broadcasts, no reminders), or came back."""
    write(db, "UPDATE chats SET active = ? WHERE id = ?", [int(active), chat_id])


def move_chat(db: Database, old_id: int, new_id: int, new_type: str) -> None:
    """Give a chat's progress a new id (group → supergroup migration)."""
    write(db, "UPDATE chats SET id = ?, type = ? WHERE id = ?", [new_id, new_type, old_id])


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
) -> ChatRow | None:
    """Compare-and-set: apply ``changes`` and bump the change counter only if the chat is at
    ``state`` with counter ``seq``. Returns the new row, or None if the chat is elsewhere (or
    does not exist), in which case nothing was written."""
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
    # Read back with a SELECT: RETURNING measured slower here.
    moved = write(db, sql, [*params, chat_id, state, seq]).rowcount
    return get_chat(db, chat_id) if moved else None


# -- reading many (operators' figures, exports, reminders) -----------------------------------
class ProgressCount(NamedTuple):
    state: str
    language: str
    active: int
    finished: int
    idle: int
    chats: int


def progress_counts(db: Database, idle_before: str) -> list[ProgressCount]:
    """Chats grouped by step, language, active, finished and idle (no change since then)."""
    cursor = db.execute(
        "SELECT state, language, active, finished_at IS NOT NULL, updated_at <= ?, COUNT(*) "
        "FROM chats GROUP BY 1, 2, 3, 4, 5",
        [idle_before],
    )
    return [ProgressCount._make(row) for row in cursor.fetchall()]


def export_rows(db: Database) -> Iterator[CompanyRow]:
    """Every chat in id order, with whether it muted the bot (streamed, not loaded)."""
    return companies(db, ChatQuery())


_CHAT_COLUMNS_OF_C = ", ".join(f"c.{name}" for name in ChatRow._fields)


def changed_between_events(db: Database, after_event: int, upper: int) -> list[ChatRow]:
    """The chats with an answers-log entry with id in (``after_event``, ``upper``], each
    once, in the order of their last such entry. Every change of progress is logged, so the
    log is the change feed, and paging on its ids needs no index of its own."""
    cursor = db.execute(
        f"SELECT {_CHAT_COLUMNS_OF_C}, MAX(e.id) AS last_event "
        "FROM events e JOIN chats c ON c.id = e.chat_id WHERE e.id > ? AND e.id <= ? "
        "GROUP BY e.chat_id ORDER BY last_event",
        [after_event, upper],
    )
    return [ChatRow._make(row[:-1]) for row in cursor.fetchall()]


# -- flow versions -----------------------------------------------------------------------------
def states_by_version(db: Database) -> list[tuple[str, int, int]]:
    """(state, flow version, chats) of every group of chats at the same step and version."""
    cursor = db.execute(
        "SELECT state, flow_version, COUNT(*) FROM chats "
        "GROUP BY state, flow_version ORDER BY state, flow_version"
    )
    return [(str(state), int(v), int(n)) for state, v, n in cursor.fetchall()]


def move_state(
    db: Database,
    old_state: str,
    old_version: int,
    new_state: str,
    new_version: int,
    at: str,
    *,
    clear_audit: bool,
) -> int:
    """Move every chat at ``old_state`` under ``old_version`` (a flow change); its buttons
    become stale (the counter bumps). Returns how many moved."""
    audit = ", audit_step = NULL, audit_submitted_on = NULL, audit_due_on = NULL"
    return write(
        db,
        "UPDATE chats SET state = ?, flow_version = ?, seq = seq + 1, updated_at = ?"
        f"{audit if clear_audit else ''} WHERE state = ? AND flow_version = ?",
        [new_state, new_version, at, old_state, old_version],
    ).rowcount
