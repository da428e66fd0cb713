"""The users' ratings of closed tickets (``ticket_ratings``): one per closing of a ticket, with
the operator who held it then. Schema in ``migrations`` (``tickets`` m002); plain SQL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sqlite_utils import Database

from bot.storage.sql import write


@dataclass(frozen=True)
class NewRating:
    ticket_id: int
    closing: int  # the ticket's opened_count when it closed
    chat_id: int
    rating: int
    operator_id: int | None
    operator_name: str | None
    user_id: int | None
    at: str


def add_rating(db: Database, rating: NewRating) -> bool:
    """Record a rating; False (and nothing changed) if this closing was rated already."""
    cursor = write(
        db,
        "INSERT OR IGNORE INTO ticket_ratings (ticket_id, closing, chat_id, rating, "
        "operator_id, operator_name, user_id, rated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            *(rating.ticket_id, rating.closing, rating.chat_id, rating.rating),
            *(rating.operator_id, rating.operator_name, rating.user_id, rating.at),
        ],
    )
    return cursor.rowcount == 1


def rating_of(db: Database, ticket_id: int, closing: int) -> int | None:
    row = db.execute(
        "SELECT rating FROM ticket_ratings WHERE ticket_id = ? AND closing = ?",
        [ticket_id, closing],
    ).fetchone()
    return int(row[0]) if row is not None else None


class OperatorRatings(NamedTuple):
    operator_id: int | None  # None: tickets nobody took
    operator_name: str | None
    rated: int  # how many ratings
    total: int  # the sum of the ratings (the average is total / count)


def ratings_by_operator(db: Database) -> list[OperatorRatings]:
    """Every operator's ratings (who held the ticket when it closed), most rated first."""
    cursor = db.execute(
        "SELECT operator_id, MAX(operator_name), COUNT(*), SUM(rating) FROM ticket_ratings "
        "GROUP BY operator_id ORDER BY COUNT(*) DESC, operator_id IS NULL, operator_id"
    )
    return [OperatorRatings._make(row) for row in cursor.fetchall()]
