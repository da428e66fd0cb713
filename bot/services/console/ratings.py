"""Satisfaction: the users' ratings of their closed tickets, per operator who held the ticket
when it closed and overall (the console's funnel page, read in its reader threads)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from bot.storage import ratings


@dataclass(frozen=True)
class OperatorRating:
    operator_id: int | None  # None: tickets nobody took
    name: str
    count: int
    average: float  # to one decimal


@dataclass(frozen=True)
class RatingSummary:
    count: int
    average: float | None  # None: no rating yet
    operators: list[OperatorRating]


def _average(total: int, count: int) -> float:
    return round(total / count, 1)


def rating_summary(db: Database) -> RatingSummary:
    rows = ratings.ratings_by_operator(db)
    count = sum(row.rated for row in rows)
    total = sum(row.total for row in rows)
    return RatingSummary(
        count,
        _average(total, count) if count else None,
        [
            OperatorRating(
                row.operator_id,
                row.operator_name or str(row.operator_id or ""),
                row.rated,
                _average(row.total, row.rated),
            )
            for row in rows
        ],
    )
