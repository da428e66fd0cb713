"""Shared pieces of the console's tests: the console's web app over a test bot, signing in
through the real ``/console`` command, and walking companies to a step."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

import httpx
import uvicorn
from starlette.applications import Starlette

from bot.web.console import Console
from bot.web.routes import console_routes
from tests.helpers.harness import BotHarness

OPERATOR = {"id": 900, "is_bot": False, "first_name": "Olga", "language_code": "en"}
TO_AUDIT = [
    "begin",
    "yes",  # owner_separate
    "yes",  # manages_shops
    "yes",  # taobao_corporate
    "yes",  # alipay_corporate
    "yes",  # real_person
    "yes",  # op_apply
    "yes",  # op_nickname
    "passed",  # op_assessment
    "yes",  # op_info_complete
    "yes",  # op_submitted → op_audit
]


def console_app(harness: BotHarness) -> tuple[Starlette, Console]:
    console = Console.of(harness.application, harness.settings.token or "")
    return Starlette(routes=console_routes(console)), console


@asynccontextmanager
async def client_for(harness: BotHarness) -> AsyncIterator[tuple[httpx.AsyncClient, Console]]:
    app, console = console_app(harness)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url=console.public_url) as client:
            yield client, console
    finally:
        console.close()


@asynccontextmanager
async def served_console(harness: BotHarness) -> AsyncIterator[tuple[int, Console]]:
    """The console on a real uvicorn server (its defaults, as ``run`` has them) on 127.0.0.1,
    in this loop: its port and the console."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    app, console = console_app(harness)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield port, console
    finally:
        server.should_exit = True
        await task
        console.close()


async def sign_in_link(harness: BotHarness, user: dict[str, Any] = OPERATOR) -> str:
    """The one-time link ``/console`` sends the operator (its path and query)."""
    calls = await harness.command(user, "/console")
    text = "\n".join(c.text for c in calls if c.text)
    found = re.search(r"https?://[^/\s]+(/console/login/[^\s<\"]+)", text)
    assert found, text
    return found.group(1).replace("&amp;", "&")


async def signed_in(harness: BotHarness, client: httpx.AsyncClient, lang: str = "en") -> str:
    """Sign the operator in with the link (the console in ``lang``); returns the session's
    CSRF token."""
    path = await sign_in_link(harness)
    token = path.split("/console/login/", 1)[1].split("?", 1)[0]
    response = await client.post("/console/login", data={"token": token, "lang": lang})
    assert response.status_code == 303, response.text
    board = await client.get("/console/")
    assert board.status_code == 200
    found = re.search(r'name="csrf" value="([^"]+)"', board.text)
    assert found
    return found.group(1)


async def post_rejection(
    harness: BotHarness, client: httpx.AsyncClient, csrf: str, chat_id: int, reason: str
) -> httpx.Response:
    """Record, from the console's company page, the rejection of the chat's current audit step
    for ``reason`` (with the page's change counter), and return the console's answer."""
    progress = harness.services.progress.get(chat_id)
    assert progress is not None
    return await client.post(
        f"/console/company/{chat_id}/reject",
        data={"csrf": csrf, "seq": str(progress.seq), "step": progress.state, "reason": reason},
    )


async def walk(harness: BotHarness, user: dict[str, Any], answers: list[str]) -> None:
    await harness.command(user, "/start")
    for answer in answers:
        await harness.answer(user, answer)


def sign_init_data(fields: dict[str, str], token: str) -> str:
    """``initData`` as Telegram would make it for a Mini App opened by ``fields["user"]``."""
    check = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    key = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    digest = hmac.new(key, check.encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest})
