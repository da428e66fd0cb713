"""A ticket's forum topic through its life: found deleted, closed when the company finishes."""

from __future__ import annotations

import logging

from telegram.error import BadRequest, TelegramError

from bot.services.desk.relay import Topic
from bot.wiring import BotContext

log = logging.getLogger(__name__)

# What Telegram answers when a ticket's topic was deleted (by an operator, or with its group).
TOPIC_GONE = ("thread not found", "topic_deleted", "topic_id_invalid")


def is_topic_gone(exc: TelegramError) -> bool:
    return isinstance(exc, BadRequest) and any(gone in exc.message.lower() for gone in TOPIC_GONE)


def topic_failed(context: BotContext, topic: Topic, action: str, exc: TelegramError) -> None:
    """A call on the ticket's topic failed: if the topic is gone, the ticket forgets it (its
    next message opens a new one with a fresh card); otherwise it is only logged."""
    if is_topic_gone(exc):
        log.info(
            "ticket %s: its topic was deleted; the next message opens a new one", topic.name.number
        )
        context.services.tickets.topic_deleted(topic)
        return
    log.info("ticket %s: topic not %s: %r", topic.name.number, action, exc)
