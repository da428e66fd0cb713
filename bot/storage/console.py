"""The console's sign-in: one-time links (``console_links``), sessions (``console_sessions``)
and the Mini App sign-ins already used (``console_init_data``).

They hold SHA-256 hashes of the secrets, never the secrets themselves.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlite_utils import Database

from bot.storage.sql import write


class SessionRow(NamedTuple):
    user_id: int
    csrf: str
    language: str | None
    expires_at: str


def add_link(db: Database, token_hash: str, user_id: int, now: str, expires_at: str) -> None:
    write(
        db,
        "INSERT INTO console_links (token_hash, user_id, created_at, expires_at) "
        "VALUES (?, ?, ?, ?)",
        [token_hash, user_id, now, expires_at],
    )


def use_link(db: Database, token_hash: str, now: str) -> int | None:
    """Mark the link used if it is unused and unexpired; the user it signs in, else None."""
    row = db.execute(
        "SELECT user_id FROM console_links WHERE token_hash = ? AND used_at IS NULL "
        "AND expires_at > ?",
        [token_hash, now],
    ).fetchone()
    if row is None:
        return None
    used = write(
        db,
        "UPDATE console_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
        [now, token_hash],
    ).rowcount
    return int(row[0]) if used else None


def add_session(
    db: Database,
    session_hash: str,
    user_id: int,
    csrf: str,
    language: str,
    now: str,
    expires_at: str,
) -> None:
    write(
        db,
        "INSERT INTO console_sessions (session_hash, user_id, csrf, language, created_at, "
        "expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        [session_hash, user_id, csrf, language, now, expires_at],
    )


def get_session(db: Database, session_hash: str, now: str) -> SessionRow | None:
    row = db.execute(
        "SELECT user_id, csrf, language, expires_at FROM console_sessions "
        "WHERE session_hash = ? AND expires_at > ?",
        [session_hash, now],
    ).fetchone()
    return SessionRow._make(row) if row is not None else None


def set_session_language(db: Database, session_hash: str, language: str) -> None:
    write(
        db,
        "UPDATE console_sessions SET language = ? WHERE session_hash = ?",
        [language, session_hash],
    )


def delete_session(db: Database, session_hash: str) -> None:
    write(db, "DELETE FROM console_sessions WHERE session_hash = ?", [session_hash])


def spend_init_data(db: Database, signature_hash: str, expires_at: str) -> bool:
    """Record a Mini App sign-in; False if it was recorded before (a replay)."""
    return bool(
        write(
            db,
            "INSERT OR IGNORE INTO console_init_data (signature_hash, expires_at) VALUES (?, ?)",
            [signature_hash, expires_at],
        ).rowcount
    )


def prune(db: Database, now: str) -> int:
    """Forget expired links, sessions and used Mini App sign-ins."""
    gone = write(db, "DELETE FROM console_links WHERE expires_at <= ?", [now]).rowcount
    gone += write(db, "DELETE FROM console_init_data WHERE expires_at <= ?", [now]).rowcount
    return gone + write(db, "DELETE FROM console_sessions WHERE expires_at <= ?", [now]).rowcount
