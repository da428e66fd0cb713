"""The certification walk itself: ``/start`` and the answer buttons of each step."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, TelegramError

from bot.callbacks import AnswerButton
from bot.handlers.documents import still_owed
from bot.handlers.flow.rejections import ask_reason
from bot.handlers.replies import chat_title, reply, send_step, sender_ids, step_message
from bot.handlers.support.topics import company_finished
from bot.services.flow.progress import Outcome
from bot.wiring import BotContext

log = logging.getLogger(__name__)


async def start(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    assert chat is not None
    services = context.services
    if chat.id == services.settings.support_chat_id:  # operators' room, never a customer
        await reply(
            update, context, services.catalog.text(context.sender_language, "support-not-customer")
        )
        return
    user_id, update_id = sender_ids(update)
    progress, created = services.progress.start(
        chat.id,
        chat.type,
        context.sender_language,
        title=chat_title(update),
        user_id=user_id,
        update_id=update_id,
    )
    prefix = None if created else services.catalog.text(progress.language, "welcome-back")
    await send_step(update, context, progress, prefix)


async def press(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    services = context.services
    t = services.catalog.text
    button = AnswerButton.parse(query.data)
    chat = update.effective_chat
    if button is None or chat is None:
        await query.answer(t(context.language, "button-unknown"), show_alert=True)
        return
    if services.rejections.asks_reason(button.step, button.answer):
        await ask_reason(update, context, button)
        return
    user_id, update_id = sender_ids(update)
    result = services.progress.press(
        chat.id, button.step, button.answer, button.seq, user_id=user_id, update_id=update_id
    )
    progress = result.progress
    lang = progress.language if progress else context.sender_language
    if result.outcome is Outcome.DUPLICATE:
        return
    if progress is not None and not services.renderer.knows(progress):
        # At a step the flow does not have, no button counts: the way on, as a message (an
        # alert would be cut at Telegram's limit).
        await query.answer()
        await send_step(update, context, progress)
        return
    if result.outcome is Outcome.STALE:
        assert progress is not None
        current = t(lang, services.spec.steps[progress.state].name)
        await query.answer(t(lang, "button-stale", step=current), show_alert=True)
        await send_step(update, context, progress)  # the buttons that count, at hand
        return
    if result.outcome in (Outcome.INVALID, Outcome.NO_PROGRESS):
        await query.answer(t(lang, "button-unknown"), show_alert=True)
        return
    assert result.progress and result.step and result.answer
    moved, answer = result.progress, result.answer
    # The answer is saved: from here on a failed reply must not read as a failed answer.
    try:
        await query.answer(t(lang, answer.label))
    except TelegramError as exc:
        log.warning("chat %s: the answer's notice failed: %r", chat.id, exc)
    prefix = services.renderer.echo(moved, result.step, answer.label)
    if moved.state != result.step.id and services.spec.documents.of(result.step.id):
        owed = still_owed(context, chat.id, result.step.id, lang)
        prefix = f"{prefix}\n{owed}" if owed else prefix
    view = services.views.of(moved)  # gathered once: for the help text and for the step
    if answer.help:
        help_text = t(lang, answer.help, **services.renderer.step_args(moved, view.today))
        prefix = f"{prefix}\n\n{help_text}"
    text, keyboard = step_message(context, moved, prefix, view)
    try:
        try:
            await query.edit_message_text(text, reply_markup=keyboard)
        except BadRequest:
            # The message is too old to edit or was deleted: show the step as a new message.
            await send_step(update, context, moved, prefix)
    except TelegramError as exc:
        log.warning("chat %s: the next step could not be shown: %r", chat.id, exc)
        services.ledger.owe(chat.id, update_id)
    if moved.state != result.step.id and services.spec.steps[moved.state].kind == "finish":
        await company_finished(update, context, chat.id)
