"""The offline Bot API (the demo's transport, the tests' network) answers what PTB accepts:
every answer parses with python-telegram-bot's own ``de_json``."""

from __future__ import annotations

import io
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot, ChatFullInfo, ChatMember, ForumTopic, InputFile, Message, MessageId, User

from bot.config import Settings
from bot.demo.offline_api import ApiCall, OfflineBotAPI
from bot.demo.terminal import run_demo, show

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


# --- the terminal demo: pictures it cannot show are saved --------------------------------------


async def test_the_demo_saves_the_stats_chart_beside_its_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "data" / "demo.sqlite3"
    settings = replace(Settings(), db_path=db, operators=frozenset({10_001}))
    monkeypatch.setattr(sys, "stdin", io.StringIO("/stats\n/stats\n"))
    assert await run_demo(settings, language="en") == 0
    out = capsys.readouterr().out
    first, second = db.with_name("demo-stats-1.png"), db.with_name("demo-stats-2.png")
    assert f"[chart saved to {first}]" in out and f"[chart saved to {second}]" in out
    assert "not shown in a terminal" not in out
    for chart in (first, second):  # a second /stats does not overwrite the first chart
        assert chart.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_a_picture_sent_by_file_id_is_noted_and_nothing_saved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call = ApiCall("sendPhoto", {"chat_id": 1, "photo": "AgACAgIAAx0", "caption": "Look"})
    show([call], tmp_path / "demo.sqlite3")
    assert list(tmp_path.iterdir()) == []
    out = capsys.readouterr().out
    assert "[a picture or file: not shown in a terminal]" in out and "Look" in out


async def test_uploads_are_recorded_with_the_call() -> None:
    api = OfflineBotAPI()
    bot = Bot("0:test", request=api)
    await bot.send_photo(42, InputFile(b"\x89PNG fake", filename="funnel.png"))
    [call] = api.of("sendPhoto")
    assert call.files == {"photo": ("funnel.png", b"\x89PNG fake")}
