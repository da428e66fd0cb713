"""Each update is handled once, even if Telegram (or a restart) delivers it again.

:class:`HandleOnceApplication` skips an update whose id is already recorded, before any handler
sees it, and records the id of an update that changed nothing once its handlers are done;
handlers that change progress record the id in the same transaction as the change.

This wraps ``process_update`` (PTB's ``ApplicationBuilder.application_class`` hook) rather than
adding a ``TypeHandler`` group before and after the others: each extra handler group costs
every update a dispatch round (measured: a few per cent of the bot's throughput).
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ExtBot, JobQueue

from bot.handlers.context import BotContext, BotData
from bot.handlers.replies import send_step
from bot.services.errors import Busy
from bot.services.progress import ProgressService

log = logging.getLogger(__name__)


class HandleOnceApplication(
    Application[
        ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], BotData, JobQueue[BotContext]
    ]
):
    def _progress(self) -> ProgressService:
        return self.bot_data.services.progress

    async def process_update(self, update: object) -> None:
        if not isinstance(update, Update):
            await super().process_update(update)
            return
        try:
            if self._progress().seen(update.update_id):
                return
        except Exception as exc:  # e.g. the database is locked: report it, as handlers' errors
            await self.process_error(update=update, error=exc)
            return
        await super().process_update(update)
        if update.update_id in self.bot_data.retry_updates:
            return  # not handled yet: it comes again
        try:
            self._progress().mark_handled(update.update_id)
        except Busy:  # handled all the same; only a redelivery would not be recognised
            log.info("update %s: handled, not recorded (database busy)", update.update_id)
        except Exception as exc:
            await self.process_error(update=update, error=exc)
        if self.bot_data.owed_steps:
            try:
                await self._make_good(update)
            except Exception as exc:
                await self.process_error(update=update, error=exc)

    async def _make_good(self, update: Update) -> None:
        """A chat whose last reply did not get through, and whose handlers did not show the
        step meanwhile: show it now, saying the answer was saved."""
        chat = update.effective_chat
        if chat is None or chat.id not in self.bot_data.owed_steps:
            return
        progress = self._progress().get(chat.id)
        if progress is None:
            self.bot_data.owed_steps.discard(chat.id)
            return
        try:
            await send_step(update, BotContext.from_update(update, self), progress)
        except TelegramError as exc:  # still unreachable: the next update tries again
            log.info("chat %s: the step it is owed could not be shown yet: %r", chat.id, exc)
