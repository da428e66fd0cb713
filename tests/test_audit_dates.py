"""Audit dates shown in the chat across the turn of the year (2026 → 2027)."""

from __future__ import annotations

from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock, texts

TO_AUDIT = ["begin", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "passed", "yes", "yes"]


async def test_a_submission_on_2026_12_29_is_due_after_new_year_provisionally(
    harness: BotHarness, clock: FrozenClock
) -> None:
    clock.set(2026, 12, 29)
    await harness.command(EN_USER, "/start")
    calls = []
    for answer in TO_AUDIT:
        calls = await harness.answer(EN_USER, answer)
    assert harness.state(EN_USER["id"]) == "op_audit"
    text = texts(calls)
    assert "January 4, 2027" in text  # not New Year's Day: January 1 is a holiday
    assert "January 1, 2027" not in text
    assert "provisional" in text  # the 2027 schedule is not official yet


async def test_a_2026_date_is_not_marked_provisional(
    harness: BotHarness, clock: FrozenClock
) -> None:
    clock.set(2026, 12, 1)
    await harness.command(ZH_USER, "/start")
    calls = []
    for answer in TO_AUDIT:
        calls = await harness.answer(ZH_USER, answer)
    text = texts(calls)
    assert "2026年12月4日" in text and "暂定" not in text
