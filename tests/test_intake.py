"""The durable inbox: an update is kept before it is acknowledged, and handled after a crash."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time

import pytest

from bot.intake import Intake
from tests.helpers.harness import EN_USER, BotHarness, texts


async def handle_all(intake: Intake) -> None:
    """Let the application's own update fetcher take what was queued, and wait for it."""
    if not intake.application.running:
        await intake.application.start()
    await intake.drain(5)


PAGES_FULL = 8  # updates of 3 KB: more than the pages a database may not grow by


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
    assert intake.replay() == 0  # both recorded done
    assert intake.make_good_owed() == 0  # and both replies went out
    intake.accept([raw(press)])  # Telegram delivers the press again
    await handle_all(intake)
    assert harness.state(EN_USER["id"]) == "owner_separate"  # not moved twice
    assert not [c for c in harness.api.take() if c.method != "getMe"]  # and nothing said twice


async def test_a_redelivered_update_is_kept_once(harness: BotHarness) -> None:
    start = raw(harness.updates.command(EN_USER, "/start"))
    intake = Intake(harness.application)
    assert intake.accept([start]) == 1
    assert intake.accept([start]) == 0  # Telegram sent it again: not queued twice
    assert intake.queued == 1


async def test_handled_updates_are_pruned_and_unhandled_ones_kept(harness: BotHarness) -> None:
    ledger = harness.services.ledger
    intake = Intake(harness.application)
    first = raw(harness.updates.command(EN_USER, "/start"))
    intake.accept([first])
    await handle_all(intake)
    second = raw(harness.updates.command(EN_USER, "/status"))
    ledger.keep([second])  # kept, not handled yet
    harness.clock.advance(days=3)
    assert ledger.prune() == 2
    ledger.keep([raw(harness.updates.command(EN_USER, "/status"))])
    harness.clock.advance(days=3)
    third = raw(harness.updates.command(EN_USER, "/help"))
    ledger.keep([third])
    assert ledger.prune() == 1  # only what was received more than two days ago
    assert [update_id for update_id, _ in ledger.pending()] == [third[0]]


async def test_a_database_locked_by_another_process_does_not_stall_or_fail(
    harness: BotHarness,
) -> None:
    """E.g. the command line sending a broadcast: the update waits, the loop goes on."""
    intake = Intake(harness.application)
    intake.accept([raw(harness.updates.command(EN_USER, "/start"))])
    other = sqlite3.connect(harness.settings.db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO operator_meta (key, value) VALUES ('cli', 'writing')")
    gaps: list[float] = []

    async def ticker() -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticking = asyncio.create_task(ticker())
    await harness.application.start()
    await asyncio.sleep(0.4)
    assert harness.services.progress.get(EN_USER["id"]) is None  # still waiting
    assert not harness.api.calls  # and nothing said: no "something went wrong"
    other.execute("COMMIT")
    await intake.drain(5)
    ticking.cancel()
    assert harness.state(EN_USER["id"]) == "welcome"
    assert [c.method for c in harness.api.take()] == ["sendMessage"]  # handled once
    assert max(gaps) < 0.15  # the loop was never frozen


async def test_polled_updates_are_kept_as_telegram_sent_them(harness: BotHarness) -> None:
    sent = {
        "update_id": 41,
        "message": {
            "message_id": 1,
            "date": 1,
            "chat": {"id": 1001, "type": "private"},
            "from": EN_USER,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            "some_future_field": {"kept": True},
        },
    }
    harness.api.responders["getUpdates"] = lambda params: [sent]
    updates = await harness.application.bot.get_updates(timeout=0)
    intake = Intake(harness.application)
    assert intake.fetched is not None
    assert intake.accept_updates(updates, intake.fetched.take()) == 1
    [(update_id, body)] = list(harness.services.ledger.pending())
    assert update_id == 41 and json.loads(body) == sent


async def test_a_full_disk_keeps_nothing_confirms_nothing_and_goes_on_when_there_is_room(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """SQLite's "database or disk is full", for real: the database may not grow a page."""
    from bot.services.errors import DiskFull

    intake = Intake(harness.application)
    db = harness.db
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")
    batch = [raw(harness.updates.message(EN_USER, text="x" * 3000)) for _ in range(2 * PAGES_FULL)]
    with caplog.at_level(logging.INFO, logger="bot.intake"):
        for _ in range(3):
            with pytest.raises(DiskFull):
                intake.accept(batch)  # not kept: the caller must not confirm it
        said = [r for r in caplog.records if "is full" in r.getMessage()]
        assert len(said) == 1  # said once, not for every try
        assert list(harness.services.ledger.pending()) == []
        db.execute(f"PRAGMA max_page_count = {pages * 1000}")  # room again
        assert intake.accept(batch) == len(batch)
        assert "takes updates again" in caplog.text
