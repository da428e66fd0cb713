"""A ticket's forum topic through its life, for the chat's doors and the console's alike: found
deleted (the ticket forgets it, and its next message opens a new one with a fresh card), and
closed when the company finishes the certification, with a last line on the card (``/ask``
reopens it)."""

from __future__ import annotations

import datetime as dt
import logging

from telegram import Bot
from telegram.error import BadRequest, TelegramError

from bot.services.desk.relay import Asker, Topic
from bot.services.desk.tickets import TicketService
from bot.services.i18n import Catalog
from bot.telegram.desk_card import card_text

log = logging.getLogger(__name__)

# What Telegram answers when a ticket's topic was deleted (by an operator, or with its group).
TOPIC_GONE = ("thread not found", "topic_deleted", "topic_id_invalid")


def is_topic_gone(exc: TelegramError) -> bool:
    return isinstance(exc, BadRequest) and any(gone in exc.message.lower() for gone in TOPIC_GONE)


def topic_failed(tickets: TicketService, topic: Topic, action: str, exc: TelegramError) -> None:
    """A call on the ticket's topic failed: if the topic is gone, the ticket forgets it (its
    next message opens a new one with a fresh card); otherwise it is only logged."""
    if is_topic_gone(exc):
        number = topic.name.number
        log.info("ticket %s: its topic was deleted; the next message opens a new one", number)
        tickets.topic_deleted(topic)
        return
    log.info("ticket %s: topic not %s: %r", topic.name.number, action, exc)


async def mark_finished(
    bot: Bot,
    tickets: TicketService,
    catalog: Catalog,
    chat_id: int,
    asker: Asker | None,
    today: dt.date,
) -> None:
    """The chat just reached the finish: its ticket and topic closed, its card's last line."""
    if not tickets.configured:
        return
    finished = tickets.finished(chat_id, asker, today)
    if finished is None:
        return
    if finished.card_message_id is not None:
        try:
            await bot.edit_message_text(
                card_text(catalog, finished.card),
                chat_id=finished.support_chat_id,
                message_id=finished.card_message_id,
            )
        except TelegramError as exc:  # e.g. deleted with its topic
            log.info("ticket %s: card not marked finished: %r", finished.card.number, exc)
    topic = finished.topic
    if topic is not None:
        try:
            await bot.close_forum_topic(topic.support_chat_id, topic.thread_id)
        except TelegramError as exc:
            topic_failed(tickets, topic, "closed", exc)
