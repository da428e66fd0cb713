"""Group chats: admin-only commands, the bot being added or removed, group → supergroup.

The walk itself needs nothing special in a group: the progress is keyed by the chat, so any
member's button press answers the group's step (and the answers log records who pressed), and
commands work as ``/cmd`` or ``/cmd@BotName``. With privacy mode on, the bot sees exactly
what it needs: commands, replies to its own messages and button presses.
"""

from __future__ import annotations

import logging

from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.constants import ChatType
from telegram.ext import Application, ChatMemberHandler, MessageHandler, filters

from bot.handlers.common import Context, language_of, reply, services, user_language
from bot.handlers.flow import GUARDS_KEY
from bot.handlers.support_desk import name_topic
from bot.services.groups import GroupService
from bot.services.tickets import TicketService

log = logging.getLogger(__name__)

ADMIN_ONLY = frozenset({"reset", "language"})
ADMIN_STATUSES = frozenset({ChatMember.OWNER, ChatMember.ADMINISTRATOR})
GONE_STATUSES = frozenset({ChatMember.LEFT, ChatMember.BANNED})
GROUP_TYPES = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})
EXTRAS_KEY = "groups"


def group_service(context: Context) -> GroupService:
    service: GroupService = services(context).extras[EXTRAS_KEY]
    return service


async def is_admin(context: Context, chat_id: int, user_id: int) -> bool:
    """Whether the user administers the chat: asked with getChatMember, remembered briefly."""
    cache = group_service(context).admins
    known = cache.get((chat_id, user_id))
    if known is not None:
        return known
    member = await context.bot.get_chat_member(chat_id, user_id)
    admin = member.status in ADMIN_STATUSES
    cache.put((chat_id, user_id), admin)
    return admin


async def admin_guard(update: Update, context: Context, command: str) -> bool:
    """In groups, /reset and /language (and their buttons) are for administrators only."""
    chat = update.effective_chat
    if command not in ADMIN_ONLY or chat is None or chat.type not in GROUP_TYPES:
        return True
    message = update.message
    sender_chat = message.sender_chat if message is not None else None
    if sender_chat is not None:
        if sender_chat.id == chat.id:  # an anonymous administrator posts as the group itself
            return True
    else:
        user = update.effective_user
        if user is not None and await is_admin(context, chat.id, user.id):
            return True
    await reply(
        update,
        context,
        services(context).catalog.text(language_of(update, context), "group-admin-only"),
    )
    return False


# -- the bot added, removed, blocked ----------------------------------------------------------
async def membership(update: Update, context: Context) -> None:
    changed: ChatMemberUpdated | None = update.my_chat_member
    if changed is None:
        return
    chat = changed.chat
    was_gone = changed.old_chat_member.status in GONE_STATUSES
    gone = changed.new_chat_member.status in GONE_STATUSES
    if gone == was_gone:
        return  # e.g. promoted to administrator: nothing to do
    known = group_service(context).set_active(chat.id, not gone)
    tickets: TicketService | None = services(context).extras.get("tickets")
    if chat.type == ChatType.PRIVATE:
        # In a private chat, "kicked" means the user blocked the bot.
        changed_ticket = tickets.chat_blocked(chat.id, gone) if tickets is not None else None
        if changed_ticket is not None:
            await name_topic(context, changed_ticket)
        return
    if gone or chat.type not in GROUP_TYPES:
        return
    svc = services(context)
    progress = svc.progress.get(chat.id)
    lang = progress.language if progress else user_language(update)
    text_id = "group-hello-back" if known else "group-hello"
    await context.bot.send_message(
        chat.id, svc.catalog.text(lang, text_id, bot=context.bot.username)
    )


# -- group → supergroup -----------------------------------------------------------------------
async def migrated(update: Update, context: Context) -> None:
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
    moved = group_service(context).migrate(
        old_id, new_id, ChatType.SUPERGROUP, user_id=user.id if user else None
    )
    support = services(context).settings.support_chat_id
    if old_id == support:
        log.error(
            "the support group %s became supergroup %s: set TPBOT_SUPPORT_CHAT_ID=%s",
            old_id,
            new_id,
            new_id,
        )
    if moved:
        log.info("chat %s migrated to %s: progress moved", old_id, new_id)


def register(application: Application) -> None:  # type: ignore[type-arg]
    svc = application.bot_data["services"]
    svc.extras[EXTRAS_KEY] = GroupService(svc.db, svc.progress.clock)
    svc.extras.setdefault(GUARDS_KEY, []).append(admin_guard)
    application.add_handler(ChatMemberHandler(membership, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, migrated))
