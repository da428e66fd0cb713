"""Canned replies through the real Application: ``/reply NAME`` in a ticket's topic (or in
reply to its card) sends the reply in the user's language, as the desk's answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from html import unescape

import pytest

from bot.config import Settings
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock, methods, texts
from tests.helpers.support import (
    LISTED,
    OPERATOR,
    PLAIN,
    SUPPORT,
    bot_message,
    make_forum,
    one,
    operator_in_topic,
    ticket_at_audit,
    to_chat,
)

SEEDS = {
    "audit-waiting",
    "unqualified-store",
    "deposit",
    "presentation-missing",
}


async def test_reply_in_english_fills_in_company_step_and_date(
    desk: BotHarness, clock: FrozenClock
) -> None:
    thread = await ticket_at_audit(desk, clock, EN_USER)
    calls = await operator_in_topic(desk, thread, "/reply audit-waiting")
    [to_user] = to_chat(calls, EN_USER["id"])
    assert to_user.method == "sendMessage"
    assert "/reply" not in to_user.text  # the command itself never reaches the user
    assert "Hello Alice" in to_user.text
    assert "<b>Quotation and second audit</b>" in to_user.text  # the step, in English
    assert "expected by <b>October 10, 2026</b>" in to_user.text  # Babel, working days
    assert "{" not in to_user.text and "…" not in to_user.text
    [confirmation] = to_chat(calls, SUPPORT)
    assert confirmation.params["message_thread_id"] == thread
    assert "Sent “audit-waiting” to Alice (English)" in confirmation.text
    assert "October 10, 2026" in confirmation.text  # the sent text, visible in the topic


async def test_reply_in_chinese_for_a_chinese_user(desk: BotHarness, clock: FrozenClock) -> None:
    thread = await ticket_at_audit(desk, clock, ZH_USER)
    calls = await operator_in_topic(desk, thread, "/reply audit-waiting")  # an English operator
    [to_user] = to_chat(calls, ZH_USER["id"])
    assert "王伟，您好！" in to_user.text
    assert "<b>报价及二审</b>" in to_user.text
    assert "<b>2026年10月10日</b>" in to_user.text
    assert "Hello" not in to_user.text
    [confirmation] = to_chat(calls, SUPPORT)
    assert "Sent “audit-waiting” to 王伟 (中文)" in confirmation.text  # in the operator's language


async def test_reply_alone_lists_the_names_with_a_preview(
    desk: BotHarness, clock: FrozenClock
) -> None:
    thread = await ticket_at_audit(desk, clock, EN_USER)
    calls = await operator_in_topic(desk, thread, "/reply")
    assert not to_chat(calls, EN_USER["id"])
    [listing] = to_chat(calls, SUPPORT)
    assert listing.params["message_thread_id"] == thread
    assert "Canned replies" in listing.text and "sent in English" in listing.text
    for name in SEEDS:
        assert f"<code>{name}</code> — Hello Alice" in listing.text
    lines = [line for line in listing.text.splitlines() if line.startswith("• ")]
    assert len(lines) >= len(SEEDS) and all(len(unescape(line)) < 120 for line in lines)


async def test_an_unknown_name_is_answered_with_the_list(
    desk: BotHarness, clock: FrozenClock
) -> None:
    thread = await ticket_at_audit(desk, clock, EN_USER)
    calls = await operator_in_topic(desk, thread, "/reply audit-wating")
    assert not to_chat(calls, EN_USER["id"])
    [answer] = to_chat(calls, SUPPORT)
    assert "There is no canned reply “audit-wating”" in answer.text
    assert "<code>audit-waiting</code>" in answer.text


async def test_a_reply_needing_an_audit_date_is_refused_for_a_company_without_one(
    desk: BotHarness,
) -> None:
    make_forum(desk)
    await desk.command(EN_USER, "/start")
    await desk.command(EN_USER, "/ask")
    thread = int(
        one(await desk.send(EN_USER, "hello"), "createForumTopic").result["message_thread_id"]
    )
    calls = await operator_in_topic(desk, thread, "/reply audit-waiting")
    assert not to_chat(calls, EN_USER["id"])  # nothing broken is sent
    assert "Not sent: “audit-waiting” gives the expected audit date" in texts(calls)
    listing = texts(await operator_in_topic(desk, thread, "/reply"))
    assert "not for now: no audit is waiting" in listing
    calls = await operator_in_topic(desk, thread, "/reply deposit")  # needs no date: sent
    [to_user] = to_chat(calls, EN_USER["id"])
    assert "CN¥100,000.00" in to_user.text  # the flow's fact, by Babel


async def test_a_users_reply_to_the_canned_answer_reaches_the_desk(
    desk: BotHarness, clock: FrozenClock
) -> None:
    thread = await ticket_at_audit(desk, clock, EN_USER)
    await desk.press(EN_USER, "tk|done")  # no longer relaying everything
    calls = await desk.send(EN_USER, "not relayed")
    assert "copyMessage" not in methods(calls)
    calls = await operator_in_topic(desk, thread, "/reply audit-waiting")
    answer = to_chat(calls, EN_USER["id"])[0].result
    calls = await desk.send(EN_USER, "Thanks, and if it is late?", reply_to_message=answer)
    copied = one(calls, "copyMessage", chat_id=SUPPORT)
    assert copied.params["message_thread_id"] == thread


async def test_in_a_plain_group_reply_to_the_card(desk: BotHarness, clock: FrozenClock) -> None:
    clock.set(2026, 9, 30)
    await desk.command(ZH_USER, "/start")
    await desk.command(ZH_USER, "/ask")
    calls = await desk.send(ZH_USER, "保证金要交吗？")
    card = one(calls, "sendMessage", chat_id=SUPPORT)
    calls = await desk.command(
        OPERATOR,
        "/reply deposit",
        PLAIN,
        reply_to_message=bot_message(PLAIN, card.result["message_id"]),
    )
    [to_user] = to_chat(calls, ZH_USER["id"])
    assert "10万元" in to_user.text and "无需缴纳该保证金" in to_user.text
    assert "/reply" not in to_user.text
    calls = await desk.command(OPERATOR, "/reply deposit", PLAIN)  # not a reply to a ticket
    assert not to_chat(calls, ZH_USER["id"])
    assert "This is not a ticket" in texts(calls)


@pytest.fixture
async def members_not_operators(
    settings: Settings, clock: FrozenClock
) -> AsyncIterator[BotHarness]:
    bot = BotHarness(
        replace(
            settings,
            support_chat_id=SUPPORT,
            operators=frozenset({900}),
            support_group_operators=False,
        ),
        clock,
    )
    await bot.start()
    yield bot
    await bot.stop()


async def test_a_non_operator_is_refused(
    members_not_operators: BotHarness, clock: FrozenClock
) -> None:
    desk = members_not_operators
    thread = await ticket_at_audit(desk, clock, EN_USER)
    calls = await operator_in_topic(desk, thread, "/reply audit-waiting")  # a member, not listed
    assert not to_chat(calls, EN_USER["id"])
    assert "Only our support team can send canned replies" in texts(calls)
    calls = await desk.command(EN_USER, "/reply audit-waiting")  # the user, in their chat
    assert "Only our support team can send canned replies" in texts(calls)
    assert not to_chat(calls, SUPPORT)
    calls = await desk.command(LISTED, "/reply audit-waiting")  # an operator, in private
    assert "Send /reply inside a ticket's topic" in texts(calls)
    assert not to_chat(calls, EN_USER["id"])


async def test_a_closed_ticket_gets_nothing(desk: BotHarness, clock: FrozenClock) -> None:
    thread = await ticket_at_audit(desk, clock, EN_USER)
    await operator_in_topic(desk, thread, "/close")
    calls = await operator_in_topic(desk, thread, "/reply audit-waiting")
    assert not to_chat(calls, EN_USER["id"])
    assert "is closed, so this was not sent" in texts(calls)
