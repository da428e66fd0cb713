"""``reminders`` (the next automatic follow-up per chat) and ``muted_chats``.

* ``reminders``: at most one row per chat: the next follow-up (audit follow-up or idle
  nudge), ``due_at`` in UTC. A partial index on ``due_at`` for pending rows keeps the
  periodic "what is due?" query independent of the number of chats.
* ``muted_chats``: chats that asked for no reminders (``/mute``).
"""

from __future__ import annotations

from typing import NamedTuple

from sqlite_utils import Database

from bot.storage.automation import PAUSED_CHATS
from bot.storage.sql import write


class ReminderRow(NamedTuple):
    chat_id: int
    kind: str  # audit / audit_ask / idle
    status: str  # pending / sending / sent / failed
    due_at: str  # UTC ISO
    followups: int  # follow-ups of this kind already sent for this step (column ``count``)
    seq: int  # the chat's seq when this reminder was (re)computed
    audit_key: str | None  # "<step>@<submitted date>": which audit the count is for
    sent_at: str | None


_COLUMNS = "chat_id, kind, status, due_at, count, seq, audit_key, sent_at"


def due_reminders(
    db: Database, now: str, limit: int, waiting_cutoff: str | None = None
) -> list[ReminderRow]:
    """Pending reminders due at ``now``, oldest first (the partial index answers this); with
    ``waiting_cutoff``, not those of chats whose nudges are paused (see ``automation``)."""
    paused = f"AND chat_id NOT IN ({PAUSED_CHATS}) " if waiting_cutoff is not None else ""
    params: list[object] = [now, waiting_cutoff, limit] if waiting_cutoff else [now, limit]
    cursor = db.execute(
        f"SELECT {_COLUMNS} FROM reminders WHERE status = 'pending' AND due_at <= ? "
        f"{paused}ORDER BY due_at LIMIT ?",
        params,
    )
    return [ReminderRow._make(row) for row in cursor.fetchall()]


def get_reminder(db: Database, chat_id: int) -> ReminderRow | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM reminders WHERE chat_id = ?", [chat_id]).fetchone()
    return ReminderRow._make(row) if row is not None else None


def put_reminder(
    db: Database,
    chat_id: int,
    kind: str,
    due_at: str,
    count: int,
    seq: int,
    audit_key: str | None,
) -> None:
    """Plan the chat's next reminder (pending), replacing whatever was planned."""
    write(
        db,
        "INSERT OR REPLACE INTO reminders "
        "(chat_id, kind, status, due_at, count, seq, audit_key, sent_at, error) "
        "VALUES (?, ?, 'pending', ?, ?, ?, ?, NULL, NULL)",
        [chat_id, kind, due_at, count, seq, audit_key],
    )


def set_reminder_seq(db: Database, chat_id: int, seq: int) -> None:
    """Keep the plan, but as made for the chat's change counter ``seq``."""
    write(db, "UPDATE reminders SET seq = ? WHERE chat_id = ?", [seq, chat_id])


def claim_reminder(db: Database, chat_id: int, seq: int, now: str) -> bool:
    """Mark as being sent, if still pending and planned for the chat's current seq."""
    cursor = write(
        db,
        "UPDATE reminders SET status = 'sending', sent_at = ? WHERE chat_id = ? "
        "AND status = 'pending' AND seq = ? AND seq = (SELECT seq FROM chats WHERE id = ?)",
        [now, chat_id, seq, chat_id],
    )
    return cursor.rowcount == 1


def plan_again(db: Database, chat_id: int, count: int, due_at: str) -> None:
    """A sent reminder that has a next one (idle nudges): pending again, later."""
    write(
        db,
        "UPDATE reminders SET status = 'pending', count = ?, due_at = ? WHERE chat_id = ?",
        [count, due_at, chat_id],
    )


def finish_reminder(db: Database, chat_id: int, status: str, count: int, error: str | None) -> None:
    write(
        db,
        "UPDATE reminders SET status = ?, count = ?, error = ? WHERE chat_id = ?",
        [status, count, error, chat_id],
    )


def delete_reminder(db: Database, chat_id: int) -> None:
    write(db, "DELETE FROM reminders WHERE chat_id = ?", [chat_id])


# -- muted chats -----------------------------------------------------------------------------
def is_muted(db: Database, chat_id: int) -> bool:
    row = db.execute("SELECT 1 FROM muted_chats WHERE chat_id = ?", [chat_id]).fetchone()
    return row is not None


def set_muted(db: Database, chat_id: int, muted_at: str | None) -> None:
    if muted_at is None:
        write(db, "DELETE FROM muted_chats WHERE chat_id = ?", [chat_id])
    else:
        write(
            db,
            "INSERT OR REPLACE INTO muted_chats (chat_id, muted_at) VALUES (?, ?)",
            [chat_id, muted_at],
        )


def muted_count(db: Database) -> int:
    return int(db.execute("SELECT COUNT(*) FROM muted_chats").fetchone()[0])
