"""Open the database: checked, WAL mode, every migration set applied, checkpoints off the
hot path.

A file that cannot be used (not a database, corrupted, read-only, no folder for it) gives a
:class:`DatabaseProblem` with one line for the user instead of a traceback. Under WAL,
SQLite's automatic checkpoint runs inside whichever commit crosses the threshold, and costs
more than half a commit. We turn it off and run :class:`BackgroundCheckpointer` from a
periodic job (and :func:`checkpoint` on close), so an update never pays for it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

from sqlite_utils import Database

from bot.storage import migrations

PAGE_SIZE = 2048
JOURNAL_SIZE_LIMIT = 64 * 2**20  # bytes: a longer log is cut back to this


class DatabaseProblem(Exception):
    """The database file cannot be used as it is; the message (one line) names the file, says
    what is wrong and what to do about it."""


def open_database(
    path: Path | str, *, manual_checkpoints: bool = False, busy_timeout_ms: int = 5000
) -> Database:
    """Open (creating if needed) the SQLite file at ``path`` and bring its schema up to date.

    The file is checked first (``PRAGMA quick_check``, which reads every page, so a large file
    takes a moment) and must be writable; if it is not usable, :class:`DatabaseProblem` says
    why.
    With ``manual_checkpoints`` SQLite never checkpoints inside a commit; the caller must run
    :func:`checkpoint` periodically (the bot's job queue does), or the log grows unbounded.
    ``busy_timeout_ms``: how long a write waits for another process's lock before
    ``Busy`` (the bot keeps it short: the wait blocks its event loop, and it retries later).
    """
    if str(path) == ":memory:":
        return _configure(Database(path), manual_checkpoints, busy_timeout_ms)
    path = Path(path)
    _make_folder(path)
    if path.is_dir():
        raise DatabaseProblem(f"the database {path} is a folder; set TPBOT_DB to a file's path")
    db: Database | None = None
    try:
        db = Database(path)
        db.execute("PRAGMA busy_timeout=5000")
        if not db.table_names():  # reads the header: "not a database" shows here
            # Set before the first table exists (it cannot change later under WAL): each
            # commit writes whole pages to the log, and an answer touches about six.
            db.execute(f"PRAGMA page_size={PAGE_SIZE}")
        _check_pages(db, path)
        _check_writable(db)
        db.enable_wal()
        return _configure(db, manual_checkpoints, busy_timeout_ms)
    except (sqlite3.DatabaseError, DatabaseProblem) as exc:
        if db is not None:
            db.close()
        if isinstance(exc, DatabaseProblem):
            raise
        raise DatabaseProblem(_explain(path, exc)) from exc


def open_reader(path: Path | str) -> Database:
    """A read-only connection to a database :func:`open_database` has set up, for reading in
    another thread (operators' pages) while the bot writes through its own connection."""
    conn = sqlite3.connect(
        f"file:{Path(path).resolve()}?mode=ro", uri=True, check_same_thread=False
    )
    conn.execute("PRAGMA busy_timeout=5000")
    conn.isolation_level = None
    return Database(conn)


def _configure(db: Database, manual_checkpoints: bool, busy_timeout_ms: int) -> Database:
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")  # truncate a large log
    if manual_checkpoints:
        db.execute("PRAGMA wal_autocheckpoint=0")
    for migration_set in migrations.all_sets():  # patient: another process may be writing
        migration_set.apply(db)
    db.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    # No implicit transactions: every write is in an explicit one (``bot.storage.sql``).
    db.conn.isolation_level = None
    return db


def _make_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        in_the_way = isinstance(exc, FileExistsError | NotADirectoryError)
        reason = "a file is in the way" if in_the_way else exc.strerror or type(exc).__name__
        raise DatabaseProblem(
            f"cannot create the folder {path.parent} for the database {path} ({reason}); "
            "check the path in TPBOT_DB and the permissions of the folders above it"
        ) from exc


def _check_pages(db: Database, path: Path) -> None:
    """``PRAGMA quick_check``: each page's structure (not the indexes' agreement with it)."""
    found = [row[0] for row in db.execute("PRAGMA quick_check(3)").fetchall()]
    if found != ["ok"]:
        detail = "; ".join(" ".join(line.split()) for line in found)
        raise DatabaseProblem(_corrupted(path, detail[:160]))


def _check_writable(db: Database) -> None:
    """Raises SQLITE_READONLY (or CANTOPEN) now, not at the first update: a write, undone."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    conn = db.conn
    conn.execute("BEGIN")
    try:
        conn.execute(f"PRAGMA user_version={version}")
    finally:
        conn.execute("ROLLBACK")


def _corrupted(path: Path, detail: str) -> str:
    return (
        f"the database {path} is corrupted ({detail}); restore it from a backup "
        "(or move it aside to start with an empty database)"
    )


def _explain(path: Path, exc: sqlite3.DatabaseError) -> str:
    """One line for a user: which file, what is wrong, what to do."""
    code = getattr(exc, "sqlite_errorname", "") or ""
    if code == "SQLITE_NOTADB":
        return (
            f"the database {path} is not an SQLite database (damaged, or another kind of "
            "file); restore it from a backup, or set TPBOT_DB to the right file"
        )
    if code.startswith("SQLITE_CORRUPT"):
        return _corrupted(path, str(exc))
    if code.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")):
        where = [str(p) for p in (path, path.parent) if p.exists() and not os.access(p, os.W_OK)]
        which = f"read-only: {' and '.join(where)}" if where else str(exc)
        return (
            f"the database {path} cannot be written ({which}); check the permissions of the "
            "file, its -wal and -shm files and its folder: the bot writes all of them"
        )
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return (
            f"the database {path} is locked by another process ({exc}); stop it, or wait "
            "for it to finish, and try again"
        )
    if code.startswith("SQLITE_FULL"):
        return f"the disk holding the database {path} is full; free some space and try again"
    return (
        f"cannot use the database {path} ({code or type(exc).__name__}: {exc}); if the file "
        "is damaged, restore it from a backup"
    )


def checkpoint(db: Database) -> None:
    """Fold the write-ahead log back into the database file (cheap when there is little)."""
    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


class BackgroundCheckpointer:
    """Checkpoints on a connection of its own, for a worker thread: the event loop never runs
    one, and never waits long for one.

    SQLite releases the GIL while it copies pages, and a PASSIVE checkpoint never blocks the
    bot's reads or writes. But the log only starts over once a checkpoint has copied *every*
    frame, which a passive one beside a busy writer never does. So :meth:`run` copies in
    passive passes until little is left and then, once the log is ``restart_frames`` long,
    makes it start over with ``PRAGMA wal_checkpoint(RESTART)``. That one holds the write lock
    (a commit of the bot waits for it) while it copies the rest and syncs the database file,
    and that sync also writes out every page the passive passes copied since the last one,
    which on a large database holds the bot's commits up. So the file is synced just before
    (:func:`_sync_file`), in the worker, and the restart's own sync is left with the last few
    pages. With no busy timeout it never waits while holding the lock either: if the bot is
    inside a transaction, or a reader (an ``export``) still needs the log, it gives up at once,
    copying what it can, and tries again after a pause, a few times, then at the next run.
    """

    def __init__(
        self,
        path: Path | str,
        tail_frames: int = 200,
        max_passes: int = 5,
        restart_tries: int = 20,
        retry_pause: float = 0.005,
    ) -> None:
        self.path = str(path)
        self.tail_frames = tail_frames
        self.max_passes = max_passes
        self.restart_tries = restart_tries
        self.retry_pause = retry_pause
        self.restarts = 0  # how many times the log was made to start over
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def run(self, restart_frames: int | None = None) -> int:
        """Copy what the log holds and, if it is ``restart_frames`` long or longer, make it
        start over; returns the log's length in frames (pages) afterwards (0: restarted)."""
        if self.path == ":memory:":
            return 0
        with self._lock:
            if self._conn is None:
                # timeout=0: SQLITE_BUSY at once instead of waiting (see the class).
                self._conn = sqlite3.connect(self.path, timeout=0, check_same_thread=False)
            log_frames = self._copy(self._conn)
            if restart_frames is not None and log_frames >= restart_frames:
                log_frames = self._restart(self._conn, log_frames)
        return log_frames

    def _copy(self, conn: sqlite3.Connection) -> int:
        log_frames = 0
        for _ in range(self.max_passes):
            _, log_frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if log_frames - copied <= self.tail_frames:
                break
        return int(log_frames)

    def _restart(self, conn: sqlite3.Connection, log_frames: int) -> int:
        for attempt in range(self.restart_tries):
            if attempt:
                time.sleep(self.retry_pause)
                self._copy(conn)  # what came meanwhile (and what a busy RESTART left)
            _sync_file(self.path)  # outside the lock: the pages copied so far
            # Busy, it still copies what it can as a passive one would: the rest stays small.
            busy, log_frames, _ = conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
            if not busy:
                self.restarts += 1
                return 0
        return int(log_frames)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


# One descriptor per database file, opened once and never closed: closing *any* descriptor of
# a file drops every POSIX lock this process holds on it, SQLite's own included, which could
# let another process delete the log under the bot (sqlite.org/howtocorrupt.html, 2.2).
_sync_fds: dict[tuple[int, int], int] = {}
_sync_fds_lock = threading.Lock()
_datasync = getattr(os, "fdatasync", os.fsync)  # macOS has no fdatasync


def _sync_file(path: str) -> None:
    """Write the file's dirty pages to disk now, as SQLite's next sync of it would."""
    info = os.stat(path)
    key = (info.st_dev, info.st_ino)
    with _sync_fds_lock:
        fd = _sync_fds.get(key)
        if fd is None:
            fd = _sync_fds[key] = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    _datasync(fd)


def close_database(db: Database) -> None:
    checkpoint(db)
    db.close()
