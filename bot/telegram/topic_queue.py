"""Forum topics are created through one queue, within what Telegram lets through.

Telegram answers a burst of ``createForumTopic`` (many users asking at once) with 429 Too Many
Requests and a ``retry_after``; it publishes no rate for topics. The queue lets a few creations
run at once and, after a 429, holds every creation (and only those) until the wait is over,
then tries again: a topic is never given up for a flood wait, so every ticket gets its topic.
PTB's ``AIORateLimiter`` would instead hold every call of the bot for that wait (until some
other call happens to end); our
``ChatRateLimiter`` hands this method's flood waits to the queue (:class:`TopicFloodWait`).

A lane waiting in the queue gives its slot up (:mod:`bot.telegram.lanes`), so other chats'
updates are handled meanwhile; a ticket's own messages wait in its lane, in order, behind it.
"""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import Bot, ForumTopic
from telegram.error import RetryAfter, TelegramError

from bot.telegram.lanes import current_slot
from bot.telegram.sender import retry_seconds

log = logging.getLogger(__name__)

TOPICS_IN_FLIGHT = 4  # createForumTopic calls on their way at once
FLOOD_MARGIN = 0.1  # seconds added to Telegram's retry_after


class TopicFloodWait(TelegramError):
    """A 429 to ``createForumTopic``, for the topic queue to wait out (not PTB's limiter)."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"Flood control exceeded for forum topics. Retry in {retry_after} s")
        self.retry_after = retry_after


def flood_wait_of(exc: TelegramError) -> float | None:
    """Seconds to wait if ``exc`` is a flood wait (from the limiter or straight from Telegram)."""
    if isinstance(exc, TopicFloodWait):
        return exc.retry_after
    if isinstance(exc, RetryAfter):
        return retry_seconds(exc)
    return None


class TopicQueue:
    """``await queue.create(bot, chat_id, name)``: a topic, however long Telegram makes us wait."""

    def __init__(self, in_flight: int = TOPICS_IN_FLIGHT) -> None:
        self._in_flight = asyncio.Semaphore(in_flight)
        self._resume_at = 0.0  # no creation starts before this (a flood wait)
        self.waiting = 0  # creations queued or on their way, for the log
        self.flood_waits = 0  # 429s waited out since start

    async def create(self, bot: Bot, chat_id: int, name: str) -> ForumTopic:
        slot = current_slot()
        if slot is not None:
            slot.release()  # only waiting here: other lanes work meanwhile
        self.waiting += 1
        try:
            async with self._in_flight:
                while True:
                    wait = self._resume_at - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
                        continue
                    try:
                        return await bot.create_forum_topic(chat_id, name)
                    except TelegramError as exc:
                        seconds = flood_wait_of(exc)
                        if seconds is None:
                            raise
                        self._flood(seconds)
        finally:
            self.waiting -= 1
            if slot is not None:
                await slot.acquire()

    def _flood(self, seconds: float) -> None:
        resume_at = time.monotonic() + seconds + FLOOD_MARGIN
        if resume_at > self._resume_at:
            self.flood_waits += 1
            log.info(
                "forum topics: Telegram asks to wait %.0f s; %d topic(s) queued",
                seconds,
                self.waiting,
            )
            self._resume_at = resume_at
