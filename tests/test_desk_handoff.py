"""The handoff through the real Application: a ticket waiting for us pauses the company's
automatic nudges; an answer, closing the ticket or N working days without an answer end it."""

from __future__ import annotations

from bot.demo.offline_api import ApiCall
from bot.storage import reminders as store
from tests.helpers.handoff import reply_to, waiting_ticket
from tests.helpers.harness import EN_USER, BotHarness, FrozenClock
from tests.helpers.paths import TO_OP_SUBMITTED
from tests.helpers.reminders import run_tick
from tests.helpers.support import OPERATOR, PLAIN, SUPPORT, one


def to_user(calls: list[ApiCall]) -> list[ApiCall]:
    return [c for c in calls if c.chat_id == EN_USER["id"]]


async def test_an_open_ticket_pauses_the_nudge_and_closing_it_sends_it(
    desk: BotHarness, clock: FrozenClock
) -> None:
    clock.set(2026, 11, 2)  # Monday, 10:00 in Shanghai
    card = await waiting_ticket(desk, EN_USER, "How long does the audit take?")
    clock.set(2026, 11, 5, hour=3)  # the idle nudge is due (3 days), but the ticket waits
    assert to_user(await run_tick(desk)) == []
    assert store.get_reminder(desk.db, EN_USER["id"]).status == "pending"  # held, not lost
    calls = await desk.command(OPERATOR, "/close", PLAIN, **reply_to(card))
    assert any(c.chat_id == EN_USER["id"] for c in calls)
    [nudge] = to_user(await run_tick(desk))
    assert "friendly reminder" in nudge.text


async def test_an_answer_from_us_ends_the_pause(desk: BotHarness, clock: FrozenClock) -> None:
    clock.set(2026, 11, 2)
    card = await waiting_ticket(desk, EN_USER, "A question")
    clock.set(2026, 11, 5, hour=3)
    assert to_user(await run_tick(desk)) == []
    await desk.send(OPERATOR, "About 3 working days", PLAIN, **reply_to(card))
    assert len(to_user(await run_tick(desk))) == 1
    # The user writes again: a new wait, a new pause (for the next nudge).
    await desk.send(EN_USER, "Thanks, one more thing")
    clock.set(2026, 11, 11, hour=4)  # the second nudge (6 days later) is due: held
    assert to_user(await run_tick(desk)) == []
    clock.set(2026, 11, 12, hour=4)  # 5 working days after Nov 5: it goes
    assert len(to_user(await run_tick(desk))) == 1


async def test_nudges_go_on_after_n_working_days_without_an_answer(
    desk: BotHarness, clock: FrozenClock
) -> None:
    clock.set(2026, 11, 2)  # waiting from Monday Nov 2: 5 working days end on Monday Nov 9
    await waiting_ticket(desk, EN_USER, "Anyone there?")
    for day in (5, 6, 7, 8):
        clock.set(2026, 11, day, hour=3)
        assert to_user(await run_tick(desk)) == []
    clock.set(2026, 11, 9, hour=3)
    [nudge] = to_user(await run_tick(desk))
    assert "friendly reminder" in nudge.text


async def test_an_audit_follow_up_held_past_its_day_says_when_it_was_due(
    desk: BotHarness, clock: FrozenClock
) -> None:
    clock.set(2026, 9, 30)  # the audit's result is due Saturday Oct 10 (a make-up working day)
    await desk.command(EN_USER, "/start")
    for answer in TO_OP_SUBMITTED:
        await desk.answer(EN_USER, answer)
    await desk.answer(EN_USER, "yes")
    assert desk.state(EN_USER["id"]) == "op_audit"
    clock.set(2026, 10, 9)
    await desk.command(EN_USER, "/ask")
    calls = await desk.send(EN_USER, "Is the audit late?")
    clock.set(2026, 10, 10, hour=3)  # the follow-up's time: held, the ticket waits
    assert to_user(await run_tick(desk)) == []
    header = one(calls, "sendMessage", chat_id=SUPPORT).result["message_id"]
    await desk.command(OPERATOR, "/close", PLAIN, **reply_to(header))
    clock.set(2026, 10, 12, hour=3)
    [late] = to_user(await run_tick(desk))
    assert "The expected result date for <b>Quotation and second audit</b> was" in late.text
    assert "Today is" not in late.text
