"""The durable inbox: an update is kept before it is acknowledged, and handled after a crash."""

from __future__ import annotations

import asyncio
import json

from bot.intake import Intake
from tests.conftest import EN_USER, BotHarness, texts


async def handle_all(intake: Intake) -> None:
    consumer = asyncio.create_task(intake.consume())
    await intake.drain(5)
    consumer.cancel()


def raw(update: object) -> tuple[int, str]:
    return update.update_id, json.dumps(update.to_dict())  # type: ignore[attr-defined]


async def test_a_kept_update_is_handled_after_a_crash(harness: BotHarness) -> None:
    start = harness.updates.command(EN_USER, "/start")
    intake = Intake(harness.application)
    assert intake.accept([raw(start)]) == 1  # kept: Telegram may now be told
    await harness.restart()  # the process died before handling it
    assert harness.services.progress.get(EN_USER["id"]) is None
    intake = Intake(harness.application)
    assert intake.replay() == 1
    await handle_all(intake)
    assert harness.state(EN_USER["id"]) == "welcome"
    assert "Welcome" in texts(harness.api.take())


async def test_an_update_handled_before_the_crash_is_not_handled_again(
    harness: BotHarness,
) -> None:
    intake = Intake(harness.application)
    intake.accept([raw(harness.updates.command(EN_USER, "/start"))])
    await handle_all(intake)
    press = harness.updates.press(
        EN_USER, "a|0|welcome|begin", harness.last_buttons_message.get(EN_USER["id"])
    )
    intake.accept([raw(press)])
    await handle_all(intake)
    assert harness.state(EN_USER["id"]) == "owner_separate"
    harness.api.take()
    await harness.restart()  # killed before the handled rows were pruned
    intake = Intake(harness.application)
    assert intake.replay() == 2
    await handle_all(intake)
    assert harness.state(EN_USER["id"]) == "owner_separate"  # not moved twice
    assert not [c for c in harness.api.take() if c.method != "getMe"]  # and nothing said twice


async def test_a_redelivered_update_is_kept_once(harness: BotHarness) -> None:
    start = raw(harness.updates.command(EN_USER, "/start"))
    intake = Intake(harness.application)
    assert intake.accept([start]) == 1
    assert intake.accept([start]) == 0  # Telegram sent it again: not queued twice
    assert intake.queue.qsize() == 1


async def test_handled_updates_are_pruned_and_unhandled_ones_kept(harness: BotHarness) -> None:
    inbox = harness.services.inbox
    intake = Intake(harness.application)
    first = raw(harness.updates.command(EN_USER, "/start"))
    intake.accept([first])
    await handle_all(intake)
    second = raw(harness.updates.command(EN_USER, "/status"))
    inbox.keep([second])  # kept, not handled yet
    assert inbox.prune() == 1
    assert [update_id for update_id, _ in inbox.pending()] == [second[0]]
