"""The funnel's tests: a plain reference for its statistics, to check the histogram's
against, and a seeded answers log."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable

from sqlite_utils import Database

from bot.storage.sql import transaction


def median_p90_of(values: Iterable[int]) -> tuple[float | None, float | None]:
    """Median and 90th percentile (nearest rank) of plain values, as ``median_p90`` gives
    them from a histogram."""
    data = sorted(values)
    if not data:
        return None, None
    rank = -(-9 * len(data) // 10)
    return float(statistics.median(data)), float(data[rank - 1])


def seed_journeys(
    db: Database, journeys: dict[int, list[tuple[dt.datetime, str]]], languages: dict[int, str]
) -> None:
    """Chats and their logged moves, as the bot would have written them: each chat at its
    journey's last state since its last move (finished there if that is ``finished``), one
    answer event per move."""
    with transaction(db):
        for chat_id, moves in journeys.items():
            last_at, state = moves[-1]
            at = last_at.isoformat(timespec="seconds")
            db.execute(
                "INSERT INTO chats (id, type, language, state, history, seq, active, created_at, "
                "updated_at, step_since, finished_at) VALUES (?, 'private', ?, ?, '[]', ?, 1, ?, "
                "?, ?, ?)",
                [
                    chat_id,
                    languages.get(chat_id, "en"),
                    state,
                    len(moves),
                    moves[0][0].isoformat(timespec="seconds"),
                    at,
                    at,
                    at if state == "finished" else None,
                ],
            )
            for moment, to_state in moves:
                db.execute(
                    "INSERT INTO events (chat_id, kind, to_state, at) VALUES (?, 'answer', ?, ?)",
                    [chat_id, to_state, moment.isoformat(timespec="seconds")],
                )
