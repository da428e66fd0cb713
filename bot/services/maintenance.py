"""Upkeep of the database, off the per-update path: old update ids, WAL checkpoints.

Under WAL, SQLite's automatic checkpoint runs inside whichever commit crosses its threshold;
the bot turns it off and runs :meth:`Maintenance.checkpoint` from a periodic job instead: the
bulk in a worker thread on a connection of its own, and, once the log has grown long, the
small rest on the bot's connection so that the log can start over.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlite_utils import Database

from bot.services.clock import Clock, iso
from bot.storage import handled
from bot.storage.db import BackgroundCheckpointer, checkpoint, close_database
from bot.storage.sql import transaction

FORGET_UPDATES_AFTER = dt.timedelta(days=2)  # Telegram redelivers only recent updates
RESTART_LOG_FRAMES = 8_192  # 16 MB of 2 KB pages: past that, make sure the WAL can start over


class Maintenance:
    def __init__(self, db: Database, checkpointer: BackgroundCheckpointer, clock: Clock) -> None:
        self.db = db
        self.checkpointer = checkpointer
        self.clock = clock

    def forget_old_updates(self) -> int:
        cutoff = iso(self.clock() - FORGET_UPDATES_AFTER)
        with transaction(self.db):
            return handled.forget_updates_before(self.db, cutoff)

    async def checkpoint(self) -> None:
        log_frames = await asyncio.to_thread(self.checkpointer.run)
        if log_frames >= RESTART_LOG_FRAMES:
            checkpoint(self.db)  # the frames written meanwhile: few, and lets the log restart

    def close(self) -> None:
        """At shutdown: the checkpointer's connection, then the database (checkpointed)."""
        self.checkpointer.close()
        close_database(self.db)
