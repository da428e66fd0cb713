"""Sending many messages within Telegram's limits: shared by broadcasts and reminders.

Telegram allows about 30 messages per second overall, one per second to a chat and 20 per
minute to a group. :class:`Delivery` paces every send with an ``aiolimiter`` leaky bucket for
the overall rate (sized so that no one-second window ever holds more than the limit, see
:func:`overall_limiter`) and a per-chat spacing (1 s for private chats, 3 s for groups = 20 per
minute). Then:

* :class:`Flood` (429): wait what Telegram asks, and hold *every* sender for that long too (a
  flood limit is global), then try again — a bounded number of times;
* :class:`Blocked` (403: the user blocked the bot, or the bot left the group): ``blocked``;
* :class:`Transient` (could not connect, 5xx: the message certainly did not go out): retried
  with exponential backoff, a bounded number of times, then ``failed``;
* :class:`Ambiguous` (no answer in time after the request went out: Telegram may well have
  delivered it, and gives no way to know): ``unknown``, never retried here, because a retry
  would send some chats the message twice;
* :class:`Rejected` (other 400s: chat not found, bad markup...): ``failed`` at once.

This module knows no Telegram object: the :class:`Sender` it is given does the sending and
translates the Bot API's errors into the ones above (``bot.telegram.sender``). Limits,
backoff and the sleep/monotonic functions are injectable, so tests run in milliseconds while
the defaults match Telegram's real limits.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiolimiter import AsyncLimiter

MARGIN = 0.003
Sleep = Callable[[float], Awaitable[Any]]
Action = Callable[[], Awaitable[int | None]]  # one Bot API call; the message id it made
Button = tuple[str, str]  # (label, callback data)


class SendError(Exception):
    """Why a send did not go through, as the :class:`Sender` tells it."""


class Flood(SendError):
    """Too many requests: wait ``retry_after`` seconds (everyone, not only this chat)."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Blocked(SendError):
    """The user blocked the bot, or the bot is no longer in the group."""


class Transient(SendError):
    """The request never reached Telegram, or Telegram failed it (5xx): worth another try."""


class Ambiguous(SendError):
    """The request went out but no answer came back: it may or may not have been delivered."""


class Rejected(SendError):
    """Refused for good (chat not found, bad markup...)."""


@dataclass(frozen=True)
class Limits:
    """Telegram's limits and our retry policy; tests scale these down (or up)."""

    per_second: float = 30.0  # at most this many sends in any one second, all chats together
    burst_seconds: float = 0.005  # slack for a late event loop (see overall_limiter)
    private_interval: float = 1.0  # seconds between two messages to one private chat
    group_interval: float = 3.0  # 20 per minute per group
    max_attempts: int = 4  # for connect errors / 5xx: the first try and 3 retries
    backoff: float = 1.0  # seconds before the first retry; doubles each time
    max_flood_waits: int = 5  # 429s tolerated for one message before giving up
    concurrency: int = 4  # sends in flight at once (enough for ~30/s at 100 ms latency)


@dataclass
class Result:
    status: str  # sent / blocked / failed / unknown (may have been delivered)
    error: str | None = None
    message_id: int | None = None
    attempts: int = 1


@dataclass(frozen=True)
class Payload:
    """One message: text (HTML), or a photo / document (by file id) with an HTML caption,
    and optionally rows of buttons."""

    kind: str = "text"
    html: str = ""
    file_id: str | None = None
    buttons: tuple[tuple[Button, ...], ...] = ()


class Sender(Protocol):
    """Sends one message; raises a :class:`SendError`; returns the new message's id."""

    async def send(self, chat_id: int, payload: Payload) -> int | None: ...


@dataclass
class Stats:
    sent: int = 0
    flood_waits: int = 0  # 429s received
    retries: int = 0  # connect errors / 5xx retried
    unknown: int = 0  # sends that may or may not have arrived (not retried)


def overall_limiter(limits: Limits) -> AsyncLimiter:
    """A leaky bucket that never allows more than ``per_second`` sends in any one second.

    A bucket of capacity B draining at r lets through at most B + r sends in any 1 s window,
    so it drains at ``per_second - B`` (less a hair, ``MARGIN``, for the jitter between our
    clock and Telegram's). B is one send plus ``burst_seconds`` worth of slack, so that a send
    woken a little late by the event loop is made up for instead of losing its slot for good.
    At Telegram's 30/s: a bucket of 1.15 draining at 28.8/s.
    """
    rate = limits.per_second
    capacity = 1 + rate * limits.burst_seconds
    drain = max(rate * (1 - MARGIN) - capacity, rate / 2)
    return AsyncLimiter(capacity, capacity / drain)


@dataclass
class Delivery:
    sender: Sender
    limits: Limits = field(default_factory=Limits)
    sleep: Sleep = asyncio.sleep
    monotonic: Callable[[], float] = time.monotonic
    stats: Stats = field(default_factory=Stats)

    def __post_init__(self) -> None:
        self._overall = overall_limiter(self.limits)
        self._next_for_chat: dict[int, float] = {}
        self._hold_until = 0.0

    async def send(self, chat_id: int, payload: Payload) -> Result:
        return await self.call(chat_id, lambda: self.sender.send(chat_id, payload))

    async def call(self, chat_id: int, action: Action) -> Result:
        """Run one Bot API call for ``chat_id`` within the limits, retrying as above."""
        attempts = 0
        floods = 0
        while True:
            attempts += 1
            await self._pace(chat_id)
            try:
                message_id = await action()
            except Flood as exc:
                floods += 1
                self.stats.flood_waits += 1
                self._hold_until = max(self._hold_until, self.monotonic() + exc.retry_after)
                if floods > self.limits.max_flood_waits:
                    return Result("failed", f"flood control: {exc}", attempts=attempts)
                attempts -= 1  # a flood wait is not a failed attempt; _pace does the waiting
                continue
            except Blocked as exc:
                return Result("blocked", str(exc), attempts=attempts)
            except Ambiguous as exc:
                self.stats.unknown += 1
                return Result("unknown", f"no answer, may have arrived: {exc}", attempts=attempts)
            except Transient as exc:
                if attempts >= self.limits.max_attempts:
                    return Result("failed", str(exc), attempts=attempts)
                self.stats.retries += 1
                await self.sleep(self.limits.backoff * 2 ** (attempts - 1))
                continue
            except SendError as exc:
                return Result("failed", str(exc), attempts=attempts)
            self.stats.sent += 1
            return Result("sent", None, message_id, attempts)

    async def _pace(self, chat_id: int) -> None:
        now = self.monotonic()
        if self._hold_until > now:  # a 429 told everyone to wait
            await self.sleep(self._hold_until - now)
            now = self.monotonic()
        interval = self.limits.private_interval if chat_id > 0 else self.limits.group_interval
        slot = max(now, self._next_for_chat.get(chat_id, 0.0))
        self._next_for_chat[chat_id] = slot + interval
        if len(self._next_for_chat) > 10_000:
            self._forget_old(now)
        if slot > now:
            await self.sleep(slot - now)
        await self._overall.acquire()

    def _forget_old(self, now: float) -> None:
        self._next_for_chat = {c: t for c, t in self._next_for_chat.items() if t > now}
