"""A rejected audit: "rejected" asks for Tmall's reason with buttons; the reason's button
sends its fix and reopens the steps it concerns. Stale or forged reason buttons change nothing
and say why."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, TelegramError

from bot.callbacks import AnswerButton, RejectionButton
from bot.handlers.replies import reply, send_step, sender_ids, step_message
from bot.services.flow.rejections import Rejected, RejectionRefused
from bot.telegram.rejection_text import reason_keyboard, reason_question, rejection_text
from bot.wiring import BotContext

log = logging.getLogger(__name__)


async def _stale(update: Update, context: BotContext, chat_id: int) -> None:
    query = update.callback_query
    assert query is not None
    services = context.services
    progress = services.progress.get(chat_id)
    if progress is None:
        await query.answer(
            services.catalog.text(context.language, "button-unknown"), show_alert=True
        )
        return
    lang = progress.language
    if services.renderer.knows(progress):
        current = services.catalog.text(lang, services.spec.steps[progress.state].name)
        await query.answer(
            services.catalog.text(lang, "button-stale", step=current), show_alert=True
        )
    else:
        await query.answer()
    await send_step(update, context, progress)


async def ask_reason(update: Update, context: BotContext, button: AnswerButton) -> None:
    """The "rejected" button of an audit step with reasons: ask which one, changing nothing."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    services = context.services
    progress = services.progress.get(chat.id)
    if progress is None or progress.state != button.step or progress.seq != button.seq:
        await _stale(update, context, chat.id)
        return
    step = services.spec.steps[button.step]
    text = reason_question(services.renderer, progress, step)
    keyboard = reason_keyboard(services.renderer, progress, step)
    await query.answer()
    try:
        await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest:  # too old to edit, or deleted: ask in a new message
        await reply(update, context, text, reply_markup=keyboard)


async def pick_reason(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    services = context.services
    t = services.catalog.text
    button = RejectionButton.parse(query.data)
    chat = update.effective_chat
    if button is None or chat is None:
        await query.answer(t(context.language, "button-unknown"), show_alert=True)
        return
    user_id, update_id = sender_ids(update)
    result = services.rejections.reject(
        chat.id, button.step, button.reason, button.seq, by=user_id, update_id=update_id
    )
    if result is RejectionRefused.DUPLICATE:
        return
    if result is RejectionRefused.UNKNOWN_CHAT:
        await query.answer(t(context.language, "button-unknown"), show_alert=True)
        return
    if result is RejectionRefused.UNKNOWN_REASON:
        await query.answer(t(context.language, "reject-reason-unknown"), show_alert=True)
        return
    if result is RejectionRefused.STALE:
        await _stale(update, context, chat.id)
        return
    assert isinstance(result, Rejected)
    await _show_fix(update, context, result, update_id)


async def _show_fix(
    update: Update, context: BotContext, rejected: Rejected, update_id: int
) -> None:
    query = update.callback_query
    assert query is not None
    services = context.services
    progress = rejected.progress
    lang = progress.language
    label = rejected.reason.label if rejected.reason is not None else "reject-other"
    try:  # the rejection is saved: a failed notice must not read as a failed answer
        await query.answer(services.catalog.text(lang, label))
    except TelegramError as exc:
        log.warning("chat %s: the reason's notice failed: %r", progress.chat_id, exc)
    prefix = rejection_text(services.renderer, rejected)
    text, keyboard = step_message(context, progress, prefix)
    try:
        try:
            await query.edit_message_text(text, reply_markup=keyboard)
        except BadRequest:
            await send_step(update, context, progress, prefix)
    except TelegramError as exc:
        log.warning("chat %s: the reopened step could not be shown: %r", progress.chat_id, exc)
        services.ledger.owe(progress.chat_id, update_id)
