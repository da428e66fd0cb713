"""The operators' support group: tickets relayed both ways through the real Application."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from bot.config import Settings
from bot.demo.offline_api import BOT_USER
from bot.demo.updates import UpdateFactory
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock, methods, texts
from tests.helpers.paths import TO_OP_SUBMITTED
from tests.helpers.support import (
    FORUM,
    LISTED,
    OPERATOR,
    PLAIN,
    SUPPORT,
    ask_and_write,
    bot_message,
    make_forum,
    one,
    operator_in_topic,
    to_chat,
)

TEAM = UpdateFactory.chat(-300, "group", "Acme <Team>")
BOB = UpdateFactory.user(1003, "Bob", "en")


async def test_without_a_support_group_there_is_no_button_and_ask_explains(
    harness: BotHarness,
) -> None:
    calls = await harness.command(EN_USER, "/start")
    assert all(data.startswith("a|") for _, data in calls[-1].buttons())
    calls = await harness.command(EN_USER, "/ask")
    assert "Human support is not set up" in texts(calls)
    calls = await harness.send(EN_USER, "hello?")
    assert "Please answer with the buttons" in texts(calls)  # not relayed anywhere
    assert "copyMessage" not in methods(calls)


async def test_forum_ticket_round_trip(desk: BotHarness) -> None:
    make_forum(desk)
    calls = await desk.command(EN_USER, "/start")
    assert ("💬 Ask an operator", "tk|ask") in calls[-1].buttons()
    calls = await desk.press(EN_USER, "tk|ask")
    assert methods(calls) == ["answerCallbackQuery", "sendMessage"]
    assert "Ask our team" in calls[1].text
    assert calls[1].buttons() == [("✅ Done, back to the steps", "tk|done")]

    calls = await desk.send(EN_USER, "The backend says my nickname does not match")
    topic = one(calls, "createForumTopic", chat_id=SUPPORT)
    assert topic.params["name"] == "Alice · #1"
    thread = topic.result["message_thread_id"]
    card = one(calls, "sendMessage", chat_id=SUPPORT)
    assert card.params["message_thread_id"] == thread
    assert "New ticket #1" in card.text and "Alice" in card.text and "1001" in card.text
    assert "Language: English" in card.text and "Step: The roadmap" in card.text
    copied = one(calls, "copyMessage", chat_id=SUPPORT)
    assert copied.params["from_chat_id"] == EN_USER["id"]
    assert copied.params["message_thread_id"] == thread
    assert "Passed on to our team (ticket #1)" in texts(to_chat(calls, EN_USER["id"]))

    # A second message goes to the same topic, with no new card and no new notice.
    calls = await desk.feed(desk.updates.photo(EN_USER, caption="screenshot"))
    assert methods(calls) == ["copyMessage"]
    assert calls[0].params["message_thread_id"] == thread

    # The operator's answer reaches the user as a copy: no operator name, no forward.
    calls = await operator_in_topic(desk, thread, "Use the exact nickname from the contract")
    assert methods(calls) == ["copyMessage"]
    assert calls[0].chat_id == EN_USER["id"]
    assert calls[0].params["from_chat_id"] == SUPPORT

    # /status in the topic shows the user's checklist to the operator, in the topic.
    calls = await operator_in_topic(desk, thread, "/status")
    status = one(calls, "sendMessage", chat_id=SUPPORT)
    assert status.params["message_thread_id"] == thread
    assert "Checklist of Alice (ticket #1)" in status.text
    assert "Certification progress" in status.text
    assert not to_chat(calls, EN_USER["id"])

    # /close: the user is told, the topic closed, the operator confirmed.
    calls = await operator_in_topic(desk, thread, "/close@TmallTPBot")
    assert "marked your question (ticket #1) as resolved" in texts(to_chat(calls, EN_USER["id"]))
    one(calls, "closeForumTopic", chat_id=SUPPORT, message_thread_id=thread)
    assert "Ticket #1 closed" in texts(to_chat(calls, SUPPORT))
    calls = await operator_in_topic(desk, thread, "/close")
    assert "already closed" in texts(calls)

    # Closed: the user's text is no longer relayed, an operator's reply is not delivered.
    calls = await desk.send(EN_USER, "one more thing")
    assert "copyMessage" not in methods(calls)
    assert "Please answer with the buttons" in texts(calls)
    calls = await operator_in_topic(desk, thread, "are you there?")
    assert "copyMessage" not in methods(calls)
    assert "is closed, so this was not sent" in texts(calls)

    # /ask reopens the same ticket in the same topic.
    await desk.command(EN_USER, "/ask")
    calls = await desk.send(EN_USER, "one more thing")
    assert "createForumTopic" not in methods(calls)
    one(calls, "reopenForumTopic", chat_id=SUPPORT, message_thread_id=thread)
    card = one(calls, "sendMessage", chat_id=SUPPORT)
    assert "Ticket #1 reopened" in card.text
    assert one(calls, "copyMessage", chat_id=SUPPORT).params["message_thread_id"] == thread
    calls = await operator_in_topic(desk, thread, "sure")
    assert [c.chat_id for c in calls] == [EN_USER["id"]]


async def test_plain_support_group_round_trip_with_photos_both_ways(desk: BotHarness) -> None:
    await desk.command(ZH_USER, "/start")
    await desk.answer(ZH_USER, "begin")
    await desk.command(ZH_USER, "/ask")
    calls = await desk.feed(desk.updates.photo(ZH_USER, caption="后台报错"))
    assert "createForumTopic" not in methods(calls)
    card = one(calls, "sendMessage", chat_id=SUPPORT)
    assert "message_thread_id" not in card.params
    assert "新工单 #1" in card.text and "语言：中文" in card.text and "王伟" in card.text
    header = card.result["message_id"]
    copied = one(calls, "copyMessage", chat_id=SUPPORT)
    assert copied.params["from_chat_id"] == ZH_USER["id"]
    assert f'"message_id": {header}' in str(copied.params["reply_parameters"]).replace("'", '"')
    assert "已转给我们的团队（工单 #1）" in texts(to_chat(calls, ZH_USER["id"]))
    copy_id = copied.result["message_id"]

    # A document is relayed the same way.
    calls = await desk.feed(desk.updates.document(ZH_USER))
    assert methods(calls) == ["copyMessage"] and calls[0].chat_id == SUPPORT

    # An operator replies with a photo to the copy, then with text to the card.
    calls = await desk.feed(
        desk.updates.photo(
            OPERATOR, PLAIN, caption="Like this", reply_to_message=bot_message(PLAIN, copy_id)
        )
    )
    assert methods(calls) == ["copyMessage"]
    assert calls[0].chat_id == ZH_USER["id"] and calls[0].params["from_chat_id"] == SUPPORT
    calls = await desk.send(OPERATOR, "好的", PLAIN, reply_to_message=bot_message(PLAIN, header))
    assert methods(calls) == ["copyMessage"] and calls[0].chat_id == ZH_USER["id"]

    # Operators talking among themselves, or replying to something else: nothing relayed.
    assert await desk.send(OPERATOR, "lunch?", PLAIN) == []
    calls = await desk.send(OPERATOR, "hm", PLAIN, reply_to_message=bot_message(PLAIN, 99999))
    assert calls == []

    # /status and /close as replies to the ticket; without one they explain.
    calls = await desk.command(OPERATOR, "/status", PLAIN)
    assert "This is not a ticket" in texts(calls)
    calls = await desk.command(
        OPERATOR, "/status", PLAIN, reply_to_message=bot_message(PLAIN, copy_id)
    )
    assert "Checklist of 王伟 (ticket #1)" in texts(calls)  # in the operator's language
    assert "Certification progress" in texts(calls)
    calls = await desk.command(
        OPERATOR, "/close", PLAIN, reply_to_message=bot_message(PLAIN, header)
    )
    assert "工单 #1" in texts(to_chat(calls, ZH_USER["id"]))
    assert "closeForumTopic" not in methods(calls)
    assert "Ticket #1 closed" in texts(to_chat(calls, SUPPORT))

    # Reopened: a new card to reply to.
    await desk.command(ZH_USER, "/ask")
    calls = await desk.send(ZH_USER, "还有一个问题")
    card = one(calls, "sendMessage", chat_id=SUPPORT)
    assert "工单 #1 已重新打开" in card.text
    new_header = card.result["message_id"]
    calls = await desk.send(
        OPERATOR, "请讲", PLAIN, reply_to_message=bot_message(PLAIN, new_header)
    )
    assert [c.chat_id for c in calls] == [ZH_USER["id"]]


async def test_done_stops_relaying_but_answers_still_arrive(desk: BotHarness) -> None:
    await ask_and_write(desk, EN_USER, "question")
    calls = await desk.press(EN_USER, "tk|done")
    assert "Back to the steps" in texts(calls)
    assert calls[-1].buttons()[0][1].startswith("a|")  # the current step again
    calls = await desk.send(EN_USER, "just chatting")
    assert "copyMessage" not in methods(calls)
    step_id = calls[-1].result["message_id"]
    private = UpdateFactory.chat(EN_USER["id"], "private")
    calls = await desk.send(
        EN_USER, "a reply to the step", reply_to_message=bot_message(private, step_id)
    )
    assert "copyMessage" not in methods(calls)  # only replies to operators' answers go back
    header = desk.services.tickets.of_chat(EN_USER["id"]).header_message_id
    calls = await desk.send(OPERATOR, "answer", PLAIN, reply_to_message=bot_message(PLAIN, header))
    answer_copy = calls[0].result["message_id"]
    # Replying to the operator's answer goes back to the operators.
    calls = await desk.send(
        EN_USER,
        "thanks, and...",
        reply_to_message=bot_message(UpdateFactory.chat(EN_USER["id"], "private"), answer_copy),
    )
    assert methods(calls) == ["copyMessage"] and calls[0].chat_id == SUPPORT


async def test_non_operators_cannot_close_or_read_and_nothing_leaks(desk: BotHarness) -> None:
    make_forum(desk)
    await ask_and_write(desk, EN_USER, "my question")
    ticket = desk.services.tickets.of_chat(EN_USER["id"])
    desk.api.chat_members[(SUPPORT, EN_USER["id"])] = "left"
    calls = await desk.command(EN_USER, "/close")
    assert "Only our support team can close tickets" in texts(calls)
    one(calls, "getChatMember", chat_id=SUPPORT, user_id=EN_USER["id"])
    calls = await desk.command(EN_USER, "/close 1")
    assert "Only our support team can close tickets" in texts(calls)
    assert "getChatMember" not in methods(calls)  # remembered for a minute
    assert desk.services.tickets.get(1).is_open

    # Another user without a ticket: their messages go nowhere; /status is their own.
    await desk.command(ZH_USER, "/start")
    calls = await desk.send(ZH_USER, "hello")
    assert "copyMessage" not in methods(calls)
    calls = await desk.command(ZH_USER, "/status 1")
    assert [c.chat_id for c in calls] == [ZH_USER["id"]]

    # In the support group: the General topic and unknown topics are not tickets.
    assert await desk.send(OPERATOR, "hi team", FORUM) == []
    assert await operator_in_topic(desk, 424242, "wrong topic") == []
    calls = await operator_in_topic(desk, 424242, "/close")
    assert "This is not a ticket" in texts(calls)
    assert desk.services.tickets.get(1).is_open

    # The operator's answer goes to the ticket's user and to no one else.
    calls = await operator_in_topic(desk, ticket.thread_id, "answer")
    assert [c.chat_id for c in calls] == [EN_USER["id"]]

    # A listed operator may close by number from a private chat; so may a support member.
    calls = await desk.command(LISTED, "/close")
    assert "/close followed by the ticket number" in texts(calls)
    calls = await desk.command(LISTED, "/close 7")
    assert "There is no ticket #7" in texts(calls)
    calls = await desk.command(LISTED, "/close #1")
    assert "Ticket #1 closed" in texts(to_chat(calls, LISTED["id"]))
    assert "resolved" in texts(to_chat(calls, EN_USER["id"]))
    await desk.command(EN_USER, "/ask")
    desk.api.chat_members[(SUPPORT, OPERATOR["id"])] = "member"
    calls = await desk.command(OPERATOR, "/close 1")
    assert "Ticket #1 closed" in texts(to_chat(calls, OPERATOR["id"]))


async def test_a_user_who_blocked_the_bot_is_marked_and_the_operator_told(
    desk: BotHarness,
) -> None:
    make_forum(desk)
    await ask_and_write(desk, EN_USER, "question")
    tickets = desk.services.tickets
    thread = tickets.of_chat(EN_USER["id"]).thread_id
    desk.api.fail("copyMessage", 403, chat_id=EN_USER["id"])
    calls = await operator_in_topic(desk, thread, "here is the answer")
    assert "Not delivered: Alice has blocked the bot" in texts(calls)
    rename = one(calls, "editForumTopic", chat_id=SUPPORT)
    assert rename.params["name"] == "⛔ Alice · #1"
    assert tickets.of_chat(EN_USER["id"]).blocked
    assert not desk.services.progress.get(EN_USER["id"]).active
    # Writing again means they unblocked: the mark goes away.
    calls = await desk.send(EN_USER, "sorry, I'm back")
    assert one(calls, "editForumTopic", chat_id=SUPPORT).params["name"] == "Alice · #1"
    assert not tickets.of_chat(EN_USER["id"]).blocked
    assert desk.services.progress.get(EN_USER["id"]).active
    # Telegram also reports the block itself; and /close then says the user was not told.
    calls = await desk.feed(
        desk.updates.from_dict(
            {
                "my_chat_member": {
                    "chat": {"id": EN_USER["id"], "type": "private", "first_name": "Alice"},
                    "from": EN_USER,
                    "date": int(time.time()),
                    "old_chat_member": {"status": "member", "user": BOT_USER},
                    "new_chat_member": {"status": "kicked", "user": BOT_USER, "until_date": 0},
                }
            }
        )
    )
    assert tickets.of_chat(EN_USER["id"]).blocked
    assert one(calls, "editForumTopic", chat_id=SUPPORT).params["name"] == "⛔ Alice · #1"
    desk.api.fail("sendMessage", 403, chat_id=EN_USER["id"])
    calls = await operator_in_topic(desk, thread, "/close")
    assert "could not be told: they have blocked the bot" in texts(calls)


async def test_a_restart_in_the_middle_of_a_ticket_loses_nothing(desk: BotHarness) -> None:
    make_forum(desk)
    calls = await ask_and_write(desk, EN_USER, "question")
    thread = one(calls, "createForumTopic").result["message_thread_id"]
    await desk.restart()
    make_forum(desk)
    calls = await operator_in_topic(desk, thread, "answer after the restart")
    assert methods(calls) == ["copyMessage"] and calls[0].chat_id == EN_USER["id"]
    calls = await desk.send(EN_USER, "follow-up")  # still in "ask" mode
    assert "createForumTopic" not in methods(calls)
    assert one(calls, "copyMessage").params["message_thread_id"] == thread
    assert not [c for c in calls if c.method == "sendMessage"]  # no second card or notice


async def test_a_deleted_topic_is_recreated(desk: BotHarness) -> None:
    make_forum(desk)
    await ask_and_write(desk, EN_USER, "question")
    desk.api.fail("copyMessage", 400, "Bad Request: message thread not found", chat_id=SUPPORT)
    calls = await desk.send(EN_USER, "again")
    assert "createForumTopic" in methods(calls)
    assert [c.method for c in calls if c.chat_id == SUPPORT] == [
        "copyMessage",
        "createForumTopic",
        "sendMessage",
        "copyMessage",
    ]


async def test_the_deleted_topic_of_a_closed_ticket_is_recreated_when_it_reopens(
    desk: BotHarness,
) -> None:
    make_forum(desk)
    calls = await ask_and_write(desk, EN_USER, "question")
    thread = one(calls, "createForumTopic").result["message_thread_id"]
    await operator_in_topic(desk, thread, "/close")
    # An operator deletes the closed topic; the user asks again, twice.
    desk.api.fail("reopenForumTopic", 400, "Bad Request: TOPIC_ID_INVALID", chat_id=SUPPORT)
    desk.api.fail("sendMessage", 400, "Bad Request: message thread not found", chat_id=SUPPORT)
    await desk.command(EN_USER, "/ask")
    calls = await desk.send(EN_USER, "are you still there?")
    assert "could not pass your message on" not in texts(calls)
    new_thread = one(calls, "createForumTopic").result["message_thread_id"]
    assert new_thread != thread
    assert one(calls, "copyMessage", chat_id=SUPPORT).params["message_thread_id"] == new_thread
    assert "Passed on to our team (ticket #1)" in texts(to_chat(calls, EN_USER["id"]))
    calls = await desk.send(EN_USER, "and one more")
    assert methods(calls) == ["copyMessage"]
    assert calls[0].params["message_thread_id"] == new_thread


@pytest.mark.parametrize("forum", [True, False])
async def test_ask_with_a_question_opens_the_ticket_with_it(desk: BotHarness, forum: bool) -> None:
    if forum:
        make_forum(desk)
    await desk.command(EN_USER, "/start")
    calls = await desk.command(EN_USER, "/ask How long does the audit take?\nWe submitted Monday.")
    to_support = [c for c in calls if c.chat_id == SUPPORT and c.method == "sendMessage"]
    assert len(to_support) == 2 and "New ticket #1" in to_support[0].text
    question = to_support[1]
    assert question.text == "How long does the audit take?\nWe submitted Monday."
    assert "parse_mode" not in question.params  # sent as written, not read as HTML
    if forum:
        thread = one(calls, "createForumTopic").result["message_thread_id"]
        assert question.params["message_thread_id"] == thread
    else:
        assert (
            question.params["reply_parameters"]["message_id"] == to_support[0].result["message_id"]
        )
    told = texts(to_chat(calls, EN_USER["id"]))
    assert (
        "Your question is with our team (ticket #1)" in told and "Write your question" not in told
    )
    # What follows goes to the same ticket, with no second card or notice.
    calls = await desk.send(EN_USER, "Also: is the deposit refundable?")
    assert methods(calls) == ["copyMessage"] and calls[0].chat_id == SUPPORT
    # An operator's reply to the question reaches the user.
    reply_to = bot_message(FORUM if forum else PLAIN, question.result["message_id"])
    if forum:
        calls = await operator_in_topic(
            desk, thread, "About 3 working days", reply_to_message=reply_to
        )
    else:
        calls = await desk.send(OPERATOR, "About 3 working days", PLAIN, reply_to_message=reply_to)
    assert [c.chat_id for c in calls if c.method == "copyMessage"] == [EN_USER["id"]]


async def test_a_question_given_with_ask_that_cannot_be_relayed_is_explained(
    desk: BotHarness,
) -> None:
    await desk.command(EN_USER, "/start")
    desk.api.fail("sendMessage", 400, "Bad Request: chat not found", chat_id=SUPPORT)
    calls = await desk.command(EN_USER, "/ask Where is my audit?")
    assert "could not pass your message on" in texts(calls)
    calls = await desk.send(EN_USER, "Where is my audit?")  # the ticket is open: sent now
    assert "Passed on to our team (ticket #1)" in texts(to_chat(calls, EN_USER["id"]))


async def test_a_topic_opened_before_a_failed_card_is_kept_not_opened_twice(
    desk: BotHarness,
) -> None:
    make_forum(desk)
    await desk.command(EN_USER, "/start")
    await desk.command(EN_USER, "/ask")
    desk.api.fail("sendMessage", 400, "Bad Request: chat not found", chat_id=SUPPORT)
    calls = await desk.send(EN_USER, "first try")
    thread = one(calls, "createForumTopic").result["message_thread_id"]
    assert "could not pass your message on" in texts(calls)
    calls = await desk.send(EN_USER, "second try")
    assert "createForumTopic" not in methods(calls)
    assert one(calls, "sendMessage", chat_id=SUPPORT).params["message_thread_id"] == thread
    assert one(calls, "copyMessage", chat_id=SUPPORT).params["message_thread_id"] == thread


async def test_a_failed_relay_is_explained_to_the_user(desk: BotHarness) -> None:
    await ask_and_write(desk, EN_USER, "question")
    desk.api.fail("copyMessage", 400, "Bad Request: chat not found", chat_id=SUPPORT)
    calls = await desk.send(EN_USER, "lost?")
    assert "could not pass your message on" in texts(calls)


async def test_a_team_asks_from_its_group(desk: BotHarness) -> None:
    await desk.command(EN_USER, "/start", TEAM)
    calls = await desk.command(BOB, "/ask@TmallTPBot", TEAM)
    assert "reply to this message" in texts(calls)
    prompt_id = calls[-1].result["message_id"]
    # The team's own chatter is not relayed, a reply to the bot is.
    assert await desk.send(BOB, "where is the contract?", TEAM) == []
    calls = await desk.send(
        BOB, "Our nickname is rejected", TEAM, reply_to_message=bot_message(TEAM, prompt_id)
    )
    card = one(calls, "sendMessage", chat_id=SUPPORT)
    assert "Group: Acme &lt;Team&gt;" in card.text and "Bob" in card.text
    assert one(calls, "copyMessage", chat_id=SUPPORT).params["from_chat_id"] == TEAM["id"]
    header = card.result["message_id"]
    calls = await desk.send(
        OPERATOR, "check the contract", PLAIN, reply_to_message=bot_message(PLAIN, header)
    )
    assert [c.chat_id for c in calls] == [TEAM["id"]]


async def test_the_card_shows_the_step_and_the_expected_audit_date(
    desk: BotHarness, clock: FrozenClock
) -> None:
    await desk.command(EN_USER, "/start")
    clock.set(2026, 9, 30)
    for answer in [*TO_OP_SUBMITTED, "yes"]:
        calls = await desk.answer(EN_USER, answer)
        assert ("💬 Ask an operator", "tk|ask") in calls[-1].buttons()  # on every step
    await desk.press(EN_USER, "tk|ask")
    calls = await desk.send(EN_USER, "How long does the second audit take?")
    card = one(calls, "sendMessage", chat_id=SUPPORT)
    assert "Step: Quotation and second audit" in card.text
    assert "result expected by <b>October 10, 2026</b>" in card.text


async def test_a_teams_ticket_follows_its_group_to_the_supergroup(desk: BotHarness) -> None:
    supergroup = UpdateFactory.chat(-100300, "supergroup", "Acme <Team>")
    await desk.command(EN_USER, "/start", TEAM)
    calls = await desk.command(EN_USER, "/ask", TEAM)
    prompt = calls[-1].result["message_id"]
    calls = await desk.send(EN_USER, "question", TEAM, reply_to_message=bot_message(TEAM, prompt))
    header = one(calls, "sendMessage", chat_id=SUPPORT).result["message_id"]
    await desk.feed(desk.updates.message(EN_USER, TEAM, migrate_to_chat_id=supergroup["id"]))
    calls = await desk.send(OPERATOR, "answer", PLAIN, reply_to_message=bot_message(PLAIN, header))
    assert [c.chat_id for c in calls] == [supergroup["id"]]
    assert desk.services.progress.get(supergroup["id"]) is not None


async def test_the_support_group_is_never_a_customer(desk: BotHarness) -> None:
    operator = UpdateFactory.user(900, "Op", "en")
    calls = await desk.command(operator, "/start", PLAIN)
    assert "operators' support group" in texts(calls)
    assert desk.services.progress.get(SUPPORT) is None  # no progress: in no audience


async def test_a_support_group_that_started_before_leaves_the_audiences(
    settings: Settings, clock: FrozenClock
) -> None:
    before = BotHarness(settings, clock)  # support not configured yet: it was a chat like any
    await before.start()
    await before.command(UpdateFactory.user(900, "Op", "en"), "/start", PLAIN)
    assert before.services.progress.get(SUPPORT).active
    await before.stop()
    after = BotHarness(replace(settings, support_chat_id=SUPPORT), clock)
    await after.start()
    try:
        assert not after.services.progress.get(SUPPORT).active  # no broadcasts, no reminders
    finally:
        await after.stop()


async def test_a_step_nobody_knows_offers_ask_when_there_is_a_desk(desk: BotHarness) -> None:
    await desk.command(EN_USER, "/start")
    desk.db.execute("UPDATE chats SET state = 'bogus' WHERE id = ?", [EN_USER["id"]])
    calls = await desk.command(EN_USER, "/status")
    assert "/reset" in texts(calls) and "/ask" in texts(calls)
