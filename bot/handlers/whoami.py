"""``/id``: the sender's own user id and this chat's id. It tells only what the sender may
know. The hint at the settings (``TPBOT_OPERATORS``, ``TPBOT_SUPPORT_CHAT_ID``) is for the
operators and the support group only: to a client it is jargon."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.handlers.operators.access import is_listed_operator
from bot.handlers.replies import reply
from bot.wiring import BotApplication, BotContext


async def show_ids(update: Update, context: BotContext) -> None:
    user, chat = update.effective_user, update.effective_chat
    assert chat is not None
    catalog, lang = context.services.catalog, context.sender_language
    text = catalog.text(lang, "id-info", user=str(user.id) if user else "–", chat=str(chat.id))
    support = context.services.settings.support_chat_id
    setup = chat.id == support or is_listed_operator(context, user.id if user else None)
    text += "\n" + catalog.text(lang, "id-setup-hint" if setup else "id-purpose")
    await reply(update, context, text)


def register(application: BotApplication) -> None:
    application.add_handler(CommandHandler("id", show_ids))
