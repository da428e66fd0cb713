"""``operator_meta``: small named values the bot keeps (the reminders sync cursor, the
generated webhook secret)."""

from __future__ import annotations

from sqlite_utils import Database

from bot.storage.sql import write


def get_meta(db: Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM operator_meta WHERE key = ?", [key]).fetchone()
    return str(row[0]) if row else None


def set_meta(db: Database, key: str, value: str) -> None:
    write(db, "INSERT OR REPLACE INTO operator_meta (key, value) VALUES (?, ?)", [key, value])
