"""The console under attack (issue 18): CSV cells a spreadsheet would run as formulas, board
searches that are not numbers, a replayed or future-dated Mini App sign-in, guessing sign-in
tokens, and words put on a page through ``?notice=``."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import logging
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from bot.cli import main
from bot.web.console import Console
from bot.web.signin_guard import SignInGuard
from tests.helpers.console import (
    console_app,
    served_console,
    sign_in_link,
    sign_init_data,
    signed_in,
    walk,
)
from tests.helpers.fake_bot_server import FakeBotServer
from tests.helpers.harness import EN_USER, BotHarness, FrozenClock
from tests.helpers.process import console_command, free_port, port_open, running_bot, wait_for

FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "\t=1",
    "\r=1",
]
GROUP_ID = -1001234567890


@asynccontextmanager
async def client_at(
    harness: BotHarness, address: str
) -> AsyncIterator[tuple[httpx.AsyncClient, Console]]:
    """A client of one console, connecting from ``address`` (as uvicorn names the peer)."""
    app, console = console_app(harness)
    try:
        async with _client(app, console.public_url, address) as client:
            yield client, console
    finally:
        console.close()


def _client(app: object, base: str, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url=base)


async def _companies_named(harness: BotHarness, names: list[str]) -> None:
    for n, name in enumerate(names):
        await harness.command({**EN_USER, "id": 5000 + n, "first_name": name}, "/start")
    group = {"id": GROUP_ID, "type": "supergroup", "title": names[0]}
    await harness.command({**EN_USER, "id": 6000}, "/start", chat=group)


def _cells(text: str, key: str) -> dict[str, dict[str, str]]:
    """The CSV's rows by the value of their column ``key``."""
    return {row[key]: row for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))}


# -- CSV formula injection ---------------------------------------------------------------------
async def test_formula_names_are_escaped_in_board_csv_and_export(
    harness: BotHarness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both CSVs a spreadsheet opens: a cell that starts with = + - @ tab or CR gets a leading
    ``'`` (shown as text, never run); numbers, a group's negative id among them, stay numbers."""
    await _companies_named(harness, FORMULAS)
    app, console = console_app(harness)
    try:
        async with _client(app, console.public_url, "127.0.0.1") as client:
            await signed_in(harness, client)
            board = await client.get("/console/board.csv")
    finally:
        console.close()
    assert board.status_code == 200
    by_id = _cells(board.text, "chat_id")

    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("TPBOT_", "TELEGRAM_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TPBOT_DB", str(harness.settings.db_path))
    out = tmp_path / "chats.csv"
    assert main(["export", "--output", str(out)]) == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        written = handle.read()
    exported = _cells(written, "chat_id")

    for n, formula in enumerate(FORMULAS):
        assert by_id[str(5000 + n)]["name"] == "'" + formula, formula
        assert exported[str(5000 + n)]["name"] == "'" + formula, formula  # one format
    for table in (by_id, exported):
        assert table[str(GROUP_ID)]["name"] == "'" + FORMULAS[0]  # the group's title too
        assert str(GROUP_ID) in table  # its id is written as the number it is, no quote
    assert '"\'=HYPERLINK(""http://x"",""y"")"' in board.text  # quoted as CSV, too
    assert f"\n{GROUP_ID}," in written


async def test_a_name_that_is_just_a_number_stays_a_number(harness: BotHarness) -> None:
    """ "-5" or "2026" runs nothing in a spreadsheet: it is left as it is (the README says so)."""
    await _companies_named(harness, ["-5", "2026", "3.5"])
    app, console = console_app(harness)
    try:
        async with _client(app, console.public_url, "127.0.0.1") as client:
            await signed_in(harness, client)
            by_id = _cells((await client.get("/console/board.csv")).text, "chat_id")
    finally:
        console.close()
    assert [by_id[str(5000 + n)]["name"] for n in range(3)] == ["-5", "2026", "3.5"]


# -- board search --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        "²",
        "--5",
        "9999999999999999999",
        "1234567890123456789",  # 19 digits
        "12345678901234567890",  # 20 digits
        "-9223372036854775808",
        "9223372036854775807",
        "١٢",
        "1001\x00",
    ],
)
async def test_board_search_with_a_strange_number_is_a_page_not_a_500(
    harness: BotHarness, query: str
) -> None:
    await walk(harness, EN_USER, ["begin"])
    async with client_at(harness, "127.0.0.1") as (client, _):
        await signed_in(harness, client)
        for params in ({"q": query}, {"q": query, "sort": "name"}, {"q": query, "page": query}):
            page = await client.get("/console/", params=params)
            assert page.status_code == 200, (params, page.text[-500:])
            assert "Alice" not in page.text
        csv_export = await client.get("/console/board.csv", params={"q": query})
        assert csv_export.status_code == 200
        company = await client.get(f"/console/company/{quote(query)}")
        assert company.status_code == 404


async def test_board_search_by_id_still_finds_the_company(harness: BotHarness) -> None:
    await walk(harness, EN_USER, ["begin"])
    async with client_at(harness, "127.0.0.1") as (client, _):
        await signed_in(harness, client)
        assert "Alice" in (await client.get("/console/", params={"q": "1001"})).text
        assert "Alice" in (await client.get("/console/", params={"q": " 1001 "})).text


# -- the Mini App's initData ---------------------------------------------------------------------
def _init_data(token: str, auth_date: int, query_id: str = "AAH") -> str:
    user = json.dumps({"id": 900, "first_name": "Olga", "language_code": "en"})
    return sign_init_data({"auth_date": str(auth_date), "query_id": query_id, "user": user}, token)


async def test_init_data_signs_in_once(harness: BotHarness, clock: FrozenClock) -> None:
    token = harness.settings.token or ""
    data = _init_data(token, int(clock().timestamp()))
    async with client_at(harness, "127.0.0.1") as (client, _):
        first = await client.post("/console/app", data={"init_data": data})
        assert first.status_code == 303 and "tpbot_console" in first.headers["set-cookie"]
        client.cookies.clear()
        clock.advance(minutes=30)
        harness.services.signin.prune()  # not forgotten while it could still be used
        replay = await client.post("/console/app", data={"init_data": data})
        assert replay.status_code == 403
        assert "already used" in replay.text
        assert "tpbot_console" not in replay.headers.get("set-cookie", "")
        other = _init_data(token, int(clock().timestamp()), query_id="AAI")  # a new opening
        assert (await client.post("/console/app", data={"init_data": other})).status_code == 303


async def test_init_data_from_the_future_is_refused(
    harness: BotHarness, clock: FrozenClock
) -> None:
    token = harness.settings.token or ""
    now = int(clock().timestamp())
    async with client_at(harness, "127.0.0.1") as (client, _):
        for ahead in (6, 30, 58):
            data = _init_data(token, now + ahead)
            response = await client.post("/console/app", data={"init_data": data})
            assert response.status_code == 403, ahead
        skewed = await client.post("/console/app", data={"init_data": _init_data(token, now + 4)})
        assert skewed.status_code == 303  # a few seconds of clock skew is allowed


# -- guessing sign-in tokens -----------------------------------------------------------------------
async def test_ten_failed_sign_ins_then_429_but_not_for_others(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    app, console = console_app(harness)
    moments = [1000.0]
    console.guard = SignInGuard(clock=lambda: moments[0])
    try:
        async with (
            _client(app, console.public_url, "203.0.113.7") as attacker,
            _client(app, console.public_url, "198.51.100.2") as operator,
        ):
            for n in range(10):
                wrong = await attacker.post("/console/login", data={"token": f"guess{n}"})
                assert wrong.status_code == 403, n
                moments[0] += 1
            token = (await sign_in_link(harness)).split("/console/login/", 1)[1].split("?")[0]
            limited = await attacker.post("/console/login", data={"token": token})
            assert limited.status_code == 429
            assert 0 < int(limited.headers["retry-after"]) <= 60
            assert "Too many failed sign-ins" in limited.text
            app_limited = await attacker.post("/console/app", data={"init_data": "x"})
            assert app_limited.status_code == 429  # the Mini App's door counts the same
            good = await operator.post("/console/login", data={"token": token})
            assert good.status_code == 303  # the token was not spent by the refused attempt
            warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
            assert warnings == []  # nothing logged one by one
            moments[0] += 60
            again = await attacker.post("/console/login", data={"token": "guess-later"})
            assert again.status_code == 403  # a window later it may try again
    finally:
        console.close()  # ends the minute: its summary is written
    summary = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(summary) == 1, summary
    assert "13 refused sign-in(s) from 1 address(es)" in summary[0]
    assert "2 of them over the limit of 10" in summary[0]
    assert token not in summary[0] and "guess" not in summary[0]


async def _post_late(app: Any, path: str, body: bytes, release: asyncio.Event) -> int:
    """A sign-in whose headers arrive at once and whose body only when ``release`` is set (as
    from a client that opens many connections and then sends every body)."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        await release.wait()
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("203.0.113.7", 40000),
        "server": ("127.0.0.1", 8080),
    }
    await app(scope, receive, send)
    return int(next(m["status"] for m in sent if m["type"] == "http.response.start"))


@pytest.mark.parametrize("path", ["/console/login", "/console/app"])
async def test_attempts_made_at_once_cannot_pass_the_limit_together(
    harness: BotHarness, path: str
) -> None:
    """Thirty attempts whose forms are all still on their way: each counts from the moment it
    is let in, so only ten are looked at; the rest are 429."""
    app, console = console_app(harness)
    release = asyncio.Event()
    try:
        field = "token" if path == "/console/login" else "init_data"
        posts = [
            asyncio.create_task(_post_late(app, path, f"{field}=guess{n}".encode(), release))
            for n in range(30)
        ]
        await asyncio.sleep(0.1)  # every one is waiting for its body
        release.set()
        statuses = sorted(await asyncio.gather(*posts))
    finally:
        console.close()
    assert statuses == [403] * 10 + [429] * 20


async def test_a_good_sign_in_does_not_count_against_the_address(harness: BotHarness) -> None:
    """An office behind one address: its operators' good sign-ins use up nothing."""
    async with client_at(harness, "192.0.2.10") as (client, _):
        for _ in range(12):
            await signed_in(harness, client)
            client.cookies.clear()
        for n in range(10):
            assert (await client.post("/console/login", data={"token": f"x{n}"})).status_code == 403
        assert (await client.post("/console/login", data={"token": "x"})).status_code == 429


async def test_behind_a_proxy_each_client_is_limited_by_its_own_address(
    harness: BotHarness,
) -> None:
    """On the real server, behind a reverse proxy on the same machine that says who the
    client is (``X-Forwarded-For``, as the README's nginx lines set it): an attacker's failures
    do not lock out an operator coming through the same proxy."""
    async with served_console(harness) as (port, _console):
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base) as proxy:
            attacker = {"X-Forwarded-For": "203.0.113.7"}
            for n in range(10):
                wrong = await proxy.post(
                    "/console/login", data={"token": f"g{n}"}, headers=attacker
                )
                assert wrong.status_code == 403
            limited = await proxy.post("/console/login", data={"token": "g"}, headers=attacker)
            assert limited.status_code == 429
            token = (await sign_in_link(harness)).split("/console/login/", 1)[1].split("?")[0]
            good = await proxy.post(
                "/console/login", data={"token": token}, headers={"X-Forwarded-For": "192.0.2.1"}
            )
            assert good.status_code == 303


async def test_the_summary_comes_a_minute_after_the_first_refusal(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with client_at(harness, "203.0.113.7") as (client, console):
        guard = console.guard
        guard.window = 0.2  # a short minute
        for n in range(3):
            await client.post("/console/login", data={"token": f"guess{n}"})
        assert not caplog.records
        await asyncio.sleep(0.4)
        assert [r.getMessage() for r in caplog.records] == [
            "console: 3 refused sign-in(s) from 1 address(es) in the last minute "
            "(0 of them over the limit of 10 a minute)"
        ]


# -- ?notice= --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "notice",
    [
        "<script>alert(1)</script>",
        "Your account is suspended. Call +1 555 0100 now.",
        "console-notice-moved",  # a message id is not a code either
        "moved ",
    ],
)
async def test_a_notice_that_is_not_a_known_code_shows_nothing(
    harness: BotHarness, notice: str
) -> None:
    await walk(harness, EN_USER, ["begin"])
    async with client_at(harness, "127.0.0.1") as (client, _):
        await signed_in(harness, client)
        for path in ("/console/company/1001", "/console/broadcasts"):
            page = await client.get(path, params={"notice": notice})
            assert page.status_code == 200
            assert 'id="notice"' not in page.text, path
            assert "alert(1)" not in page.text and "suspended" not in page.text


async def test_a_known_notice_code_shows_its_text(harness: BotHarness) -> None:
    await walk(harness, EN_USER, ["begin"])
    async with client_at(harness, "127.0.0.1") as (client, _):
        await signed_in(harness, client)
        company = await client.get("/console/company/1001", params={"notice": "moved"})
        assert '<div class="notice" id="notice">Moved.' in company.text
        broadcasts = await client.get("/console/broadcasts", params={"notice": "held"})
        assert "held until quiet hours end" in broadcasts.text
        elsewhere = await client.get("/console/broadcasts", params={"notice": "moved"})
        assert 'id="notice"' not in elsewhere.text  # a company's code means nothing here


def test_the_real_process_limits_sign_ins_and_sums_them_up_once(
    env: dict[str, str],
) -> None:
    """``tmall-tp-bot run`` over the fake Bot API: ten wrong tokens through the local proxy
    for one client, then 429; the operator (another client) signs in; the log has one summary
    line for all of them (written at the latest when the bot stops), none per attempt."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    attacker = {"X-Forwarded-For": "203.0.113.7"}
    with (
        FakeBotServer() as server,
        running_bot(env, server, TPBOT_OPERATORS="777", TPBOT_PORT=str(port)) as bot,
    ):
        server.updates.append(console_command(61, 777))
        wait_for(lambda: any("/console/login/" in c.text for c in server.sent()))
        wait_for(lambda: port_open(port))
        text = next(c.text for c in server.sent() if "/console/login/" in c.text)
        link = re.search(r"/console/login/([\w-]+)", text)
        assert link
        with httpx.Client(base_url=base, timeout=10) as client:
            statuses = [
                client.post("/console/login", data={"token": f"g{n}"}, headers=attacker)
                for n in range(12)
            ]
            assert [r.status_code for r in statuses] == [403] * 10 + [429] * 2
            good = client.post("/console/login", data={"token": link.group(1)})
            assert good.status_code == 303
    output = bot["output"]
    refused = [line for line in output.splitlines() if "refused sign-in" in line]
    assert len(refused) == 1, output
    assert "12 refused sign-in(s) from 1 address(es)" in refused[0]
    assert "2 of them over the limit of 10" in refused[0]
    assert "203.0.113.7" not in output and "g1" not in output
