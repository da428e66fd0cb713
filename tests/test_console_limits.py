"""Bodies nobody asked for: the console's forms (no session needed to post a sign-in) and the
webhook refuse a body over their limit without reading it whole — by its Content-Length before
a byte is read, and a chunked one as soon as it passes the limit — at the ASGI level and on a
real uvicorn server on 127.0.0.1 whose memory stays flat."""

from __future__ import annotations

import asyncio
import select
import socket
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette

from bot.web.console import MAX_FORM_BYTES, Console
from bot.web.routes import console_routes
from bot.web.webhook import MAX_BODY, webhook_app
from tests.helpers.harness import BotHarness
from tests.helpers.process import free_port

SECRET = "s3cret"
CHUNK = 64 * 1024


def _app(harness: BotHarness) -> tuple[Starlette, Console]:
    console = Console.of(harness.application, harness.settings.token or "")
    return webhook_app(None, "tg-hook", SECRET, console_routes(console)), console


@dataclass
class Sender:
    """An ASGI client that offers ``total`` bytes in chunks and counts what the app took."""

    total: int
    taken: int = 0

    async def receive(self) -> dict[str, Any]:
        if self.taken >= self.total:
            return {"type": "http.disconnect"}
        size = min(CHUNK, self.total - self.taken)
        self.taken += size
        return {"type": "http.request", "body": b"a" * size, "more_body": self.taken < self.total}


async def _post(
    app: Starlette, path: str, sender: Sender, declared: int | None, secret: str = SECRET
) -> int:
    headers = [(b"content-type", b"application/x-www-form-urlencoded")]
    if secret:
        headers.append((b"x-telegram-bot-api-secret-token", secret.encode()))
    if declared is not None:
        headers.append((b"content-length", str(declared).encode()))
    else:
        headers.append((b"transfer-encoding", b"chunked"))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8080),
    }
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, sender.receive, send)
    return int(next(m["status"] for m in sent if m["type"] == "http.response.start"))


@pytest.mark.parametrize(
    ("path", "limit"),
    [("/console/login", MAX_FORM_BYTES), ("/console/app", MAX_FORM_BYTES), ("/tg-hook", MAX_BODY)],
)
async def test_a_large_body_is_refused_without_being_read(
    harness: BotHarness, path: str, limit: int
) -> None:
    app, console = _app(harness)
    try:
        declared = Sender(total=20 * 2**20)
        assert await _post(app, path, declared, declared=declared.total) == 413
        assert declared.taken == 0  # refused by its Content-Length, before a byte is read
        chunked = Sender(total=20 * 2**20)
        assert await _post(app, path, chunked, declared=None) == 413
        assert chunked.taken <= limit + CHUNK  # stopped at the limit
        lying = Sender(total=20 * 2**20)  # says it is small, sends more
        assert await _post(app, path, lying, declared=100) == 413
        assert lying.taken <= limit + CHUNK
    finally:
        console.close()


async def test_the_webhook_reads_nothing_without_its_secret(harness: BotHarness) -> None:
    app, console = _app(harness)
    try:
        sender = Sender(total=20 * 2**20)
        assert await _post(app, "/tg-hook", sender, declared=None, secret="") == 403
        assert sender.taken == 0
    finally:
        console.close()


# -- a real server ---------------------------------------------------------------------------------
@pytest.fixture
async def server(harness: BotHarness) -> AsyncIterator[int]:
    """The bot's web server (webhook and console) on uvicorn, 127.0.0.1, in this loop."""
    port = free_port()
    services = harness.services
    settings = replace(services.settings, port=port, webhook_url=None, public_url=None)
    harness.application.bot_data.services = replace(services, settings=settings)
    app, console = _app(harness)
    uv = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(uv.serve())
    while not uv.started:
        await asyncio.sleep(0.02)
    try:
        yield port
    finally:
        uv.should_exit = True
        await task
        console.close()


def _resident_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


@dataclass
class Upload:
    """A client in its own thread that posts up to ``total`` bytes and stops sending as soon
    as the server answers."""

    port: int
    path: str
    total: int
    chunked: bool
    sent: int = 0
    answer: bytes = b""

    def run(self) -> None:
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
            head = [f"POST {self.path} HTTP/1.1", "Host: 127.0.0.1"]
            head += ["Content-Type: application/x-www-form-urlencoded"]
            head += [f"X-Telegram-Bot-Api-Secret-Token: {SECRET}"]
            head += ["Transfer-Encoding: chunked"] if self.chunked else [
                f"Content-Length: {self.total}"
            ]  # fmt: skip
            sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
            piece = b"a" * CHUNK
            if self.chunked:
                piece = f"{CHUNK:x}\r\n".encode() + piece + b"\r\n"
            try:
                while self.sent < self.total:
                    readable, _, _ = select.select([sock], [], [], 0)
                    if readable:
                        break
                    sock.sendall(piece)
                    self.sent += CHUNK
            except OSError:  # the server closed the connection: its answer is waiting
                pass
            while b"\r\n\r\n" not in self.answer:
                data = sock.recv(65536)
                if not data:
                    break
                self.answer += data

    async def go(self) -> Upload:
        thread = threading.Thread(target=self.run)
        thread.start()
        while thread.is_alive():
            await asyncio.sleep(0.01)
        return self


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("path", ["/console/login", "/tg-hook"])
async def test_a_huge_upload_to_the_real_server_is_cut_short(
    server: int, path: str, chunked: bool
) -> None:
    before = _resident_mb()
    total = 400 * 2**20
    uploads = await asyncio.gather(*(Upload(server, path, total, chunked).go() for _ in range(3)))
    grown = _resident_mb() - before
    for upload in uploads:
        assert upload.answer.startswith(b"HTTP/1.1 413"), upload.answer[:200]
        assert b"connection: close" in upload.answer.lower()
        assert upload.sent < total // 10  # answered long before the client was done
    assert grown < 40, f"resident memory grew by {grown:.0f} MB"
