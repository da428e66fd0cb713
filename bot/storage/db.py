"""Open the database: WAL mode, every migration set applied, checkpoints off the hot path.

Under WAL, SQLite's automatic checkpoint runs inside whichever commit crosses the threshold,
and costs more than half a commit. We turn it off and run :func:`checkpoint` from a periodic
job (and on close), so an update never pays for it.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from sqlite_utils import Database

from bot.storage import migrations

PAGE_SIZE = 2048


def open_database(path: Path | str, *, manual_checkpoints: bool = False) -> Database:
    """Open (creating if needed) the SQLite file at ``path`` and bring its schema up to date.

    With ``manual_checkpoints`` SQLite never checkpoints inside a commit; the caller must run
    :func:`checkpoint` periodically (the bot's job queue does), or the log grows unbounded.
    """
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    if str(path) != ":memory:":
        if not db.table_names():
            # Set before the first table exists (it cannot change later under WAL): each
            # commit writes whole pages to the log, and an answer touches about six.
            db.execute(f"PRAGMA page_size={PAGE_SIZE}")
        db.enable_wal()
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=5000")
    db.execute("PRAGMA journal_size_limit=67108864")  # truncate a large log after a checkpoint
    if manual_checkpoints:
        db.execute("PRAGMA wal_autocheckpoint=0")
    for migration_set in migrations.all_sets():
        migration_set.apply(db)
    # No implicit transactions: every write is in an explicit one (``bot.storage.sql``).
    db.conn.isolation_level = None
    return db


def checkpoint(db: Database) -> None:
    """Fold the write-ahead log back into the database file (cheap when there is little)."""
    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


class BackgroundCheckpointer:
    """The bulk of a checkpoint, on a connection of its own, for a worker thread.

    SQLite releases the GIL while it copies pages, and a PASSIVE checkpoint never blocks the
    bot's reads or writes, so the event loop goes on meanwhile. But the log can only start
    over once a checkpoint has copied *every* frame, which one running beside a busy writer
    never does: :meth:`run` repeats until little is left, and when the log has grown long the
    caller finishes with :func:`checkpoint` on the bot's own connection, which copies only
    that small tail. (Between bursts the worker's own pass copies everything.)
    """

    def __init__(self, path: Path | str, tail_frames: int = 200, max_passes: int = 5) -> None:
        self.path = str(path)
        self.tail_frames = tail_frames
        self.max_passes = max_passes
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def run(self) -> int:
        """Copy what the log holds; returns the log's length in frames (pages) afterwards."""
        if self.path == ":memory:":
            return 0
        log_frames = 0
        with self._lock:
            if self._conn is None:
                self._conn = sqlite3.connect(self.path, check_same_thread=False)
            for _ in range(self.max_passes):
                _, log_frames, copied = self._conn.execute(
                    "PRAGMA wal_checkpoint(PASSIVE)"
                ).fetchone()
                if log_frames - copied <= self.tail_frames:
                    break
        return int(log_frames)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def close_database(db: Database) -> None:
    checkpoint(db)
    db.close()
