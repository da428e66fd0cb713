"""Incoming updates as Telegram sends them, built from dicts (for the demo and the tests)."""

from __future__ import annotations

import itertools
import time
from typing import Any

from telegram import Update

from bot.demo.offline_api import BOT_USER, chat_type_of


class UpdateFactory:
    """Incoming updates, built from dicts shaped like the Bot API's, with rising ids."""

    def __init__(self, bot: Any, first_update_id: int = 1) -> None:
        self.bot = bot
        self._update_ids = itertools.count(first_update_id)
        self._message_ids = itertools.count(1)

    @staticmethod
    def user(
        user_id: int,
        first_name: str = "Li",
        language_code: str | None = "en",
        username: str | None = None,
    ) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        if username:
            user["username"] = username
        return user

    @staticmethod
    def chat(
        chat_id: int, chat_type: str | None = None, title: str | None = None, is_forum: bool = False
    ) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type or chat_type_of(chat_id)}
        if title:
            chat["title"] = title
        if is_forum:
            chat["is_forum"] = True
        return chat

    def next_update_id(self) -> int:
        return next(self._update_ids)

    def from_dict(self, data: dict[str, Any]) -> Update:
        data = {"update_id": self.next_update_id(), **data}
        update = Update.de_json(data, self.bot)
        assert update is not None
        return update

    def message(
        self,
        user: dict[str, Any],
        chat: dict[str, Any] | None = None,
        text: str | None = None,
        **extra: Any,
    ) -> Update:
        chat = chat or self.chat(user["id"], "private")
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            **extra,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self.from_dict({"message": message})

    def command(
        self, user: dict[str, Any], command: str, chat: dict[str, Any] | None = None, **extra: Any
    ) -> Update:
        return self.message(user, chat, text=command, **extra)

    def sticker(self, user: dict[str, Any], chat: dict[str, Any] | None = None) -> Update:
        sticker = {
            "file_id": "sticker-1",
            "file_unique_id": "s1",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
        return self.message(user, chat, sticker=sticker)

    def photo(
        self,
        user: dict[str, Any],
        chat: dict[str, Any] | None = None,
        caption: str | None = None,
        **extra: Any,
    ) -> Update:
        photo = [{"file_id": "photo-1", "file_unique_id": "p1", "width": 90, "height": 90}]
        if caption:
            extra["caption"] = caption
        return self.message(user, chat, photo=photo, **extra)

    def document(
        self,
        user: dict[str, Any],
        chat: dict[str, Any] | None = None,
        caption: str | None = None,
        **extra: Any,
    ) -> Update:
        document = {"file_id": "doc-1", "file_unique_id": "d1", "file_name": "error.png"}
        if caption:
            extra["caption"] = caption
        return self.message(user, chat, document=document, **extra)

    def press(
        self,
        user: dict[str, Any],
        data: str,
        message: dict[str, Any] | None = None,
        chat: dict[str, Any] | None = None,
    ) -> Update:
        """A button press on ``message`` (a message dict the bot sent) with ``data``."""
        chat = chat or self.chat(user["id"], "private")
        if message is None:
            message = {
                "message_id": 1,
                "date": int(time.time()),
                "chat": chat,
                "from": BOT_USER,
                "text": "...",
            }
        query = {
            "id": str(self.next_update_id()),
            "from": user,
            "chat_instance": str(chat["id"]),
            "message": message,
            "data": data,
        }
        return self.from_dict({"callback_query": query})
