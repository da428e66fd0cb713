"""Chat-member updates and ChatMember objects as Telegram sends them."""

from __future__ import annotations

import time
from typing import Any

from bot.demo.offline_api import ADMIN_RIGHTS, BOT_USER, ApiCall, chat_type_of


def member(status: str, user: dict[str, Any]) -> dict[str, Any]:
    """A ChatMember as Telegram sends it (with the fields python-telegram-bot requires)."""
    data: dict[str, Any] = {"status": status, "user": user}
    if status == "kicked":
        data["until_date"] = 0
    elif status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update(dict.fromkeys(ADMIN_RIGHTS, False))
    return data


def membership(chat: dict[str, Any], old: str, new: str, by: dict[str, Any]) -> dict[str, Any]:
    """A ``my_chat_member`` update: the bot's status in ``chat`` changed from old to new."""
    return {
        "my_chat_member": {
            "chat": chat,
            "from": by,
            "date": int(time.time()),
            "old_chat_member": member(old, BOT_USER),
            "new_chat_member": member(new, BOT_USER),
        }
    }


def member_changed(
    chat: dict[str, Any], user: dict[str, Any], old: str, new: str, by: dict[str, Any]
) -> dict[str, Any]:
    """A ``chat_member`` update: ``user``'s status in ``chat`` changed from old to new."""
    return {
        "chat_member": {
            "chat": chat,
            "from": by,
            "date": int(time.time()),
            "old_chat_member": member(old, user),
            "new_chat_member": member(new, user),
        }
    }


def sent_message(call: ApiCall, result_id: int = 1) -> dict[str, Any]:
    """A message dict as the bot's ``call`` produced it, for pressing its buttons."""
    chat_id = call.chat_id or 0
    return {
        "message_id": int(call.params.get("message_id", result_id)),
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": chat_type_of(chat_id)},
        "from": BOT_USER,
        "text": call.text,
    }
