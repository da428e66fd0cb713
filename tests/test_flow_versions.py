"""Changing the flow with chats on the changed steps: rename, remove, split, insert; restart;
old buttons; /back across versions; a step nobody knows."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.services.flow.flow_versions import StrandedChats
from bot.storage.event_details import FlowMigrated
from bot.storage.events import events_of
from tests.helpers.flows import FLOW, new_flow, rename_nickname, reopen_instead, step
from tests.helpers.harness import EN_USER, BotHarness, texts

TO_NICKNAME = ["begin", "yes", "yes", "yes", "yes", "yes", "yes"]  # welcome → op_nickname


def remove_nickname(data: dict[str, Any]) -> None:
    data["steps"].remove(step(data, "op_nickname"))
    step(data, "op_apply")["answers"][0]["next"] = "op_assessment"
    reopen_instead(data, "op_nickname", "op_apply")
    for reason in step(data, "op_audit")["rejection_reasons"]:
        reason.pop("documents", None)  # the removed step's contract: check would refuse it


async def at_nickname(harness: BotHarness) -> None:
    await harness.command(EN_USER, "/start")
    for answer in TO_NICKNAME:
        await harness.answer(EN_USER, answer)
    assert harness.state(EN_USER["id"]) == "op_nickname"


async def switch_flow(harness: BotHarness, path: Path) -> None:
    await harness.stop()
    harness.settings = replace(harness.settings, flow_path=path)
    await harness.start()


async def test_a_renamed_step_takes_its_chats_along(harness: BotHarness, tmp_path: Path) -> None:
    await at_nickname(harness)
    old_buttons = harness.last_buttons_message[EN_USER["id"]]
    await switch_flow(harness, new_flow(tmp_path, rename_nickname, op_nickname="op_shop_name"))
    assert harness.state(EN_USER["id"]) == "op_shop_name"
    moved = events_of(harness.db, EN_USER["id"])[-1]
    assert (moved.kind, moved.step, moved.to_state) == ("migrate", "op_nickname", "op_shop_name")
    assert moved.detail == FlowMigrated(flow_version=2)
    for command in ("/status", "/help", "/start"):
        calls = await harness.command(EN_USER, command)
        assert "went wrong" not in texts(calls)
    calls = await harness.press(EN_USER, "a|7|op_nickname|yes", message=old_buttons)
    assert "earlier message" in texts(calls)  # an old button: a notice, and the step again
    assert harness.state(EN_USER["id"]) == "op_shop_name"
    await harness.answer(EN_USER, "yes")
    assert harness.state(EN_USER["id"]) == "op_assessment"


async def test_a_removed_step_without_a_migration_refuses_to_start(
    harness: BotHarness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    await at_nickname(harness)
    await harness.stop()
    flow = new_flow(tmp_path, remove_nickname)
    harness.settings = replace(harness.settings, flow_path=flow)
    with pytest.raises(StrandedChats, match="1 chat\\(s\\) at step 'op_nickname'"):
        await harness.start()
    # check --db says the same, before anyone deploys it
    monkeypatch.setenv("TPBOT_FLOW", str(flow))
    assert main(["check", "--db", str(harness.settings.db_path)]) == 2
    err = capsys.readouterr().err
    assert "op_nickname" in err and "would strand" in err
    harness.settings = replace(harness.settings, flow_path=FLOW)
    await harness.start()  # the old flow still runs: nothing was half-moved
    assert harness.state(EN_USER["id"]) == "op_nickname"


async def test_check_db_lists_who_would_move_where(
    harness: BotHarness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    await at_nickname(harness)
    flow = new_flow(tmp_path, remove_nickname, op_nickname="op_assessment")
    monkeypatch.setenv("TPBOT_FLOW", str(flow))
    assert main(["check", "--db", str(harness.settings.db_path)]) == 0
    out = capsys.readouterr().out
    assert "1 chat(s) at 'op_nickname' (version 1) → 'op_assessment'" in out
    assert harness.state(EN_USER["id"]) == "op_nickname"  # a dry run: nothing moved


async def test_back_across_a_removed_step(harness: BotHarness, tmp_path: Path) -> None:
    await at_nickname(harness)
    await harness.answer(EN_USER, "yes")  # now at op_assessment, op_nickname in its history
    await switch_flow(harness, new_flow(tmp_path, remove_nickname))  # nobody at the step
    calls = await harness.command(EN_USER, "/back")
    assert "went wrong" not in texts(calls)
    assert harness.state(EN_USER["id"]) == "op_apply"  # the removed step is skipped


async def test_a_split_step_and_an_inserted_step(harness: BotHarness, tmp_path: Path) -> None:
    await at_nickname(harness)

    def split(data: dict[str, Any]) -> None:
        nickname = step(data, "op_nickname")
        first = {**nickname, "id": "op_nickname_check"}
        first["answers"] = [{**nickname["answers"][0], "next": "op_nickname_confirm"}]
        first["answers"].append(nickname["answers"][1])
        second = {**nickname, "id": "op_nickname_confirm"}
        index = data["steps"].index(nickname)
        data["steps"][index : index + 1] = [first, second]
        step(data, "op_apply")["answers"][0]["next"] = "op_nickname_check"
        reopen_instead(data, "op_nickname", "op_nickname_check")

    await switch_flow(harness, new_flow(tmp_path, split, op_nickname="op_nickname_check"))
    assert harness.state(EN_USER["id"]) == "op_nickname_check"
    await harness.command(EN_USER, "/start")  # the step again, with its new buttons
    await harness.answer(EN_USER, "yes")
    assert harness.state(EN_USER["id"]) == "op_nickname_confirm"  # the inserted half
    await harness.answer(EN_USER, "yes")
    assert harness.state(EN_USER["id"]) == "op_assessment"


async def test_a_step_nobody_knows_gets_a_way_on(harness: BotHarness) -> None:
    await at_nickname(harness)
    harness.db.execute("UPDATE chats SET state = 'bogus' WHERE id = ?", [EN_USER["id"]])
    calls = await harness.command(EN_USER, "/status")
    assert "/reset" in texts(calls) and "went wrong" not in texts(calls)
    assert "/ask" not in texts(calls)  # no support group here
    calls = await harness.command(EN_USER, "/reset")
    yes = next(data for _, data in calls[-1].buttons() if data.endswith("|yes"))
    await harness.press(EN_USER, yes, message=calls[-1].result)
    assert harness.state(EN_USER["id"]) == "welcome"
