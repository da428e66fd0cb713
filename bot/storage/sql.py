"""The one way to write: inside :class:`transaction`, through :func:`write`.

The connection runs without implicit transactions: a statement outside a ``BEGIN`` would
commit on its own, or (through ``sqlite3``'s legacy handling) leave a transaction open that
no other connection can see. So every write goes through :func:`write`, which refuses, loudly,
when no transaction is open. Table and column names come from our own code, never from
users; values are always bound.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

from sqlite_utils import Database


class OutsideTransaction(RuntimeError):
    """A write was attempted with no transaction open (a bug: wrap it in ``transaction``)."""


class StoreUnavailable(RuntimeError):
    """Nothing was written, for a reason outside the bot that passes: try again later."""


class Busy(StoreUnavailable):
    """Another process holds the write lock (e.g. the command line sending a broadcast):
    nothing was written; try again a little later."""


class DiskFull(StoreUnavailable):
    """The disk holding the database is full: nothing was written; try again once there is
    room."""


def _error_name(error: BaseException) -> str:
    if not isinstance(error, sqlite3.OperationalError):
        return ""
    return str(getattr(error, "sqlite_errorname", "") or "")


def is_busy(error: BaseException) -> bool:
    return _error_name(error) in ("SQLITE_BUSY", "SQLITE_LOCKED")


def is_full(error: BaseException) -> bool:
    return _error_name(error).startswith("SQLITE_FULL")


def unavailable(error: BaseException) -> StoreUnavailable | None:
    """The :class:`StoreUnavailable` an SQLite error stands for, if it is one."""
    if is_busy(error):
        return Busy("the database is being written by another process")
    if is_full(error):
        return DiskFull("the disk holding the database is full")
    return None


def write(db: Database, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
    """Run one INSERT / UPDATE / DELETE inside the caller's transaction."""
    conn = db.conn
    if not conn.in_transaction:
        raise OutsideTransaction(f"write outside a transaction: {sql.split(' WHERE')[0]}")
    return conn.execute(sql, params)


def write_many(db: Database, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """Run one INSERT / UPDATE / DELETE for each of ``rows``, inside the caller's transaction."""
    conn = db.conn
    if not conn.in_transaction:
        raise OutsideTransaction(f"write outside a transaction: {sql.split(' WHERE')[0]}")
    conn.executemany(sql, rows)


def insert_row(db: Database, table: str, row: dict[str, Any]) -> int:
    """INSERT one row; returns its rowid."""
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    cursor = write(db, f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))
    return int(cursor.lastrowid or 0)


def update_row(db: Database, table: str, row_id: int, changes: dict[str, Any]) -> None:
    """UPDATE the row whose ``id`` is ``row_id`` with ``changes`` (column → value)."""
    assignments = ", ".join(f"{column} = ?" for column in changes)
    write(db, f"UPDATE {table} SET {assignments} WHERE id = ?", [*changes.values(), row_id])


class _Group(Protocol):
    """What ``transaction`` needs of a :class:`bot.storage.group_commit.GroupCommit`."""

    depth: int
    grouped: bool

    def begin_grouped(self, begin: Callable[[], None]) -> None: ...
    def end_grouped(self, failed: bool) -> asyncio.Future[None] | None: ...
    def commit(self) -> None: ...


class Joined:
    """The commits an update's changes wait in (its handling, and the tasks it starts)."""

    __slots__ = ("commits",)

    def __init__(self) -> None:
        self.commits: list[asyncio.Future[None]] = []

    def wait_for(self, commit: asyncio.Future[None] | None) -> None:
        if commit is not None and commit not in self.commits:
            self.commits.append(commit)


_groups: dict[sqlite3.Connection, _Group] = {}
_joining: ContextVar[Joined | None] = ContextVar("tpbot_group_commit", default=None)


def joined() -> Joined | None:
    return _joining.get()


def attach_group(conn: sqlite3.Connection, group: _Group) -> None:
    _groups[conn] = group


def commit_group(db: Database) -> None:
    """Commit what the connection's group commit holds, and stop grouping (before closing)."""
    group = _groups.pop(db.conn, None)
    if group is not None:
        group.commit()


class joining_group:  # lower case: used like a function, ``with joining_group():``
    """Transactions begun inside (in this task, and in tasks it starts) join the connection's
    group commit, if it has one; elsewhere each commits at its end. (A class, not a generator:
    it is entered twice for every update.)"""

    __slots__ = ("_token",)

    def __enter__(self) -> None:
        self._token = _joining.set(Joined())

    def __exit__(self, *exc_info: object) -> None:
        _joining.reset(self._token)


@contextmanager
def _as_unavailable() -> Iterator[None]:
    """An SQLite error that stands for a reason which passes (busy, full) raised as the
    :class:`StoreUnavailable` it is; any other as it came."""
    try:
        yield
    except sqlite3.OperationalError as error:
        reason = unavailable(error)
        if reason is None:
            raise
        raise reason from error


def _raise_if_unavailable(exc: BaseException | None) -> None:
    """A block that raised such an SQLite error: raise it as :class:`StoreUnavailable`."""
    if isinstance(exc, sqlite3.OperationalError) and (reason := unavailable(exc)):
        raise reason from exc


def begin(conn: sqlite3.Connection) -> None:
    with _as_unavailable():
        conn.execute("BEGIN IMMEDIATE")


class transaction:  # lower case: used like a function, ``with transaction(db):``
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK if the block raises.

    IMMEDIATE takes the write lock at the start: a deferred transaction that reads and then
    writes fails at once (instead of waiting) when another process wrote meanwhile. If the
    lock stays taken for the connection's busy timeout, :class:`Busy` is raised and nothing
    was done. Inside another ``transaction`` block it joins the outer one (which commits or
    rolls back the whole), so a service can call another's writes within its own transaction.

    While updates are handled, a block is a savepoint of the connection's group commit
    (``bot.storage.group_commit``), committed with the others on the next turn of the loop.
    """

    __slots__ = ("conn", "group", "owner")

    def __init__(self, db: Database) -> None:
        self.conn = db.conn
        self.owner = False
        self.group = _groups.get(self.conn)

    def __enter__(self) -> None:
        group = self.group
        if group is None:
            if not self.conn.in_transaction:
                begin(self.conn)
                self.owner = True
            return
        if group.depth == 0:
            group.grouped = _joining.get() is not None
            if group.grouped:
                group.begin_grouped(lambda: begin(self.conn))
            else:
                group.commit()  # what the updates changed first, then this block on its own
                begin(self.conn)
                self.owner = True
        group.depth += 1

    def __exit__(self, exc_type: object, exc: BaseException | None, traceback: object) -> None:
        group = self.group
        if group is not None:
            group.depth -= 1
            if group.depth == 0 and group.grouped:
                with _as_unavailable():
                    commit = group.end_grouped(failed=exc is not None)
                waiting = _joining.get()
                if waiting is not None:
                    waiting.wait_for(commit)
                _raise_if_unavailable(exc)
                return
        if not self.owner:
            return
        if exc is None:
            with _as_unavailable():
                try:
                    self.conn.commit()
                except sqlite3.OperationalError:
                    self._rollback()
                    raise
            return
        self._rollback()
        _raise_if_unavailable(exc)

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.rollback()
