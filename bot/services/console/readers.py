"""Reading off the event loop: operators' pages scan tables (a board over a million chats is
a few hundred milliseconds), which must not stall the bot's updates.

A small pool of worker threads, each with its own read-only connection and its own copy of
the service built on it; ``await pool.run(fn)`` runs ``fn(service)`` in one of them. Under
WAL, readers never block the bot's writer, and see the last committed state.

``pool.stream(fn)`` runs the iterator ``fn(service)`` in one of the threads and hands its items
to the loop a few at a time (an export that a slow client reads slowly waits for it);
:meth:`ReadStream.close` stops it between two items, or interrupts the query it is in.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Generic, TypeVar

from sqlite_utils import Database

from bot.storage.db import open_reader

S = TypeVar("S")
T = TypeVar("T")

AHEAD = 4  # items a stream may have made that the loop has not taken yet
_END = object()


class ReadPool(Generic[S]):
    def __init__(
        self,
        path: Path | str,
        build: Callable[[Database], S],
        workers: int = 2,
        name: str = "console-read",
    ) -> None:
        self.path = path
        self.build = build
        self.local = threading.local()
        self.executor = ThreadPoolExecutor(workers, thread_name_prefix=name)
        self.connections: list[Database] = []
        self.streams: set[ReadStream[Any]] = set()
        self.lock = threading.Lock()

    def _service(self) -> S:
        service: S | None = getattr(self.local, "service", None)
        if service is None:
            db = open_reader(self.path)
            with self.lock:
                self.connections.append(db)
            self.local.db = db
            service = self.local.service = self.build(db)
        return service

    async def run(self, fn: Callable[[S], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, lambda: fn(self._service()))

    def stream(self, fn: Callable[[S], Iterator[T]]) -> ReadStream[T]:
        """The items of ``fn(service)``, made in a worker thread (started on the first
        ``__anext__``); close it when done with it."""
        return ReadStream(self, fn)

    def close(self) -> None:
        with self.lock:
            streams = list(self.streams)
        for stream in streams:
            stream.stop()
        self.executor.shutdown(wait=True, cancel_futures=True)
        with self.lock:
            for db in self.connections:
                db.close()
            self.connections.clear()


class ReadStream(Generic[T]):
    def __init__(self, pool: ReadPool[Any], fn: Callable[[Any], Iterator[T]]) -> None:
        self.pool = pool
        self.fn = fn
        self.items: asyncio.Queue[Any] = asyncio.Queue()
        self.room = threading.Semaphore(AHEAD)
        self.stopped = threading.Event()
        self.lock = threading.Lock()
        self.db: Database | None = None  # the worker's connection while it reads
        self.started = False

    def __aiter__(self) -> ReadStream[T]:
        return self

    async def __anext__(self) -> T:
        if not self.started:
            self.started = True
            loop = asyncio.get_running_loop()
            self.pool.executor.submit(self._work, loop)
        item = await self.items.get()
        if item is _END:
            raise StopAsyncIteration
        if isinstance(item, BaseException):
            raise item
        self.room.release()
        return item  # type: ignore[no-any-return]

    def _work(self, loop: asyncio.AbstractEventLoop) -> None:
        def hand(item: object) -> None:
            try:
                loop.call_soon_threadsafe(self.items.put_nowait, item)
            except RuntimeError:  # the loop is closed: nobody is waiting any more
                self.stopped.set()

        if self.stopped.is_set():
            return
        with self.pool.lock:
            self.pool.streams.add(self)
        iterator: Iterator[T] | None = None
        try:
            service = self.pool._service()
            with self.lock:
                self.db = self.pool.local.db
            iterator = self.fn(service)
            for item in iterator:
                while not self.room.acquire(timeout=0.2):
                    if self.stopped.is_set():
                        return
                if self.stopped.is_set():
                    return
                hand(item)
            hand(_END)
        except Exception as exc:  # an interrupted query, or a fault: the loop's side raises it
            hand(exc if not self.stopped.is_set() else _END)
        finally:
            with self.lock:
                self.db = None
            close = getattr(iterator, "close", None)
            if close is not None:
                close()
            with self.pool.lock:
                self.pool.streams.discard(self)

    def stop(self) -> None:
        """Stop the worker: between two items, or in the middle of its query."""
        self.stopped.set()
        with self.lock:
            if self.db is not None:
                self.db.conn.interrupt()

    async def aclose(self) -> None:
        self.stop()
