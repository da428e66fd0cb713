"""Selecting chats: one query (:class:`ChatQuery`) for the console's board, its CSV, the
``/export`` CSV and broadcast audiences, turned into one WHERE clause by :func:`where_sql`,
and one projection of a chat with its mute and ticket state (:class:`CompanyRow`).

The clause is on ``chats`` as ``c``. How a page of the board is found fast lives in
``board.py``; what is selected is decided here only, so the board, the exports and an
audience given the same query select the same chats.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlite_utils import Database

# The last relayed message of an open ticket is the user's: nobody has answered yet.
# "Waiting for us": a user's message the desk has not answered yet (``bot.storage.waiting``
# keeps ``waiting_since``; its partial index answers the filters). One rule for the board's
# tag, its filters, whose move it is and the nudges' pause.
_WAITING = "t.waiting_since IS NOT NULL"
_WAITING_CHATS = f"SELECT t.chat_id FROM tickets t WHERE t.status = 'open' AND {_WAITING}"
# Open tickets taken by an operator / taken by nobody and waiting (index tickets_assignee).
_HELD_CHATS = "SELECT t.chat_id FROM tickets t WHERE t.assignee_id = ? AND t.status = 'open'"
_UNASSIGNED_WAITING_CHATS = (
    f"SELECT t.chat_id FROM tickets t WHERE t.assignee_id IS NULL AND t.status = 'open' "
    f"AND {_WAITING}"
)
# Chats whose latest file of some document is in a review state (index documents_review).
_REVIEW_CHATS = (
    "SELECT d.chat_id FROM documents d WHERE d.review_state = ? AND d.fetch_state != 'failed' "
    "AND NOT EXISTS (SELECT 1 FROM documents n WHERE n.chat_id = d.chat_id AND n.step = d.step "
    "AND n.document_id = d.document_id AND n.id > d.id AND n.fetch_state != 'failed')"
)

# "Whose move is it?" (the board's filter): ours while a ticket waits for us (its partial
# index) or a file waits for review; the Tmall audit's at an audit step; else the client's.
_OURS = (
    "(c.id IN (SELECT w.chat_id FROM tickets w WHERE w.waiting_since IS NOT NULL "
    f"AND w.status = 'open') OR c.id IN ({_REVIEW_CHATS}))"
)
_AT_AUDIT = "(c.audit_step IS NOT NULL AND c.state = c.audit_step)"
MOVES = ("client", "audit", "ours")


def _move_clause(move: str) -> tuple[str, list[Any]]:
    if move == "ours":
        return _OURS, ["received"]
    if move == "audit":
        return f"c.finished_at IS NULL AND {_AT_AUDIT} AND NOT {_OURS}", ["received"]
    return f"c.finished_at IS NULL AND NOT {_AT_AUDIT} AND NOT {_OURS}", ["received"]


@dataclass(frozen=True)
class ChatQuery:
    """Which chats: every condition given must hold (None / False: no condition)."""

    states: tuple[str, ...] | None = None  # at one of these steps (empty: none)
    language: str | None = None
    updated_before: str | None = None  # no change after (UTC ISO): idle
    unfinished: bool = False
    at_step_before: str | None = None  # came to its step before (UTC ISO), unfinished: stuck
    audit_due_before: str | None = None  # at an audit whose expected date is before (ISO date)
    waiting: bool = False  # an open ticket whose last message is the user's
    review_state: str | None = None  # a document's latest file is in this review state
    search: str | None = None  # in the name
    search_id: int | None = None  # or this chat id (the search text, if it is one)
    exclude: int | None = None  # not this chat (the support group)
    active: bool | None = None  # True: has not blocked / removed the bot; False: has
    muted: bool | None = None  # True: muted the bot's messages; False: has not
    held_by: int | None = None  # an open ticket taken by this operator
    unassigned_waiting: bool = False  # an open ticket taken by nobody, waiting for us
    move: str | None = None  # whose move it is: one of MOVES


def conditions(query: ChatQuery) -> tuple[list[str], list[Any]]:
    """The conditions of ``query`` on ``chats c`` (joined with AND) and their parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    if query.active is not None:
        clauses.append("c.active = 1" if query.active else "c.active = 0")
    if query.muted is not None:
        mute = "IN" if query.muted else "NOT IN"
        clauses.append(f"c.id {mute} (SELECT chat_id FROM muted_chats)")
    if query.exclude is not None:
        clauses.append("c.id != ?")
        params.append(query.exclude)
    if query.states is not None:
        clauses.append(f"c.state IN ({', '.join('?' for _ in query.states)})")
        params.extend(query.states)
    if query.language is not None:
        clauses.append("c.language = ?")
        params.append(query.language)
    if query.updated_before is not None:
        clauses.append("c.updated_at <= ?")
        params.append(query.updated_before)
    if query.unfinished:
        clauses.append("c.finished_at IS NULL")
    if query.at_step_before is not None:
        clauses.append("c.step_since < ? AND c.finished_at IS NULL")
        params.append(query.at_step_before)
    if query.audit_due_before is not None:
        # ``audit_step IS NOT NULL`` lets the partial index of audits' dates answer it.
        clauses.append("c.audit_step IS NOT NULL AND c.state = c.audit_step AND c.audit_due_on < ?")
        params.append(query.audit_due_before)
    if query.waiting:
        clauses.append(f"c.id IN ({_WAITING_CHATS})")
    if query.held_by is not None:
        clauses.append(f"c.id IN ({_HELD_CHATS})")
        params.append(query.held_by)
    if query.unassigned_waiting:
        clauses.append(f"c.id IN ({_UNASSIGNED_WAITING_CHATS})")
    if query.review_state is not None:
        clauses.append(f"c.id IN ({_REVIEW_CHATS})")
        params.append(query.review_state)
    if query.move in MOVES:
        clause, values = _move_clause(query.move)
        clauses.append(clause)
        params.extend(values)
    if query.search:
        text = query.search.strip()
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        # The names are matched on their index (narrow), not on the table's rows.
        names = "SELECT n.id FROM chats n WHERE n.title LIKE ? ESCAPE '\\'"
        if query.search_id is not None:
            clauses.append(f"c.id IN ({names} UNION ALL SELECT ?)")
            params.extend([pattern, query.search_id])
        else:
            clauses.append(f"c.id IN ({names})")
            params.append(pattern)
    return clauses, params


def where_sql(query: ChatQuery) -> tuple[str, list[Any]]:
    """`` WHERE …`` selecting ``query`` on ``chats c`` (empty if it has no condition)."""
    clauses, params = conditions(query)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class CompanyRow(NamedTuple):
    """A chat as the console and the exports show it: its progress, whether it muted the
    bot's messages, and its support ticket (if any)."""

    id: int
    type: str
    title: str | None
    language: str
    state: str
    step_since: str | None
    audit_step: str | None
    audit_submitted_on: str | None
    audit_due_on: str | None
    active: int
    created_at: str | None
    updated_at: str | None
    finished_at: str | None
    muted: int
    ticket_id: int | None
    ticket_status: str | None
    waiting: int
    paused: int | None  # an operator's pause (1) or resume (0), if any (``automation``)
    paused_by: int | None
    paused_at: str | None
    asked_at: str | None  # the ticket's waits (``waiting``)
    first_answered_at: str | None
    waiting_since: str | None
    to_review: int  # a document's latest file waits for review
    holder_id: int | None = None  # who took the ticket
    holder_name: str | None = None


# A company's row: does a document's latest file wait for review (as ``_REVIEW_CHATS``)?
_TO_REVIEW = (
    "EXISTS (SELECT 1 FROM documents d WHERE d.chat_id = c.id AND d.review_state = 'received' "
    "AND d.fetch_state != 'failed' AND NOT EXISTS (SELECT 1 FROM documents n "
    "WHERE n.chat_id = d.chat_id AND n.step = d.step AND n.document_id = d.document_id "
    "AND n.id > d.id AND n.fetch_state != 'failed'))"
)
_CHAT_COLUMNS = CompanyRow._fields[: CompanyRow._fields.index("muted")]
SELECT_COMPANIES = (
    f"SELECT {', '.join(f'c.{name}' for name in _CHAT_COLUMNS)}, "
    "m.chat_id IS NOT NULL, t.id, t.status, "
    f"COALESCE(t.status = 'open' AND {_WAITING}, 0), "
    "a.paused, a.by, a.at, t.asked_at, t.first_answered_at, "
    "CASE WHEN t.status = 'open' THEN t.waiting_since END, "
    f"{_TO_REVIEW}, t.assignee_id, t.assignee_name "
    "FROM chats c LEFT JOIN muted_chats m ON m.chat_id = c.id "
    "LEFT JOIN tickets t ON t.chat_id = c.id LEFT JOIN automation a ON a.chat_id = c.id"
)


def companies(db: Database, query: ChatQuery, order: str = "c.id") -> Iterator[CompanyRow]:
    """Every chat ``query`` selects, ordered by ``order`` (SQL on ``c``), streamed."""
    clause, params = where_sql(query)
    for row in db.execute(f"{SELECT_COMPANIES}{clause} ORDER BY {order}", params):
        yield CompanyRow._make(row)


def company(db: Database, chat_id: int) -> CompanyRow | None:
    row = db.execute(f"{SELECT_COMPANIES} WHERE c.id = ?", [chat_id]).fetchone()
    return CompanyRow._make(row) if row is not None else None


def count(db: Database, query: ChatQuery) -> int:
    clause, params = where_sql(query)
    return int(db.execute(f"SELECT COUNT(*) FROM chats c{clause}", params).fetchone()[0])
