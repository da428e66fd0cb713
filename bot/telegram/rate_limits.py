"""Telegram's limits on what the bot sends, all of them, whichever chat runs at the moment.

PTB's ``AIORateLimiter`` keeps the overall limit (30 messages a second) and the per-group one
(20 a minute). Telegram also asks for no more than about one message a second in a private
chat; with chats handled side by side nothing else keeps that, so this adds it for the
methods that send a new message. Edits and callback answers are not messages and go as they
come (a press is answered at once).

A request that has to wait for a limit gives its lane's slot up while it waits
(:class:`bot.telegram.lanes.Slot`), and takes it back to make the call: chats waiting for their turn
do not keep other chats' presses from being answered.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram._utils.types import JSONDict
from telegram.ext import AIORateLimiter

from bot.telegram.lanes import current_slot

PRIVATE_CHAT_RATE = 1.0  # messages a second in one private chat
FORGET_AFTER = 4_096  # limiters kept before the idle ones are dropped


class ChatRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` plus a limit per private chat on sending messages."""

    def __init__(self, *, private_chat_rate: float = PRIVATE_CHAT_RATE, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._private_rate = private_chat_rate
        self._private: dict[int, AsyncLimiter] = {}

    def _private_limiter(self, chat_id: int) -> AsyncLimiter:
        limiter = self._private.get(chat_id)
        if limiter is None:
            if len(self._private) >= FORGET_AFTER:
                self._private = {
                    chat: kept
                    for chat, kept in self._private.items()
                    if not kept.has_capacity(kept.max_rate)
                }
            limiter = self._private[chat_id] = AsyncLimiter(1, 1 / self._private_rate)
        return limiter

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
        private = (
            self._private_limiter(chat_id)
            if endpoint.startswith("send") and isinstance(chat_id, int) and chat_id > 0
            else None
        )
        slot = current_slot()
        if slot is None or chat_id is None or not self._would_wait(chat_id, private):
            return await self._limited(
                callback, args, kwargs, endpoint, data, rate_limit_args, private
            )

        async def call(*call_args: Any, **call_kwargs: Any) -> bool | JSONDict | list[JSONDict]:
            await slot.acquire()  # the limits let it go: back among the lanes at work
            return await callback(*call_args, **call_kwargs)

        slot.release()
        try:
            return await self._limited(call, args, kwargs, endpoint, data, rate_limit_args, private)
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
        private: AsyncLimiter | None,
    ) -> bool | JSONDict | list[JSONDict]:
        async with private or contextlib.nullcontext():
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )

    def _would_wait(self, chat_id: object, private: AsyncLimiter | None) -> bool:
        """Whether a limit this request passes through has no room right now."""
        if private is not None and not private.has_capacity():
            return True
        overall = self._base_limiter
        if overall is not None and not overall.has_capacity():
            return True
        group = self._group_limiters.get(chat_id) if isinstance(chat_id, int | str) else None
        return group is not None and not group.has_capacity()
