"""When a handler fails: log it (update id and exception, never the token), reassure the user.

Progress changes are single SQLite transactions, so a failure either happened before the
change (nothing written) or after it (everything written): either way the progress is intact.
A database locked by another process, or a full disk, is not a failure: the update is handled
again (``bot.handlers.handle_once``), and never reaches this handler.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import CallbackQueryLimit
from telegram.error import TelegramError

from bot.wiring import BotContext

log = logging.getLogger("bot.errors")


async def on_error(update: object, context: BotContext) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed: %r", update_id, context.error, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        services = context.services
        progress = services.progress.get(update.effective_chat.id)
        lost = progress is not None and not services.renderer.knows(progress)
        # A chat at a step the flow does not have: a way on (the handlers give it already;
        # this is the last resort).
        if lost:
            text = services.renderer.lost_text(context.language)
        else:
            text = services.catalog.text(context.language, "error-safe")
        if (
            update.callback_query is not None
            and len(text) <= CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH
        ):
            await update.callback_query.answer(text, show_alert=True)
            return
        if update.callback_query is not None:  # too long for an alert: a message
            await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, text)
    except (TelegramError, Exception) as exc:  # the error path must never raise
        log.warning("could not tell chat %s about the error: %r", update.effective_chat.id, exc)
