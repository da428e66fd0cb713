"""Migration ``tickets`` m003_waiting on a database from before it: open tickets get their
current wait and first answer from their relayed messages, closed ones wait for nobody."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from bot.storage import migrations
from bot.storage.db import close_database, open_database
from bot.storage.tickets import get_ticket

TICKET = (
    "INSERT INTO tickets (id, chat_id, chat_type, status, relaying, card_pending, blocked, "
    "opened_count) VALUES (?, ?, 'private', ?, 0, 0, 0, 1)"
)
MESSAGE = "INSERT INTO ticket_messages (ticket_id, direction, at) VALUES (?, ?, ?)"


def test_waits_are_filled_in_from_the_relayed_messages(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = Database(sqlite3.connect(path))
    for migration_set in migrations.all_sets():
        stop = "m003_waiting" if migration_set is migrations.tickets else None
        migration_set.apply(old, stop_before=stop)
    assert "waiting_since" not in old.table("tickets").columns_dict
    with old.conn:
        old.execute(TICKET, [1, 11, "open"])  # answered once, then asked again twice
        old.execute(TICKET, [2, 12, "open"])  # answered: nothing waits
        old.execute(TICKET, [3, 13, "closed"])  # closed unanswered: nobody waits
        for ticket, direction, at in (
            (1, "card", "2026-11-02T01:00:00+00:00"),
            (1, "in", "2026-11-02T01:00:05+00:00"),
            (1, "out", "2026-11-02T03:00:00+00:00"),
            (1, "in", "2026-11-03T01:00:00+00:00"),
            (1, "in", "2026-11-03T02:00:00+00:00"),
            (2, "in", "2026-11-02T01:00:00+00:00"),
            (2, "out", "2026-11-02T02:00:00+00:00"),
            (3, "in", "2026-11-02T01:00:00+00:00"),
        ):
            old.execute(MESSAGE, [ticket, direction, at])
    old.conn.close()

    db = open_database(path)
    try:
        first, second, third = (get_ticket(db, n) for n in (1, 2, 3))
        assert first is not None and second is not None and third is not None
        assert first.waiting_since == "2026-11-03T01:00:00+00:00"
        assert first.asked_at == "2026-11-02T01:00:05+00:00"
        assert first.first_answered_at == "2026-11-02T03:00:00+00:00"
        assert second.waiting_since is None
        assert second.first_answered_at == "2026-11-02T02:00:00+00:00"
        assert third.waiting_since is None and third.escalated_at is None
        assert not first.card_refresh and first.card_html is None
    finally:
        close_database(db)
