"""Automatic follow-ups through the real Application: audit follow-up, idle nudge, quiet hours."""

from __future__ import annotations

from typing import Any

import pytest

import bot.services.reminders.reminders as reminders_module
from bot.demo.offline_api import ApiCall
from bot.services.reminders.reminders import ReminderService
from bot.storage import meta
from bot.storage import reminders as store
from bot.storage.sql import transaction
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock, texts
from tests.helpers.paths import TO_OP_SUBMITTED
from tests.helpers.reminders import run_tick


async def press_on(
    harness: BotHarness, user: dict[str, Any], call: ApiCall, answer: str
) -> list[ApiCall]:
    """Press the ``answer`` button of the message ``call`` sent (a reminder)."""
    data = next(d for _, d in call.buttons() if d.startswith("a|") and d.endswith(f"|{answer}"))
    return await harness.press(user, data, message=call.result)


async def test_audit_follow_up_on_the_expected_working_day_then_snoozes(
    harness: BotHarness, clock: FrozenClock
) -> None:
    clock.set(2026, 9, 30)  # Wednesday before National Day; due Saturday Oct 10 (worked)
    await harness.command(EN_USER, "/start")
    for answer in TO_OP_SUBMITTED:
        await harness.answer(EN_USER, answer)
    await harness.answer(EN_USER, "yes")
    assert harness.state(EN_USER["id"]) == "op_audit"
    assert await run_tick(harness) == []
    for day in (1, 8, 9):  # holidays and the day before: nothing
        clock.set(2026, 10, day)
        assert await run_tick(harness) == []
    clock.set(2026, 10, 10, hour=1)  # 09:00 in Shanghai: not yet
    assert await run_tick(harness) == []
    clock.set(2026, 10, 10, hour=2)  # 10:00
    [first] = await run_tick(harness)
    assert first.chat_id == EN_USER["id"]
    assert "Today is the expected result date" in first.text
    assert "Quotation and second audit" in first.text
    labels = [label for label, data in first.buttons() if data.startswith("a|")]
    assert len(labels) == 3 and all("|op_audit|" in d for _, d in first.buttons()[:3])
    assert await run_tick(harness) == []  # once

    # "Still waiting", pressed on the follow-up itself, goes through the normal flow...
    calls = await press_on(harness, EN_USER, first, "waiting")
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert harness.state(EN_USER["id"]) == "op_audit"
    # ... and snoozes one working day: Sunday Oct 11 is off, so Monday Oct 12.
    clock.set(2026, 10, 11, hour=5)
    assert await run_tick(harness) == []
    clock.set(2026, 10, 12, hour=2)
    [second] = await run_tick(harness)
    assert "Checking in again" in second.text
    await press_on(harness, EN_USER, second, "waiting")
    clock.set(2026, 10, 13, hour=2)
    [third] = await run_tick(harness)
    assert "Checking in again" in third.text
    await press_on(harness, EN_USER, third, "waiting")
    clock.set(2026, 10, 14, hour=2)
    [last] = await run_tick(harness)
    assert "Still no result" in last.text and "Tmall service provider backend" in last.text
    assert "/ask" not in last.text  # this bot has no support group
    await press_on(harness, EN_USER, last, "waiting")
    for day in (15, 16, 19, 20):
        clock.set(2026, 10, day, hour=2)
        assert await run_tick(harness) == []  # at most a few times, then it stops asking

    # A real answer ends the audit follow-ups.
    await harness.answer(EN_USER, "passed")  # (the follow-up's buttons are stale by now)
    assert harness.state(EN_USER["id"]) == "op_deposit"
    assert await run_tick(harness) == []
    assert store.get_reminder(harness.db, EN_USER["id"]).kind == "idle"


async def test_audit_follow_up_is_in_the_chats_language(
    harness: BotHarness, clock: FrozenClock
) -> None:
    clock.set(2026, 11, 27)  # Friday; due Wednesday Dec 2
    await harness.command(ZH_USER, "/start")
    for answer in [*TO_OP_SUBMITTED, "yes"]:
        await harness.answer(ZH_USER, answer)
    await run_tick(harness)
    clock.set(2026, 12, 1, hour=2)
    assert await run_tick(harness) == []
    clock.set(2026, 12, 2, hour=2)
    [call] = await run_tick(harness)
    assert "预计结果日期" in call.text and "审核通过了吗" in call.text


async def test_idle_nudges_respect_quiet_hours_and_back_off(
    harness: BotHarness, clock: FrozenClock
) -> None:
    clock.set(2026, 9, 28, hour=13)  # 21:00 in Shanghai
    await harness.command(EN_USER, "/start")
    await harness.answer(EN_USER, "begin")
    assert await run_tick(harness) == []
    clock.set(2026, 10, 1, hour=13)  # three days later, but 21:00: quiet
    assert await run_tick(harness) == []
    clock.set(2026, 10, 2, hour=0)  # 08:00: still quiet
    assert await run_tick(harness) == []
    clock.set(2026, 10, 2, hour=1)  # 09:00
    [first] = await run_tick(harness)
    assert "friendly reminder" in first.text
    assert "you are at <b>Who owns the store</b>" in first.text  # the step's name
    assert "/mute" in first.text
    assert any(d.startswith("a|") for _, d in first.buttons())
    assert await run_tick(harness) == []
    clock.set(2026, 10, 7, hour=1)
    assert await run_tick(harness) == []
    clock.set(2026, 10, 8, hour=14)  # six days later, due, but 22:00: quiet
    assert await run_tick(harness) == []
    clock.set(2026, 10, 9, hour=1)  # 09:00: sent
    assert len(await run_tick(harness)) == 1
    clock.set(2026, 10, 21, hour=1)  # twelve days later
    assert len(await run_tick(harness)) == 1
    for month, day in ((11, 15), (12, 31)):
        clock.set(2026, month, day, hour=3)
        assert await run_tick(harness) == []  # at most three nudges

    # An answer starts the count again.
    await press_on(harness, EN_USER, first, "yes")  # the first nudge's button still works
    assert harness.state(EN_USER["id"]) == "manages_shops"
    clock.advance(days=3, hours=1)
    assert len(await run_tick(harness)) == 1


async def test_mute_and_unmute(harness: BotHarness, clock: FrozenClock) -> None:
    await harness.command(EN_USER, "/start")
    calls = await harness.command(EN_USER, "/mute")
    assert "Reminders are off" in texts(calls)
    assert "already off" in texts(await harness.command(EN_USER, "/mute"))
    clock.advance(days=10)
    assert await run_tick(harness) == []
    calls = await harness.command(EN_USER, "/unmute")
    assert "on again" in texts(calls)
    assert "already on" in texts(await harness.command(EN_USER, "/unmute"))
    clock.advance(days=2)
    assert await run_tick(harness) == []  # idle counting restarted at /unmute
    clock.advance(days=1, hours=1)
    assert len(await run_tick(harness)) == 1


async def test_a_chat_that_blocked_the_bot_gets_no_more_reminders(
    harness: BotHarness, clock: FrozenClock
) -> None:
    await harness.command(EN_USER, "/start")
    clock.advance(days=3, hours=1)
    harness.api.fail("sendMessage", 403, chat_id=EN_USER["id"])
    assert await run_tick(harness) == []
    assert harness.services.progress.get(EN_USER["id"]).active is False
    assert store.get_reminder(harness.db, EN_USER["id"]) is None
    clock.advance(days=30)
    assert await run_tick(harness) == []


async def test_the_sync_follows_the_answers_log_page_by_page(
    harness: BotHarness, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.set(2026, 9, 28, hour=3)
    for offset in range(5):  # 5 chats, 2 log entries each (/start, an answer): ids 1..10
        user = {**EN_USER, "id": EN_USER["id"] + offset}
        await harness.command(user, "/start")
        await harness.answer(user, "begin")
    monkeypatch.setattr(reminders_module, "SYNC_PAGE", 4)
    reminders = harness.services.reminders
    db = harness.db
    assert db.execute("SELECT COUNT(*) FROM reminders").fetchone()[0] == 0
    assert reminders.sync(max_pages=2) == 4  # entries 1-8: chats 1 to 4
    assert reminders.sync(max_pages=2) == 1  # entries 9-10: chat 5
    assert reminders.sync(max_pages=2) == 0  # caught up
    assert db.execute("SELECT COUNT(*) FROM reminders").fetchone()[0] == 5
    await harness.answer(EN_USER, "yes")  # a new entry: that chat, and only it, again
    assert reminders.sync() == 1


def as_before_the_upgrade(harness: BotHarness, old_cursor: str) -> ReminderService:
    """The database as the sync that followed ``chats.updated_at`` left it, at ``old_cursor``."""
    db = harness.db
    db.execute("DELETE FROM operator_meta")
    db.execute("DELETE FROM reminders")
    with transaction(db):
        meta.set_meta(db, "reminders.sync_cursor", old_cursor)
    return harness.services.reminders


async def test_the_sync_goes_on_from_an_older_databases_cursor(
    harness: BotHarness, clock: FrozenClock
) -> None:
    db = harness.db
    clock.set(2026, 9, 28, hour=3)
    await harness.command(EN_USER, "/start")  # synced before the upgrade
    clock.set(2026, 9, 29, hour=3)
    await harness.command(ZH_USER, "/start")  # changed after the old cursor
    reminders = as_before_the_upgrade(harness, "2026-09-29T00:00:00+00:00")
    assert reminders.sync() == 1
    [[chat_id]] = db.execute("SELECT chat_id FROM reminders").fetchall()
    assert chat_id == ZH_USER["id"]
    assert meta.get_meta(db, "reminders.sync_event") is not None  # the old one is done with
    assert reminders.sync() == 0


async def test_an_older_cursor_with_nothing_after_it_is_looked_up_once(
    harness: BotHarness, clock: FrozenClock
) -> None:
    db = harness.db
    clock.set(2026, 9, 28, hour=3)
    await harness.command(EN_USER, "/start")
    reminders = as_before_the_upgrade(harness, "2026-10-01T00:00:00+00:00")
    assert reminders.sync() == 0
    assert meta.get_meta(db, "reminders.sync_event") == "1"  # after the one entry there is
