"""Waiting for a group commit: a waiter that is cancelled cancels neither the commit nor the
others waiting for it, and each waiter hears how the commit went."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.storage import sql
from bot.storage.group_commit import GroupCommit


def _group(tmp_path: Path) -> tuple[Database, GroupCommit]:
    db = Database(sqlite3.connect(tmp_path / "t.sqlite3", isolation_level=None))
    db.execute("CREATE TABLE t (x INTEGER)")
    return db, GroupCommit(db)


async def _change_and_wait(db: Database, group: GroupCommit, value: int) -> None:
    with sql.joining_group():
        with sql.transaction(db):
            sql.write(db, "INSERT INTO t VALUES (?)", [value])
        await group.durable()


async def test_a_cancelled_waiter_leaves_the_commit_and_the_others(tmp_path: Path) -> None:
    db, group = _group(tmp_path)
    try:
        first = asyncio.create_task(_change_and_wait(db, group, 1))
        second = asyncio.create_task(_change_and_wait(db, group, 2))
        await asyncio.sleep(0)  # both changed, both wait for the commit on the next turn
        first.cancel()
        await asyncio.wait([first, second])
        assert first.cancelled()
        assert second.exception() is None
        assert [row[0] for row in db.execute("SELECT x FROM t ORDER BY x")] == [1, 2]
    finally:
        sql.commit_group(db)


async def test_every_waiter_hears_that_the_commit_failed(tmp_path: Path) -> None:
    db, group = _group(tmp_path)
    try:
        tasks = [asyncio.create_task(_change_and_wait(db, group, n)) for n in range(3)]
        await asyncio.sleep(0)
        group._fail(sql.StoreUnavailable("gone"))
        await asyncio.wait(tasks)
        for task in tasks:
            with pytest.raises(sql.StoreUnavailable):
                task.result()
    finally:
        sql.commit_group(db)
