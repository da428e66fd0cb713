"""The operators' side of the support channel: answers, /status and /close in the support group.

An operator's message in a ticket's topic (forum support group) or replying to one of a
ticket's messages (plain support group) is copied to that ticket's chat and nowhere else.
Operators are the ``TPBOT_OPERATORS`` and the support group's members: a message arriving in
the support group comes from a member; elsewhere (``/close <number>`` in a private chat)
membership is asked with getChatMember and remembered briefly.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from html import escape
from typing import TypeVar

from telegram import Message, MessageId, ReplyParameters, Update
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.callbacks import parse_number
from bot.handlers.operators.access import is_support_operator, may_act_in_support_group
from bot.handlers.replies import reply
from bot.handlers.support.albums import flush as flush_album
from bot.handlers.support.albums import gather as gather_album
from bot.handlers.support.topics import topic_failed
from bot.services.desk.relay import Topic
from bot.services.desk.ticket import Ticket
from bot.telegram.desk_card import rating_keyboard, topic_name
from bot.wiring import BotContext

log = logging.getLogger(__name__)
T = TypeVar("T")


async def name_topic(context: BotContext, topic: Topic | None) -> None:
    """Show on the ticket's topic (if it has one) whether the user blocked the bot."""
    if topic is None:
        return
    name = topic_name(context.services.catalog, topic.name)
    try:
        await context.bot.edit_forum_topic(topic.support_chat_id, topic.thread_id, name=name)
    except TelegramError as exc:
        topic_failed(context, topic, "renamed", exc)


def ticket_here(context: BotContext, message: Message) -> Ticket | None:
    """The ticket a message in the support group belongs to: its topic, or what it replies to."""
    thread = message.message_thread_id if message.is_topic_message else None
    replied = message.reply_to_message
    return context.services.tickets.in_support(thread, replied.message_id if replied else None)


async def answer_operator(update: Update, context: BotContext, text: str) -> None:
    """A notice to the operator, in the ticket's topic and as a reply to their message."""
    message = update.effective_message
    assert message is not None
    await reply(
        update,
        context,
        text,
        reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
    )


async def operator_message(update: Update, context: BotContext) -> None:
    """An operator's message in a ticket's topic (or replying to a ticket): to its user only."""
    message = update.effective_message
    assert message is not None
    if message.from_user is None or (message.from_user.is_bot and message.sender_chat is None):
        return
    if not may_act_in_support_group(context, message.from_user.id):
        return  # a member who is not an operator (TPBOT_SUPPORT_GROUP_OPERATORS=false)
    ticket = ticket_here(context, message)
    if ticket is None:
        return  # not a ticket: operators talking among themselves
    t = context.services.catalog.text
    lang = context.sender_language
    if not ticket.is_open:
        await answer_operator(update, context, t(lang, "delivery-closed", number=str(ticket.id)))
        return
    lane = _lane(message)
    if message.media_group_id is not None:  # an album reaches the user as one

        async def deliver_album(parts: list[Message]) -> None:
            await deliver(update, context, ticket, parts)

        await gather_album(update, context, lane, message, deliver_album)
        return
    await flush_album(lane)
    await deliver(update, context, ticket, [message])


def _lane(message: Message) -> tuple[int, int]:
    """The support group's lane a message runs in (``bot.telegram.lanes``): its topic's."""
    return (message.chat.id, (message.is_topic_message and message.message_thread_id) or 0)


async def deliver(
    update: Update, context: BotContext, ticket: Ticket, parts: list[Message]
) -> None:
    """An operator's message (or album) copied to the ticket's user; a failure is told."""
    bot, support = context.bot, parts[0].chat.id

    async def copy() -> list[MessageId]:
        if len(parts) == 1:
            return [await bot.copy_message(ticket.chat_id, support, parts[0].message_id)]
        # copyMessages keeps an album an album
        return list(await bot.copy_messages(ticket.chat_id, support, [p.message_id for p in parts]))

    copies = await to_user(update, context, ticket, copy)
    if copies is None:
        return
    pairs = [(p.message_id, c.message_id) for p, c in zip(parts, copies, strict=False)]
    context.services.tickets.relayed_album_out(ticket, pairs)


async def to_user(
    update: Update, context: BotContext, ticket: Ticket, send: Callable[[], Awaitable[T]]
) -> T | None:
    """``send`` something of the desk's to the ticket's user. A user who blocked the bot
    (the topic then says so) or a message Telegram refuses is told to the operator: None."""
    t, lang = context.services.catalog.text, context.sender_language
    name = escape(ticket.name or "?")
    try:
        return await send()
    except Forbidden:
        await name_topic(context, context.services.tickets.set_blocked(ticket, True))
        await answer_operator(update, context, t(lang, "delivery-blocked", name=name))
    except BadRequest as exc:
        await answer_operator(
            update, context, t(lang, "delivery-failed", name=name, reason=escape(exc.message))
        )
    return None


async def support_status(update: Update, context: BotContext) -> None:
    """/status in a ticket's topic (or replying to a ticket): that user's checklist."""
    message = update.effective_message
    assert message is not None
    services = context.services
    lang = context.sender_language
    if not may_act_in_support_group(context, message.from_user.id if message.from_user else None):
        return
    ticket = ticket_here(context, message)
    if ticket is None:
        await answer_operator(update, context, services.catalog.text(lang, "support-no-ticket"))
        return
    name = escape(ticket.name or "?")
    progress = services.progress.get(ticket.chat_id)
    if progress is None:
        await answer_operator(
            update,
            context,
            services.catalog.text(lang, "support-status-none", name=name, number=str(ticket.id)),
        )
        return
    title = services.catalog.text(lang, "support-status-title", name=name, number=str(ticket.id))
    checklist = services.renderer.status(
        replace(progress, language=lang), services.calendar.today()
    )
    await answer_operator(update, context, f"{title}\n\n{checklist}")


async def close(update: Update, context: BotContext) -> None:
    """/close in a ticket's topic (or replying to a ticket); elsewhere ``/close <number>``,
    for operators only."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None
    tickets = context.services.tickets
    t = context.services.catalog.text
    lang = context.sender_language
    ticket: Ticket | None
    if tickets.configured and chat.id == tickets.support_chat_id:
        if not may_act_in_support_group(context, user.id if user else None):
            return
        await flush_album(_lane(message))  # an album sent just before reaches the user first
        ticket = ticket_here(context, message)
        if ticket is None:
            await answer_operator(update, context, t(lang, "support-no-ticket"))
            return
    else:
        if user is None or not await is_support_operator(context, user.id):
            await reply(update, context, t(context.language, "close-not-operator"))
            return
        raw = (context.args or [""])[0].lstrip("#")
        number = parse_number(raw)
        if number is None:
            await reply(update, context, t(lang, "close-usage"))
            return
        ticket = tickets.get(number)
        if ticket is None:
            await reply(update, context, t(lang, "close-unknown", number=str(number)))
            return
    await _close_ticket(update, context, ticket, lang)


async def _close_ticket(update: Update, context: BotContext, ticket: Ticket, lang: str) -> None:
    tickets = context.services.tickets
    t = context.services.catalog.text
    closing = tickets.close(ticket)
    if closing is None:
        await reply(update, context, t(lang, "close-already", number=str(ticket.id)))
        return
    name = escape(ticket.name or "?")
    done_id = "close-done"
    try:
        closed = t(closing.language, "ticket-closed-user", number=str(ticket.id))
        await context.bot.send_message(
            ticket.chat_id,
            f"{closed}\n\n{t(closing.language, 'ticket-rate-ask')}",
            reply_markup=rating_keyboard(
                context.services.catalog, closing.language, ticket.id, ticket.opened_count
            ),
        )
    except Forbidden:
        await name_topic(context, tickets.set_blocked(ticket, True))
        done_id = "close-done-undelivered"
    except BadRequest as exc:  # e.g. the account was deleted: the ticket is closed all the same
        log.warning("ticket %s: closing notice not delivered: %r", ticket.id, exc)
    await reply(update, context, t(lang, done_id, number=str(ticket.id), name=name))
    topic = closing.topic
    if topic is not None:
        try:  # a closed topic tells operators at a glance; /ask reopens it
            await context.bot.close_forum_topic(topic.support_chat_id, topic.thread_id)
        except TelegramError as exc:
            topic_failed(context, topic, "closed", exc)
