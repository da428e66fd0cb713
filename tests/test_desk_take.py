"""Taking a ticket through the real Application: the card's button and /take, taking over,
refusals (non-operators, stale and forged buttons, closed tickets), the card and the topic's
name edited, the answers log, and the holder mentioned on the user's new messages."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from telegram.constants import ForumTopicLimit

from bot.config import Settings
from bot.demo.updates import UpdateFactory
from bot.storage.event_details import TicketTaken
from bot.storage.events import events_of
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock, methods, texts
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


async def forum_ticket(desk: BotHarness, user: dict[str, Any] = EN_USER) -> tuple[int, Any]:
    """A forum ticket opened by ``user``: its topic's id and its card's message."""
    make_forum(desk)
    calls = await ask_and_write(desk, user, "my nickname does not match")
    thread = one(calls, "createForumTopic").result["message_thread_id"]
    return thread, one(calls, "sendMessage", chat_id=SUPPORT)


def assignee(desk: BotHarness, chat_id: int) -> int | None:
    ticket = desk.services.tickets.of_chat(chat_id)
    assert ticket is not None
    return ticket.assignee_id


async def test_take_by_button_edits_card_and_topic_and_logs_it(desk: BotHarness) -> None:
    thread, card = await forum_ticket(desk)
    assert card.buttons() == [("🙋 Take this ticket", "tt|1")]

    calls = await desk.press(OPERATOR, "tt|1", FORUM, card.result)
    answer = one(calls, "answerCallbackQuery")
    assert "You took ticket #1 (Alice)" in answer.text
    edit = one(calls, "editMessageText", chat_id=SUPPORT, message_id=card.result["message_id"])
    assert edit.text.startswith(card.text)  # the card as it was, then who took it
    assert '🙋 Taken by <a href="tg://user?id=901">Olga</a>' in edit.text
    assert edit.buttons() == [("🙋 Take it over", "tt|1")]
    topic = one(calls, "editForumTopic", chat_id=SUPPORT, message_thread_id=thread)
    assert topic.params["name"] == "Alice · #1 · 🙋 Olga"
    assert not to_chat(calls, EN_USER["id"])  # the user is not told who
    assert assignee(desk, EN_USER["id"]) == OPERATOR["id"]
    [taken] = [e for e in events_of(desk.db, EN_USER["id"]) if e.kind == "ticket-take"]
    assert taken.user_id == OPERATOR["id"]
    assert taken.detail == TicketTaken(1, "Olga", None)

    # The same operator again: a no-op answer, nothing edited or logged.
    calls = await desk.press(OPERATOR, "tt|1", FORUM, card.result)
    assert methods(calls) == ["answerCallbackQuery"]
    assert "You already hold ticket #1" in calls[0].text
    calls = await operator_in_topic(desk, thread, "/take")
    assert methods(calls) == ["sendMessage"] and "You already hold ticket #1" in calls[0].text
    assert len([e for e in events_of(desk.db, EN_USER["id"]) if e.kind == "ticket-take"]) == 1


async def test_take_command_then_another_operator_takes_it_over(desk: BotHarness) -> None:
    thread, card = await forum_ticket(desk, ZH_USER)  # the card and topic in Chinese
    calls = await operator_in_topic(desk, thread, "/take")
    done = one(calls, "sendMessage", chat_id=SUPPORT)
    assert done.params["message_thread_id"] == thread
    assert "You took ticket #1 (王伟)" in done.text  # the operator's own language
    edit = one(calls, "editMessageText", message_id=card.result["message_id"])
    assert "🙋 负责人：" in edit.text and "tg://user?id=901" in edit.text
    assert edit.buttons() == [("🙋 接手此工单", "tt|1")]
    name = one(calls, "editForumTopic").params["name"]
    assert name == "王伟 · #1 · 🙋 Olga"

    calls = await operator_in_topic(desk, thread, "/take", user=LISTED)
    notice = one(calls, "sendMessage", chat_id=SUPPORT)
    assert "Listed took over ticket #1 from" in notice.text
    assert '<a href="tg://user?id=901">Olga</a>' in notice.text  # Olga is told
    edit = one(calls, "editMessageText", message_id=card.result["message_id"])
    assert "（接手自 Olga）" in edit.text and "tg://user?id=900" in edit.text
    assert "tg://user?id=901" not in edit.text
    assert one(calls, "editForumTopic").params["name"] == "王伟 · #1 · 🙋 Listed"
    assert assignee(desk, ZH_USER["id"]) == LISTED["id"]
    takes = [e for e in events_of(desk.db, ZH_USER["id"]) if e.kind == "ticket-take"]
    assert [(e.user_id, e.detail) for e in takes] == [
        (901, TicketTaken(1, "Olga", None)),
        (900, TicketTaken(1, "Listed", 901)),
    ]


async def test_a_reopened_ticket_keeps_its_holder_on_the_new_card(desk: BotHarness) -> None:
    thread, card = await forum_ticket(desk)
    await desk.press(OPERATOR, "tt|1", FORUM, card.result)
    await operator_in_topic(desk, thread, "/close")
    await desk.command(EN_USER, "/ask")
    calls = await desk.send(EN_USER, "one more thing")
    new_card = one(calls, "sendMessage", chat_id=SUPPORT)  # its mention notifies: no other
    assert "Ticket #1 reopened" in new_card.text
    assert '🙋 Taken by <a href="tg://user?id=901">Olga</a>' in new_card.text
    assert new_card.buttons() == [("🙋 Take it over", "tt|1")]
    # The old card's button is out of date now; the new one works.
    calls = await desk.press(LISTED, "tt|1", FORUM, card.result)
    assert "out of date" in one(calls, "answerCallbackQuery").text
    calls = await desk.press(LISTED, "tt|1", FORUM, new_card.result)
    edit = one(calls, "editMessageText", message_id=new_card.result["message_id"])
    assert "taken over from Olga" in edit.text and edit.text.startswith("🎫 <b>Ticket #1 reopened")


async def test_take_over_by_button_tells_the_topic(desk: BotHarness) -> None:
    thread, card = await forum_ticket(desk)
    await desk.press(OPERATOR, "tt|1", FORUM, card.result)
    calls = await desk.press(LISTED, "tt|1", FORUM, card.result)
    assert "You took over ticket #1 from Olga" in one(calls, "answerCallbackQuery").text
    notice = one(calls, "sendMessage", chat_id=SUPPORT)
    assert notice.params["message_thread_id"] == thread
    assert "tg://user?id=901" in notice.text
    assert assignee(desk, EN_USER["id"]) == LISTED["id"]


async def test_take_in_a_plain_group_by_reply_to_the_card(desk: BotHarness) -> None:
    calls = await ask_and_write(desk, EN_USER, "question")
    card = one(calls, "sendMessage", chat_id=SUPPORT)
    header = card.result["message_id"]
    assert "createForumTopic" not in methods(calls)
    calls = await desk.command(OPERATOR, "/take", PLAIN)
    assert "This is not a ticket" in texts(calls)
    assert assignee(desk, EN_USER["id"]) is None
    calls = await desk.command(
        OPERATOR, "/take", PLAIN, reply_to_message=bot_message(PLAIN, header)
    )
    assert "You took ticket #1" in texts(calls)
    assert "Taken by" in one(calls, "editMessageText", message_id=header).text
    assert "editForumTopic" not in methods(calls)  # no topic to rename
    assert assignee(desk, EN_USER["id"]) == OPERATOR["id"]


async def test_stale_forged_and_closed_refused_and_nothing_changes(desk: BotHarness) -> None:
    thread, card = await forum_ticket(desk)
    old_card = dict(card.result, message_id=card.result["message_id"] - 1)
    calls = await desk.press(OPERATOR, "tt|1", FORUM, old_card)
    assert methods(calls) == ["answerCallbackQuery"] and "out of date" in calls[0].text
    for data in ("tt|99", "tt|x", "tt|1|2", "tt|" + "9" * 30):
        calls = await desk.press(OPERATOR, data, FORUM, card.result)
        assert methods(calls) == ["answerCallbackQuery"], data
        assert calls[0].params["show_alert"] is True
    # The card's button pressed in another chat (a forged update): refused.
    stranger = UpdateFactory.chat(-100777, "supergroup", "Elsewhere")
    calls = await desk.press(OPERATOR, "tt|1", stranger, dict(card.result, chat=stranger))
    assert methods(calls) == ["answerCallbackQuery"]
    assert assignee(desk, EN_USER["id"]) is None

    await operator_in_topic(desk, thread, "/close")
    calls = await operator_in_topic(desk, thread, "/take")
    assert "Ticket #1 is closed, so it cannot be taken" in texts(calls)
    calls = await desk.press(OPERATOR, "tt|1", FORUM, card.result)
    assert "is closed" in one(calls, "answerCallbackQuery").text
    assert assignee(desk, EN_USER["id"]) is None
    assert not [e for e in events_of(desk.db, EN_USER["id"]) if e.kind == "ticket-take"]

    # /take elsewhere: a user (not in the support group) is refused, an operator told where.
    desk.api.chat_members[(SUPPORT, EN_USER["id"])] = "left"
    calls = await desk.command(EN_USER, "/take")
    assert "Only our support team can take tickets" in texts(calls)
    calls = await desk.command(LISTED, "/take")
    assert "inside a ticket's topic" in texts(calls)


@pytest.fixture
async def listed_only(settings: Settings, clock: FrozenClock) -> AsyncIterator[BotHarness]:
    """TPBOT_SUPPORT_GROUP_OPERATORS=false: only LISTED is an operator for tickets."""
    bot = BotHarness(
        replace(
            settings,
            support_chat_id=SUPPORT,
            operators=frozenset({LISTED["id"]}),
            support_group_operators=False,
        ),
        clock,
    )
    await bot.start()
    yield bot
    await bot.stop()


async def test_a_member_who_is_not_an_operator_is_refused(listed_only: BotHarness) -> None:
    desk = listed_only
    thread, card = await forum_ticket(desk)
    calls = await desk.press(OPERATOR, "tt|1", FORUM, card.result)
    assert methods(calls) == ["answerCallbackQuery"]
    assert "Only our support team can take tickets" in calls[0].text
    calls = await operator_in_topic(desk, thread, "/take")
    assert methods(calls) == ["sendMessage"]
    assert "Only our support team can take tickets" in calls[0].text
    assert assignee(desk, EN_USER["id"]) is None
    calls = await desk.press(LISTED, "tt|1", FORUM, card.result)
    assert assignee(desk, EN_USER["id"]) == LISTED["id"]


def mentions(calls: list[Any], operator_id: int) -> list[Any]:
    return [
        c
        for c in to_chat(calls, SUPPORT)
        if c.method == "sendMessage" and f"tg://user?id={operator_id}" in c.text
    ]


async def test_new_messages_mention_the_holder_once_per_turn(desk: BotHarness) -> None:
    thread, card = await forum_ticket(desk)
    calls = await desk.send(EN_USER, "before anyone took it")
    assert methods(calls) == ["copyMessage"]  # nobody holds it: no mention
    await desk.press(OPERATOR, "tt|1", FORUM, card.result)

    for update in (
        desk.updates.message(EN_USER, text="are you there?"),
        desk.updates.sticker(EN_USER),
    ):
        calls = await desk.feed(update)
        copied = one(calls, "copyMessage", chat_id=SUPPORT)  # the message itself, relayed
        [mention] = mentions(calls, OPERATOR["id"])
        assert methods(calls) == ["copyMessage", "sendMessage"]
        assert mention.params["message_thread_id"] == thread
        assert "a new message on ticket #1" in mention.text
        reply_to = mention.params["reply_parameters"]
        reply_to = json.loads(reply_to) if isinstance(reply_to, str) else reply_to
        assert reply_to["message_id"] == copied.result["message_id"]
        # The next message of the same turn is relayed without another mention.
        calls = await desk.feed(desk.updates.photo(EN_USER, caption="screenshot"))
        assert methods(calls) == ["copyMessage"]
        # The holder answers: the user's next message mentions them again.
        await operator_in_topic(desk, thread, "Here is how")

    # A mention Telegram refuses does not cost the message its relay.
    desk.api.fail("sendMessage", 400, "Bad Request: can't parse entities", chat_id=SUPPORT)
    calls = await desk.send(EN_USER, "still relayed")
    assert one(calls, "copyMessage", chat_id=SUPPORT).result is not None
    assert "could not pass your message" not in texts(calls)


async def test_a_long_topic_name_stays_within_telegrams_limit(desk: BotHarness) -> None:
    long_user = UpdateFactory.user(1009, "Lorem " * 40, "en")
    _thread, card = await forum_ticket(desk, long_user)
    long_operator = UpdateFactory.user(902, "Operator " * 20, "en")
    calls = await desk.press(long_operator, "tt|1", FORUM, card.result)
    name = one(calls, "editForumTopic").params["name"]
    assert len(name) <= ForumTopicLimit.MAX_NAME_LENGTH
    assert "· #1 · 🙋 Operator" in name and name.startswith("Lorem")
    assert "…" in name
