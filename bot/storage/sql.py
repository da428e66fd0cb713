"""The one way to write: inside :class:`transaction`, through :func:`write`.

The connection runs without implicit transactions: a statement outside a ``BEGIN`` would
commit on its own, or (through ``sqlite3``'s legacy handling) leave a transaction open that
no other connection can see. So every write goes through :func:`write`, which refuses, loudly,
when no transaction is open. Table and column names come from our own code, never from
users; values are always bound.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

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


class transaction:  # lower case: used like a function, ``with transaction(db):``
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK if the block raises.

    IMMEDIATE takes the write lock at the start: a deferred transaction that reads and then
    writes fails at once (instead of waiting) when another process wrote meanwhile. If the
    lock stays taken for the connection's busy timeout, :class:`Busy` is raised and nothing
    was done. Inside another ``transaction`` block it joins the outer one (which commits or
    rolls back the whole), so a service can call another's writes within its own transaction.
    """

    __slots__ = ("conn", "owner")

    def __init__(self, db: Database) -> None:
        self.conn = db.conn
        self.owner = False

    def __enter__(self) -> None:
        if not self.conn.in_transaction:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                reason = unavailable(exc)
                if reason is None:
                    raise
                raise reason from exc
            self.owner = True

    def __exit__(self, exc_type: object, exc: BaseException | None, traceback: object) -> None:
        if not self.owner:
            return
        if exc is None:
            try:
                self.conn.commit()
            except sqlite3.OperationalError as error:
                self._rollback()
                reason = unavailable(error)
                if reason is None:
                    raise
                raise reason from error
            return
        self._rollback()
        if isinstance(exc, sqlite3.OperationalError) and (reason := unavailable(exc)):
            raise reason from exc

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.rollback()
