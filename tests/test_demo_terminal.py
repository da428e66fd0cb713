"""``tmall-tp-bot demo`` as a person uses it, for real (a subprocess): what the bot sends the
demo chat appears in the terminal whoever caused it (a console move or message, a broadcast
whose time came), and ``/console`` without ``--console`` points to ``--console``."""

from __future__ import annotations

import asyncio
import datetime as dt
import http.cookiejar
import queue
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.app import build_application
from bot.config import PROJECT_ROOT, Settings
from bot.demo.offline_api import OfflineBotAPI
from bot.services.broadcasts.audience import parse_audience
from tests.helpers.process import free_port


class Terminal:
    """A running demo: lines typed into it, and its output read as it comes."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process, self.seen = process, ""
        self._lines: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self._lines.put(line)

    def wait_for(self, text: str, seconds: float = 30) -> str:
        deadline = time.monotonic() + seconds
        while text not in self.seen:
            left = deadline - time.monotonic()
            try:
                self.seen += self._lines.get(timeout=max(left, 0.01))
            except queue.Empty:
                raise AssertionError(f"{text!r} never appeared in:\n{self.seen}") from None
        return self.seen

    def type(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()


@contextmanager
def demo(env: dict[str, str], *args: str) -> Iterator[Terminal]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "demo", *args],
        env={**env, "PYTHONPATH": str(PROJECT_ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield Terminal(process)
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)


def _post(opener: urllib.request.OpenerDirector, url: str, fields: dict[str, str]) -> str:
    return (
        opener.open(url, data=urllib.parse.urlencode(fields).encode(), timeout=10).read().decode()
    )


def test_a_console_move_and_message_appear_in_the_terminal(env: dict[str, str]) -> None:
    port = free_port()
    with demo(env, "--console", "--port", str(port)) as terminal:
        link = re.search(
            r"http://127\.0\.0\.1:\d+/console/login/([\w-]+)", terminal.wait_for("login/")
        )
        terminal.wait_for("Let's start")
        assert link
        base = f"http://127.0.0.1:{port}/console"
        browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        _post(browser, f"{base}/login", {"token": link.group(1)})
        page = browser.open(f"{base}/company/10001", timeout=10).read().decode()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        seq = re.search(r'name="seq" value="(\d+)"', page)
        assert csrf and seq, page
        _post(browser, f"{base}/company/10001/message", {"csrf": csrf[1], "text": "Hi from us"})
        terminal.wait_for("Hi from us", 10)  # at once, with nothing typed
        moved = {"csrf": csrf[1], "step": "owner_separate", "reason": "phone", "seq": seq[1]}
        _post(browser, f"{base}/company/10001/move", moved)
        terminal.wait_for("Is the store owner (the brand) a different company", 10)
        # its buttons are the ones a number presses now
        terminal.type("1")
        terminal.type("/status")
        terminal.wait_for("2 of 21 steps done")


def _schedule_broadcast(db_path: Path, text: str, seconds: float) -> int:
    async def create() -> int:
        settings = Settings(db_path=db_path)
        application = build_application(settings, request=OfflineBotAPI(), token="0:demo")
        services = application.bot_data.services
        try:
            return services.broadcasts.create(
                parse_audience("all", services.spec),
                {"en": {"kind": "text", "html": text}},
                send_at=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds),
            )
        finally:
            services.maintenance.close()

    return asyncio.run(create())


def test_a_broadcast_is_sent_in_the_demo_when_its_time_comes(env: dict[str, str]) -> None:
    env = {**env, "TPBOT_QUIET_HOURS": ""}
    db_path = Path(env["TPBOT_DB"]).with_name("demo.sqlite3")
    with demo(env) as terminal:
        terminal.wait_for("Let's start")
    # held until a moment from now, as quiet hours hold one until they end
    broadcast = _schedule_broadcast(db_path, "News held until now", seconds=2)
    with demo(env) as terminal:
        terminal.wait_for("Let's start")
        terminal.wait_for("News held until now", 30)
    with sqlite3.connect(db_path) as db:
        (status,) = db.execute("SELECT status FROM broadcasts WHERE id = ?", [broadcast]).fetchone()
    assert status == "done"


def test_console_without_the_console_says_how_to_start_it(env: dict[str, str]) -> None:
    with demo({**env, "TPBOT_OPERATORS": "10001"}) as terminal:
        terminal.wait_for("Let's start")
        terminal.type("/console")
        terminal.type("/status")
        out = terminal.wait_for("steps done")
    assert "the operators' console is not running in this demo" in out
    assert "tmall-tp-bot demo --console" in out
    assert "/console/login/" not in out and "127.0.0.1" not in out
