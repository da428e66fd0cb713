"""``automation``: an operator's pause (or resume) of a company's automatic nudges.

One row per chat an operator paused or resumed from the console: ``paused`` 1 holds every
idle nudge and audit follow-up until resumed; 0 (resumed at ``at``) also lifts the handoff's
pause of a ticket that was already waiting then (a later waiting period pauses again). The
handoff's own pause (a ticket waiting for us) is not stored: it follows ``tickets``
(``waiting_since``, see ``bot.storage.waiting``).
"""

from __future__ import annotations

from typing import NamedTuple

from sqlite_utils import Database

from bot.storage.sql import write


class AutomationRow(NamedTuple):
    chat_id: int
    paused: int  # 1: paused by an operator; 0: resumed by one
    by: int | None  # the operator's user id
    at: str  # UTC ISO


def create_schema(db: Database) -> None:
    """Migration ``operators`` m002_automation_pause."""
    db.table("automation").create(
        {"chat_id": int, "paused": int, "by": int, "at": str},
        pk="chat_id",
        not_null={"paused", "at"},
    )
    # The reminders' "what is due?" leaves out the paused chats: found on this, however many
    # companies an operator once resumed.
    db.execute("CREATE INDEX idx_automation_paused ON automation (chat_id) WHERE paused = 1")


def get(db: Database, chat_id: int) -> AutomationRow | None:
    row = db.execute(
        "SELECT chat_id, paused, by, at FROM automation WHERE chat_id = ?", [chat_id]
    ).fetchone()
    return AutomationRow._make(row) if row is not None else None


def put(db: Database, chat_id: int, paused: bool, by: int, at: str) -> None:
    write(
        db,
        "INSERT OR REPLACE INTO automation (chat_id, paused, by, at) VALUES (?, ?, ?, ?)",
        [chat_id, int(paused), by, at],
    )


# The chats whose nudges are held now: paused by an operator, or with an open ticket waiting
# for us since ``?`` (the handoff's cut-off) or later and not resumed by an operator since.
# The waiting tickets are found on their partial index (few rows, whatever the portfolio).
PAUSED_CHATS = (
    "SELECT chat_id FROM automation WHERE paused = 1 UNION ALL "
    "SELECT t.chat_id FROM tickets t WHERE t.waiting_since IS NOT NULL "
    "AND t.status = 'open' AND t.waiting_since >= ? AND NOT EXISTS (SELECT 1 FROM automation a "
    "WHERE a.chat_id = t.chat_id AND a.paused = 0 AND a.at >= t.waiting_since)"
)
