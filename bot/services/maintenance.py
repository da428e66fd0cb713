"""Upkeep of the database, off the per-update path: WAL checkpoints.

Under WAL, SQLite's automatic checkpoint runs inside whichever commit crosses its threshold;
the bot turns it off and runs :meth:`Maintenance.checkpoint` from a periodic job instead, all
of it in a worker thread on a connection of its own: the copying, and, once the log has grown
long, making it start over (``bot.storage.db.BackgroundCheckpointer``).
"""

from __future__ import annotations

import asyncio

from sqlite_utils import Database

from bot.services.calendar.clock import Clock
from bot.storage.db import BackgroundCheckpointer, close_database

RESTART_LOG_FRAMES = 8_192  # 16 MB of 2 KB pages: past that, make sure the WAL can start over


class Maintenance:
    def __init__(self, db: Database, checkpointer: BackgroundCheckpointer, clock: Clock) -> None:
        self.db = db
        self.checkpointer = checkpointer
        self.clock = clock

    async def checkpoint(self) -> None:
        """Copy the log into the database in a worker thread, on the checkpointer's own
        connection (never the bot's, which only the event loop uses), and once the log is
        ``RESTART_LOG_FRAMES`` long make it start over there too."""
        await asyncio.to_thread(self.checkpointer.run, RESTART_LOG_FRAMES)

    def close(self) -> None:
        """At shutdown: the checkpointer's connection, then the database (checkpointed)."""
        self.checkpointer.close()
        close_database(self.db)
