"""A flow edited without a migration: a chat at a step the flow does not have (the step was
renamed, the version kept). ``check --db`` and ``run`` count it; started anyway
(``run --allow-stranded``), every door gives that chat a clear answer and no traceback."""

from __future__ import annotations

import logging
import signal
import subprocess
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.config import Settings
from bot.services.flow.flow_versions import StrandedChats
from tests.helpers.console import client_for, signed_in
from tests.helpers.fake_bot_server import FakeBotServer
from tests.helpers.flows import FLOW, new_flow, rename_nickname
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock, texts
from tests.helpers.process import cli_argv, start_update, wait_for
from tests.helpers.reminders import run_tick
from tests.helpers.support import OPERATOR, PLAIN, SUPPORT, bot_message, one, support_chat_info

TO_NICKNAME = ["begin", "yes", "yes", "yes", "yes", "yes", "yes"]  # welcome → op_nickname
UNKNOWN_EN = "a step this version of the guide does not have"
UNKNOWN_ZH = "当前版本指南中不存在的步骤"


def renamed_same_version(tmp_path: Path) -> Path:
    """The shipped flow with 'op_nickname' renamed and its version kept (no migration)."""
    return new_flow(tmp_path, rename_nickname, version=1)


async def walk_to_nickname(harness: BotHarness, user: dict[str, Any]) -> None:
    await harness.command(user, "/start")
    for answer in TO_NICKNAME:
        await harness.answer(user, answer)
    assert harness.state(user["id"]) == "op_nickname"


def problems(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Log records that would be a traceback or an error in the operator's log."""
    return [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


@pytest.fixture
async def stranded(
    settings: Settings, clock: FrozenClock, tmp_path: Path
) -> AsyncIterator[BotHarness]:
    """Alice (en) and Wang (zh) at 'op_nickname'; the bot restarted on a flow that renamed it
    without a migration, allowed to start anyway; a support group is set up."""
    bot = BotHarness(replace(settings, support_chat_id=SUPPORT), clock)
    await bot.start()
    bot.api.responders["getChat"] = support_chat_info(forum=False)
    await walk_to_nickname(bot, EN_USER)
    await walk_to_nickname(bot, ZH_USER)
    await run_tick(bot)  # their idle nudges are planned, at the step that goes
    await bot.stop()
    bot.settings = replace(
        bot.settings, flow_path=renamed_same_version(tmp_path), allow_stranded=True
    )
    await bot.start()
    bot.api.responders["getChat"] = support_chat_info(forum=False)
    yield bot
    await bot.stop()


def assert_way_on(calls: list[Any], lang: str = "en") -> None:
    text = texts(calls)
    if lang == "en":
        assert UNKNOWN_EN in text, text
        assert "The team has been told" in text and "/reset" in text and "/ask" in text, text
    else:
        assert UNKNOWN_ZH in text, text
        assert "已通知团队" in text and "/reset" in text, text
    assert "went wrong" not in text and "出了点问题" not in text


# -- check --db and run ---------------------------------------------------------------------------
async def test_check_db_counts_chats_at_a_step_the_same_version_lacks(
    harness: BotHarness,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await walk_to_nickname(harness, EN_USER)
    await walk_to_nickname(harness, ZH_USER)
    monkeypatch.setenv("TPBOT_FLOW", str(renamed_same_version(tmp_path)))
    assert main(["check", "--db", str(harness.settings.db_path)]) == 2
    captured = capsys.readouterr()
    assert "nothing to move" not in captured.out
    err = captured.err
    assert "2 chat(s) at step 'op_nickname'" in err
    assert "bump the version and add a migration for it" in err
    assert "version: 2, moves: 'op_nickname: <new step>'" in err  # what to write, exactly


async def test_run_refuses_to_start_with_the_same_line(harness: BotHarness, tmp_path: Path) -> None:
    await walk_to_nickname(harness, EN_USER)
    await harness.stop()
    harness.settings = replace(harness.settings, flow_path=renamed_same_version(tmp_path))
    with pytest.raises(StrandedChats, match="bump the version and add a migration for it"):
        await harness.start()
    harness.settings = replace(harness.settings, flow_path=FLOW)
    await harness.start()
    assert harness.state(EN_USER["id"]) == "op_nickname"  # nothing was touched


async def test_the_real_run_refuses_in_one_line_unless_allowed(
    env: dict[str, str],
    harness: BotHarness,
    tmp_path: Path,
) -> None:
    await walk_to_nickname(harness, EN_USER)
    await harness.stop()
    full = {
        **env,
        "TPBOT_DB": str(harness.settings.db_path),
        "TPBOT_FLOW": str(renamed_same_version(tmp_path)),
        "TELEGRAM_BOT_TOKEN": "123456:TOKEN-abcdefghijklmnopqrstuvwxyz01",
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",  # never reached: it stops first
    }
    result = subprocess.run(cli_argv("run"), env=full, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert "1 chat(s) at step 'op_nickname'" in output
    assert "bump the version and add a migration for it" in output
    assert "--allow-stranded" in output  # and how to start anyway

    with FakeBotServer() as server:  # allowed: it starts, says so, and the chat gets its answer
        full["TELEGRAM_API_BASE_URL"] = server.base_url
        process = subprocess.Popen(
            cli_argv("run", "--allow-stranded"),
            env=full,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            status = start_update(60)
            status["message"].update(text="/status", chat={"id": 1001, "type": "private"})
            status["message"]["from"] = EN_USER
            status["message"]["entities"][0]["length"] = 7
            server.updates.append(status)
            wait_for(lambda: bool(server.sent("sendMessage")))
        finally:
            process.send_signal(signal.SIGINT)
            output, _ = process.communicate(timeout=30)
    assert UNKNOWN_EN in server.sent("sendMessage")[0].text
    assert "started with --allow-stranded" in output and "op_nickname" in output
    assert "Traceback" not in output


async def test_allowed_to_start_it_warns_loudly(
    stranded: BotHarness, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    await stranded.stop()
    with caplog.at_level(logging.WARNING):
        await stranded.start()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("2 chat(s) at step 'op_nickname'" in w for w in warnings), warnings
    assert stranded.state(EN_USER["id"]) == "op_nickname"  # left where it is, not moved


# -- every door of the chat ------------------------------------------------------------------------
async def test_commands_give_a_way_on(
    stranded: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    for command in ("/start", "/status", "/help", "/foo"):
        assert_way_on(await stranded.command(EN_USER, command))
    assert_way_on(await stranded.command(ZH_USER, "/status"), "zh")
    assert_way_on(await stranded.send(EN_USER, "hello?"))
    assert_way_on(await stranded.send(ZH_USER, "你好"), "zh")
    calls = await stranded.command(EN_USER, "/language")
    pick = next(data for _, data in calls[-1].buttons() if data.endswith("zh"))
    assert_way_on(await stranded.press(EN_USER, pick, message=calls[-1].result), "zh")
    assert stranded.state(EN_USER["id"]) == "op_nickname"
    assert not problems(caplog), problems(caplog)
    told = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("op_nickname" in w and str(EN_USER["id"]) in w for w in told), told


async def test_buttons_old_stale_and_forged_give_a_way_on(
    stranded: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    seq = stranded.services.progress.get(EN_USER["id"]).seq  # type: ignore[union-attr]
    old = stranded.last_buttons_message[EN_USER["id"]]
    for data in (f"a|{seq}|op_nickname|yes", f"a|{seq - 1}|op_apply|yes", "a|999|bogus|x"):
        calls = await stranded.press(EN_USER, data, message=old)
        assert_way_on(calls)
        assert stranded.state(EN_USER["id"]) == "op_nickname"
    calls = await stranded.press(EN_USER, "tk|ask", message=old)  # the "Ask an operator" row
    assert "went wrong" not in texts(calls)
    assert not problems(caplog), problems(caplog)


async def test_back_and_reset_lead_on(stranded: BotHarness) -> None:
    calls = await stranded.command(EN_USER, "/back")
    assert "went wrong" not in texts(calls)
    assert stranded.state(EN_USER["id"]) == "op_apply"  # the step before it
    calls = await stranded.command(ZH_USER, "/reset")
    yes = next(data for _, data in calls[-1].buttons() if data.endswith("|yes"))
    await stranded.press(ZH_USER, yes, message=calls[-1].result)
    assert stranded.state(ZH_USER["id"]) == "welcome"


async def test_ask_opens_a_ticket_that_names_the_step(
    stranded: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    calls = await stranded.command(EN_USER, "/ask Where did my progress go?")
    card = next(c for c in calls if c.chat_id == SUPPORT and "New ticket" in c.text)
    assert one(calls, "sendMessage", chat_id=SUPPORT, text="Where did my progress go?")
    assert "op_nickname" in card.text and "not in this flow" in card.text
    header = card.result["message_id"]
    calls = await stranded.command(
        OPERATOR, "/status", PLAIN, reply_to_message=bot_message(PLAIN, header)
    )
    status = texts(calls)
    assert "op_nickname" in status and "went wrong" not in status
    assert not problems(caplog), problems(caplog)


# -- reminders, idle nudges ------------------------------------------------------------------------
async def test_reminders_and_idle_nudges_skip_it(
    stranded: BotHarness, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    clock.advance(days=4)
    sent = await run_tick(stranded)
    assert [c for c in sent if c.chat_id in (EN_USER["id"], ZH_USER["id"])] == []
    clock.advance(days=30)
    assert await run_tick(stranded) == []
    assert not problems(caplog), problems(caplog)


# -- the console -----------------------------------------------------------------------------------
async def test_console_board_and_company_page_and_a_move(
    stranded: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with client_for(stranded) as (client, _):
        csrf = await signed_in(stranded, client)
        board = await client.get("/console/")
        assert board.status_code == 200 and "op_nickname" in board.text
        for query in ("?sort=step", "?stage=op", "?step=op_nickname"):
            assert (await client.get(f"/console/{query}")).status_code == 200
        assert (await client.get("/console/funnel")).status_code == 200
        csv = await client.get("/console/board.csv")
        assert csv.status_code == 200 and "op_nickname" in csv.text
        page = await client.get(f"/console/company/{EN_USER['id']}")
        assert page.status_code == 200, page.text
        assert "op_nickname" in page.text and "not in this flow" in page.text
        moved = await client.post(
            f"/console/company/{EN_USER['id']}/move",
            data={"csrf": csrf, "step": "op_shop_name", "reason": "renamed", "override": "1"},
        )
        assert moved.status_code == 303 and "notice=moved" in moved.headers["location"]
    assert stranded.state(EN_USER["id"]) == "op_shop_name"
    assert not problems(caplog), problems(caplog)


async def test_the_operators_stats_count_it_without_an_error(
    stranded: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    operator = {"id": 900, "is_bot": False, "first_name": "Listed", "language_code": "en"}
    for command in ("/stats", "/stats steps"):
        calls = await stranded.command(operator, command)
        assert calls and "went wrong" not in texts(calls)
    assert not problems(caplog), problems(caplog)


async def test_the_last_resort_for_a_failed_press_fits_telegram(
    stranded: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should a press still fail for such a chat, the error handler's way on is too long for
    a button's alert (200 characters): a message says it instead."""

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(stranded.services.progress, "press", broken)
    calls = await stranded.press(EN_USER, "a|1|op_nickname|yes")
    [answered] = [c for c in calls if c.method == "answerCallbackQuery"]
    assert not answered.params.get("text")
    assert UNKNOWN_EN in texts([c for c in calls if c.method == "sendMessage"])
