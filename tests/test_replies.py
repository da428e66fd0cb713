"""A saved answer whose reply fails: retried, and made good with the next update."""

from __future__ import annotations

from tests.helpers.harness import EN_USER, BotHarness, methods, texts


async def test_a_reply_is_retried_after_a_server_error(harness: BotHarness) -> None:
    await harness.command(EN_USER, "/start")
    harness.api.fail("editMessageText", 502, times=1)
    calls = await harness.answer(EN_USER, "begin")
    assert methods(calls) == ["answerCallbackQuery", "editMessageText", "editMessageText"]
    assert "Something went wrong" not in texts(calls)
    assert harness.state(EN_USER["id"]) == "owner_separate"


async def test_when_the_reply_fails_for_good_the_next_message_gets_the_step(
    harness: BotHarness,
) -> None:
    await harness.command(EN_USER, "/start")
    harness.api.fail("editMessageText", 0, times=3)  # timeouts, every try
    harness.api.fail("sendMessage", 500, times=2)  # and no new message gets out either
    calls = await harness.answer(EN_USER, "begin")
    assert harness.state(EN_USER["id"]) == "owner_separate"  # the answer is saved
    assert "try again" not in texts(calls) and "went wrong" not in texts(calls)
    calls = await harness.send(EN_USER, "hello?")
    assert "was saved" in texts(calls)
    buttons = [data for call in calls for _, data in call.buttons()]
    assert any(data.startswith("a|1|owner_separate|") for data in buttons)
    calls = await harness.send(EN_USER, "hello again")
    assert "was saved" not in texts(calls)  # said once


async def test_a_stale_press_after_a_lost_reply_says_the_answer_was_saved(
    harness: BotHarness,
) -> None:
    await harness.command(EN_USER, "/start")
    welcome = harness.last_buttons_message[EN_USER["id"]]
    harness.api.fail("editMessageText", 500, times=3)
    harness.api.fail("sendMessage", 500, times=2)
    await harness.answer(EN_USER, "begin")  # saved; neither the edit nor a new message got out
    calls = await harness.press(EN_USER, "a|0|welcome|begin", message=welcome)  # pressed again
    assert "earlier message" in texts(calls) and "was saved" in texts(calls)
    assert harness.state(EN_USER["id"]) == "owner_separate"


async def test_when_only_the_edit_fails_the_step_comes_as_a_new_message(
    harness: BotHarness,
) -> None:
    await harness.command(EN_USER, "/start")
    harness.api.fail("editMessageText", 500, times=3)
    calls = await harness.answer(EN_USER, "begin")
    [step] = [c for c in calls if c.method == "sendMessage"]
    assert "was saved" in step.text
    assert any(data.startswith("a|1|owner_separate|") for _, data in step.buttons())
