"""Support tickets and the mapping of their messages between a user's chat and the support group.

One ticket per asking chat (a user's private chat, or a team's group), reopened by its next
``/ask``. ``ticket_messages`` maps every message the bot posted in the support group for a
ticket (its card, the copies of the user's messages) and every operator message copied to the
user, so a reply in a plain support group finds its ticket, and a user's reply to an operator's
answer is recognised. Schema in ``migrations``; queries are plain SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypedDict, cast

from sqlite_utils import Database

from bot.storage import waiting
from bot.storage.sql import update_row, write, write_many

OPEN = "open"
CLOSED = "closed"


class TicketRow(NamedTuple):
    id: int  # the ticket number operators see
    chat_id: int  # the asking chat: where operators' answers go
    chat_type: str | None
    user_id: int | None  # who last asked
    name: str | None  # user's name or group title, for the card and the topic name
    language: str | None  # the chat's language when it last asked
    status: str  # open / closed
    relaying: int  # 1 while the chat's messages go to the support group
    card_pending: int  # 1 until the card of this (re)opening is posted
    support_chat_id: int | None  # the support group its topic / card live in
    thread_id: int | None  # forum topic, if the support group is a forum
    header_message_id: int | None  # latest card (plain support group: what to reply to)
    blocked: int  # 1 when the user blocked the bot
    opened_count: int
    created_at: str | None
    updated_at: str | None
    closed_at: str | None
    assignee_id: int | None  # the operator who took it (kept when it closes and reopens)
    assignee_name: str | None
    assigned_at: str | None
    assigned_after: int | None  # the ticket's latest relayed message (its id) when taken
    card_html: str | None  # the latest card as posted, before the line saying who took it
    asked_at: str | None  # this opening's first message from the user (bot.storage.waiting)
    first_answered_at: str | None  # the desk's first answer after it
    waiting_since: str | None  # the first of the user's messages not answered yet
    escalated_at: str | None  # the current wait escalated to the support group
    card_refresh: int  # 1: the card is to show new waits (bot.storage.waiting)


_COLUMNS = ", ".join(f"t.{name}" for name in TicketRow._fields)


def _one(db: Database, where: str, params: list[Any]) -> TicketRow | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM tickets t WHERE {where}", params).fetchone()
    return TicketRow._make(row) if row is not None else None


def get_ticket(db: Database, ticket_id: int) -> TicketRow | None:
    return _one(db, "t.id = ?", [ticket_id])


def ticket_of_chat(db: Database, chat_id: int) -> TicketRow | None:
    return _one(db, "t.chat_id = ?", [chat_id])


def ticket_of_thread(db: Database, support_chat_id: int, thread_id: int) -> TicketRow | None:
    return _one(db, "t.support_chat_id = ? AND t.thread_id = ?", [support_chat_id, thread_id])


def ticket_of_support_message(
    db: Database, support_chat_id: int, message_id: int
) -> TicketRow | None:
    row = db.execute(
        f"SELECT {_COLUMNS} FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id "
        "WHERE m.support_chat_id = ? AND m.support_message_id = ? ORDER BY m.id DESC LIMIT 1",
        [support_chat_id, message_id],
    ).fetchone()
    return TicketRow._make(row) if row is not None else None


def is_operator_copy(db: Database, ticket_id: int, user_message_id: int) -> bool:
    """Whether ``user_message_id`` in the ticket's chat is an operator's answer we delivered."""
    row = db.execute(
        "SELECT 1 FROM ticket_messages WHERE ticket_id = ? AND user_message_id = ? "
        "AND direction = 'out' LIMIT 1",
        [ticket_id, user_message_id],
    ).fetchone()
    return row is not None


def last_relayed(db: Database, ticket_id: int) -> tuple[int, str] | None:
    """The id and direction (``in`` / ``out``) of the ticket's latest relayed message."""
    row = db.execute(
        "SELECT id, direction FROM ticket_messages WHERE ticket_id = ? "
        "AND direction IN ('in', 'out') ORDER BY id DESC LIMIT 1",
        [ticket_id],
    ).fetchone()
    return (int(row[0]), str(row[1])) if row is not None else None


def last_message_id(db: Database, ticket_id: int) -> int:
    """The id of the latest message posted for the ticket (0: none)."""
    row = db.execute(
        "SELECT MAX(id) FROM ticket_messages WHERE ticket_id = ?", [ticket_id]
    ).fetchone()
    return int(row[0] or 0)


def support_copy_of(db: Database, ticket_id: int, user_message_id: int) -> int | None:
    """The support group's copy of the user's message ``user_message_id`` (the latest)."""
    row = db.execute(
        "SELECT support_message_id FROM ticket_messages WHERE ticket_id = ? "
        "AND user_message_id = ? AND direction = 'in' ORDER BY id DESC LIMIT 1",
        [ticket_id, user_message_id],
    ).fetchone()
    return int(row[0]) if row is not None else None


def user_copy_of(
    db: Database, support_chat_id: int, support_message_id: int
) -> tuple[TicketRow, int] | None:
    """The ticket an operator's message was delivered for, and its copy in the user's chat."""
    row = db.execute(
        f"SELECT {_COLUMNS}, m.user_message_id FROM ticket_messages m "
        "JOIN tickets t ON t.id = m.ticket_id WHERE m.support_chat_id = ? "
        "AND m.support_message_id = ? AND m.direction = 'out' ORDER BY m.id DESC LIMIT 1",
        [support_chat_id, support_message_id],
    ).fetchone()
    if row is None or row[-1] is None:
        return None
    return TicketRow._make(row[:-1]), int(row[-1])


@dataclass(frozen=True)
class NewTicket:
    """A chat's first ``/ask``: its ticket opens, relaying, its card still to post."""

    chat_id: int
    chat_type: str
    user_id: int | None
    name: str
    language: str
    at: str  # created and updated (UTC ISO)


class TicketChanges(TypedDict, total=False):
    """The columns a change of a ticket sets (only those given are written)."""

    user_id: int | None
    name: str
    language: str
    status: str
    relaying: int
    card_pending: int
    support_chat_id: int | None
    thread_id: int | None
    header_message_id: int | None
    blocked: int
    opened_count: int
    updated_at: str
    closed_at: str | None
    assignee_id: int | None
    assignee_name: str | None
    assigned_at: str | None
    assigned_after: int | None
    asked_at: str | None
    first_answered_at: str | None
    waiting_since: str | None
    escalated_at: str | None
    card_html: str | None


@dataclass(frozen=True)
class RelayedMessage:
    """A message the bot posted for a ticket: in the support group (its card, a copy of the
    user's message) and, for a relayed one, its counterpart in the user's chat."""

    ticket_id: int
    support_chat_id: int | None
    support_message_id: int
    user_message_id: int | None  # none for a card
    direction: str  # card / in (user → support) / out (operator → user)
    at: str


def insert_ticket(db: Database, ticket: NewTicket) -> int:
    cursor = write(
        db,
        "INSERT INTO tickets (chat_id, chat_type, user_id, name, language, status, relaying, "
        "card_pending, blocked, opened_count, created_at, updated_at) "
        f"VALUES (?, ?, ?, ?, ?, '{OPEN}', 1, 1, 0, 1, ?, ?)",
        [
            *(ticket.chat_id, ticket.chat_type, ticket.user_id, ticket.name, ticket.language),
            *(ticket.at, ticket.at),
        ],
    )
    return int(cursor.lastrowid or 0)


def update_ticket(db: Database, ticket_id: int, changes: TicketChanges) -> None:
    update_row(db, "tickets", ticket_id, cast(dict[str, Any], changes))


_INSERT_MESSAGE = (
    "INSERT INTO ticket_messages (ticket_id, support_chat_id, support_message_id, "
    "user_message_id, direction, at) VALUES (?, ?, ?, ?, ?, ?)"
)


def _message_params(message: RelayedMessage) -> tuple[Any, ...]:
    return (
        *(message.ticket_id, message.support_chat_id, message.support_message_id),
        *(message.user_message_id, message.direction, message.at),
    )


def add_message(db: Database, message: RelayedMessage) -> None:
    write(db, _INSERT_MESSAGE, _message_params(message))
    waiting.after_posts(db, message.ticket_id, [(message.direction, message.at)])


def record_posts(
    db: Database, ticket_id: int, changes: TicketChanges, posted: Sequence[RelayedMessage]
) -> None:
    """What the bot posted for a ticket, at once: the ticket's changes (none given: none) and
    the messages it posted."""
    if changes:
        update_row(db, "tickets", ticket_id, cast(dict[str, Any], changes))
    write_many(db, _INSERT_MESSAGE, [_message_params(message) for message in posted])
    waiting.after_posts(db, ticket_id, [(message.direction, message.at) for message in posted])


def move_tickets(db: Database, old_chat_id: int, new_chat_id: int, new_type: str) -> None:
    """A group became a supergroup: its ticket follows the new id (unless it has one already)."""
    write(
        db,
        "UPDATE tickets SET chat_id = ?, chat_type = ? WHERE chat_id = ? "
        "AND NOT EXISTS (SELECT 1 FROM tickets WHERE chat_id = ?)",
        [new_chat_id, new_type, old_chat_id, new_chat_id],
    )
