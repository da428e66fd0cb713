"""Telegram's limits on what the bot sends, all of them, whichever chat runs at the moment.

PTB's ``AIORateLimiter`` keeps the overall limit (30 messages a second) and its retries after a
flood wait. Its per-group limiter is a leaky bucket: it lets a burst of 20 through and then one
every 3 s, so a busy group gets up to 39 messages in one minute, twice what Telegram allows.
Here a group's limit is a sliding window instead (:class:`WindowLimiter`: never more than 20 in
any 60 s; the steady pace is the same). Telegram also asks for no more than about one message a
second in a private chat; with chats handled side by side nothing else keeps that, so this adds
it, as a window too, for the methods that send a new message. Edits and callback answers in a
private chat are not messages and go as they come (a press is answered at once).

A request that has to wait for a limit gives its lane's slot up while it waits
(:class:`bot.telegram.lanes.Slot`), and takes it back to make the call: chats waiting for their turn
do not keep other chats' presses from being answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

from bot.telegram.lanes import current_slot
from bot.telegram.sender import retry_seconds
from bot.telegram.topic_queue import TopicFloodWait

PRIVATE_CHAT_RATE = 1.0  # messages a second in one private chat
GROUP_MAX_RATE = 20  # messages ...
GROUP_TIME_PERIOD = 60.0  # ... in any this many seconds, in one group or channel
FORGET_AFTER = 4_096  # limiters kept before the idle ones are dropped
# Methods whose flood waits their own queue waits out (bot/telegram/topic_queue.py): PTB's
# limiter would hold every call of the bot meanwhile.
OWN_FLOOD_WAITS = frozenset({"createForumTopic"})


class WindowLimiter:
    """At most ``max_rate`` calls in any ``time_period`` seconds; waiters go in turn.

    ``async with limiter.call():`` as with ``aiolimiter.AsyncLimiter``; unlike that leaky
    bucket, a full window never lets a second burst through. A call counts from when it ends (until
    then it holds its place), since Telegram receives it somewhere in between: so no two
    calls ``max_rate`` apart reach Telegram less than ``time_period`` apart.
    """

    def __init__(self, max_rate: int, time_period: float) -> None:
        self.max_rate = max_rate
        self.time_period = time_period
        self._calls: deque[list[float]] = deque(maxlen=max_rate)  # [ended at], inf: running
        self._turn = asyncio.Lock()

    def has_capacity(self, amount: int = 1) -> bool:
        """Whether ``amount`` more could start now without waiting."""
        return self._free_at(amount) <= time.monotonic()

    def is_idle(self) -> bool:
        """Whether no call ended within the window, nor runs (the limiter can be dropped)."""
        now = time.monotonic()
        return all(now - ended >= self.time_period for (ended,) in self._calls)

    def _free_at(self, amount: int = 1) -> float:
        over = len(self._calls) + amount - self.max_rate
        if over <= 0:
            return float("-inf")
        return sorted(ended for (ended,) in self._calls)[over - 1] + self.time_period

    @contextlib.asynccontextmanager
    async def call(self) -> AsyncIterator[None]:
        """``async with limiter.call():`` around one call: waits for room, and counts the
        call from when it ends."""
        async with self._turn:
            while (wait := self._free_at() - time.monotonic()) > 0:
                # a call still running holds its place: look again shortly
                await asyncio.sleep(min(wait, self.time_period / 50))
            call = [float("inf")]
            self._calls.append(call)
        try:
            yield
        finally:
            call[0] = time.monotonic()


class Windows:
    """One :class:`WindowLimiter` per chat, made on first use; idle ones are dropped in bulk."""

    def __init__(self, max_rate: int, time_period: float) -> None:
        self._max_rate = max_rate
        self._time_period = time_period
        self._by_chat: dict[int | str, WindowLimiter] = {}

    def __getitem__(self, chat_id: int | str) -> WindowLimiter:
        limiter = self._by_chat.get(chat_id)
        if limiter is None:
            if len(self._by_chat) >= FORGET_AFTER:
                self._by_chat = {
                    chat: kept for chat, kept in self._by_chat.items() if not kept.is_idle()
                }
            limiter = self._by_chat[chat_id] = WindowLimiter(self._max_rate, self._time_period)
        return limiter


class ChatRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` for the overall limit, with sliding windows per group and per
    private chat."""

    def __init__(
        self,
        *,
        private_chat_rate: float = PRIVATE_CHAT_RATE,
        group_max_rate: int = GROUP_MAX_RATE,
        group_time_period: float = GROUP_TIME_PERIOD,
        **kwargs: Any,
    ) -> None:
        super().__init__(group_max_rate=0, **kwargs)  # groups are held by the windows below
        self._groups = Windows(group_max_rate, group_time_period) if group_max_rate else None
        self._private = Windows(1, 1 / private_chat_rate)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        chat_id = data.get("chat_id")
        window = self._window_for(endpoint, chat_id)
        if endpoint in OWN_FLOOD_WAITS:
            callback = _flood_wait_to_queue(callback)
        slot = current_slot()
        if slot is None or chat_id is None or not self._would_wait(window):
            return await self._limited(
                callback, args, kwargs, endpoint, data, rate_limit_args, window
            )

        async def call(*call_args: Any, **call_kwargs: Any) -> bool | JSONDict | list[JSONDict]:
            await slot.acquire()  # the limits let it go: back among the lanes at work
            return await callback(*call_args, **call_kwargs)

        slot.release()
        try:
            return await self._limited(call, args, kwargs, endpoint, data, rate_limit_args, window)
        finally:
            await slot.acquire()

    async def _limited(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
        window: WindowLimiter | None,
    ) -> bool | JSONDict | list[JSONDict]:
        async with window.call() if window is not None else contextlib.nullcontext():
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )

    def _window_for(self, endpoint: str, chat_id: object) -> WindowLimiter | None:
        """A group's (or channel's) window for any call to it, as PTB's group limit; a private
        chat's for the calls that send a new message."""
        if isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0):
            return self._groups[chat_id] if self._groups is not None else None
        if isinstance(chat_id, int) and endpoint.startswith("send"):
            return self._private[chat_id]
        return None

    def _would_wait(self, window: WindowLimiter | None) -> bool:
        """Whether a limit this request passes through has no room right now."""
        if window is not None and not window.has_capacity():
            return True
        overall = self._base_limiter
        return overall is not None and not overall.has_capacity()


def _flood_wait_to_queue(
    callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
) -> Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]]:
    async def call(*args: Any, **kwargs: Any) -> bool | JSONDict | list[JSONDict]:
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as exc:
            raise TopicFloodWait(retry_seconds(exc)) from exc

    return call
