"""Broadcasts at every door (command line, chat, console): failures that must not send twice,
one quiet-hours rule, scheduling warnings, muted chats counted and said."""

from __future__ import annotations

import argparse
import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
from telegram.error import NetworkError

from bot.cli_broadcast import broadcast_main
from bot.cli_operators import cmd_broadcasts
from bot.config import PROJECT_ROOT, ConfigError
from bot.demo.offline_api import OfflineBotAPI
from bot.jobs import tick
from bot.storage.db import close_database, open_database
from bot.storage.sql import transaction
from tests.helpers.broadcasts import FAST, cli_args, delivered, fast, seed_chats
from tests.helpers.harness import BotHarness, FrozenClock
from tests.helpers.process import cli_argv, free_port

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


class Unreachable(OfflineBotAPI):
    """No Bot API at all: every call fails to connect."""

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        raise NetworkError("httpx.ConnectError: All connection attempts failed")


def notice(tmp_path: Path, text: str = "<b>Maintenance</b> tonight") -> Path:
    path = tmp_path / "notice.html"
    path.write_text(text, encoding="utf-8")
    return path


def mute(harness: BotHarness, *chat_ids: int) -> None:
    with transaction(harness.db):
        for chat_id in chat_ids:
            harness.db.execute(
                "INSERT INTO muted_chats (chat_id, muted_at) VALUES (?, '2026-09-20')", [chat_id]
            )


def statuses(harness: BotHarness) -> list[str]:
    return [row[0] for row in harness.db.execute("SELECT status FROM broadcasts ORDER BY id")]


# -- a failed command-line broadcast is not sent twice later ---------------------------------
async def test_unreachable_api_or_rejected_token_is_one_line_and_keeps_nothing(
    harness: BotHarness, clock: FrozenClock, tmp_path: Path
) -> None:
    fast(harness)
    seed_chats(harness, 6)
    args = cli_args(text_file=notice(tmp_path))
    err = io.StringIO()
    code = await broadcast_main(
        args, harness.settings, request=Unreachable(), clock=clock, err=err, out=io.StringIO()
    )
    assert code == 1
    assert err.getvalue().count("\n") == 1, err.getvalue()
    assert "cannot reach the Bot API at" in err.getvalue()
    assert "nothing sent or kept" in err.getvalue()
    rejected = OfflineBotAPI()
    rejected.fail("getMe", 401, "Unauthorized")
    err = io.StringIO()
    code = await broadcast_main(
        args, harness.settings, request=rejected, clock=clock, err=err, out=io.StringIO()
    )
    assert code == 1 and "the token was rejected by Telegram" in err.getvalue()
    assert statuses(harness) == []  # no broadcast left for the running bot to send
    await tick(harness.application)
    assert not delivered(harness.api.calls)
    # the operator retries once the network is back: every chat gets it once
    api = OfflineBotAPI()
    code = await broadcast_main(
        args,
        harness.settings,
        request=api,
        clock=clock,
        limits=FAST,
        out=io.StringIO(),
        err=io.StringIO(),
        progress_every=0.001,
    )
    assert code == 0 and set(delivered(api.calls).values()) == {1}
    assert len(delivered(api.calls)) == 6


def test_the_command_against_an_unreachable_api_prints_one_line(env: dict, tmp_path: Path) -> None:
    env = {
        **env,
        "TELEGRAM_BOT_TOKEN": "123456:SOME-TOKEN-abcdefghijklmnopqrstuvwx",
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{free_port()}/bot",  # nobody listens
        "TPBOT_QUIET_HOURS": "",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    close_database(open_database(Path(env["TPBOT_DB"])))  # the bot's database, as it ran before
    text = notice(tmp_path)
    result = subprocess.run(
        cli_argv("broadcast", "--text-file", str(text)),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "SOME-TOKEN" not in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "cannot reach the Bot API at" in result.stderr
    listing = subprocess.run(
        cli_argv("broadcasts"), env=env, capture_output=True, text=True, timeout=60
    )
    assert "no broadcasts yet" in listing.stdout


async def test_the_same_text_to_the_same_audience_while_one_is_pending_asks_first(
    harness: BotHarness, clock: FrozenClock, tmp_path: Path
) -> None:
    seed_chats(harness, 4)
    text = notice(tmp_path)
    out = io.StringIO()
    at = cli_args(text_file=text, at="2026-09-28 15:00")
    assert await broadcast_main(at, harness.settings, clock=clock, out=out) == 0
    questions: list[str] = []

    def no(question: str) -> bool:
        questions.append(question)
        return False

    err = io.StringIO()
    again = cli_args(text_file=text)
    api = OfflineBotAPI()
    code = await broadcast_main(again, harness.settings, request=api, clock=clock, err=err, ask=no)
    assert code == 1 and not delivered(api.calls)
    assert questions == [
        "broadcast 1 with the same text to the same audience is still scheduled; send it again?"
    ]
    assert "--cancel 1 stops it" in err.getvalue()
    assert statuses(harness) == ["scheduled"]
    code = await broadcast_main(
        cli_args(text_file=text, again=True),
        harness.settings,
        request=api,
        clock=clock,
        limits=FAST,
        out=io.StringIO(),
        err=io.StringIO(),
        progress_every=0.001,
        ask=no,
    )
    assert code == 0 and len(questions) == 1 and len(delivered(api.calls)) == 4
    other = notice(tmp_path, "Another notice")
    code = await broadcast_main(
        cli_args(text_file=other),
        harness.settings,
        request=api,
        clock=clock,
        limits=FAST,
        out=io.StringIO(),
        err=io.StringIO(),
        progress_every=0.001,
        ask=no,
    )
    assert code == 0 and len(questions) == 1  # a different text: nothing to ask


# -- scheduling warnings, times in the operators' zone ---------------------------------------
async def test_at_in_the_past_is_refused_and_a_quiet_time_says_why_it_moved(
    harness: BotHarness, clock: FrozenClock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_chats(harness, 3)
    text = notice(tmp_path)  # the clock: 2026-09-28 10:00 in Asia/Shanghai
    with pytest.raises(ConfigError, match=r"in the past \(it is now 2026-09-28 10:00 Asia/Sh"):
        await broadcast_main(
            cli_args(text_file=text, at="2026-09-28 09:30"), harness.settings, clock=clock
        )
    assert statuses(harness) == []
    out = io.StringIO()
    dry = cli_args(text_file=text, at="2026-09-28 23:30", dry_run=True)
    assert await broadcast_main(dry, harness.settings, clock=clock, out=out) == 0
    assert (
        "2026-09-28 23:30 Asia/Shanghai is within quiet hours (21:00-09:00 Asia/Shanghai): "
        "moved to 2026-09-29 09:00 Asia/Shanghai"
    ) in out.getvalue()
    assert "to be sent at 2026-09-29 09:00 Asia/Shanghai" in out.getvalue()
    assert "+00:00" not in out.getvalue() and "UTC" not in out.getvalue()
    out = io.StringIO()
    real = cli_args(text_file=text, at="2026-09-28 23:30")
    assert await broadcast_main(real, harness.settings, clock=clock, out=out) == 0
    assert "moved to 2026-09-29 09:00 Asia/Shanghai" in out.getvalue()
    assert "broadcast 1 scheduled for 2026-09-29 09:00 Asia/Shanghai (3 chats now)" in (
        out.getvalue()
    )
    capsys.readouterr()
    assert cmd_broadcasts(argparse.Namespace(limit=5), harness.settings) == 0
    listing = capsys.readouterr().out
    assert "at 2026-09-29 09:00 Asia/Shanghai" in listing and "+00:00" not in listing


# -- one quiet-hours rule ----------------------------------------------------------------------
async def test_a_command_line_broadcast_for_now_within_quiet_hours_is_held_unless_now(
    harness: BotHarness, clock: FrozenClock, tmp_path: Path
) -> None:
    fast(harness)
    seed_chats(harness, 3)
    clock.set(2026, 9, 28, hour=14)  # 22:00 in Asia/Shanghai
    text = notice(tmp_path)
    api, out = OfflineBotAPI(), io.StringIO()
    code = await broadcast_main(
        cli_args(text_file=text), harness.settings, request=api, clock=clock, out=out
    )
    assert code == 0 and not delivered(api.calls)
    assert (
        "broadcast 1 held until 2026-09-29 09:00 Asia/Shanghai (quiet hours 21:00-09:00; "
        "--now sends it now) (3 chats now); the running bot will send it"
    ) in out.getvalue()
    await tick(harness.application)  # the bot holds it too
    assert statuses(harness) == ["scheduled"]
    code = await broadcast_main(
        cli_args(text_file=notice(tmp_path, "Urgent"), now=True),
        harness.settings,
        request=api,
        clock=clock,
        limits=FAST,
        out=io.StringIO(),
        err=io.StringIO(),
        progress_every=0.001,
    )
    assert code == 0 and len(delivered(api.calls)) == 3
    clock.set(2026, 9, 29, hour=1)  # 09:00 in Asia/Shanghai: the held one goes
    for task in await tick(harness.application):
        await task
    assert statuses(harness) == ["done", "done"]


# -- muted chats: counted and said -------------------------------------------------------------
async def test_muted_chats_left_out_are_counted_on_the_command_line(
    harness: BotHarness, clock: FrozenClock, tmp_path: Path
) -> None:
    ids = seed_chats(harness, 13)
    mute(harness, ids[1])
    out = io.StringIO()
    dry = cli_args(text_file=notice(tmp_path), dry_run=True)
    assert await broadcast_main(dry, harness.settings, clock=clock, out=out) == 0
    assert (
        "dry run: 12 chats (1 more left out: they turned reminders off with /mute) in audience all"
    ) in out.getvalue()


# -- takeover within seconds -------------------------------------------------------------------
def test_the_running_bot_takes_over_a_dead_senders_broadcast_within_seconds(
    env: dict, tmp_path: Path
) -> None:
    """A command-line sender dies mid-way: the bot's process sends the rest within seconds,
    not on its next 30 s tick (its first tick, 5 s after start, is long past)."""
    import socket
    import time
    from dataclasses import replace

    from bot.app import load_catalog_and_flow
    from bot.config import Settings
    from bot.services.broadcasts.audience import parse_audience
    from bot.services.broadcasts.broadcasts import BroadcastService
    from bot.services.calendar.clock import utc_now
    from bot.storage.db import close_database, open_database
    from tests.helpers.fake_bot_server import FakeBotServer
    from tests.helpers.process import dead_pid, running_bot, wait_for

    settings = replace(Settings(), db_path=Path(env["TPBOT_DB"]))
    with FakeBotServer() as server, running_bot(env, server, TPBOT_QUIET_HOURS=""):
        wait_for(lambda: "getUpdates" in server.methods())
        time.sleep(7)  # past the first tick
        _, spec = load_catalog_and_flow(settings)
        db = open_database(settings.db_path)
        try:
            with transaction(db):
                for chat_id in (5001, 5002, 5003):
                    db.execute(
                        "INSERT INTO chats (id, type, language, state, history, seq, active, "
                        "created_at, updated_at) VALUES (?, 'private', 'en', 'welcome', '[]', "
                        "1, 1, '2026-09-20T02:00:00+00:00', '2026-09-20T02:00:00+00:00')",
                        [chat_id],
                    )
            crashed = BroadcastService(
                db, spec, utc_now, runner=f"{socket.gethostname()}:{dead_pid()}:cli"
            )
            bid = crashed.create(
                parse_audience("all", spec), {"en": {"kind": "text", "html": "Taken over"}}
            )
            assert crashed._begin(bid) is not None  # audience fixed, lease taken, then died
            begun = time.monotonic()
            wait_for(
                lambda: len([c for c in server.sent() if c.text == "Taken over"]) == 3,
                seconds=12,
            )
            waited = time.monotonic() - begun
        finally:
            close_database(db)
    assert waited < 6, waited


# -- the chat's /broadcast: the same rule, and it says so ------------------------------------
async def compose_to_everyone(harness: BotHarness, text: str) -> tuple[str, dict[str, str]]:
    """/broadcast with ``text`` to everyone; the summary's text and its buttons."""
    from tests.helpers.broadcasts import OPERATOR
    from tests.helpers.harness import texts

    await harness.command(OPERATOR, "/broadcast")
    calls = await harness.send(OPERATOR, text)
    calls = await harness.press(OPERATOR, calls[-1].buttons()[1][1])  # no Chinese variant
    calls = await harness.press(OPERATOR, dict(calls[-1].buttons())["Everyone"])
    return texts(calls), dict(calls[-1].buttons())


async def test_the_chat_holds_a_broadcast_in_quiet_hours_says_until_when_or_sends_anyway(
    harness: BotHarness, clock: FrozenClock
) -> None:
    from tests.helpers.broadcasts import OPERATOR
    from tests.helpers.harness import texts

    fast(harness)
    ids = seed_chats(harness, 5)
    mute(harness, ids[0])
    clock.set(2026, 9, 28, hour=14)  # 22:00 in Asia/Shanghai
    summary, buttons = await compose_to_everyone(harness, "Tonight")
    assert "<b>4</b> companies" in summary
    assert "Left out: 1 more company that turned reminders off (/mute)." in summary
    assert "Sending after quiet hours, at 2026-09-29 09:00 Asia/Shanghai" in summary
    calls = await harness.press(OPERATOR, buttons["✅ Confirm and send"])
    assert "Broadcast #1 is held until 2026-09-29 09:00 Asia/Shanghai (quiet hours)" in texts(calls)
    assert not harness.application.bot_data.broadcast_runs
    assert not await tick(harness.application)
    assert not delivered(harness.api.calls, "Tonight")
    calls = await harness.command(OPERATOR, "/broadcasts")
    assert "sends at 2026-09-29 09:00 Asia/Shanghai" in texts(calls)
    summary, buttons = await compose_to_everyone(harness, "Urgent")
    calls = await harness.press(OPERATOR, buttons["🌙 Send now anyway (quiet hours)"])
    assert "is starting" in texts(calls)
    await harness.application.bot_data.broadcast_runs[2]
    assert len(delivered(harness.api.calls, "Urgent")) == 4
    clock.set(2026, 9, 29, hour=1)  # 09:00: the held one goes
    for task in await tick(harness.application):
        await task
    assert len(delivered(harness.api.calls, "Tonight")) == 4
    clock.set(2026, 9, 29, hour=3)  # daytime: no hold, no extra button
    summary, buttons = await compose_to_everyone(harness, "Daytime")
    assert "Sending right after you confirm" in summary
    assert "🌙 Send now anyway (quiet hours)" not in buttons


# -- the console: the same rule, the same counts ---------------------------------------------
async def test_the_console_sends_at_once_or_holds_in_quiet_hours_and_counts_the_muted(
    harness: BotHarness, clock: FrozenClock
) -> None:
    from tests.helpers.console import client_for, signed_in

    fast(harness)
    ids = seed_chats(harness, 13)
    mute(harness, ids[2])
    form = {"audience": "all", "text_en": "Console notice"}
    async with client_for(harness) as (client, _):
        csrf = await signed_in(harness, client)
        preview = await client.post(
            "/console/broadcasts/new", data={**form, "csrf": csrf, "action": "preview"}
        )
        assert "Send to 12 companies" in preview.text
        assert "1 more company is left out: it turned reminders off (/mute)." in preview.text
        assert "It goes out as soon as you send it." in preview.text
        sent = await client.post(
            "/console/broadcasts/new", data={**form, "csrf": csrf, "action": "send"}
        )
        assert "notice=created" in sent.headers["location"]
        run = harness.application.bot_data.broadcast_runs[1]  # started now, not on a tick
        await run
        assert len(delivered(harness.api.calls, "Console notice")) == 12
        listing = await client.get(sent.headers["location"])
        assert "being sent" in listing.text
        assert "This page updates itself" not in listing.text  # nothing is being sent now

        clock.set(2026, 9, 28, hour=14)  # 22:00 in Asia/Shanghai
        csrf = await signed_in(harness, client)  # the session of the morning has expired
        form["text_en"] = "Night notice"
        preview = await client.post(
            "/console/broadcasts/new", data={**form, "csrf": csrf, "action": "preview"}
        )
        assert (
            "Quiet hours (21:00-09:00): it is held until 2026-09-29 09:00 Asia/Shanghai"
            in preview.text
        )
        assert "Send to 12 companies at 2026-09-29 09:00 Asia/Shanghai" in preview.text
        held = await client.post(
            "/console/broadcasts/new", data={**form, "csrf": csrf, "action": "send"}
        )
        assert "notice=held" in held.headers["location"]
        assert 2 not in harness.application.bot_data.broadcast_runs
        assert not await tick(harness.application)
        listing = await client.get(held.headers["location"])
        assert "held until quiet hours end" in listing.text and "sends " in listing.text
        form["text_en"] = "Urgent night notice"
        anyway = await client.post(
            "/console/broadcasts/new", data={**form, "csrf": csrf, "action": "send-now"}
        )
        assert "notice=created" in anyway.headers["location"]
        await harness.application.bot_data.broadcast_runs[3]
        assert len(delivered(harness.api.calls, "Urgent night notice")) == 12
        assert not delivered(harness.api.calls, "Night notice")


@pytest.mark.parametrize("sent_before", [0, 2])
async def test_a_run_that_stops_with_an_error_is_cancelled_if_nothing_went_else_resumable(
    harness: BotHarness,
    clock: FrozenClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    sent_before: int,
) -> None:
    from bot.services.broadcasts.delivery import Delivery

    ids = seed_chats(harness, 5)
    real_send = Delivery.send
    done: list[int] = []

    async def send_then_fail(self: Delivery, chat_id: int, payload: Any) -> Any:
        if len(done) >= sent_before:
            raise NetworkError("httpx.ConnectError: connection lost")
        done.append(chat_id)
        return await real_send(self, chat_id, payload)

    monkeypatch.setattr(Delivery, "send", send_then_fail)
    api, err = OfflineBotAPI(), io.StringIO()
    code = await broadcast_main(
        cli_args(text_file=notice(tmp_path)), harness.settings, request=api, clock=clock,
        limits=FAST, out=io.StringIO(), err=err, progress_every=0.001,
    )  # fmt: skip
    assert code == 1 and "Traceback" not in err.getvalue()
    assert "broadcast 1 stopped: cannot reach the Bot API" in err.getvalue()
    if sent_before == 0:
        assert "broadcast 1 cancelled: nothing was sent" in err.getvalue()
        assert statuses(harness) == ["cancelled"]
        return
    assert "--resume 1" in err.getvalue() and statuses(harness) == ["running"]
    monkeypatch.setattr(Delivery, "send", real_send)
    code = await broadcast_main(
        cli_args(resume=1), harness.settings, request=api, clock=clock, limits=FAST,
        out=io.StringIO(), err=io.StringIO(), progress_every=0.001,
    )  # fmt: skip
    assert code == 0
    got = delivered(api.calls)
    assert set(got.values()) == {1} and set(done) <= set(got)  # each chat at most once
    report = harness.services.broadcasts.report(1)
    assert report is not None and report.status == "done" and report.left == 0
    # what was in flight when it stopped may or may not have gone: unknown, not resent
    assert report.sent + report.unknown == len(ids) and report.sent == len(got)
