"""One broadcast composer behind every door (chat, console, command line): the same limit,
one query for the list with its reports, and the chat's dialog as declared states."""

from __future__ import annotations

import argparse
import io
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from telegram.constants import MessageLimit

from bot.cli_broadcast import broadcast_main
from bot.cli_operators import cmd_broadcasts
from bot.config import ConfigError
from bot.services.broadcasts.audience import parse_audience
from bot.storage import db as storage_db
from tests.helpers.broadcasts import OPERATOR, cli_args, fast, seed_chats
from tests.helpers.console import client_for, signed_in
from tests.helpers.harness import BotHarness, FrozenClock, texts

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

LIMIT = MessageLimit.MAX_TEXT_LENGTH


def digits(text: str) -> str:
    return text.replace(",", "").replace("\u202f", "").replace("\xa0", "")


# -- the same limit at every door ------------------------------------------------------------
async def test_the_same_text_is_refused_or_taken_with_the_same_limit_at_all_three_doors(
    harness: BotHarness, clock: FrozenClock, tmp_path: Path
) -> None:
    """Telegram's limit (telegram.constants), counted as Telegram counts: the text a reader
    sees. One character over is refused everywhere; the limit in bold is taken everywhere."""
    seed_chats(harness, 3)
    over = "x" * (LIMIT + 1)
    bold = "<b>" + "x" * LIMIT + "</b>"  # longer as HTML, exactly the limit as read
    # the chat
    await harness.command(OPERATOR, "/broadcast")
    calls = await harness.send(OPERATOR, over)
    assert f"Telegram allows {LIMIT} characters" in digits(texts(calls))
    entities = [{"type": "bold", "offset": 0, "length": LIMIT}]
    calls = await harness.send(OPERATOR, "x" * LIMIT, entities=entities)
    assert "Chinese variant" in texts(calls)
    # the console
    async with client_for(harness) as (client, _):
        csrf = await signed_in(harness, client)
        form = {"csrf": csrf, "audience": "all", "action": "preview"}
        page = await client.post("/console/broadcasts/new", data={**form, "text_en": over})
        assert page.status_code == 400
        assert f"en: the message is {LIMIT + 1} characters long; Telegram allows {LIMIT}." in (
            digits(page.text)
        )
        page = await client.post("/console/broadcasts/new", data={**form, "text_en": bold})
        assert page.status_code == 200 and "Telegram allows" not in page.text
    # the command line
    path = tmp_path / "notice.html"
    path.write_text(over, encoding="utf-8")
    with pytest.raises(ConfigError, match=f"has {LIMIT + 1} characters; Telegram allows {LIMIT}$"):
        await broadcast_main(cli_args(text_file=path, dry_run=True), harness.settings, clock=clock)
    path.write_text(bold, encoding="utf-8")
    out = io.StringIO()
    code = await broadcast_main(
        cli_args(text_file=path, dry_run=True), harness.settings, clock=clock, out=out
    )
    assert code == 0 and "dry run: 3 chats" in out.getvalue()


# -- one query for the list ------------------------------------------------------------------
class Statements:
    """Every SQL statement run on a connection that reads broadcasts or their deliveries."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, statement: str) -> None:
        if "broadcasts" in statement or "deliveries" in statement:
            self.seen.append(statement)


def make_broadcasts(harness: BotHarness, count: int) -> None:
    audience = parse_audience("all", harness.services.spec)
    for i in range(count):
        harness.services.broadcasts.create(audience, {"en": {"kind": "text", "html": f"n{i}"}})


async def test_the_list_with_its_reports_is_one_query_in_the_chat_and_the_command_line(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fast(harness)
    seed_chats(harness, 4)
    make_broadcasts(harness, 6)
    await harness.services.broadcasts.run(1, harness.services.delivery)
    statements = Statements()
    connection: sqlite3.Connection = harness.db.conn
    connection.set_trace_callback(statements)
    try:
        calls = await harness.command(OPERATOR, "/broadcasts")
    finally:
        connection.set_trace_callback(None)
    assert "Broadcast #6" in texts(calls) and "sent 4" in texts(calls)  # #1 was sent
    assert len(statements.seen) == 1, statements.seen

    opened: list[Statements] = []
    real_open = storage_db.open_database

    def traced(path: Path, *args: Any, **kwargs: Any) -> Any:
        db = real_open(path, *args, **kwargs)
        opened.append(Statements())
        db.conn.set_trace_callback(opened[-1])
        return db

    monkeypatch.setattr(storage_db, "open_database", traced)
    capsys.readouterr()
    assert cmd_broadcasts(argparse.Namespace(limit=10), harness.settings) == 0
    listing = capsys.readouterr().out
    assert "#6" in listing and "#1" in listing and "sent 4" in listing
    (seen,) = opened
    listed = [s for s in seen.seen if s.lstrip().upper().startswith("SELECT")]
    assert len(listed) == 1, listed


# -- the chat's dialog: declared states ------------------------------------------------------
def state(harness: BotHarness) -> str | None:
    row = harness.db.execute(
        "SELECT awaiting, status FROM broadcasts WHERE created_by = ? ORDER BY id DESC LIMIT 1",
        [OPERATOR["id"]],
    ).fetchone()
    return str(row[0]) if row[0] else str(row[1])


async def test_the_chat_dialog_goes_through_its_named_states_and_survives_a_restart(
    harness: BotHarness, clock: FrozenClock
) -> None:
    from bot.services.broadcasts.compose_dialog import STATES

    fast(harness)
    seed_chats(harness, 8)
    seen: list[str | None] = []
    calls = await harness.command(OPERATOR, "/broadcast")
    seen.append(state(harness))
    calls = await harness.send(OPERATOR, "Hello")
    seen.append(state(harness))
    buttons = calls[-1].buttons()
    calls = await harness.press(OPERATOR, buttons[0][1])  # add a Chinese variant
    seen.append(state(harness))
    # the "no" button of the same question, pressed late (another device): out of date now
    calls = await harness.press(OPERATOR, buttons[1][1])
    assert "belongs to an earlier step" in texts(calls)
    assert state(harness) == "zh"
    calls = await harness.send(OPERATOR, "你好")  # still taken as the Chinese variant
    seen.append(state(harness))
    menu = dict(calls[-1].buttons())
    calls = await harness.press(OPERATOR, menu["Idle for N days"])
    seen.append(state(harness))
    await harness.restart()  # the dialog is kept with the draft
    fast(harness)
    calls = await harness.send(OPERATOR, "3")
    seen.append(state(harness))
    calls = await harness.press(OPERATOR, dict(calls[-1].buttons())["🕒 Choose a send time"])
    seen.append(state(harness))
    calls = await harness.send(OPERATOR, "15:00")
    seen.append(state(harness))
    summary = dict(calls[-1].buttons())
    calls = await harness.press(OPERATOR, summary["👥 Change audience"])
    seen.append(state(harness))
    calls = await harness.press(OPERATOR, dict(calls[-1].buttons())["Everyone"])
    seen.append(state(harness))
    calls = await harness.press(OPERATOR, dict(calls[-1].buttons())["✅ Confirm and send"])
    assert "scheduled for 2026-09-28 15:00" in texts(calls)
    seen.append(state(harness))
    assert seen == [
        "content", "zh-choice", "zh", "audience", "idle", "summary", "time", "summary",
        "audience", "summary", "scheduled",
    ]  # fmt: skip
    assert set(seen) - {"scheduled"} <= set(STATES)
    # a button of the confirmed draft: answered, nothing changes
    calls = await harness.press(OPERATOR, summary["🗑 Discard"])
    assert "already confirmed or discarded" in texts(calls) and state(harness) == "scheduled"


# -- cancel: the same at every door ----------------------------------------------------------
@pytest.mark.parametrize("door", ["chat", "console", "command line"])
async def test_cancel_stops_a_running_broadcast_at_the_next_chat_at_every_door(
    harness: BotHarness, clock: FrozenClock, door: str
) -> None:
    import asyncio

    from bot.broadcast_runs import start_broadcast
    from tests.helpers.broadcasts import deliveries_of

    fast(harness, concurrency=1)
    harness.services.broadcasts.progress_every = 3.0  # the real heartbeat: it must not matter
    ids = seed_chats(harness, 120)
    bid = harness.services.broadcasts.create(
        parse_audience("all", harness.services.spec), {"en": {"kind": "text", "html": "hi"}}
    )
    async with client_for(harness) as (client, _):
        csrf = await signed_in(harness, client)

        async def cancel() -> Any:
            if door == "chat":
                return await harness.press(OPERATOR, f"bcx|{bid}")
            if door == "console":
                return await client.post(f"/console/broadcasts/{bid}/cancel", data={"csrf": csrf})
            out = io.StringIO()
            args = cli_args(cancel=bid)
            assert await broadcast_main(args, harness.settings, clock=clock, out=out) == 0
            return out.getvalue()

        sent, pending = 0, []

        def respond(params: dict[str, Any]) -> Any:
            nonlocal sent
            if int(params["chat_id"]) in ids:
                sent += 1
                if sent == 20:
                    pending.append(asyncio.get_running_loop().create_task(cancel()))
            return harness.api._message("sendMessage", params)

        harness.api.responders["sendMessage"] = respond
        task = start_broadcast(harness.application, bid)
        assert task is not None
        report = await task
        await asyncio.gather(*pending)
    assert report.status == "cancelled" and 20 <= report.sent <= 22, report
    assert report.cancelled == len(ids) - report.sent and report.left == 0
    assert {row.status for row in deliveries_of(harness.db, bid)} == {"sent", "cancelled"}
