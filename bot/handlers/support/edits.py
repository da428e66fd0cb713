"""Edits carried over: a relayed message edited by its writer (the user, or an operator) edits
its copy on the other side (``editMessageText``, or ``editMessageCaption`` for a file), found
through the ticket's message mapping. A copy that cannot be edited any more (deleted, or in a
topic that was deleted) is sent again as the edited message, so the edit is not lost."""

from __future__ import annotations

import logging
from html import escape

from telegram import Bot, Message, Update
from telegram.error import BadRequest, Forbidden

from bot.handlers.operators.access import may_act_in_support_group
from bot.handlers.support.asking import relay_user_messages
from bot.handlers.support.desk import deliver, name_topic
from bot.wiring import BotContext

log = logging.getLogger(__name__)


async def edit_copy(bot: Bot, chat_id: int, copy_id: int, edited: Message) -> bool:
    """Make the copy read as ``edited`` does now; False if the copy is not there to edit."""
    try:
        if edited.text is not None:
            await bot.edit_message_text(
                edited.text,
                chat_id=chat_id,
                message_id=copy_id,
                entities=edited.entities or None,
                parse_mode=None,  # the entities say it, as written
            )
        elif edited.effective_attachment is not None and edited.location is None:
            await bot.edit_message_caption(
                chat_id=chat_id,
                message_id=copy_id,
                caption=edited.caption,
                caption_entities=edited.caption_entities or None,
                parse_mode=None,
            )
    except BadRequest as exc:
        if "not modified" in exc.message.lower():  # e.g. the file changed, not its caption
            return True
        log.info("message %s in %s not edited: %r", copy_id, chat_id, exc)
        return False
    return True


async def user_edit(update: Update, context: BotContext) -> None:
    """The user edited a message relayed to their ticket: its copy in the support group."""
    edited, chat = update.edited_message, update.effective_chat
    assert edited is not None and chat is not None
    tickets = context.services.tickets
    ticket = tickets.of_chat(chat.id)
    if ticket is None or not ticket.is_open or ticket.support_chat_id != tickets.support_chat_id:
        return
    copy_id = tickets.support_copy(ticket, edited.message_id)
    if copy_id is None:
        return  # never relayed: written before /ask, or the team's own conversation
    assert ticket.support_chat_id is not None
    if not await edit_copy(context.bot, ticket.support_chat_id, copy_id, edited):
        await relay_user_messages(update, context, [edited])


async def operator_edit(update: Update, context: BotContext) -> None:
    """An operator edited an answer delivered to a user: the user's copy too."""
    edited = update.edited_message
    assert edited is not None
    if edited.from_user is None or not may_act_in_support_group(context, edited.from_user.id):
        return
    tickets = context.services.tickets
    found = tickets.user_copy(edited.message_id)
    if found is None:
        return  # not an answer we delivered
    ticket, copy_id = found
    if not ticket.is_open:
        return  # closed: the user keeps what they were sent
    try:
        if await edit_copy(context.bot, ticket.chat_id, copy_id, edited):
            return
    except Forbidden:
        await name_topic(context, tickets.set_blocked(ticket, True))
        text = context.services.catalog.text
        name = escape(ticket.name or "?")
        await context.bot.send_message(
            edited.chat.id,
            text(context.sender_language, "delivery-blocked", name=name),
            message_thread_id=edited.message_thread_id if edited.is_topic_message else None,
        )
        return
    await deliver(update, context, ticket, [edited])
