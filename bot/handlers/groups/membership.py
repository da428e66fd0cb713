"""The bot added to a group, removed, or blocked in private; a group becoming a supergroup.

A group keeps one progress like a private chat does: any member's button press answers the
group's step (the answers log records who pressed), and commands work as ``/cmd`` or
``/cmd@BotName``. With privacy mode on, the bot sees exactly what it needs: commands,
replies to its own messages and button presses.
"""

from __future__ import annotations

import logging

from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.constants import ChatType

from bot.handlers.groups.admin import GROUP_TYPES
from bot.handlers.support.desk import name_topic
from bot.wiring import BotContext

log = logging.getLogger(__name__)

GONE_STATUSES = frozenset({ChatMember.LEFT, ChatMember.BANNED})


# -- the bot added, removed, blocked ----------------------------------------------------------
async def membership(update: Update, context: BotContext) -> None:
    changed: ChatMemberUpdated | None = update.my_chat_member
    if changed is None:
        return
    chat = changed.chat
    was_gone = changed.old_chat_member.status in GONE_STATUSES
    gone = changed.new_chat_member.status in GONE_STATUSES
    if gone == was_gone:
        return  # e.g. promoted to administrator: nothing to do
    known = context.services.groups.set_active(chat.id, not gone)
    if chat.type == ChatType.PRIVATE:
        # In a private chat, "kicked" means the user blocked the bot.
        await name_topic(context, context.services.tickets.chat_blocked(chat.id, gone))
        return
    if chat.type in GROUP_TYPES:  # the id an operator needs, e.g. for TPBOT_SUPPORT_CHAT_ID
        log.info("%s group %r (id %s)", "removed from" if gone else "added to", chat.title, chat.id)
    if gone or chat.type not in GROUP_TYPES:
        return
    services = context.services
    progress = services.progress.get(chat.id)
    lang = progress.language if progress else context.sender_language
    text_id = "group-hello-back" if known else "group-hello"
    await context.bot.send_message(
        chat.id, services.catalog.text(lang, text_id, bot=context.bot.username)
    )


# -- a member's status or rights changed -------------------------------------------------------
async def member_changed(update: Update, context: BotContext) -> None:
    """Promoted, demoted, left, banned: what the guards remember of that member is dropped, so
    their next command is checked afresh instead of on rights they had up to a minute ago.
    (Telegram sends these only to a bot that administers the group.)"""
    changed: ChatMemberUpdated | None = update.chat_member
    if changed is None:
        return
    chat_id, user_id = changed.chat.id, changed.new_chat_member.user.id
    services = context.services
    services.groups.admins.drop((chat_id, user_id))
    if chat_id == services.settings.support_chat_id:  # an operator joining or leaving
        services.tickets.operator_cache.drop(user_id)


# -- group → supergroup -----------------------------------------------------------------------
async def migrated(update: Update, context: BotContext) -> None:
    """Announced in the old group (``migrate_to_chat_id``) and in the new supergroup
    (``migrate_from_chat_id``); whichever comes first moves the progress, the other no-ops."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id is not None:
        old_id, new_id = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id is not None:
        old_id, new_id = message.migrate_from_chat_id, message.chat.id
    else:
        return
    user = update.effective_user
    moved = context.services.groups.migrate(
        old_id, new_id, ChatType.SUPERGROUP, user_id=user.id if user else None
    )
    support = context.services.settings.support_chat_id
    if old_id == support:
        log.error(
            "the support group %s became supergroup %s: set TPBOT_SUPPORT_CHAT_ID=%s",
            old_id,
            new_id,
            new_id,
        )
    if moved:
        log.info("chat %s migrated to %s: progress moved", old_id, new_id)
