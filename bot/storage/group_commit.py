"""One commit for the updates handled in the same turn of the event loop.

Committing is the largest part of an update's own work. While updates of many chats are
handled side by side, each one's ``transaction`` block becomes a savepoint inside one open
transaction, and the transaction commits on the next turn of the event loop: every update
that changed something meanwhile shares that commit.

A change must be saved before anything is said about it, so whoever is about to tell
Telegram (the request layer, before a reply) awaits :meth:`GroupCommit.durable` first, and an
update is done only once its changes are saved. A block that raises undoes itself alone (its
savepoint); a commit that fails undoes the group, and every update in it sees the error from
``durable`` (and is handled again). Blocks outside update handling (the intake keeping a batch,
jobs, the command line) commit at once, as before, after committing the group waiting.

A write that only has to be in the next commit (the ledger's done marks) need not be a block
of its own: :meth:`GroupCommit.at_commit` runs it once, for everyone who asked, just before
the commit.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from sqlite_utils import Database

from bot.storage import sql


class GroupCommit:
    def __init__(self, db: Database) -> None:
        self.conn = db.conn
        self.depth = 0  # transaction blocks open (nested ones join the outermost)
        self.grouped = False  # whether the outermost open block is a savepoint of the group
        self._open = False  # BEGIN run, COMMIT not yet
        self._saved: asyncio.Future[None] | None = None  # resolved by the group's commit
        self._before_commit: list[Callable[[], None]] = []
        self._waiters: dict[asyncio.Future[None], list[asyncio.Future[None]]] = {}
        sql.attach_group(self.conn, self)

    async def durable(self) -> None:
        """Wait until the changes made so far (by this update's handling, or by anyone outside
        one) are committed; raises what their commit raised, each time it is asked."""
        waiting = sql.joined()
        if waiting is None:
            if self._saved is not None:
                await self._outcome(self._saved)
            return
        while waiting.commits:
            await self._outcome(waiting.commits[0])  # a failed one stays, and raises again
            waiting.commits.pop(0)

    async def _outcome(self, commit: asyncio.Future[None]) -> None:
        """Wait for ``commit`` and raise what it raised. Each waiter waits on a future of its
        own (woken by the commit itself), so cancelling one waiter cancels neither the commit
        nor the others: what ``asyncio.shield`` gives, with fewer turns of the loop."""
        if not commit.done():
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.setdefault(commit, []).append(waiter)
            await waiter
        commit.result()

    # -- called by ``transaction`` ------------------------------------------------------
    def begin_grouped(self, begin: Callable[[], None]) -> None:
        """The outermost block of an update's handling: a savepoint in the open group."""
        if not self._open:
            begin()
            self._open = True
        self.conn.execute("SAVEPOINT grouped")

    def end_grouped(self, failed: bool) -> asyncio.Future[None] | None:
        """Close the block's savepoint; returns the commit its changes wait for."""
        if failed:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK TO grouped")
                self.conn.execute("RELEASE grouped")
            else:  # SQLite undid the whole transaction (e.g. a full disk)
                self._fail(sql.StoreUnavailable("the changes waiting to be saved were undone"))
        else:
            self.conn.execute("RELEASE grouped")
        return self._schedule()

    def at_commit(self, write: Callable[[], None]) -> asyncio.Future[None] | None:
        """Run ``write`` in the group's transaction just before it commits (once per commit,
        however often it is asked); returns the commit to wait for."""
        if not self._open:
            sql.begin(self.conn)
            self._open = True
        if write not in self._before_commit:
            self._before_commit.append(write)
        return self._schedule()

    def commit(self) -> None:
        """Commit the group now (before a block that commits at once, or at close)."""
        saved, self._saved = self._saved, None
        if not self._open:
            self._settle(saved)
            return
        self._open = False
        writes, self._before_commit = self._before_commit, []
        try:
            for write in writes:
                write()
            self.conn.commit()
        except BaseException as error:
            if self.conn.in_transaction:
                self.conn.rollback()
            reason = sql.unavailable(error) if isinstance(error, Exception) else None
            self._settle(saved, reason or error)
            if reason is not None:
                raise reason from error
            raise
        self._settle(saved)

    # -- the commit on the next turn --------------------------------------------------------
    def _schedule(self) -> asyncio.Future[None] | None:
        if not self._open:
            return None
        if self._saved is None:
            loop = asyncio.get_running_loop()
            self._saved = loop.create_future()
            loop.call_soon(self._commit_when_idle)
        return self._saved

    def _commit_when_idle(self) -> None:
        if self.depth:  # a block is open (cannot happen between tasks' steps; to be safe)
            asyncio.get_running_loop().call_soon(self._commit_when_idle)
            return
        with contextlib.suppress(Exception):  # the updates waiting get it from ``durable``
            self.commit()

    def _fail(self, error: BaseException) -> None:
        self._open = False
        self._before_commit = []
        saved, self._saved = self._saved, None
        self._settle(saved, error)

    def _settle(
        self, saved: asyncio.Future[None] | None, error: BaseException | None = None
    ) -> None:
        """Tell whoever waits for the commit how it went."""
        if saved is None or saved.done():
            return
        if error is None:
            saved.set_result(None)
        else:
            saved.set_exception(error)
            saved.exception()  # seen: nobody awaiting this commit is not an unhandled error
        for waiter in self._waiters.pop(saved, ()):
            if not waiter.done():  # a waiter cancelled meanwhile
                waiter.set_result(None)
