"""The real ``Application`` on an offline Bot API, a temp database, a clock.

``BotHarness`` wraps one Application: ``send``/``press``/``command`` feed updates built from
dicts through ``application.process_update`` and return the Bot API calls the bot made.
``restart()`` builds a new Application on the same database, as a redeploy would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from telegram.ext import AIORateLimiter

from bot.app import build_application
from bot.config import PROJECT_ROOT, Settings
from bot.demo.offline_api import ApiCall, OfflineBotAPI
from bot.demo.updates import UpdateFactory
from bot.services.broadcasts.delivery import Delivery
from bot.telegram.lanes import ChatLanes
from bot.wiring import Services


@dataclass
class FrozenClock:
    """A settable clock (UTC); tests move it with ``set``/``advance``."""

    now: dt.datetime = field(default_factory=lambda: dt.datetime(2026, 9, 28, 2, 0, tzinfo=dt.UTC))

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, *args: int, hour: int = 2) -> None:
        self.now = dt.datetime(*args, hour, tzinfo=dt.UTC)  # type: ignore[misc]

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


class BotHarness:
    def __init__(
        self,
        settings: Settings,
        clock: FrozenClock,
        rate_limiter: Callable[[], AIORateLimiter] | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.rate_limiter = rate_limiter
        self.api = OfflineBotAPI()
        self.application: Any = None
        self.factory: UpdateFactory | None = None
        self._next_update_id = 1
        self.last_buttons_message: dict[int, dict[str, Any]] = {}

    async def start(self) -> None:
        self.application = build_application(
            self.settings,
            request=self.api,
            clock=self.clock,
            rate_limiter=self.rate_limiter() if self.rate_limiter else None,
        )
        await self.application.initialize()
        self.factory = UpdateFactory(self.application.bot, first_update_id=self._next_update_id)
        self.api.take()

    async def stop(self) -> None:
        if self.application is not None:
            if self.application.running:
                lanes = self.application.update_processor
                if isinstance(lanes, ChatLanes):  # what still waits (a rate limit) is cut off
                    await lanes.close(0)
                await self.application.stop()
            await self.application.shutdown()
            self.services.maintenance.close()
            assert self.factory is not None
            self._next_update_id = self.factory.next_update_id()
            self.application = None

    async def restart(self) -> None:
        await self.stop()
        self.api = OfflineBotAPI()
        await self.start()

    @property
    def services(self) -> Services:
        return self.application.bot_data.services

    @property
    def db(self) -> Database:
        return self.services.maintenance.db

    def use_delivery(self, delivery: Delivery) -> None:
        """Send broadcasts and reminders through ``delivery`` (e.g. with test limits)."""
        self.application.bot_data.services = replace(self.services, delivery=delivery)

    @property
    def updates(self) -> UpdateFactory:
        assert self.factory is not None
        return self.factory

    # -- sending ----------------------------------------------------------------------------
    async def feed(self, update: Any) -> list[ApiCall]:
        await self.application.process_update(update)
        calls = self.api.take()
        for call in calls:
            if call.buttons() and isinstance(call.result, dict) and call.chat_id is not None:
                self.last_buttons_message[call.chat_id] = call.result
        return calls

    async def command(
        self, user: dict[str, Any], text: str, chat: dict[str, Any] | None = None, **extra: Any
    ) -> list[ApiCall]:
        return await self.feed(self.updates.command(user, text, chat, **extra))

    async def send(
        self, user: dict[str, Any], text: str, chat: dict[str, Any] | None = None, **extra: Any
    ) -> list[ApiCall]:
        return await self.feed(self.updates.message(user, chat, text=text, **extra))

    async def press(
        self,
        user: dict[str, Any],
        data: str,
        chat: dict[str, Any] | None = None,
        message: dict[str, Any] | None = None,
    ) -> list[ApiCall]:
        chat_id = chat["id"] if chat else user["id"]
        message = message or self.last_buttons_message.get(chat_id)
        return await self.feed(self.updates.press(user, data, message, chat))

    async def answer(
        self, user: dict[str, Any], answer_id: str, chat: dict[str, Any] | None = None
    ) -> list[ApiCall]:
        """Press the current step's button for ``answer_id`` on the latest step message."""
        chat_id = chat["id"] if chat else user["id"]
        data = self.answer_data(chat_id, answer_id)
        return await self.press(user, data, chat, self.last_buttons_message[chat_id])

    def answer_data(self, chat_id: int, answer_id: str) -> str:
        """The callback data of ``answer_id``'s button on the chat's latest step message."""
        message = self.last_buttons_message[chat_id]
        return next(
            button["callback_data"]
            for row in message["reply_markup"]["inline_keyboard"]
            for button in row
            if button.get("callback_data", "").startswith("a|")
            and button["callback_data"].rsplit("|", 1)[1] == answer_id
        )

    def state(self, chat_id: int) -> str:
        progress = self.services.progress.get(chat_id)
        assert progress is not None
        return str(progress.state)


def texts(calls: list[ApiCall]) -> str:
    """All text the bot sent or showed (messages, edits, callback notices), joined."""
    return "\n".join(c.text for c in calls if c.text)


def methods(calls: list[ApiCall]) -> list[str]:
    return [c.method for c in calls]


def bot_settings(tmp_path: Path) -> Settings:
    """Settings for a test bot: the real flow and locales, a database in ``tmp_path``."""
    return replace(
        Settings(),
        token="123:TEST",
        db_path=tmp_path / "bot.sqlite3",
        flow_path=PROJECT_ROOT / "flows" / "tmall_tp.yaml",
        locales_dir=PROJECT_ROOT / "locales",
        operators=frozenset({900}),
    )


EN_USER = UpdateFactory.user(1001, "Alice", "en")
ZH_USER = UpdateFactory.user(1002, "王伟", "zh-hans")
