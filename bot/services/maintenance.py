"""Upkeep of the database, off the per-update path: old update ids, WAL checkpoints.

Under WAL, SQLite's automatic checkpoint runs inside whichever commit crosses its threshold;
the bot turns it off and runs :meth:`Maintenance.checkpoint` from a periodic job instead, all
of it in a worker thread on a connection of its own: the copying, and, once the log has grown
long, making it start over (``bot.storage.db.BackgroundCheckpointer``). What runs on the event
loop is bounded: forgetting old update ids a small batch at a time.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlite_utils import Database

from bot.services.clock import Clock, iso
from bot.storage import handled
from bot.storage.db import BackgroundCheckpointer, close_database
from bot.storage.sql import transaction

FORGET_UPDATES_AFTER = dt.timedelta(days=2)  # Telegram redelivers only recent updates
FORGET_BATCH = 2_000  # ids forgotten a run (every 2 s), on the event loop: about 2-3 ms
RESTART_LOG_FRAMES = 8_192  # 16 MB of 2 KB pages: past that, make sure the WAL can start over


class Maintenance:
    def __init__(self, db: Database, checkpointer: BackgroundCheckpointer, clock: Clock) -> None:
        self.db = db
        self.checkpointer = checkpointer
        self.clock = clock

    def forget_old_updates(self) -> int:
        cutoff = iso(self.clock() - FORGET_UPDATES_AFTER)
        with transaction(self.db):
            return handled.forget_updates_before(self.db, cutoff, FORGET_BATCH)

    async def checkpoint(self) -> None:
        """Copy the log into the database in a worker thread, on the checkpointer's own
        connection (never the bot's, which only the event loop uses), and once the log is
        ``RESTART_LOG_FRAMES`` long make it start over there too."""
        await asyncio.to_thread(self.checkpointer.run, RESTART_LOG_FRAMES)

    def close(self) -> None:
        """At shutdown: the checkpointer's connection, then the database (checkpointed)."""
        self.checkpointer.close()
        close_database(self.db)
