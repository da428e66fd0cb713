"""The answers log (``events``): every change of a chat's progress, who made it and when.

Append-only, one row per change (start, answer, back, reset, language, migrate), written in
the same transaction as the change itself. It is the company's history, the source of the
journey summary and the funnel, and the change feed the reminders follow (by event id).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from sqlite_utils import Database

from bot.storage.event_details import AuditDates, EventDetail, FlowMigrated, decode, encode
from bot.storage.sql import write

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
    "flow_version",
)
_INSERT_EVENT = (
    f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in EVENT_COLUMNS)})"
)


class Event(NamedTuple):
    """One entry to append: who (``user_id``) changed which chat how, and when."""

    chat_id: int
    kind: str  # start / answer / back / reset / language / migrate / operator-* ...
    at: str
    user_id: int | None = None
    update_id: int | None = None
    step: str | None = None
    answer: str | None = None
    to_state: str | None = None
    detail: EventDetail | None = None
    flow_version: int | None = None


class EventRow(NamedTuple):
    kind: str
    step: str | None
    answer: str | None
    to_state: str | None
    detail: EventDetail | None
    at: str
    user_id: int | None


def append(db: Database, event: Event) -> None:
    """Append to the answers log: the one writer of its entries (its detail as JSON)."""
    write(
        db,
        _INSERT_EVENT,
        (
            event.chat_id,
            event.user_id,
            event.update_id,
            event.kind,
            event.step,
            event.answer,
            event.to_state,
            encode(event.detail),
            event.at,
            event.flow_version,
        ),
    )


def _event_row(row: Any) -> EventRow:
    kind, step, answer, to_state, detail, at, user_id = row
    return EventRow(kind, step, answer, to_state, decode(kind, detail), at, user_id)


def events_of(db: Database, chat_id: int) -> list[EventRow]:
    """The chat's whole log, oldest first."""
    cursor = db.execute(
        f"SELECT {', '.join(EventRow._fields)} FROM events WHERE chat_id = ? ORDER BY id",
        [chat_id],
    )
    return [_event_row(row) for row in cursor.fetchall()]


def latest_event(db: Database, chat_id: int) -> EventRow | None:
    row = db.execute(
        f"SELECT {', '.join(EventRow._fields)} FROM events WHERE chat_id = ? "
        "ORDER BY id DESC LIMIT 1",
        [chat_id],
    ).fetchone()
    return _event_row(row) if row is not None else None


def since_last_rejection(db: Database, chat_id: int) -> list[EventRow]:
    """The chat's log from its latest rejected audit with a reason on, oldest first (empty:
    none); read by /back only, to bring back the walk of the steps it reopened."""
    cursor = db.execute(
        f"SELECT {', '.join(EventRow._fields)} FROM events WHERE chat_id = ? AND id >= "
        "(SELECT MAX(id) FROM events WHERE chat_id = ? AND kind = 'answer' "
        "AND answer = 'rejected' AND json_extract(detail, '$.reason') IS NOT NULL) ORDER BY id",
        [chat_id, chat_id],
    )
    return [_event_row(row) for row in cursor.fetchall()]


def last_audit_dates(db: Database, chat_id: int, to_state: str) -> AuditDates | None:
    """The audit dates of the chat's last answer that entered ``to_state`` with them."""
    row = db.execute(
        "SELECT detail FROM events WHERE chat_id = ? AND to_state = ? AND detail IS NOT NULL "
        "AND kind = 'answer' ORDER BY id DESC LIMIT 1",
        [chat_id, to_state],
    ).fetchone()
    if row is None:
        return None
    dates = decode("answer", row[0])
    return dates if isinstance(dates, AuditDates) else None


def newest_event(db: Database) -> int:
    """The id of the newest answers-log entry (0 if there is none)."""
    return int(db.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])


def first_event_at_or_after(db: Database, at: str) -> int:
    """The id of the first answers-log entry at or after ``at`` (one past the last if none)."""
    row = db.execute("SELECT MIN(id) FROM events WHERE at >= ?", [at]).fetchone()
    if row[0] is not None:
        return int(row[0])
    return newest_event(db) + 1


def move_events(db: Database, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: its history follows the new id."""
    write(db, "UPDATE events SET chat_id = ? WHERE chat_id = ?", [new_chat_id, old_chat_id])


def log_state_moves(
    db: Database, old_state: str, old_version: int, new_state: str, new_version: int, at: str
) -> int:
    """One 'migrate' entry per chat about to move from ``old_state`` (run before the move)."""
    detail = encode(FlowMigrated(new_version))
    return write(
        db,
        "INSERT INTO events (chat_id, kind, step, to_state, detail, at, flow_version) "
        "SELECT id, 'migrate', ?, ?, ?, ?, ? FROM chats WHERE state = ? AND flow_version = ?",
        [old_state, new_state, detail, at, new_version, old_state, old_version],
    ).rowcount


def moves_with_current_step(db: Database) -> Iterator[tuple[int, str, str, str, int]]:
    """Every logged change that put a chat at a step, chat by chat, oldest first, each with
    the chat's current step and ``active`` flag: ``(chat_id, to_state, at, state, active)``.

    One streamed query for the per-step funnel; plain tuples (no named rows) because it reads
    every entry of the log. Chats with no such entry are not in it.
    """
    return db.execute(
        "SELECT e.chat_id, e.to_state, e.at, c.state, c.active FROM chats c "
        "JOIN events e ON e.chat_id = c.id WHERE e.to_state IS NOT NULL ORDER BY c.id, e.id"
    )


def rejections_by_reason(db: Database, answer: str) -> list[tuple[str, str | None, int]]:
    """How many ``answer`` entries (an audit's rejection) each step has by their reason
    (``detail.reason``; None for entries without one): ``(step, reason, count)``."""
    cursor = db.execute(
        "SELECT step, json_extract(detail, '$.reason'), COUNT(*) FROM events "
        "WHERE kind = 'answer' AND answer = ? AND step IS NOT NULL GROUP BY 1, 2",
        [answer],
    )
    return [
        (str(step), None if reason is None else str(reason), int(n)) for step, reason, n in cursor
    ]
