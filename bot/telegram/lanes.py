"""Different chats side by side, each chat's updates one after another, in the order they came.

This is python-telegram-bot's own hook for concurrency: ``ApplicationBuilder.concurrent_updates``
with a ``BaseUpdateProcessor``. PTB hands every update to :meth:`do_process_update` as its
fetcher takes it from the queue, in order; here each update joins its *lane* and waits for the
ones before it, and at most ``in_flight`` lanes run at a time. So a chat that waits — for its
group's 20 messages a minute, for a slow reply — delays only itself.

Lanes (which orders matter):

* a private chat or a team group: one lane. Its answers change one progress, so they must be
  applied in order, and its replies shown in order.
* the support group: one lane per forum topic (each ticket), and one for the rest. Operators'
  replies in a topic go to one user in the order they were written; different tickets do not
  wait for each other. A user's own messages to their ticket run in the user's chat lane, so
  they reach the topic in the order the user wrote them. Between a user's message and an
  operator's reply there is no order to keep: both are written at the same time by different
  people, and each is relayed as it comes.
* anything with no chat (an inline query): the sender's lane.

A lane that waits for Telegram's rate limits (:mod:`bot.telegram.rate_limits`) gives its slot up
meanwhile (:func:`current_slot`): the bound is on lanes doing work, so a press is answered
at once even while many chats' replies wait their turn at 30 a second.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Hashable
from contextvars import ContextVar
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

WAITING_PER_LANE = 16  # updates accepted per running lane: the rest wait in the queue

Lane = Hashable


class Slot:
    """One running lane's place among the ``in_flight``; given up while it only waits."""

    __slots__ = ("_slots", "held")

    def __init__(self, slots: asyncio.Semaphore) -> None:
        self._slots = slots
        self.held = False

    async def acquire(self) -> None:
        if not self.held:
            await self._slots.acquire()
            self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            self._slots.release()


_current_slot: ContextVar[Slot | None] = ContextVar("tpbot_lane_slot", default=None)


def current_slot() -> Slot | None:
    """The slot of the lane running in this task, if any."""
    return _current_slot.get()


class ChatLanes(BaseUpdateProcessor):
    """Concurrent across lanes (chats, tickets), in order within one."""

    def __init__(self, in_flight: int, support_chat_id: int | None = None) -> None:
        # PTB's bound counts the updates handed over, running or waiting in their lane.
        super().__init__(max(1, in_flight) * WAITING_PER_LANE)
        self.in_flight = max(1, in_flight)
        self.support_chat_id = support_chat_id
        self._slots = asyncio.Semaphore(self.in_flight)
        self._tails: dict[Lane, asyncio.Future[None]] = {}
        self._running: set[asyncio.Task[Any]] = set()
        self._inside = 0  # updates handed over and not finished (running or waiting)
        self._idle = asyncio.Event()
        self._idle.set()
        self._closing = False

    # -- BaseUpdateProcessor ------------------------------------------------------------------
    async def initialize(self) -> None:
        self._closing = False

    async def shutdown(self) -> None:
        self._closing = True

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await self.run_in_lane(self.lane_of(update), coroutine)

    # -- lanes ----------------------------------------------------------------------------------
    def lane_of(self, update: object) -> Lane:
        if not isinstance(update, Update):
            return None
        chat = update.effective_chat
        if chat is not None:
            if chat.id == self.support_chat_id:
                message = update.effective_message
                topic = message.message_thread_id if message and message.is_topic_message else 0
                return (chat.id, topic)
            return chat.id
        user = update.effective_user
        return ("user", user.id) if user is not None else None

    async def run_in_lane(self, lane: Lane, coroutine: Awaitable[Any]) -> None:
        """Run ``coroutine`` after everything queued in ``lane`` before it, within the
        bound of lanes running at once; dropped unstarted if the processor is closing."""
        before = self._tails.get(lane)
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tails[lane] = mine
        self._enter()
        try:
            if before is not None:
                await asyncio.wait([before])  # never cancels the one before
            if self._closing:
                _drop(coroutine)
                return
            slot = Slot(self._slots)
            await slot.acquire()
            try:
                if self._closing:
                    _drop(coroutine)
                    return
                task = asyncio.current_task()
                if task is not None:
                    self._running.add(task)
                token = _current_slot.set(slot)
                try:
                    await coroutine
                finally:
                    _current_slot.reset(token)
                    if task is not None:
                        self._running.discard(task)
            finally:
                slot.release()
        finally:
            mine.set_result(None)
            if self._tails.get(lane) is mine:
                del self._tails[lane]
            self._leave()

    @property
    def inside(self) -> int:
        """Updates handed over and not finished: running, or waiting for their lane."""
        return self._inside

    def _enter(self) -> None:
        self._inside += 1
        self._idle.clear()

    def _leave(self) -> None:
        self._inside -= 1
        if self._inside == 0:
            self._idle.set()

    # -- stopping -------------------------------------------------------------------------------
    async def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until nothing is inside; False if ``timeout`` passed first."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def close(self, timeout: float) -> int:
        """Stop taking updates: the waiting ones are dropped (they stay unhandled in the
        ledger, for the next start), the running ones get ``timeout`` seconds to end, then
        are cancelled. Returns how many were cancelled."""
        self._closing = True
        if await self.wait_idle(timeout):
            return 0
        running = list(self._running)
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        return len(running)


def _drop(coroutine: Awaitable[Any]) -> None:
    if inspect.iscoroutine(coroutine):
        coroutine.close()
