"""The console's reads leave the bot's event loop free (issue 18): the broadcasts page and the
compose preview's audience count read in the reader threads, so another chat's button is
answered while a slow read runs; ``board.csv`` is streamed, stops when its client hangs up,
and each operator has one export at a time."""

from __future__ import annotations

import asyncio
import csv
import io
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
import pytest

from bot.config import Settings
from bot.storage import board, chat_query
from bot.storage import broadcasts as broadcast_store
from bot.storage.chat_query import CompanyRow
from bot.storage.sql import transaction
from bot.web.console import Console
from tests.helpers.console import (
    OPERATOR,
    client_for,
    served_console,
    sign_in_link,
    signed_in,
    walk,
)
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness

SLOW = 1.5  # seconds a deliberately slow read takes
OTHER_OPERATOR = {**OPERATOR, "id": 901, "first_name": "Pavel"}
MANY = 60_000  # companies: a CSV far larger than the sockets' buffers


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, operators=frozenset({900, 901}))


@dataclass
class SlowRead:
    """Wraps a storage read: it takes :data:`SLOW` seconds and notes the thread it ran in."""

    original: Callable[..., Any]
    started: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.threads.append(threading.current_thread())
        self.started.set()
        time.sleep(SLOW)
        try:
            return self.original(*args, **kwargs)
        finally:
            self.done.set()


async def _press_elsewhere_while(harness: BotHarness, slow: SlowRead, request: Any) -> Any:
    """Start ``request``; once its slow read has begun, another chat presses a button: it must
    be answered before the read ends. Returns the request's response."""
    page = asyncio.create_task(request)
    while not slow.started.is_set():
        await asyncio.sleep(0.005)
    assert not slow.done.is_set(), "the read ran on the event loop: it blocked everything"
    began = time.monotonic()
    calls = await harness.answer(ZH_USER, "yes")
    answered = time.monotonic() - began
    assert any(c.method == "answerCallbackQuery" for c in calls)
    assert not slow.done.is_set(), f"the press waited for the read ({answered:.2f} s)"
    response = await page
    assert all(t is not threading.main_thread() for t in slow.threads), slow.threads
    return response


async def test_the_broadcasts_page_reads_off_the_event_loop(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await walk(harness, ZH_USER, ["begin"])
    slow = SlowRead(broadcast_store.recent_with_counts)
    monkeypatch.setattr(broadcast_store, "recent_with_counts", slow)
    async with client_for(harness) as (client, _):
        await signed_in(harness, client)
        page = await _press_elsewhere_while(harness, slow, client.get("/console/broadcasts"))
    assert page.status_code == 200


async def test_the_compose_preview_counts_its_audience_off_the_event_loop(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await walk(harness, EN_USER, ["begin"])
    await walk(harness, ZH_USER, ["begin"])
    await harness.command(EN_USER, "/mute")
    slow = SlowRead(chat_query.count)
    monkeypatch.setattr(chat_query, "count", slow)
    async with client_for(harness) as (client, _):
        csrf = await signed_in(harness, client)
        form = {"csrf": csrf, "audience": "all", "text_en": "Hello", "action": "preview"}
        page = await _press_elsewhere_while(
            harness, slow, client.post("/console/broadcasts/new", data=form)
        )
    assert page.status_code == 200
    assert len(slow.threads) == 2  # the audience and its muted companies
    assert "Preview · 1 company in the audience" in page.text  # Wang Wei; Alice muted
    assert "1 more company is left out" in page.text


# -- board.csv on a real server ---------------------------------------------------------------
@pytest.fixture
async def served(harness: BotHarness) -> AsyncIterator[tuple[int, Console]]:
    """The console on uvicorn, 127.0.0.1, in this loop, over :data:`MANY` companies."""
    with transaction(harness.db):
        harness.db.conn.executemany(
            "INSERT INTO chats (id, type, title, language, state, created_at, updated_at) "
            "VALUES (?, 'private', ?, 'en', 'welcome', '2026-01-01T00:00:00Z', ?)",
            [
                (n, f"Company number {n}", f"2026-09-{1 + n % 27:02}T00:00:00+00:00")
                for n in range(10_000, 10_000 + MANY)
            ],
        )
    async with served_console(harness) as served:
        yield served


@dataclass
class Counted:
    """Wraps :func:`bot.storage.board.board_all`: counts the rows it made, notes when it ends."""

    original: Callable[..., Iterator[CompanyRow]]
    rows: int = 0
    runs: int = 0
    ended: threading.Event = field(default_factory=threading.Event)

    def __call__(self, *args: Any, **kwargs: Any) -> Iterator[CompanyRow]:
        self.runs += 1
        try:
            for row in self.original(*args, **kwargs):
                self.rows += 1
                yield row
        finally:
            self.ended.set()


async def _client_of(harness: BotHarness, port: int, user: dict[str, Any]) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60)
    path = await sign_in_link(harness, user)
    token = path.split("/console/login/", 1)[1].split("?", 1)[0]
    signed = await client.post("/console/login", data={"token": token})
    assert signed.status_code == 303, signed.text
    return client


def _read_a_little_and_hang_up(port: int, cookie: str, wanted: int) -> bytes:
    """A browser that starts the download, takes ``wanted`` bytes and closes the window."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
        sock.connect(("127.0.0.1", port))
        sock.sendall(
            f"GET /console/board.csv HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Cookie: tpbot_console={cookie}\r\n\r\n".encode()
        )
        got = b""
        while len(got) < wanted:
            data = sock.recv(65536)
            if not data:
                break
            got += data
        return got


async def _until(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def test_an_abandoned_export_stops_reading(
    harness: BotHarness, served: tuple[int, Console], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, console = served
    counted = Counted(board.board_all)
    monkeypatch.setattr(board, "board_all", counted)
    client = await _client_of(harness, port, OPERATOR)
    try:
        cookie = client.cookies["tpbot_console"]
        got = await asyncio.to_thread(_read_a_little_and_hang_up, port, cookie, 200_000)
        assert got.startswith(b"HTTP/1.1 200") and b"Company number" in got
        assert await _until(counted.ended.is_set), f"still reading after {counted.rows} rows"
        assert counted.rows < MANY // 2, counted.rows  # it stopped soon after the client went
        assert await _until(lambda: not console.exporting and not console.exports.streams)
        again = await client.get("/console/board.csv")  # the operator's slot is free again
        assert again.status_code == 200
        assert again.text.count("\n") == MANY + 1  # the header and every company
    finally:
        await client.aclose()


async def test_one_export_at_a_time_per_operator(
    harness: BotHarness, served: tuple[int, Console]
) -> None:
    port, console = served
    olga = await _client_of(harness, port, OPERATOR)
    pavel = await _client_of(harness, port, OTHER_OPERATOR)
    try:
        async with olga.stream("GET", "/console/board.csv") as first:
            assert first.status_code == 200
            got = b""
            async for chunk in first.aiter_bytes():  # under way; the rest is not read yet
                got += chunk
                if len(got) > 10_000:
                    break
            assert b"chat_id" in got
            second = await olga.get("/console/board.csv")
            assert second.status_code == 429
            assert second.headers["retry-after"] == "10"
            assert "still being prepared" in second.text
            other = await pavel.get("/console/board.csv")  # another operator is not held up
            assert other.status_code == 200
            rows = list(csv.reader(io.StringIO(other.text.lstrip("\ufeff"), newline="")))
            assert len(rows) == MANY + 1
        assert await _until(lambda: not console.exporting)
        assert (await olga.get("/console/board.csv?q=Company+number+10001")).status_code == 200
    finally:
        await olga.aclose()
        await pavel.aclose()


async def test_a_head_request_reads_nothing(
    harness: BotHarness, served: tuple[int, Console], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A HEAD (a prefetch, a link checker) gets the download's headers; no export runs for a
    body nobody receives, and the operator's slot stays free."""
    port, console = served
    counted = Counted(board.board_all)
    monkeypatch.setattr(board, "board_all", counted)
    client = await _client_of(harness, port, OPERATOR)
    try:
        head = await client.head("/console/board.csv")
        assert head.status_code == 200
        assert head.headers["content-type"].startswith("text/csv")
        assert "attachment" in head.headers["content-disposition"]
        assert head.headers.get("content-length") != "0"  # not "an empty file"
        await asyncio.sleep(0.3)
        assert counted.runs == 0 and not console.exporting
        assert (await client.get("/console/board.csv?q=Company+number+10001")).status_code == 200
    finally:
        await client.aclose()


async def test_no_console_page_reads_the_bots_database_on_the_loop(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every GET page, and the compose preview, reads in the reader threads: on the bot's own
    connection (the event loop's) only the session is looked up."""
    await walk(harness, EN_USER, ["begin"])
    await walk(harness, ZH_USER, ["begin"])
    async with client_for(harness) as (client, _):
        csrf = await signed_in(harness, client)
        on_loop: list[str] = []
        execute = harness.db.execute

        def noted(sql: str, *args: Any, **kwargs: Any) -> Any:
            on_loop.append(sql)
            return execute(sql, *args, **kwargs)

        monkeypatch.setattr(harness.db, "execute", noted)
        pages = [
            "/console/",
            "/console/?q=Alice&sort=name",
            "/console/?stage=1&stuck=3&overdue=1&waiting=1",
            "/console/company/1001",
            "/console/funnel",
            "/console/funnel.svg",
            "/console/broadcasts",
            "/console/broadcasts/new",
            "/console/board.csv",
        ]
        for path in pages:
            on_loop.clear()
            response = await client.get(path)
            assert response.status_code == 200, path
            assert [sql for sql in on_loop if "console_sessions" not in sql] == [], path
        on_loop.clear()
        form = {"csrf": csrf, "audience": "lang:zh", "text_zh": "你好", "action": "preview"}
        preview = await client.post("/console/broadcasts/new", data=form)
        assert preview.status_code == 200
        assert [sql for sql in on_loop if "console_sessions" not in sql] == []
