"""/reset and /language buttons when the pressed message cannot be edited, or is pressed twice.

Telegram answers such an edit with a 400: "message is not modified" (the message already says
it: the button was pressed twice) or "message can't be edited" / "message to edit not found".
Either way the press is answered once, nothing is logged as an error, and a saved change
(a reset, a new language) is followed by the step.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.demo.offline_api import ApiCall
from tests.helpers.harness import EN_USER, BotHarness, methods, texts

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
CANNOT_EDIT = "Bad Request: message can't be edited"


def button(calls: list[ApiCall], ending: str) -> str:
    return next(data for call in calls for _, data in call.buttons() if data.endswith(ending))


def step_buttons(calls: list[ApiCall]) -> list[str]:
    return [data for call in calls for _, data in call.buttons() if data.startswith("a|")]


async def at_taobao_corporate(harness: BotHarness) -> None:
    await harness.command(EN_USER, "/start")
    for answer in ["begin", "yes", "yes"]:
        await harness.answer(EN_USER, answer)


def assert_clean(calls: list[ApiCall], caplog: pytest.LogCaptureFixture) -> None:
    assert methods(calls).count("answerCallbackQuery") == 1  # never a second, refused answer
    assert "Something went wrong" not in texts(calls)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("description", [CANNOT_EDIT, "Bad Request: message to edit not found"])
async def test_a_confirmed_reset_on_an_uneditable_message_still_shows_the_first_step(
    harness: BotHarness, caplog: pytest.LogCaptureFixture, description: str
) -> None:
    await at_taobao_corporate(harness)
    asked = await harness.command(EN_USER, "/reset")
    harness.api.fail("editMessageText", 400, description)
    with caplog.at_level(logging.INFO):
        calls = await harness.press(EN_USER, button(asked, "|yes"), message=asked[0].result)
    assert harness.state(EN_USER["id"]) == "welcome"
    assert_clean(calls, caplog)
    sent = [c for c in calls if c.method == "sendMessage"]
    assert "Progress cleared" in texts(sent)  # said in a new message instead
    assert any(data.startswith("a|") and "|welcome|" in data for data in step_buttons(sent))


async def test_a_reset_cancelled_twice_is_answered_once_each(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await at_taobao_corporate(harness)
    asked = await harness.command(EN_USER, "/reset")
    no, message = button(asked, "|no"), asked[0].result
    calls = await harness.press(EN_USER, no, message=message)
    assert "Kept your progress" in texts(calls)
    harness.api.fail("editMessageText", 400, NOT_MODIFIED)  # the second tap of a double tap
    with caplog.at_level(logging.INFO):
        calls = await harness.press(EN_USER, no, message=message)
    assert_clean(calls, caplog)
    assert methods(calls) == ["answerCallbackQuery", "editMessageText"]  # nothing sent again
    assert harness.state(EN_USER["id"]) == "taobao_corporate"


async def test_a_reset_cancelled_on_an_uneditable_message_says_so_in_a_new_one(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await at_taobao_corporate(harness)
    asked = await harness.command(EN_USER, "/reset")
    harness.api.fail("editMessageText", 400, CANNOT_EDIT)
    with caplog.at_level(logging.INFO):
        calls = await harness.press(EN_USER, button(asked, "|no"), message=asked[0].result)
    assert_clean(calls, caplog)
    assert methods(calls) == ["answerCallbackQuery", "editMessageText", "sendMessage"]
    assert "Kept your progress" in calls[-1].text
    assert harness.state(EN_USER["id"]) == "taobao_corporate"


async def test_a_language_pressed_twice_shows_the_step_once(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await at_taobao_corporate(harness)
    chooser: Any = (await harness.command(EN_USER, "/language"))[0].result
    calls = await harness.press(EN_USER, "l|zh", message=chooser)
    assert "语言：中文" in texts(calls) and step_buttons(calls)
    harness.api.fail("editMessageText", 400, NOT_MODIFIED)
    with caplog.at_level(logging.INFO):
        calls = await harness.press(EN_USER, "l|zh", message=chooser)
    assert_clean(calls, caplog)
    assert "出了点问题" not in texts(calls)
    assert methods(calls) == ["answerCallbackQuery", "editMessageText"]  # no second step
    assert harness.services.progress.get(EN_USER["id"]).language == "zh"


async def test_a_language_on_an_uneditable_message_is_still_set_and_the_step_shown(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await at_taobao_corporate(harness)
    chooser: Any = (await harness.command(EN_USER, "/language"))[0].result
    harness.api.fail("editMessageText", 400, CANNOT_EDIT)
    with caplog.at_level(logging.INFO):
        calls = await harness.press(EN_USER, "l|zh", message=chooser)
    assert_clean(calls, caplog)
    assert methods(calls) == [
        "answerCallbackQuery",
        "editMessageText",
        "sendMessage",
        "sendMessage",
    ]
    assert "语言：中文" in calls[2].text
    assert "淘宝账号是否已注册为企业账号" in calls[3].text and step_buttons(calls[3:])
    assert harness.services.progress.get(EN_USER["id"]).language == "zh"


async def test_when_nothing_gets_out_after_a_reset_the_next_message_gets_the_step(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await at_taobao_corporate(harness)
    asked = await harness.command(EN_USER, "/reset")
    harness.api.fail("editMessageText", 400, CANNOT_EDIT)
    harness.api.fail("sendMessage", 500, times=2)  # neither the notice nor the step gets out
    with caplog.at_level(logging.INFO):
        calls = await harness.press(EN_USER, button(asked, "|yes"), message=asked[0].result)
    assert_clean(calls, caplog)
    assert harness.state(EN_USER["id"]) == "welcome"
    calls = await harness.send(EN_USER, "hello?")
    assert any("|welcome|" in data for data in step_buttons(calls))
