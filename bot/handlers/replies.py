"""Answering in the chat an update came from: a text, or the chat's current step."""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.services.flow.chat_progress import ChatProgress
from bot.services.flow.step_view import StepView
from bot.telegram.step_message import step_message as build_step_message
from bot.wiring import BotContext

log = logging.getLogger(__name__)


def chat_title(update: Update) -> str | None:
    """The name to show for the chat: the user's name in private, else the group's title."""
    chat = update.effective_chat
    if chat is None:
        return None
    if chat.type == "private":
        user = update.effective_user
        return user.full_name if user else None
    return chat.title


def sender_ids(update: Update) -> tuple[int | None, int]:
    """(the sender's user id, the update id): what a change records of who made it."""
    user = update.effective_user
    return (user.id if user else None), update.update_id


def current_progress(update: Update, context: BotContext) -> ChatProgress | None:
    chat = update.effective_chat
    return context.services.progress.get(chat.id) if chat else None


def step_message(
    context: BotContext,
    progress: ChatProgress,
    prefix: str | None = None,
    view: StepView | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """(text, keyboard) of the chat's current step, with an optional line above it
    (``view``: the step's view if the caller has gathered it already)."""
    services = context.services
    view = view or services.views.of(progress)
    message = build_step_message(services.renderer, view, progress, above=prefix)
    return message.html, message.keyboard


def note_lost(context: BotContext, progress: ChatProgress) -> None:
    """Tell the team (the log) that a chat is at a step the flow does not have."""
    spec = context.services.spec
    log.warning(
        "chat %s is at step '%s', which flow version %s does not have; told to /back, /reset "
        "or wait (move it in the console; `check --db` counts such chats)",
        progress.chat_id,
        progress.state,
        spec.version,
    )


async def send_step(
    update: Update, context: BotContext, progress: ChatProgress, prefix: str | None = None
) -> Message:
    """The current step as a new message (which also makes good a reply that was owed)."""
    ledger = context.services.ledger
    if not context.services.renderer.knows(progress):
        note_lost(context, progress)
    was_owed = ledger.owes(progress.chat_id)
    if was_owed:
        saved = context.services.catalog.text(progress.language, "answer-saved")
        prefix = f"{saved}\n\n{prefix}" if prefix else saved
    text, keyboard = step_message(context, progress, prefix)
    sent = await reply(update, context, text, reply_markup=keyboard)
    if was_owed:
        ledger.settle(progress.chat_id)
    return sent


def _thread_of(update: Update) -> int | None:
    message = update.effective_message
    if message is not None and message.is_topic_message:
        return message.message_thread_id
    return None


async def reply(update: Update, context: BotContext, text: str, **kwargs: Any) -> Message:
    """Send ``text`` to the update's chat (in its forum topic, if it came from one)."""
    chat = update.effective_chat
    assert chat is not None
    return await context.bot.send_message(
        chat.id, text, message_thread_id=_thread_of(update), **kwargs
    )


async def edit_or_reply(update: Update, context: BotContext, text: str) -> bool:
    """Show ``text`` in place of the pressed button's message, or as a new message if that one
    cannot be edited (too old, deleted). False if it says ``text`` already: a repeated press."""
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_text(text)
    except BadRequest as exc:
        if "not modified" in exc.message.lower():
            return False
        await reply(update, context, text)
    return True


async def need_start(update: Update, context: BotContext) -> None:
    """For a chat that has no progress yet (so its language is the sender's)."""
    await reply(
        update, context, context.services.catalog.text(context.sender_language, "need-start")
    )
