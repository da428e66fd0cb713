"""Wrong, stale, forged and repeated input: a clear answer, never a traceback, nothing lost."""

from __future__ import annotations

import logging

import pytest

from bot.services.flow.progress import ProgressService
from bot.services.ledger import UpdateLedger
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, methods, texts


async def at_taobao_step(harness: BotHarness, user: dict = EN_USER) -> None:
    await harness.command(user, "/start")
    for answer in ["begin", "yes", "yes"]:
        await harness.answer(user, answer)
    assert harness.state(user["id"]) == "taobao_corporate"


async def test_free_text_gets_the_step_again(harness: BotHarness) -> None:
    await at_taobao_step(harness)
    calls = await harness.send(EN_USER, "yes I did it")
    assert methods(calls) == ["sendMessage"]
    assert "Please answer with the buttons below" in texts(calls)
    assert "Taobao account registered as a corporate" in texts(calls)
    assert calls[0].buttons()  # the step's buttons come with it
    assert harness.state(EN_USER["id"]) == "taobao_corporate"


@pytest.mark.parametrize("kind", ["sticker", "photo", "document"])
async def test_stickers_and_media_get_a_re_prompt(harness: BotHarness, kind: str) -> None:
    # At a step that asks for no files (the evidence locker takes them where asked, see
    # tests/test_documents.py): a sticker is told to use the buttons, a file where files go.
    await harness.command(ZH_USER, "/start")
    for answer in ["begin", "yes"]:
        await harness.answer(ZH_USER, answer)
    update = getattr(harness.updates, kind)(ZH_USER)
    calls = await harness.feed(update)
    expected = "请使用下方按钮回答" if kind == "sticker" else "此步骤不需要文件"
    assert expected in texts(calls) and calls[-1].buttons()
    assert harness.state(ZH_USER["id"]) == "manages_shops"


async def test_unknown_command(harness: BotHarness) -> None:
    await at_taobao_step(harness)
    calls = await harness.command(EN_USER, "/frobnicate")
    assert "I don't know that command" in texts(calls)
    assert harness.state(EN_USER["id"]) == "taobao_corporate"


async def test_messages_before_start_point_to_start(harness: BotHarness) -> None:
    calls = await harness.send(EN_USER, "hello?")
    assert "Send /start" in texts(calls)
    calls = await harness.command(EN_USER, "/status")
    assert "Send /start" in texts(calls)


async def test_stale_button_changes_nothing(harness: BotHarness) -> None:
    await harness.command(EN_USER, "/start")
    await harness.answer(EN_USER, "begin")
    first_question = harness.last_buttons_message[EN_USER["id"]]
    await harness.answer(EN_USER, "yes")
    seq = harness.services.progress.get(EN_USER["id"]).seq
    # the owner_separate question's "no" from the state before: an earlier message
    calls = await harness.press(EN_USER, f"a|{seq - 1}|owner_separate|no", message=first_question)
    # the notice, and the current step's buttons with it (issue #10): nothing changed
    assert methods(calls) == ["answerCallbackQuery", "sendMessage"]
    assert calls[0].params["show_alert"] is True
    assert "earlier message" in texts(calls)
    assert all(data.startswith(f"a|{seq}|manages_shops|") for _, data in calls[1].buttons())
    assert harness.state(EN_USER["id"]) == "manages_shops"


@pytest.mark.parametrize(
    "data",
    [
        "garbage",
        "a|x|y",
        "a|notanumber|manages_shops|yes",
        "l|klingon",
        "r|1|maybe",
        "a|{seq}|manages_shops|passed",  # current step, but an answer it does not have
        "a|{seq}|manages_shops|begin",
        "a|{seq}|finished|yes",  # forged jump to the end
    ],
)
async def test_forged_callbacks_cannot_move_the_machine(harness: BotHarness, data: str) -> None:
    await harness.command(EN_USER, "/start")
    await harness.answer(EN_USER, "begin")
    await harness.answer(EN_USER, "yes")
    seq = harness.services.progress.get(EN_USER["id"]).seq
    calls = await harness.press(EN_USER, data.format(seq=seq))
    # a notice; a button naming another step is stale, so the current step comes with it
    assert methods(calls) in (["answerCallbackQuery"], ["answerCallbackQuery", "sendMessage"])
    assert calls[0].params.get("show_alert") is True
    assert harness.state(EN_USER["id"]) == "manages_shops"
    assert harness.services.progress.get(EN_USER["id"]).seq == seq


async def test_a_press_from_a_chat_that_never_started(harness: BotHarness) -> None:
    calls = await harness.press(EN_USER, "a|0|welcome|begin")
    assert methods(calls) == ["answerCallbackQuery"]
    assert harness.services.progress.get(EN_USER["id"]) is None


async def test_a_redelivered_update_is_handled_once(harness: BotHarness) -> None:
    await harness.command(EN_USER, "/start")
    message = harness.last_buttons_message[EN_USER["id"]]
    update = harness.updates.press(EN_USER, "a|0|welcome|begin", message)
    first = await harness.feed(update)
    assert methods(first) == ["answerCallbackQuery", "editMessageText"]
    again = await harness.feed(update)
    assert again == []
    assert harness.state(EN_USER["id"]) == "owner_separate"
    assert harness.services.progress.get(EN_USER["id"]).seq == 1

    status = harness.updates.command(EN_USER, "/status")
    assert len(await harness.feed(status)) == 1
    assert await harness.feed(status) == []


async def test_a_press_redelivered_after_later_steps_is_still_recognised(
    harness: BotHarness,
) -> None:
    await harness.command(EN_USER, "/start")
    first_press = harness.updates.press(
        EN_USER, "a|0|welcome|begin", harness.last_buttons_message[EN_USER["id"]]
    )
    await harness.feed(first_press)
    await harness.answer(EN_USER, "yes")
    await harness.restart()
    assert await harness.feed(first_press) == []  # not even a "this button is old" alert
    assert harness.state(EN_USER["id"]) == "manages_shops"
    assert harness.services.progress.get(EN_USER["id"]).seq == 2


async def test_redelivery_after_a_restart_is_still_recognised(harness: BotHarness) -> None:
    await harness.command(EN_USER, "/start")
    message = harness.last_buttons_message[EN_USER["id"]]
    update_dict = harness.updates.press(EN_USER, "a|0|welcome|begin", message).to_dict()
    await harness.feed(harness.updates.from_dict({k: v for k, v in update_dict.items()}))
    await harness.restart()
    from telegram import Update

    again = Update.de_json(update_dict, harness.application.bot)
    assert await harness.feed(again) == []
    assert harness.state(EN_USER["id"]) == "owner_separate"


async def test_a_failing_handler_keeps_progress_and_reassures(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    await at_taobao_step(harness)
    before = harness.services.progress.get(EN_USER["id"])

    def broken_log(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    # The answers-log write fails inside the transaction: the state change must roll back.
    monkeypatch.setattr(ProgressService, "_log", broken_log)
    with caplog.at_level(logging.ERROR, logger="bot.errors"):
        calls = await harness.answer(EN_USER, "yes")
    assert "Your progress is saved and safe" in texts(calls)
    after = harness.services.progress.get(EN_USER["id"])
    assert (after.state, after.seq, after.history) == (before.state, before.seq, before.history)
    assert "disk on fire" in caplog.text and "update" in caplog.text
    assert "123:TEST" not in caplog.text  # never the token

    monkeypatch.undo()
    calls = await harness.answer(EN_USER, "yes")
    assert harness.state(EN_USER["id"]) == "alipay_corporate"


async def test_a_failing_record_of_handled_updates_is_reported_not_raised(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    await harness.command(EN_USER, "/start")

    def locked(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database is locked")

    # /status changes nothing, so its id is recorded after the handlers: if that fails, the
    # error handler reports it (process_update must not raise into PTB's update fetcher).
    monkeypatch.setattr(UpdateLedger, "finish", locked)
    with caplog.at_level(logging.ERROR, logger="bot.errors"):
        calls = await harness.command(EN_USER, "/status")
    assert methods(calls) == ["sendMessage", "sendMessage"]
    assert "Your progress is saved and safe" in calls[-1].text
    assert "database is locked" in caplog.text

    # The same when the lookup before the handlers fails: the update is not handled blind.
    monkeypatch.setattr(UpdateLedger, "seen", locked)
    calls = await harness.command(EN_USER, "/status")
    assert methods(calls) == ["sendMessage"]
    assert "Your progress is saved and safe" in calls[0].text


async def test_a_failed_edit_falls_back_to_a_new_message(harness: BotHarness) -> None:
    await harness.command(EN_USER, "/start")
    harness.api.fail("editMessageText", 400, "Bad Request: message to edit not found")
    calls = await harness.answer(EN_USER, "begin")
    assert methods(calls) == ["answerCallbackQuery", "editMessageText", "sendMessage"]
    assert "different company" in calls[-1].text
    assert harness.state(EN_USER["id"]) == "owner_separate"
