"""A ticket's forum topic at the chat's doors: a call on a deleted topic, and the finish (the
work is in ``bot/telegram/desk_topics.py``, shared with the console)."""

from __future__ import annotations

from telegram import Update
from telegram.error import TelegramError

from bot.services.desk.relay import Asker, Topic
from bot.telegram import desk_topics
from bot.telegram.desk_topics import is_topic_gone
from bot.wiring import BotContext

__all__ = ["company_finished", "is_topic_gone", "topic_failed"]


def topic_failed(context: BotContext, topic: Topic, action: str, exc: TelegramError) -> None:
    desk_topics.topic_failed(context.services.tickets, topic, action, exc)


async def company_finished(update: Update, context: BotContext, chat_id: int) -> None:
    """The chat just reached the finish (the user's press): its ticket and topic closed."""
    user = update.effective_user
    asker = Asker(user.id, user.full_name, user.username) if user is not None else None
    services = context.services
    await desk_topics.mark_finished(
        context.bot, services.tickets, services.catalog, chat_id, asker, services.calendar.today()
    )
