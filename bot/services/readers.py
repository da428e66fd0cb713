"""Reading off the event loop: operators' pages scan tables (a board over a million chats is
a few hundred milliseconds), which must not stall the bot's updates.

A small pool of worker threads, each with its own read-only connection and its own copy of
the service built on it; ``await pool.run(fn)`` runs ``fn(service)`` in one of them. Under
WAL, readers never block the bot's writer, and see the last committed state.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Generic, TypeVar

from sqlite_utils import Database

from bot.storage.db import open_reader

S = TypeVar("S")
T = TypeVar("T")


class ReadPool(Generic[S]):
    def __init__(self, path: Path | str, build: Callable[[Database], S], workers: int = 2) -> None:
        self.path = path
        self.build = build
        self.local = threading.local()
        self.executor = ThreadPoolExecutor(workers, thread_name_prefix="console-read")
        self.connections: list[Database] = []
        self.lock = threading.Lock()

    def _service(self) -> S:
        service: S | None = getattr(self.local, "service", None)
        if service is None:
            db = open_reader(self.path)
            with self.lock:
                self.connections.append(db)
            service = self.local.service = self.build(db)
        return service

    async def run(self, fn: Callable[[S], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, lambda: fn(self._service()))

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        with self.lock:
            for db in self.connections:
                db.close()
            self.connections.clear()
