"""Support tickets and the mapping of their messages between a user's chat and the support group.

One ticket per asking chat (a user's private chat, or a team's group), reopened by its next
``/ask``. ``ticket_messages`` maps every message the bot posted in the support group for a
ticket (its card, the copies of the user's messages) and every operator message copied to the
user, so a reply in a plain support group finds its ticket, and a user's reply to an operator's
answer is recognised. Schema in migrations; per-update functions are plain SQL.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database, Migrations

from bot.storage.sql import insert_row, update_row

migrations = Migrations("tpbot.tickets")

OPEN = "open"
CLOSED = "closed"


@migrations()
def m001_tickets(db: Database) -> None:
    db.table("tickets").create(
        {
            "id": int,  # the ticket number operators see
            "chat_id": int,  # the asking chat: where operators' answers go
            "chat_type": str,
            "user_id": int,  # who last asked
            "name": str,  # user's name or group title, for the card and the topic name
            "language": str,  # the chat's language when it last asked
            "status": str,  # open / closed
            "relaying": int,  # 1 while the chat's messages go to the support group
            "card_pending": int,  # 1 until the card of this (re)opening is posted
            "support_chat_id": int,  # the support group its topic / header live in
            "thread_id": int,  # forum topic, if the support group is a forum
            "header_message_id": int,  # latest card (plain support group: what to reply to)
            "blocked": int,  # 1 when the user blocked the bot
            "opened_count": int,
            "created_at": str,
            "updated_at": str,
            "closed_at": str,
        },
        pk="id",
        not_null={"chat_id", "status", "relaying", "card_pending", "blocked", "opened_count"},
        defaults={"relaying": 0, "card_pending": 1, "blocked": 0, "opened_count": 1},
    )
    db.table("tickets").create_index(["chat_id"], unique=True)
    db.table("tickets").create_index(["support_chat_id", "thread_id"])
    db.table("ticket_messages").create(
        {
            "id": int,
            "ticket_id": int,
            "support_chat_id": int,
            "support_message_id": int,  # the message in the support group
            "user_message_id": int,  # its counterpart in the user's chat (none for a card)
            "direction": str,  # card / in (user → support) / out (operator → user)
            "at": str,
        },
        pk="id",
        foreign_keys=[("ticket_id", "tickets", "id")],
    )
    db.table("ticket_messages").create_index(["support_chat_id", "support_message_id"])
    db.table("ticket_messages").create_index(["ticket_id", "user_message_id"])


TICKET_COLUMNS = (
    "id, chat_id, chat_type, user_id, name, language, status, relaying, card_pending, "
    "support_chat_id, thread_id, header_message_id, blocked, opened_count, created_at, "
    "updated_at, closed_at"
)


def _one(db: Database, sql: str, params: list[Any]) -> dict[str, Any] | None:
    cursor = db.execute(sql, params)
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([c[0] for c in cursor.description], row, strict=True))


def get_ticket(db: Database, ticket_id: int) -> dict[str, Any] | None:
    return _one(db, f"SELECT {TICKET_COLUMNS} FROM tickets WHERE id = ?", [ticket_id])


def ticket_of_chat(db: Database, chat_id: int) -> dict[str, Any] | None:
    return _one(db, f"SELECT {TICKET_COLUMNS} FROM tickets WHERE chat_id = ?", [chat_id])


def ticket_of_thread(db: Database, support_chat_id: int, thread_id: int) -> dict[str, Any] | None:
    return _one(
        db,
        f"SELECT {TICKET_COLUMNS} FROM tickets WHERE support_chat_id = ? AND thread_id = ?",
        [support_chat_id, thread_id],
    )


def ticket_of_support_message(
    db: Database, support_chat_id: int, message_id: int
) -> dict[str, Any] | None:
    return _one(
        db,
        f"SELECT {', '.join('t.' + c.strip() for c in TICKET_COLUMNS.split(','))} "
        "FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id "
        "WHERE m.support_chat_id = ? AND m.support_message_id = ? ORDER BY m.id DESC LIMIT 1",
        [support_chat_id, message_id],
    )


def is_operator_copy(db: Database, ticket_id: int, user_message_id: int) -> bool:
    """Whether ``user_message_id`` in the ticket's chat is an operator's answer we delivered."""
    row = db.execute(
        "SELECT 1 FROM ticket_messages WHERE ticket_id = ? AND user_message_id = ? "
        "AND direction = 'out' LIMIT 1",
        [ticket_id, user_message_id],
    ).fetchone()
    return row is not None


def insert_ticket(db: Database, row: dict[str, Any]) -> int:
    return insert_row(db, "tickets", row)


def update_ticket(db: Database, ticket_id: int, changes: dict[str, Any]) -> None:
    update_row(db, "tickets", ticket_id, changes)


def add_message(db: Database, row: dict[str, Any]) -> None:
    insert_row(db, "ticket_messages", row)


def move_tickets(db: Database, old_chat_id: int, new_chat_id: int, new_type: str) -> None:
    """A group became a supergroup: its ticket follows the new id (unless it has one already)."""
    db.execute(
        "UPDATE tickets SET chat_id = ?, chat_type = ? WHERE chat_id = ? "
        "AND NOT EXISTS (SELECT 1 FROM tickets WHERE chat_id = ?)",
        [new_chat_id, new_type, old_chat_id, new_chat_id],
    )
