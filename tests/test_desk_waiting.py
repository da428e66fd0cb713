"""Waiting measured in working hours, through the real Application: the card says how waits
count and that nudges pause; a wait over TPBOT_ESCALATE_AFTER_HOURS working hours is escalated
once per wait to the support group, across a weekend and a Chinese holiday."""

from __future__ import annotations

from bot.demo.offline_api import ApiCall
from bot.jobs import escalate
from tests.helpers.handoff import reply_to, waiting_ticket
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock
from tests.helpers.support import OPERATOR, PLAIN, SUPPORT, make_forum, one, operator_in_topic


async def escalations(desk: BotHarness, edits: list[ApiCall] | None = None) -> list[ApiCall]:
    """One round of the escalation job: its messages to the support group (and, into
    ``edits``, the cards it edited)."""
    desk.api.take()
    await escalate(desk.application)
    calls = desk.api.take()
    if edits is not None:
        edits.extend(c for c in calls if c.method == "editMessageText")
    return [c for c in calls if c.method == "sendMessage" and c.chat_id == SUPPORT]


def at(clock: FrozenClock, month: int, day: int, hour: int, minute: int = 0) -> None:
    """Shanghai's local time (UTC+8) on the test clock."""
    clock.set(2026, month, day, hour=hour - 8)
    clock.advance(minutes=minute)


async def test_a_wait_over_the_limit_is_escalated_once_across_a_weekend(
    desk: BotHarness, clock: FrozenClock
) -> None:
    at(clock, 11, 6, 16)  # Friday 16:00
    await desk.command(EN_USER, "/start")
    await desk.answer(EN_USER, "begin")
    await desk.command(EN_USER, "/ask")
    calls = await desk.send(EN_USER, "Is anyone there?")
    card = one(calls, "sendMessage", chat_id=SUPPORT)
    assert "Automatic reminders to them are paused" in card.text
    assert "at most 5 working days" in card.text
    assert "09:00-18:00" in card.text and "for 4 working hours" in card.text
    header = card.result["message_id"]

    at(clock, 11, 6, 23)  # 2 working hours (Friday 16:00-18:00)
    assert await escalations(desk) == []
    at(clock, 11, 9, 10, 59)  # Monday: not quite 4
    assert await escalations(desk) == []
    at(clock, 11, 9, 11)
    edits: list[ApiCall] = []
    [sent] = await escalations(desk, edits)
    assert "Ticket #1 (Alice) has waited 4 working hours" in sent.text
    assert sent.params["reply_parameters"]["message_id"] == header  # under its card
    [edit] = edits  # the card says so too, below what it said
    assert edit.params["message_id"] == header and edit.text.startswith(card.text)
    assert "Waiting for an answer for 4 working hours: escalated" in edit.text
    at(clock, 11, 9, 15)
    edits.clear()
    assert await escalations(desk, edits) == []  # once per wait
    assert edits == []

    # An answer ends the wait (the card shows how long the first answer took); the user's next
    # message starts another wait, escalated anew.
    calls = await desk.send(OPERATOR, "Here we are", PLAIN, **reply_to(header))
    assert [c.method for c in calls] == ["copyMessage"]  # the card is edited by the job
    assert await escalations(desk, edits) == []
    [edit] = edits
    assert "First answer after 8 working hours" in edit.text and "Waiting" not in edit.text
    await desk.send(EN_USER, "Thanks. One more thing")
    at(clock, 11, 9, 18)
    assert await escalations(desk) == []  # 3 working hours
    at(clock, 11, 10, 10)
    [again] = await escalations(desk)
    assert "4 working hours" in again.text


async def test_a_chinese_holiday_does_not_count_and_the_topic_is_told_in_chinese(
    desk: BotHarness, clock: FrozenClock
) -> None:
    make_forum(desk)
    at(clock, 9, 30, 16)  # Wednesday before National Day (Oct 1-7 off)
    await desk.command(ZH_USER, "/start")
    await desk.answer(ZH_USER, "begin")
    await desk.command(ZH_USER, "/ask")
    calls = await desk.send(ZH_USER, "请问审核要多久？")
    thread = one(calls, "createForumTopic", chat_id=SUPPORT).result["message_thread_id"]
    card = one(calls, "sendMessage", chat_id=SUPPORT)
    assert "暂停向对方发送自动提醒（最多 5 个工作日）" in card.text
    at(clock, 10, 7, 17)  # two working hours, and a week of holidays
    assert await escalations(desk) == []
    at(clock, 10, 8, 10, 30)  # Thursday after the holiday: 3.5
    assert await escalations(desk) == []
    at(clock, 10, 8, 11)
    edits: list[ApiCall] = []
    [sent] = await escalations(desk, edits)
    assert "已等待回复 4 个工作小时，已提醒跟进" in edits[0].text
    assert sent.params["message_thread_id"] == thread
    assert "工单 #1（王伟）已等待回复 4 个工作小时（上限为 4 小时）" in sent.text
    # Closing the ticket ends the wait: nothing more to escalate.
    await operator_in_topic(desk, thread, "/close")
    at(clock, 10, 9, 17)
    assert await escalations(desk) == []


async def test_an_answered_ticket_and_a_zero_limit_are_never_escalated(
    desk: BotHarness, clock: FrozenClock
) -> None:
    at(clock, 11, 2, 9)
    card = await waiting_ticket(desk, EN_USER, "A question")
    await desk.send(OPERATOR, "An answer", PLAIN, **reply_to(card))
    at(clock, 11, 4, 9)
    assert await escalations(desk) == []
    await desk.send(EN_USER, "Another question")
    desk.services.escalations.limit_hours = 0
    at(clock, 11, 20, 9)
    assert await escalations(desk) == []


async def test_a_taken_tickets_card_keeps_its_holder_and_button_when_its_waits_are_shown(
    desk: BotHarness, clock: FrozenClock
) -> None:
    """The escalation job edits the card with its waits: the line saying who took the ticket
    and the "Take it over" button stay."""
    at(clock, 11, 9, 10)  # Monday 10:00
    await desk.command(EN_USER, "/start")
    await desk.command(EN_USER, "/ask")
    card = one(await desk.send(EN_USER, "Is anyone there?"), "sendMessage", chat_id=SUPPORT)
    header = card.result["message_id"]
    await desk.command(OPERATOR, "/take", PLAIN, **reply_to(header))
    at(clock, 11, 9, 15)
    edits: list[ApiCall] = []
    [_escalation] = await escalations(desk, edits)
    [edit] = edits
    assert "Waiting for an answer for 5 working hours: escalated" in edit.text
    assert "Taken by" in edit.text and f"tg://user?id={OPERATOR['id']}" in edit.text
    [[button]] = edit.params["reply_markup"]["inline_keyboard"]
    assert button["callback_data"].startswith("tt|")
    assert "over" in button["text"]


async def test_taking_an_escalated_ticket_keeps_its_waits_on_the_card(
    desk: BotHarness, clock: FrozenClock
) -> None:
    at(clock, 11, 9, 10)  # Monday 10:00
    await desk.command(EN_USER, "/start")
    await desk.command(EN_USER, "/ask")
    card = one(await desk.send(EN_USER, "Is anyone there?"), "sendMessage", chat_id=SUPPORT)
    header = card.result["message_id"]
    at(clock, 11, 9, 15)
    assert len(await escalations(desk)) == 1
    calls = await desk.command(OPERATOR, "/take", PLAIN, **reply_to(header))
    edit = one(calls, "editMessageText", message_id=header)
    assert "Taken by" in edit.text
    assert "Waiting for an answer for 5 working hours: escalated" in edit.text
