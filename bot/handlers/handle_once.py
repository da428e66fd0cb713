"""Each update is handled once, even if Telegram (or a restart) delivers it again.

:class:`HandleOnceApplication` wraps ``process_update`` (PTB's ``application_class`` hook):

* an update the ledger already knows as handled is skipped before any handler sees it;
* a handler that found the database unavailable (another process holds the write lock, or
  the disk is full) wrote nothing: the update is tried again after a pause, in its lane, so
  the chat's later updates keep their order;
* the handlers' changes share a commit with other chats' (``bot.storage.group_commit``); the
  update ends once they are saved, and runs again if that commit failed;
* when its handling ends, the ledger records it done (a handler that changed progress claimed
  it already, in the change's own transaction);
* a chat owed a reply (its answer was saved, the step showing it did not get through, or a
  crash came in between) that this update did not show its step gets it now.

This wraps ``process_update`` rather than adding a ``TypeHandler`` group before and after the
others: each extra handler group costs every update a dispatch round.
"""

from __future__ import annotations

import asyncio
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ExtBot, Job, JobQueue

from bot.handlers.replies import send_step, step_message
from bot.services.errors import StoreUnavailable
from bot.services.ledger import FINISH_WITHIN, UpdateLedger
from bot.telegram.request import RawUpdatesRequest
from bot.wiring import BotApplication, BotContext, BotData

log = logging.getLogger(__name__)

RETRY_DELAYS = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)  # then every 10 s, while it lasts


@dataclass
class _Attempt:
    """What one run of an update's handlers ran into (a return value, through PTB)."""

    update: Update
    unavailable: StoreUnavailable | None = None


_attempt: ContextVar[_Attempt | None] = ContextVar("tpbot_attempt", default=None)


class HandleOnceApplication(
    Application[
        ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], BotData, JobQueue[BotContext]
    ]
):
    _flush_timer: asyncio.TimerHandle | None = None
    fetched: RawUpdatesRequest | None = None  # getUpdates' request: the JSON as it came

    def _ledger(self) -> UpdateLedger:
        return self.bot_data.services.ledger

    async def process_update(self, update: object) -> None:
        if not isinstance(update, Update):
            await super().process_update(update)
            return
        ledger = self._ledger()
        try:
            if ledger.seen(update.update_id):
                return
        except Exception as exc:  # e.g. the database cannot be read: report it, as handlers'
            await self.process_error(update=update, error=exc)
            return
        await self._handle_until_stored(update)
        try:
            with ledger.handling():  # the done mark shares the group's commit
                ledger.finish(update.update_id)
                await ledger.saved()  # nothing of the update's left uncommitted
        except StoreUnavailable as exc:  # handled all the same; the mark is written later
            ledger.finish_later(update.update_id)
            log.info("update %s: handled, its record waits (%s)", update.update_id, exc)
        except Exception as exc:
            await self.process_error(update=update, error=exc)
        self._flush_soon()
        chat = update.effective_chat
        if chat is not None and ledger.owes(chat.id):
            try:
                await self._make_good(update, chat.id)
            except Exception as exc:
                await self.process_error(update=update, error=exc)

    async def shutdown(self) -> None:
        """The done marks that wait are written before the database closes."""
        if self._flush_timer is not None:
            self._flush_timer.cancel()
            self._flush_timer = None
        if self.bot_data.attached:
            try:
                self._ledger().flush()
            except Exception as exc:  # at worst an update is answered again next start
                log.info("the last done marks were not written (%s)", exc)
        await super().shutdown()

    def _flush_soon(self) -> None:
        """Done marks that wait are written with the next batch, or shortly, whichever is
        first, so an idle bot does not keep them long."""
        if self._flush_timer is None and self._ledger().unwritten:
            self._flush_timer = asyncio.get_running_loop().call_later(
                FINISH_WITHIN, self._flush_now
            )

    def _flush_now(self) -> None:
        self._flush_timer = None
        try:
            self._ledger().flush()
        except StoreUnavailable as exc:
            log.info("done marks wait (%s); written later", exc)
            self._flush_soon()
        except Exception:
            log.exception("the update ledger could not be written")

    async def _handle_until_stored(self, update: Update) -> None:
        """Run the handlers; while the database is unavailable (nothing was written), wait
        and run them again. The wait holds only this update's lane."""
        tries = 0
        while (reason := await self._run_handlers(update)) is not None:
            delay = RETRY_DELAYS[min(tries, len(RETRY_DELAYS) - 1)]
            if tries == 0 or delay == RETRY_DELAYS[-1]:
                log.info("update %s: %s; trying again in %s s", update.update_id, reason, delay)
            tries += 1
            await asyncio.sleep(delay)
        if tries:
            log.info("update %s: handled after %d tries", update.update_id, tries + 1)

    async def _run_handlers(self, update: Update) -> StoreUnavailable | None:
        attempt = _Attempt(update)
        token = _attempt.set(attempt)
        ledger = self._ledger()
        try:
            with ledger.handling():
                await super().process_update(update)
                await ledger.saved()  # done only once its changes are saved
        except StoreUnavailable as exc:  # the group's commit failed: its changes were undone
            attempt.unavailable = exc
        finally:
            _attempt.reset(token)
        return attempt.unavailable

    async def process_error(
        self,
        update: object | None,
        error: Exception,
        job: Job[BotContext] | None = None,
        coroutine: Any = None,
    ) -> bool:
        """An unavailable database is not a failure: the update is run again (True stops
        this run's other handlers). Everything else goes to the error handler."""
        attempt = _attempt.get()
        if isinstance(error, StoreUnavailable) and attempt is not None and attempt.update is update:
            attempt.unavailable = error
            return True
        return await super().process_error(update, error, job, coroutine)

    async def _make_good(self, update: Update, chat_id: int) -> None:
        """A chat whose last reply did not get through, and whose handlers did not show the
        step meanwhile: show it now, saying the answer was saved."""
        progress = self.bot_data.services.progress.get(chat_id)
        if progress is None:
            self._ledger().settle(chat_id)
            return
        try:
            await send_step(update, BotContext.from_update(update, self), progress)
        except TelegramError as exc:  # still unreachable: the next update tries again
            log.info("chat %s: the step it is owed could not be shown yet: %r", chat_id, exc)


async def answer_owed_press(update: Update) -> None:
    """A press saved before a crash whose reply is owed: its answer may never have gone out
    either, and Telegram shows a spinner until it does (the step is shown by the owed reply).
    A query answered already, or too old, is refused, which is fine."""
    if update.callback_query is None:
        return
    try:
        await update.callback_query.answer()
    except TelegramError as exc:
        log.debug("update %s: a saved press not answered again: %r", update.update_id, exc)


async def make_good(application: BotApplication, chat_id: int) -> None:
    """At start: show a chat its current step, saying its answer was saved (a stop came
    between the change and its reply). If Telegram cannot be reached, the chat stays owed (the
    caller tries again, and the chat's next update shows it); a chat that blocked the bot or
    is gone is owed nothing any more."""
    services = application.bot_data.services
    try:
        progress = services.progress.get(chat_id)
        if progress is None or not services.ledger.owes(chat_id):
            services.ledger.settle(chat_id)
            return
        context = BotContext(application, chat_id=chat_id)
        context.language = progress.language
        saved = services.catalog.text(progress.language, "answer-saved")
        text, keyboard = step_message(context, progress, saved)
        await application.bot.send_message(chat_id, text, reply_markup=keyboard)
        services.ledger.settle(chat_id)
    except (Forbidden, BadRequest) as exc:  # blocked, or gone: trying again cannot help
        log.info("chat %s: the step it is owed cannot be shown: %r", chat_id, exc)
        services.ledger.settle(chat_id)
    except TelegramError as exc:
        log.info("chat %s: the step it is owed could not be shown yet: %r", chat_id, exc)
    except StoreUnavailable as exc:
        log.info("chat %s: its owed step waits for the database (%s)", chat_id, exc)
