"""The offline Bot API (the demo's transport, the tests' network) answers what PTB accepts:
every answer parses with python-telegram-bot's own ``de_json``."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import ChatFullInfo, ChatMember, ForumTopic, Message, MessageId, User

from bot.demo.offline_api import OfflineBotAPI

CHAT = {"chat_id": -1001234}
ANSWERS: list[tuple[str, dict[str, Any], Any]] = [
    ("getMe", {}, User),
    ("sendMessage", {**CHAT, "text": "hi"}, Message),
    ("editMessageText", {**CHAT, "message_id": 5, "text": "hi"}, Message),
    ("sendPhoto", {**CHAT, "photo": "x", "caption": "c"}, Message),
    ("sendDocument", {**CHAT, "document": "x"}, Message),
    ("copyMessage", {**CHAT, "from_chat_id": 1, "message_id": 2}, MessageId),
    ("createForumTopic", {**CHAT, "name": "Ticket"}, ForumTopic),
    ("getChat", CHAT, ChatFullInfo),
]


@pytest.mark.parametrize(("method", "params", "kind"), ANSWERS)
def test_every_answer_parses_with_ptb(method: str, params: dict[str, Any], kind: Any) -> None:
    answer = OfflineBotAPI().answer(method, params)
    assert kind.de_json(answer, None) is not None


@pytest.mark.parametrize(
    "status", ["creator", "administrator", "member", "restricted", "left", "kicked"]
)
def test_every_chat_member_parses_with_ptb(status: str) -> None:
    api = OfflineBotAPI()
    api.chat_members[(-1, 5)] = status
    member = ChatMember.de_json(api.answer("getChatMember", {"chat_id": -1, "user_id": 5}), None)
    assert member is not None and member.status == status
