"""The real ``tmall-tp-bot`` process: a clean environment for it, running it against the fake
Bot API server, updates as Telegram sends them, free and taken ports."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from tests.helpers.fake_bot_server import FakeBotServer


def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A clean environment for the CLI, in an empty directory (so no stray .env is read)."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("TPBOT_", "TELEGRAM_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TPBOT_DB", str(tmp_path / "cli.sqlite3"))
    # `run` stops if its port is taken: not the shared default 8080, which others may hold
    monkeypatch.setenv("TPBOT_PORT", str(free_port()))
    return dict(os.environ)


def cli_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot", *args]


def wait_for(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def start_update(update_id: int) -> dict:
    user = {"id": 4242, "is_bot": False, "first_name": "Zhang", "language_code": "zh-hans"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "text": "/start",
            "from": user,
            "chat": {"id": 4242, "type": "private"},
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


def press_update(update_id: int, data: str) -> dict:
    user = {"id": 4242, "is_bot": False, "first_name": "Zhang", "language_code": "zh-hans"}
    chat = {"id": 4242, "type": "private"}
    message = {"message_id": 2, "date": int(time.time()), "chat": chat, "text": "…"}
    return {
        "update_id": update_id,
        "callback_query": {
            "id": "q1",
            "from": user,
            "chat_instance": "1",
            "data": data,
            "message": {**message, "from": {"id": 1, "is_bot": True, "first_name": "Bot"}},
        },
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def post_update(port: int, secret: str | None, update_id: int = 7) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/tg-hook",
        data=json.dumps(start_update(update_id)).encode(),
        headers={
            "Content-Type": "application/json",
            **({"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@contextlib.contextmanager
def running_bot(env: dict, server: FakeBotServer, **settings: str) -> Iterator[dict[str, str]]:
    """``tmall-tp-bot run`` against ``server`` with ``settings`` on top of ``env``; stopped
    with Ctrl-C on the way out, its log then in the yielded ``["output"]``."""
    full = {
        **env,
        "TELEGRAM_BOT_TOKEN": "123456:TOKEN-abcdefghijklmnopqrstuvwxyz01",
        "TELEGRAM_API_BASE_URL": server.base_url,
        "PYTHONPATH": str(PROJECT_ROOT),
        **settings,
    }
    process = subprocess.Popen(
        cli_argv("run"), env=full, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    result = {"output": ""}
    try:
        yield result
    finally:
        process.send_signal(signal.SIGINT)
        result["output"], _ = process.communicate(timeout=30)


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def console_command(update_id: int, user_id: int) -> dict:
    update = start_update(update_id)
    message = update["message"]
    message.update(
        text="/console",
        entities=[{"type": "bot_command", "offset": 0, "length": 8}],
        chat={"id": user_id, "type": "private"},
    )
    message["from"] = {**message["from"], "id": user_id, "language_code": "en"}
    return update


@contextlib.contextmanager
def taken_port() -> Iterator[int]:
    """A port another program listens on, for as long as the block runs."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield int(other.getsockname()[1])


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid
