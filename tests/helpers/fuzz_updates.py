"""Seeded random updates as an attacker (or a buggy client) would send them.

Button data is mangled from every kind the bot makes (wrong counts of fields, digits that are
not ASCII, numbers too large for SQLite, ids of other chats, data longer than Telegram
allows), pressed from private chats, groups and inline messages; mixed with commands and their
arguments, free text, stickers, edits and redelivered updates. Used by ``tests/test_fuzz.py``
(small enough for CI) and ``benchmarks/fuzz.py`` (a longer run).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from typing import Any

from bot.demo.offline_api import BOT_USER

PREFIXES = ("a", "r", "l", "tk", "bcx", "bc")
FIELDS = (
    "0",
    "1",
    "7",
    "²",
    "١٢",
    "-1",
    "9" * 30,
    "",
    " ",
    "welcome",
    "owner_separate",
    "begin",
    "yes",
    "no",
    "not_yet",
    "passed",
    "finished",
    "ask",
    "done",
    "en",
    "zh",
    "klingon",
    "go",
    "x",
    "set",
    "menu",
    "stage:1",
    "idle:99999999999999999999",
    "<script>",
    "a|b",
    "\u202e",
    "x" * 70,
)
COMMANDS = (
    "/start",
    "/status",
    "/back",
    "/reset",
    "/language",
    "/help",
    "/ask",
    "/mute",
    "/unmute",
    "/close",
    "/close 1",
    "/close #99999999999999999999",
    "/close ²",
    "/broadcast",
    "/broadcasts",
    "/stats",
    "/weather",
    "/start@TmallTPBot",
    "/start@OtherBot",
)
OPERATOR = 900


class Fuzzer:
    def __init__(self, seed: int, first_update_id: int = 1) -> None:
        self.random = random.Random(seed)
        self.update_id = first_update_id
        self.sent: list[dict[str, Any]] = []

    def user(self) -> dict[str, Any]:
        user_id = self.random.choice((1001, 1002, 1003, OPERATOR))
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": "F",
            "language_code": self.random.choice(("en", "zh-hans", None)),
        }

    def chat(self, user: dict[str, Any]) -> dict[str, Any]:
        kind = self.random.random()
        if kind < 0.6:
            return {"id": user["id"], "type": "private"}
        if kind < 0.8:
            return {"id": -200, "type": "group", "title": "Team"}
        return {"id": -100200, "type": "supergroup", "title": "Team <b>"}

    def data(self) -> str:
        prefix = self.random.choice(PREFIXES)
        count = self.random.randint(0, 4)
        fields = [self.random.choice(FIELDS) for _ in range(count)]
        if self.random.random() < 0.1:
            return self.random.choice(("", "|", "||||", "garbage", "a" * 200, "\x00"))
        return "|".join([prefix, *fields])

    def update(self) -> dict[str, Any]:
        if self.sent and self.random.random() < 0.05:
            return self.random.choice(self.sent)  # a redelivery: same update id
        user = self.user()
        chat = self.chat(user)
        roll = self.random.random()
        message = {
            "message_id": self.random.randint(1, 5000),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
        }
        body: dict[str, Any]
        if roll < 0.55:
            query: dict[str, Any] = {
                "id": str(self.random.randint(1, 10**9)),
                "from": user,
                "chat_instance": "1",
                "data": self.data(),
            }
            if self.random.random() < 0.15:
                query["inline_message_id"] = "inline-1"  # no chat, no message
            else:
                query["message"] = {**message, "from": BOT_USER, "text": "…"}
            body = {"callback_query": query}
        elif roll < 0.8:
            text = self.random.choice(COMMANDS)
            command = text.split()[0]
            message.update(
                text=text, entities=[{"type": "bot_command", "offset": 0, "length": len(command)}]
            )
            body = {"message": message}
        elif roll < 0.9:
            message["text"] = self.random.choice(("hi", "12", "<b>x</b>", "😀", "a" * 5000))
            body = {"edited_message" if self.random.random() < 0.2 else "message": message}
        else:
            message["sticker"] = {
                "file_id": "s",
                "file_unique_id": "s",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
            body = {"message": message}
        update = {"update_id": self.update_id, **body}
        self.update_id += 1
        self.sent.append(update)
        return update

    def updates(self, count: int) -> Iterator[dict[str, Any]]:
        for _ in range(count):
            yield self.update()
