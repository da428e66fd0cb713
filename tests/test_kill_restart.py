"""The real ``tmall-tp-bot run`` killed with SIGKILL between a saved answer and its reply."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from tests.helpers.fake_bot_server import FakeBotServer
from tests.helpers.process import cli_argv, free_port, wait_for

CHAT = 4343
USER = {"id": CHAT, "is_bot": False, "first_name": "Emma", "language_code": "en"}
STEP_MOVED_TO = "owner_separate"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TPBOT_", "TELEGRAM_"))}
    return {
        **clean,
        "TPBOT_DB": str(tmp_path / "kill.sqlite3"),
        "TPBOT_PORT": str(free_port()),
        "TELEGRAM_BOT_TOKEN": "123456:KILL-abcdefghijklmnopqrstuvwxyz0123",
        "PYTHONPATH": str(PROJECT_ROOT),
    }


def _update(update_id: int, **content: object) -> dict[str, object]:
    return {"update_id": update_id, **content}


def _start(update_id: int) -> dict[str, object]:
    return _update(
        update_id,
        message={
            "message_id": 1,
            "date": int(time.time()),
            "text": "/start",
            "from": USER,
            "chat": {"id": CHAT, "type": "private"},
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    )


def _press(update_id: int, data: str) -> dict[str, object]:
    message = {
        "message_id": 2,
        "date": int(time.time()),
        "chat": {"id": CHAT, "type": "private"},
        "from": {"id": 1, "is_bot": True, "first_name": "Bot"},
        "text": "…",
    }
    return _update(
        update_id,
        callback_query={
            "id": "q-kill",
            "from": USER,
            "chat_instance": "1",
            "data": data,
            "message": message,
        },
    )


def _steps_shown(server: FakeBotServer, since: int) -> list[tuple[str, str]]:
    """(method, text) of the messages sent or edited to the chat with a step's buttons."""
    shown = []
    with server.lock:
        calls = server.calls[since:]
    for call in calls:
        if call.method not in ("sendMessage", "editMessageText"):
            continue
        if str(call.params.get("chat_id")) != str(CHAT):
            continue
        markup = call.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        buttons = [b for row in markup.get("inline_keyboard") or [] for b in row]
        if any(str(b.get("callback_data", "")).startswith("a|") for b in buttons):
            shown.append((call.method, call.text))
    return shown


def _polling_since(server: FakeBotServer, since: int) -> bool:
    with server.lock:
        return any(c.method == "getUpdates" for c in server.calls[since:])


def _state(db_path: str) -> str | None:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT state FROM chats WHERE id = ?", [CHAT]).fetchone()
    return str(row[0]) if row else None


def _run(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        cli_argv("run"), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    return output


def test_a_kill_after_the_answer_is_saved_and_before_its_reply_shows_the_step_once_after_restart(
    env: dict[str, str],
) -> None:
    with FakeBotServer() as server:
        env["TELEGRAM_API_BASE_URL"] = server.base_url
        first = _run(env)
        try:
            server.updates.append(_start(60))
            wait_for(lambda: bool(_steps_shown(server, 0)))
            held = server.hold("editMessageText")  # the reply to the press never gets out
            server.updates.append(_press(61, "a|0|welcome|begin"))
            wait_for(lambda: server.sent("editMessageText") != [])
        finally:
            first.send_signal(signal.SIGKILL)  # killed while its reply is on the way
            first.communicate(timeout=30)
        assert _state(env["TPBOT_DB"]) == STEP_MOVED_TO  # the answer was saved
        del server.held["editMessageText"]
        held.set()

        restarted_at = len(server.calls)
        second = _run(env)
        try:
            wait_for(lambda: bool(_steps_shown(server, restarted_at)))
            polling = len(server.calls)
            wait_for(lambda: _polling_since(server, polling))
            time.sleep(1.0)  # time for a second showing, if one were coming
        finally:
            _stop(second)
        shown = _steps_shown(server, restarted_at)
        assert len(shown) == 1, shown
        method, text = shown[0]
        assert method == "sendMessage"
        assert "Your last answer was saved" in text
        assert "different company" in text  # the step the press moved to
        assert _state(env["TPBOT_DB"]) == STEP_MOVED_TO  # and the press was not applied again

        third_at = len(server.calls)  # a third start owes the chat nothing any more
        third = _run(env)
        try:
            wait_for(lambda: _polling_since(server, third_at))
            time.sleep(0.5)
        finally:
            _stop(third)
        assert _steps_shown(server, third_at) == []
