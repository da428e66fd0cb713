"""Who may do what in a group: /reset, /language, /mute and /unmute (and their buttons) are
for administrators; any member may /back their own last answer, only an administrator
someone else's (otherwise ten /backs by any member would undo a team's progress)."""

from __future__ import annotations

from telegram import ChatMember, Update

from bot.handlers.replies import reply
from bot.wiring import BotContext

ADMIN_ONLY = frozenset({"reset", "language", "mute", "unmute"})
OWN_ANSWER_ONLY = frozenset({"back"})
ADMIN_STATUSES = frozenset({ChatMember.OWNER, ChatMember.ADMINISTRATOR})
GROUP_TYPES = frozenset({"group", "supergroup"})


async def is_admin(context: BotContext, chat_id: int, user_id: int) -> bool:
    """Whether the user administers the chat: asked with getChatMember, remembered briefly."""
    cache = context.services.groups.admins
    known = cache.get((chat_id, user_id))
    if known is not None:
        return known
    member = await context.bot.get_chat_member(chat_id, user_id)
    admin = member.status in ADMIN_STATUSES
    cache.put((chat_id, user_id), admin)
    return admin


async def admin_guard(update: Update, context: BotContext, command: str) -> bool:
    """In groups: the admin-only commands, and /back of someone else's answer."""
    chat = update.effective_chat
    guarded = command in ADMIN_ONLY or command in OWN_ANSWER_ONLY
    if not guarded or chat is None or chat.type not in GROUP_TYPES:
        return True
    message = update.message
    sender_chat = message.sender_chat if message is not None else None
    if sender_chat is not None:
        if sender_chat.id == chat.id:  # an anonymous administrator posts as the group itself
            return True
    else:
        user = update.effective_user
        own = user is not None and command in OWN_ANSWER_ONLY
        if (
            own
            and user is not None
            and context.services.progress.last_answer_by(chat.id) == user.id
        ):
            return True
        if user is not None and await is_admin(context, chat.id, user.id):
            return True
    refusal = "group-back-own-only" if command in OWN_ANSWER_ONLY else "group-admin-only"
    await reply(update, context, context.services.catalog.text(context.language, refusal))
    return False
