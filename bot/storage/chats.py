"""The ``chats`` table: one row per chat (private or group) and where it stands in the flow.

Read and written on every update, so plain SQL through the connection, not sqlite-utils'
table API (which the migrations use): its overhead per call would be paid by every update.
Rows come back as :class:`ChatRow`, a ``NamedTuple``: as cheap as a tuple, read by name.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypedDict, cast

from sqlite_utils import Database

from bot.storage.sql import update_row, write


class ChatRow(NamedTuple):
    id: int
    type: str
    title: str | None
    language: str
    state: str
    history: tuple[str, ...]  # previous states, oldest first, for /back (JSON in the table)
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
    # A rejected audit's walk through the steps it reopened (JSON, bot.services.flow.reopened);
    # None for every other chat.
    reopened: str | None = None


class ChatChanges(TypedDict, total=False):
    """The columns a change of a chat sets, each with its type (only those given are
    written; ``None`` clears). ``seq`` and ``history`` on a move are the storage's job."""

    title: str | None
    language: str
    state: str
    history: list[str]
    audit_step: str | None
    audit_submitted_on: str | None  # ISO date
    audit_due_on: str | None  # ISO date
    active: int
    updated_at: str
    finished_at: str | None
    flow_version: int
    step_since: str | None
    seq: int
    reopened: str | None  # JSON (bot.services.flow.reopened); None clears


NO_AUDIT: ChatChanges = {"audit_step": None, "audit_submitted_on": None, "audit_due_on": None}


@dataclass(frozen=True)
class NewChat:
    """A chat's row when it starts: at the flow's start, no history, active."""

    id: int
    type: str
    title: str | None
    language: str
    state: str
    seq: int
    at: str  # created, updated and at its step since (UTC ISO)
    flow_version: int


CHAT_COLUMNS = ", ".join(ChatRow._fields)
_SELECT_CHAT = f"SELECT {CHAT_COLUMNS} FROM chats WHERE id = ?"
_HISTORY = ChatRow._fields.index("history")


def chat_row(row: Sequence[Any]) -> ChatRow:
    """A ``chats`` row (its columns in :data:`CHAT_COLUMNS` order) as a value."""
    values = list(row)
    history = values[_HISTORY]
    values[_HISTORY] = tuple(json.loads(history)) if history and history != "[]" else ()
    return ChatRow._make(values)


def get_chat(db: Database, chat_id: int) -> ChatRow | None:
    """The chat's row (read on every update), or None for a chat that never started."""
    row = db.conn.execute(_SELECT_CHAT, [chat_id]).fetchone()
    return chat_row(row) if row is not None else None


def insert_chat(db: Database, chat: NewChat) -> None:
    write(
        db,
        "INSERT INTO chats (id, type, title, language, state, history, seq, active, created_at, "
        "updated_at, flow_version, step_since) VALUES (?, ?, ?, ?, ?, '[]', ?, 1, ?, ?, ?, ?)",
        [
            *(chat.id, chat.type, chat.title, chat.language, chat.state, chat.seq),
            *(chat.at, chat.at, chat.flow_version, chat.at),
        ],
    )


def _columns(changes: ChatChanges) -> dict[str, Any]:
    """Column → value as stored (the history as JSON)."""
    if "history" not in changes:
        return cast(dict[str, Any], changes)
    return {**changes, "history": json.dumps(changes["history"])}


def update_chat(db: Database, chat_id: int, changes: ChatChanges) -> None:
    update_row(db, "chats", chat_id, _columns(changes))


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
    changes: ChatChanges,
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
    columns = _columns(changes)
    params = [*columns.values(), history_limit] if push_history else [*columns.values()]
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
    return [chat_row(row[:-1]) for row in cursor.fetchall()]


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
