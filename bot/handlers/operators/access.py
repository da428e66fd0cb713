"""Who is an operator, asked every time an operator action is attempted.

Two circles, named for what they are:

* :func:`is_listed_operator`: a user id in ``TPBOT_OPERATORS`` as it is now (the roster
  follows the ``.env`` while running); they may run the operators' commands in their private
  chat (``/broadcast``, ``/broadcasts``, ``/stats``).
* :func:`is_support_operator`: listed, or a member of the support group (asked with
  getChatMember, remembered briefly); they may answer and close tickets. With
  ``TPBOT_SUPPORT_GROUP_OPERATORS=false`` membership counts for nothing: only the listed.
  :func:`may_act_in_support_group` is the same rule for a message that arrived in the support
  group (its sender is a member, so nothing needs asking).
"""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.error import TelegramError
from telegram.ext.filters import UpdateFilter

from bot.handlers.replies import reply
from bot.services.console.roster import Roster
from bot.wiring import BotContext

log = logging.getLogger(__name__)

MEMBER_STATUSES = frozenset({ChatMember.OWNER, ChatMember.ADMINISTRATOR, ChatMember.MEMBER})


def is_listed_operator(context: BotContext, user_id: int | None) -> bool:
    return user_id is not None and user_id in context.services.roster


class ListedOperator(UpdateFilter):
    """A filter for updates from a listed operator, asked at each update (the list can change
    while the bot runs, which ``filters.User``'s fixed ids would miss)."""

    def __init__(self, roster: Roster) -> None:
        super().__init__(name="ListedOperator")
        self.roster = roster

    def filter(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and user.id in self.roster


def may_act_in_support_group(context: BotContext, user_id: int | None) -> bool:
    """For a message sent in the support group: its sender is a member, so an operator unless
    ``TPBOT_SUPPORT_GROUP_OPERATORS`` is off, and then only if listed."""
    if context.services.settings.support_group_operators:
        return True
    return is_listed_operator(context, user_id)


async def is_support_operator(context: BotContext, user_id: int) -> bool:
    """Listed in TPBOT_OPERATORS, or a member of the support group (asked, then cached)
    unless ``TPBOT_SUPPORT_GROUP_OPERATORS`` is off."""
    if is_listed_operator(context, user_id):
        return True
    if not context.services.settings.support_group_operators:
        return False
    tickets = context.services.tickets
    known = tickets.operator_cache.get(user_id)
    if known is not None:
        return known
    if tickets.support_chat_id is None:
        return False
    try:
        member = await context.bot.get_chat_member(tickets.support_chat_id, user_id)
    except TelegramError as exc:
        log.warning("could not check whether %s is an operator: %r", user_id, exc)
        return False
    operator = member.status in MEMBER_STATUSES or (
        member.status == ChatMember.RESTRICTED and bool(getattr(member, "is_member", False))
    )
    tickets.operator_cache.put(user_id, operator)
    return operator


async def operator_only(update: Update, context: BotContext) -> bool:
    """True for a listed operator in a private chat; otherwise one refusal, and False."""
    t = context.services.catalog.text
    lang = context.sender_language
    chat, user = update.effective_chat, update.effective_user
    if not is_listed_operator(context, user.id if user else None):
        message_id = "op-refused"
    elif chat is None or chat.type != "private":
        message_id = "op-private-only"
    else:
        return True
    if update.callback_query is not None:
        await update.callback_query.answer(t(lang, message_id), show_alert=True)
    else:
        await reply(update, context, t(lang, message_id))
    return False
