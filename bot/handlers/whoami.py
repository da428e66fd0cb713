"""``/id``: the sender's own user id and this chat's id, for setting the bot up
(``TPBOT_OPERATORS``, ``TPBOT_SUPPORT_CHAT_ID``). It tells only what the sender may know."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.handlers.context import BotApplication, BotContext
from bot.handlers.replies import reply


async def show_ids(update: Update, context: BotContext) -> None:
    user, chat = update.effective_user, update.effective_chat
    assert chat is not None
    text = context.services.catalog.text(
        context.sender_language,
        "id-info",
        user=str(user.id) if user else "–",
        chat=str(chat.id),
    )
    await reply(update, context, text)


def register(application: BotApplication) -> None:
    application.add_handler(CommandHandler("id", show_ids))
