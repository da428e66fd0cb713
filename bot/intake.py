"""Updates in: fetched (long polling) or posted (webhook) → kept in the inbox → handled.

Nothing is acknowledged before it is kept. In polling mode the next ``getUpdates`` (whose
``offset`` tells Telegram the batch arrived) is asked only after the batch is in SQLite; in
webhook mode the HTTP 200 is sent only after the update is. A single consumer hands the
queue to ``application.process_update`` in order, so a chat's updates are handled in the
order they came. On start the consumer first takes whatever the inbox still holds; the
handled-once check makes an update handled before a crash harmless the second time.

python-telegram-bot's ``Updater`` is not used (it confirms an update as soon as it fetched
it); the ``Application`` is built without one and fed from here, as PTB's custom-webhook
examples do.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

from telegram import Update
from telegram.error import Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.handlers.context import BotApplication
from bot.outage import Outage
from bot.services.errors import Busy
from bot.telegram_sender import retry_seconds

log = logging.getLogger(__name__)

POLL_TIMEOUT = 20  # seconds a getUpdates may wait for news
POLL_LIMIT = 100
RETRY_DELAYS = (1, 2, 5, 10, 30)  # seconds between tries while the Bot API is unreachable
BUSY_DELAYS = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)  # while another process writes


class FatalIntakeError(Exception):
    """Telegram refuses this bot (the token was rejected): retrying cannot help."""


def heartbeat_path(db_path: Path) -> Path:
    """The file a running bot touches while it takes updates in (``tmall-tp-bot health``)."""
    return db_path.with_name(db_path.name + ".alive")


class Intake:
    def __init__(self, application: BotApplication) -> None:
        self.application = application
        self.inbox = application.bot_data.services.inbox
        self.queue: asyncio.Queue[Update] = asyncio.Queue()
        self.heartbeat = heartbeat_path(application.bot_data.services.settings.db_path)

    def beat(self) -> None:
        """Say "alive": after each round of polling, or from the webhook's housekeeping."""
        with contextlib.suppress(OSError):
            self.heartbeat.touch()

    # -- in -------------------------------------------------------------------------------
    def accept(self, raw: Sequence[tuple[int, str]]) -> int:
        """Keep (update id, JSON) pairs in the inbox, then queue the new ones; returns how
        many were new. When this returns, the updates may be acknowledged."""
        new = set(self.inbox.keep(raw))
        for update_id, body in raw:
            if update_id in new:
                self._enqueue(body)
        return len(new)

    def accept_updates(
        self, updates: Sequence[Update], bodies: dict[int, str] | None = None
    ) -> int:
        """The same, for updates already decoded (long polling), with their JSON as it came
        where known (else encoded again); queued as they are."""
        bodies = bodies or {}
        new = set(
            self.inbox.keep(
                [(u.update_id, bodies.get(u.update_id) or json.dumps(u.to_dict())) for u in updates]
            )
        )
        for update in updates:
            if update.update_id in new:
                self.queue.put_nowait(update)
        return len(new)

    def replay(self) -> int:
        """Queue everything the inbox still holds (after a restart), oldest first."""
        count = 0
        for _update_id, body in self.inbox.pending():
            self._enqueue(body)
            count += 1
        if count:
            log.info("handling %d update(s) kept before the last stop", count)
        return count

    def _enqueue(self, body: str) -> None:
        update = Update.de_json(json.loads(body), self.application.bot)
        self.queue.put_nowait(update)

    # -- handling ---------------------------------------------------------------------------
    async def consume(self) -> None:
        """Handle queued updates one at a time, in order, until cancelled."""
        while True:
            update = await self.queue.get()
            await self.handle(update)
            self.queue.task_done()

    async def handle(self, update: Update) -> None:
        """Process one update, then count it handled; while another process holds the
        database's write lock, wait (asynchronously: the loop goes on) and try again."""
        await self._process(update)
        self.inbox.mark_handled(update.update_id)

    async def _process(self, update: Update) -> None:
        retry = self.application.bot_data.retry_updates
        for delay in (*BUSY_DELAYS, None):
            try:
                await self.application.process_update(update)
            except Exception:  # process_update reports handler errors itself; never stop
                log.exception("update %s could not be handled", update.update_id)
            if update.update_id not in retry:
                return
            retry.discard(update.update_id)
            if delay is None:
                log.error("update %s: the database stayed busy; given up", update.update_id)
                return
            await asyncio.sleep(delay)

    async def drain(self, timeout: float) -> None:
        """Wait (a bounded time) until the queue is handled; what is left stays kept."""
        try:
            await asyncio.wait_for(self.queue.join(), timeout)
        except TimeoutError:
            log.info("%d update(s) left for the next start", self.queue.qsize())

    # -- long polling -------------------------------------------------------------------------
    async def poll(self, stop: asyncio.Event) -> None:
        """``getUpdates`` until ``stop`` is set; an unreachable Bot API is retried."""
        bot = self.application.bot
        offset = self.inbox.next_offset()
        failures = 0
        outage = Outage(self.application.bot_data.services.settings.api_base_url)
        while not stop.is_set():
            try:
                updates = await bot.get_updates(
                    offset=offset,
                    timeout=POLL_TIMEOUT,
                    limit=POLL_LIMIT,
                    allowed_updates=Update.ALL_TYPES,
                )
            except (InvalidToken, Forbidden) as exc:
                raise FatalIntakeError(
                    "the token was rejected by Telegram: check TELEGRAM_BOT_TOKEN"
                ) from exc
            except RetryAfter as exc:
                await _sleep_or_stop(stop, retry_seconds(exc))
                continue
            except (NetworkError, TelegramError) as exc:
                delay = RETRY_DELAYS[min(failures, len(RETRY_DELAYS) - 1)]
                failures += 1
                log.warning("%s", outage.failed(exc, delay))
                await _sleep_or_stop(stop, delay)
                continue
            failures = 0
            if (back := outage.recovered()) is not None:
                log.info("%s", back)
            self.beat()
            raw = self.application.bot_data.raw_updates
            bodies = raw.take() if raw is not None else {}
            if updates:
                while not stop.is_set():
                    try:
                        self.accept_updates(updates, bodies)  # kept: the next call confirms
                        break
                    except Busy:  # another process writes: wait, then keep them
                        await _sleep_or_stop(stop, BUSY_DELAYS[0])
                else:
                    return
                offset = updates[-1].update_id + 1


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return
