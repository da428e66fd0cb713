"""How long a ticket waits for us: the columns of migration ``tickets`` m003_waiting.

* ``asked_at``: the first message the user sent in this opening of the ticket;
* ``first_answered_at``: the desk's first answer after it;
* ``waiting_since``: the first of the user's messages not answered yet (NULL: nothing waits);
* ``escalated_at``: when the current wait was escalated to the support group (once per wait);
* ``card_html`` (added by m002): the card as posted, shown again with the wait's line;
* ``card_refresh``: 1 when the card is to show new waits (its first answer, an escalation): a
  job edits it, off the updates' path.

Kept by every message recorded for a ticket (:func:`after_posts`, called by
``bot.storage.tickets``): a user's message starts a wait, the desk's answer ends it. Closing
a ticket ends it too; reopening starts a new opening (``bot.services.desk.tickets``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from sqlite_utils import Database

from bot.storage.sql import write

COLUMNS = ("asked_at", "first_answered_at", "waiting_since", "escalated_at")  # card_html: m002


def create_schema(db: Database) -> None:
    """Migration ``tickets`` m003_waiting: the columns, their index and what older rows show."""
    table = db.table("tickets")
    for column in COLUMNS:
        table.add_column(column, str)
    table.add_column("card_refresh", int, not_null_default=0)
    backfill(db)
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_tickets_waiting ON tickets (waiting_since) "
        "WHERE waiting_since IS NOT NULL"
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_tickets_card_refresh ON tickets (id) WHERE card_refresh = 1"
    )


def backfill(db: Database) -> None:
    """Work the open tickets' waits out from their relayed messages (for rows written without
    them: the migration, and tools that load tickets in bulk)."""
    # Open tickets: the user's messages after the desk's last answer (all of them if none).
    after_last_answer = (
        "FROM ticket_messages m WHERE m.ticket_id = tickets.id AND m.direction = 'in' AND m.id > "
        "COALESCE((SELECT MAX(o.id) FROM ticket_messages o WHERE o.ticket_id = tickets.id "
        "AND o.direction = 'out'), 0)"
    )
    db.execute(
        f"UPDATE tickets SET waiting_since = (SELECT MIN(m.at) {after_last_answer}) "
        "WHERE status = 'open'"
    )
    db.execute(
        "UPDATE tickets SET asked_at = (SELECT MIN(m.at) FROM ticket_messages m "
        "WHERE m.ticket_id = tickets.id AND m.direction = 'in') WHERE status = 'open'"
    )
    db.execute(
        "UPDATE tickets SET first_answered_at = (SELECT MIN(m.at) FROM ticket_messages m "
        "WHERE m.ticket_id = tickets.id AND m.direction = 'out' AND m.at >= tickets.asked_at) "
        "WHERE asked_at IS NOT NULL"
    )


def after_posts(db: Database, ticket_id: int, directions: Iterable[tuple[str, str]]) -> None:
    """Messages just recorded for the ticket, as (direction, at): the user's start a wait, the
    desk's end it (cards change nothing)."""
    for direction, at in directions:
        if direction == "in":
            write(
                db,
                "UPDATE tickets SET waiting_since = COALESCE(waiting_since, ?), "
                "asked_at = COALESCE(asked_at, ?) WHERE id = ? AND status = 'open'",
                [at, at, ticket_id],
            )
        elif direction == "out":
            write(
                db,
                "UPDATE tickets SET waiting_since = NULL, escalated_at = NULL, "
                "card_refresh = CASE WHEN (first_answered_at IS NULL AND asked_at IS NOT NULL) "
                "OR escalated_at IS NOT NULL THEN 1 ELSE card_refresh END, "
                "first_answered_at = COALESCE(first_answered_at, "
                "CASE WHEN asked_at IS NOT NULL THEN ? END) WHERE id = ?",
                [at, ticket_id],
            )


class Waiting(NamedTuple):
    """An open ticket waiting for us, not escalated yet."""

    ticket_id: int
    chat_id: int
    waiting_since: str
    support_chat_id: int | None
    thread_id: int | None
    header_message_id: int | None
    language: str | None
    name: str | None


def unescalated(db: Database, since_before: str, limit: int = 200) -> list[Waiting]:
    """Open tickets waiting since before ``since_before`` and not escalated (the partial
    index: as many rows as tickets waiting)."""
    cursor = db.execute(
        "SELECT id, chat_id, waiting_since, support_chat_id, thread_id, header_message_id, "
        "language, name FROM tickets WHERE waiting_since IS NOT NULL AND waiting_since < ? "
        "AND status = 'open' AND escalated_at IS NULL ORDER BY waiting_since LIMIT ?",
        [since_before, limit],
    )
    return [Waiting._make(row) for row in cursor.fetchall()]


def mark_escalated(db: Database, ticket_id: int, waiting_since: str, at: str) -> bool:
    """Mark the wait escalated, if it is still the same wait; False if it ended meanwhile."""
    cursor = write(
        db,
        "UPDATE tickets SET escalated_at = ?, card_refresh = 1 WHERE id = ? AND waiting_since = ? "
        "AND escalated_at IS NULL",
        [at, ticket_id, waiting_since],
    )
    return cursor.rowcount == 1


def is_waiting(db: Database, chat_id: int) -> bool:
    """Whether the chat's ticket is open with a message of the user's not answered yet."""
    row = db.execute(
        "SELECT 1 FROM tickets WHERE chat_id = ? AND status = 'open' AND waiting_since IS NOT NULL",
        [chat_id],
    ).fetchone()
    return row is not None


def cards_to_refresh(db: Database, limit: int = 50) -> list[int]:
    """The tickets whose card is to show new waits (their partial index)."""
    cursor = db.execute(
        "SELECT id FROM tickets WHERE card_refresh = 1 ORDER BY id LIMIT ?", [limit]
    )
    return [int(row[0]) for row in cursor.fetchall()]


def card_refreshed(db: Database, ticket_id: int) -> None:
    write(db, "UPDATE tickets SET card_refresh = 0 WHERE id = ?", [ticket_id])
