"""Group chats: admin-only commands, the bot being added or removed, group → supergroup."""

from __future__ import annotations

from telegram.ext import ChatMemberHandler, MessageHandler, filters

from bot.handlers.groups import membership
from bot.wiring import BotApplication


def register(application: BotApplication) -> None:
    application.add_handler(
        ChatMemberHandler(membership.membership, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    application.add_handler(
        ChatMemberHandler(membership.member_changed, ChatMemberHandler.CHAT_MEMBER)
    )
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, membership.migrated))
