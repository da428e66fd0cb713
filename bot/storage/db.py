"""Open the database: WAL mode, every migration set applied, checkpoints off the hot path.

Under WAL, SQLite's automatic checkpoint runs inside whichever commit crosses the threshold,
and costs more than half a commit. We turn it off and run :func:`checkpoint` from a periodic
job (and on close), so an update never pays for it.
"""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database, Migrations

from bot.storage import chats, operators, tickets


def migration_sets() -> list[Migrations]:
    """Every feature's schema, applied in this order on start."""
    return [chats.migrations, operators.migrations, tickets.migrations]


def open_database(path: Path | str, *, manual_checkpoints: bool = False) -> Database:
    """Open (creating if needed) the SQLite file at ``path`` and bring its schema up to date.

    With ``manual_checkpoints`` SQLite never checkpoints inside a commit; the caller must run
    :func:`checkpoint` periodically (the bot's job queue does), or the log grows unbounded.
    """
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    if str(path) != ":memory:":
        db.enable_wal()
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=5000")
    db.execute("PRAGMA journal_size_limit=67108864")  # truncate a large log after a checkpoint
    if manual_checkpoints:
        db.execute("PRAGMA wal_autocheckpoint=0")
    for migrations in migration_sets():
        migrations.apply(db)
    return db


def checkpoint(db: Database) -> None:
    """Fold the write-ahead log back into the database file (cheap when there is little)."""
    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def close_database(db: Database) -> None:
    checkpoint(db)
    db.close()
