"""Updates in: fetched (long polling) or posted (webhook) → kept in the ledger → handled.

Nothing is acknowledged before it is kept. In polling mode the next ``getUpdates`` (whose
``offset`` tells Telegram the batch arrived) is asked only after the batch is in SQLite; in
webhook mode the HTTP 200 is sent only after the update is. Kept updates go to the
``Application``'s own update queue; its processor (:class:`bot.telegram.lanes.ChatLanes`)
runs different chats side by side and each chat's updates in the order they came. On start the
chats a crash left owed a reply are shown their step, then whatever the ledger still holds
unhandled is queued again, oldest first; the ledger makes an update handled before a crash harmless.

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

from bot.handlers.handle_once import HandleOnceApplication, answer_owed_press, make_good
from bot.outage import Outage
from bot.services.errors import DiskFull, StoreUnavailable
from bot.telegram.lanes import ChatLanes
from bot.telegram.request import RawUpdatesRequest
from bot.telegram.sender import retry_seconds
from bot.wiring import BotApplication

log = logging.getLogger(__name__)

POLL_TIMEOUT = 20  # seconds a getUpdates may wait for news
POLL_LIMIT = 100
RETRY_DELAYS = (1, 2, 5, 10, 30)  # seconds between tries while the Bot API is unreachable
KEEP_DELAYS = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)  # while the database cannot take a batch
ROOM_CHECK = 0.02  # seconds between looks while too many updates are inside
MAKE_GOOD_DELAYS = (1, 2, 5, 10, 30, 60)  # seconds between tries to show a chat its owed step


class FatalIntakeError(Exception):
    """Telegram refuses this bot (the token was rejected): retrying cannot help."""


def heartbeat_path(db_path: Path) -> Path:
    """The file a running bot touches while it takes updates in (``tmall-tp-bot health``)."""
    return db_path.with_name(db_path.name + ".alive")


class Intake:
    def __init__(self, application: BotApplication) -> None:
        self.application = application
        self.ledger = application.bot_data.services.ledger
        self.fetched: RawUpdatesRequest | None = (
            application.fetched if isinstance(application, HandleOnceApplication) else None
        )
        processor = application.update_processor
        self.lanes = processor if isinstance(processor, ChatLanes) else None
        self.room = processor.max_concurrent_updates  # updates inside before intake waits
        self.heartbeat = heartbeat_path(application.bot_data.services.settings.db_path)
        self._full_logged = False
        self._make_good: list[asyncio.Task[None]] = []

    def beat(self) -> None:
        """Say "alive": after each round of polling, or from the webhook's housekeeping."""
        with contextlib.suppress(OSError):
            self.heartbeat.touch()

    @property
    def queued(self) -> int:
        """Updates kept and not handled yet: queued, running or waiting for their chat."""
        inside = self.lanes.inside if self.lanes is not None else 0
        return self.application.update_queue.qsize() + inside

    # -- in -------------------------------------------------------------------------------
    def accept(self, raw: Sequence[tuple[int, str]]) -> int:
        """Keep (update id, JSON) pairs in the ledger, then queue the new ones; returns how
        many were new. When this returns, the updates may be acknowledged. Raises
        :class:`StoreUnavailable` if they could not be kept (then they must not be)."""
        new = set(self._keep(raw))
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
            self._keep(
                [(u.update_id, bodies.get(u.update_id) or json.dumps(u.to_dict())) for u in updates]
            )
        )
        for update in updates:
            if update.update_id in new:
                self.application.update_queue.put_nowait(update)
        return len(new)

    def _keep(self, raw: Sequence[tuple[int, str]]) -> list[int]:
        try:
            new = self.ledger.keep(raw)
        except DiskFull as exc:
            if not self._full_logged:
                log.error(
                    "the disk holding %s is full (%s): updates are not confirmed, so Telegram "
                    "keeps them; free some space and the bot goes on by itself",
                    self.application.bot_data.services.settings.db_path,
                    exc,
                )
                self._full_logged = True
            raise
        if self._full_logged:
            log.info("the database takes updates again")
            self._full_logged = False
        return new

    def replay(self) -> int:
        """Queue everything the ledger still holds unhandled (after a restart), oldest first."""
        count = 0
        for _update_id, body in self.ledger.pending():
            self._enqueue(body)
            count += 1
        if count:
            log.info("handling %d update(s) kept before the last stop", count)
        return count

    def make_good_owed(self) -> int:
        """Show their step to the chats a crash left owed a reply (each in its own lane, so
        before the chat's next update); returns how many chats."""
        chats = self.ledger.load_owed()
        for chat_id, bodies in chats.items():
            updates = [self._parse(body) for body in bodies]
            self._make_good.append(
                asyncio.ensure_future(self._make_good_until_shown(chat_id, updates))
            )
        if chats:
            log.info("showing their step to %d chat(s) whose reply a stop cut off", len(chats))
        return len(chats)

    async def _make_good_until_shown(self, chat_id: int, updates: list[Update]) -> None:
        """The presses among ``updates`` are answered first (once), then the step is shown.
        While Telegram cannot be reached the step is tried again a little later (each try
        in the chat's lane), unless the chat's next update showed it meanwhile."""
        for update in updates:
            await answer_owed_press(update)
        for delay in (*MAKE_GOOD_DELAYS, None):
            coroutine = make_good(self.application, chat_id)
            if self.lanes is not None:
                coroutine = self.lanes.run_in_lane(chat_id, coroutine)
            await coroutine
            if delay is None or not self.ledger.owes(chat_id):
                return
            await asyncio.sleep(delay)

    def _parse(self, body: str) -> Update:
        return Update.de_json(json.loads(body), self.application.bot)

    def _enqueue(self, body: str) -> None:
        self.application.update_queue.put_nowait(self._parse(body))

    async def wait_for_room(self, stop: asyncio.Event | None = None) -> None:
        """While as many updates are inside as the processor takes, wait (Telegram keeps the
        rest until they are confirmed)."""
        while self.queued >= self.room and not (stop is not None and stop.is_set()):
            await asyncio.sleep(ROOM_CHECK)

    async def drain(self, timeout: float) -> None:
        """Wait (a bounded time) until what is queued is handled; what is left stays kept,
        and a chat cut off in the middle is made good at the next start."""
        try:
            await asyncio.wait_for(self.application.update_queue.join(), timeout)
        except TimeoutError:
            log.info("%d update(s) left for the next start", self.queued)
        for task in self._make_good:
            task.cancel()
        await asyncio.gather(*self._make_good, return_exceptions=True)

    # -- long polling -------------------------------------------------------------------------
    async def poll(self, stop: asyncio.Event) -> None:
        """``getUpdates`` until ``stop`` is set; an unreachable Bot API is retried."""
        bot = self.application.bot
        offset = self.ledger.next_offset()
        failures = 0
        outage = Outage(self.application.bot_data.services.settings.api_base_url)
        while not stop.is_set():
            await self.wait_for_room(stop)
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
            bodies = self.fetched.take() if self.fetched is not None else {}
            if updates:
                if not await self._keep_batch(updates, bodies, stop):
                    return
                offset = updates[-1].update_id + 1

    async def _keep_batch(
        self, updates: Sequence[Update], bodies: dict[int, str], stop: asyncio.Event
    ) -> bool:
        """Keep a fetched batch (the next ``getUpdates`` confirms it), waiting while the
        database cannot take it; False if told to stop first (then it is not confirmed)."""
        tries = 0
        while not stop.is_set():
            try:
                self.accept_updates(updates, bodies)
                return True
            except StoreUnavailable:  # another process writes, or the disk is full
                await _sleep_or_stop(stop, KEEP_DELAYS[min(tries, len(KEEP_DELAYS) - 1)])
                tries += 1
        return False


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return
