"""The flow's commands: /back, /reset (with its confirmation), /language, /status, /help.

In groups, which members may run them is decided by the guards (``bot.handlers.guards``).
"""

from __future__ import annotations

import logging
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot.callbacks import LanguageButton, ResetButton
from bot.handlers.guards import allowed
from bot.handlers.replies import (
    current_progress,
    edit_or_reply,
    need_start,
    note_lost,
    reply,
    send_step,
    sender_ids,
)
from bot.services.flow.chat_progress import ChatProgress
from bot.services.i18n import LANGUAGES
from bot.wiring import BotContext

log = logging.getLogger(__name__)


# -- /back ------------------------------------------------------------------------------------
async def back(update: Update, context: BotContext) -> None:
    progress = current_progress(update, context)
    if progress is None:
        await need_start(update, context)
        return
    if not await allowed(update, context, "back"):
        return
    services = context.services
    user_id, update_id = sender_ids(update)
    previous = services.progress.back(progress, user_id=user_id, update_id=update_id)
    if previous is None:
        await reply(update, context, services.catalog.text(progress.language, "back-nothing"))
        await send_step(update, context, progress)
        return
    await send_step(
        update, context, previous, services.catalog.text(previous.language, "back-done")
    )


# -- /reset -----------------------------------------------------------------------------------
async def reset(update: Update, context: BotContext) -> None:
    progress = current_progress(update, context)
    if progress is None:
        await need_start(update, context)
        return
    if not await allowed(update, context, "reset"):
        return
    t = context.services.catalog.text
    lang = progress.language
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, "btn-reset-confirm"),
                    callback_data=ResetButton(progress.seq, True).encode(),
                ),
                InlineKeyboardButton(
                    t(lang, "btn-reset-cancel"),
                    callback_data=ResetButton(progress.seq, False).encode(),
                ),
            ]
        ]
    )
    await reply(update, context, t(lang, "reset-confirm"), reply_markup=keyboard)


async def reset_answer(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    services = context.services
    progress = current_progress(update, context)
    button = ResetButton.parse(query.data)
    lang = progress.language if progress else context.sender_language
    if progress is None or button is None:
        await query.answer(services.catalog.text(lang, "button-unknown"), show_alert=True)
        return
    if button.seq != progress.seq:
        await query.answer(services.catalog.text(lang, "button-stale-plain"), show_alert=True)
        return
    if not await allowed(update, context, "reset"):
        await query.answer()
        return
    if not button.confirm:
        await _conclude(update, context, services.catalog.text(lang, "reset-cancelled"))
        return
    user_id, update_id = sender_ids(update)
    fresh = services.progress.reset(progress, user_id=user_id, update_id=update_id)
    if fresh is None:
        return
    await _conclude(update, context, services.catalog.text(lang, "reset-done"), fresh)


async def _conclude(
    update: Update, context: BotContext, text: str, changed: ChatProgress | None = None
) -> None:
    """Answer the press, say ``text`` on its message, then show ``changed``'s step (if given).

    Once the press is answered, a failure is logged here rather than passed to the error
    handler (which would answer the press a second time, and be refused). A change that is
    saved but whose step did not get out is owed to the chat's next update."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    try:
        await query.answer()
    except TelegramError as exc:
        log.warning("chat %s: the button's answer failed: %r", chat.id, exc)
    ledger = context.services.ledger
    try:
        shown = await edit_or_reply(update, context, text)
        # Not shown: the message said so already (a double tap), and so did the step after it.
        if changed is not None and (shown or ledger.owes(changed.chat_id)):
            await send_step(update, context, changed)
    except TelegramError as exc:
        log.warning("chat %s: the button's reply could not be shown: %r", chat.id, exc)
        if changed is not None:
            ledger.owe(changed.chat_id, update.update_id)


# -- /language -------------------------------------------------------------------------------
async def language(update: Update, context: BotContext) -> None:
    progress = current_progress(update, context)
    if progress is None:
        await need_start(update, context)
        return
    if not await allowed(update, context, "language"):
        return
    t = context.services.catalog.text
    buttons = [
        InlineKeyboardButton(t(lang, "language-name"), callback_data=LanguageButton(lang).encode())
        for lang in LANGUAGES
    ]
    await reply(
        update,
        context,
        t(progress.language, "language-choose"),
        reply_markup=InlineKeyboardMarkup([buttons]),
    )


async def language_answer(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    services = context.services
    progress = current_progress(update, context)
    button = LanguageButton.parse(query.data, LANGUAGES)
    if progress is None or button is None:
        text = services.catalog.text(context.language, "button-unknown")
        await query.answer(text, show_alert=True)
        return
    chosen = button.language
    if not await allowed(update, context, "language"):
        await query.answer()
        return
    user_id, update_id = sender_ids(update)
    switched = services.progress.set_language(
        progress, chosen, user_id=user_id, update_id=update_id
    )
    if switched is None:
        return
    context.language = chosen
    await _conclude(update, context, services.catalog.text(chosen, "language-set"), switched)


# -- /status and /help --------------------------------------------------------------------------
async def status(update: Update, context: BotContext) -> None:
    progress = current_progress(update, context)
    if progress is None:
        await need_start(update, context)
        return
    await show_status(update, context, progress)


async def show_status(update: Update, context: BotContext, progress: ChatProgress) -> None:
    services = context.services
    if not services.renderer.knows(progress):  # no checklist to speak of: the way on
        await send_step(update, context, progress)
        return
    documents = services.evidence.counts(progress.chat_id)
    text = services.renderer.status(progress, services.calendar.today(), documents)
    await reply(update, context, text)


async def help_command(update: Update, context: BotContext) -> None:
    progress = current_progress(update, context)
    lang = progress.language if progress else context.sender_language
    services = context.services
    t = services.catalog.text
    support = "no" if services.settings.support_chat_id is None else "yes"  # /ask listed
    text = t(lang, "help", support=support)
    if progress is not None and not services.renderer.knows(progress):
        note_lost(context, progress)
        text += "\n\n" + services.renderer.lost_text(lang)
    elif progress is not None:
        step = t(lang, services.spec.steps[progress.state].name)
        text += "\n\n" + t(lang, "help-current", step=escape(step))
    await reply(update, context, text)
