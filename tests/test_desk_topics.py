"""The desk's forum topics at scale and through their life: a burst of /ask against Telegram's
flood waits, a topic an operator deleted, a finished company's topic closed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace

from bot.config import Settings
from bot.demo.updates import UpdateFactory
from bot.intake import Intake
from bot.telegram.rate_limits import ChatRateLimiter
from tests.helpers.console import client_for, signed_in
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock, methods, texts
from tests.helpers.paths import TO_OP_SUBMITTED
from tests.helpers.support import LISTED, SUPPORT, ask_and_write, make_forum, one, to_chat
from tests.helpers.topics import FloodingBotAPI, blocked_update, created_topics

BURST = 200


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not reached in time"
        await asyncio.sleep(0.01)


async def flooding_desk(
    settings: Settings, clock: FrozenClock, rate_limiter: ChatRateLimiter | None = None
) -> tuple[BotHarness, Intake]:
    desk = BotHarness(
        replace(settings, support_chat_id=SUPPORT),
        clock,
        rate_limiter=(lambda: rate_limiter) if rate_limiter is not None else None,
    )
    desk.api = FloodingBotAPI(latency=lambda method: 0.05)  # 50 ms a round trip
    await desk.start()
    make_forum(desk)
    await desk.application.start()  # as `run` starts it: lanes side by side
    return desk, Intake(desk.application)


async def test_a_burst_of_asks_gives_every_user_one_topic_and_their_messages_in_order(
    settings: Settings, clock: FrozenClock
) -> None:
    desk, intake = await flooding_desk(settings, clock)
    api = desk.api
    assert isinstance(api, FloodingBotAPI)
    try:
        crowd = [UpdateFactory.user(20_000 + n, f"User {n}", "en") for n in range(BURST)]
        stream = [desk.updates.command(user, f"/ask question {n}") for n, user in enumerate(crowd)]
        for word in ("second", "third"):
            stream += [desk.updates.message(u, text=f"{word} {n}") for n, u in enumerate(crowd)]
        started = time.monotonic()
        intake.accept_updates(stream)
        tickets = desk.services.tickets
        await until(lambda: len(created_topics(api.calls)) == BURST, timeout=120)
        all_topics = time.monotonic() - started
        await intake.drain(60)
        everything = time.monotonic() - started
        calls = api.calls
        assert api.floods > 0  # Telegram did answer 429s, and nobody noticed
        topics = created_topics(calls)
        threads = {c.result["message_thread_id"] for c in topics}
        assert len(topics) == BURST and len(threads) == BURST  # one each, none twice
        for n, user in enumerate(crowd):
            ticket = tickets.of_chat(user["id"])
            assert ticket is not None and ticket.thread_id in threads
            in_topic = [
                c
                for c in to_chat(calls, SUPPORT)
                if str(c.params.get("message_thread_id")) == str(ticket.thread_id)
            ]
            assert [c.method for c in in_topic] == [
                "sendMessage",  # the card
                "sendMessage",  # the question given with /ask
                "copyMessage",
                "copyMessage",
            ], n
            assert f"New ticket #{ticket.id}" in in_topic[0].text
            assert in_topic[1].text == f"question {n}"
            second, third = in_topic[2].params["message_id"], in_topic[3].params["message_id"]
            assert int(second) < int(third)  # in the order written
            told = " ".join(c.text for c in to_chat(calls, user["id"]))
            assert "Your question is with our team" in told
            assert "could not pass your message on" not in told
        print(
            f"\n{BURST} /ask at once, 50 ms a call, {api.floods} flood waits (429): "
            f"all topics in {all_topics:.1f} s, everything relayed in {everything:.1f} s"
        )
    finally:
        await desk.stop()


async def test_a_topic_flood_wait_holds_only_the_topics(
    settings: Settings, clock: FrozenClock
) -> None:
    """Behind PTB's limiter, a 429 holds every call of the bot for its wait (until another
    call ends): a private chat is answered at once while the topic waits its turn."""
    desk, intake = await flooding_desk(
        settings, clock, ChatRateLimiter(max_retries=3, group_max_rate=0)
    )
    api = desk.api
    try:
        asker = UpdateFactory.user(30_000, "Asker", "en")
        api.fail("createForumTopic", 429, retry_after=2)
        intake.accept_updates([desk.updates.command(asker, "/ask hello")])
        await until(lambda: bool(api.of("createForumTopic")))
        await asyncio.sleep(0.1)  # the 429 has come back
        asked = time.monotonic()
        intake.accept_updates([desk.updates.command(EN_USER, "/start")])
        await until(lambda: bool(to_chat(api.calls, EN_USER["id"])), timeout=3.0)
        assert time.monotonic() - asked < 1.0
        assert not created_topics(api.calls)  # still waiting its turn
        await intake.drain(10)
        assert len(created_topics(api.calls)) == 1
        assert "Your question is with our team" in texts(to_chat(api.calls, asker["id"]))
    finally:
        await desk.stop()


# -- a topic an operator deleted ----------------------------------------------------------------
THREAD_GONE = "Bad Request: message thread not found"
TOPIC_INVALID = "Bad Request: TOPIC_ID_INVALID"


async def test_a_question_with_ask_into_a_deleted_topic_opens_a_new_one(desk: BotHarness) -> None:
    make_forum(desk)
    calls = await ask_and_write(desk, EN_USER, "first")
    thread = one(calls, "createForumTopic").result["message_thread_id"]
    desk.api.fail("sendMessage", 400, THREAD_GONE, chat_id=SUPPORT)  # the topic was deleted
    calls = await desk.command(EN_USER, "/ask And the deposit?")
    new_thread = one(calls, "createForumTopic").result["message_thread_id"]
    assert new_thread != thread
    posted = [c for c in to_chat(calls, SUPPORT) if c.method == "sendMessage"]
    assert [c.params.get("message_thread_id") for c in posted] == [thread, new_thread, new_thread]
    assert "New ticket #1" in posted[1].text  # a fresh card
    assert posted[2].text == "And the deposit?"  # nothing lost
    assert "Your question is with our team" in texts(to_chat(calls, EN_USER["id"]))
    assert desk.services.tickets.of_chat(EN_USER["id"]).thread_id == new_thread


async def test_closing_a_ticket_whose_topic_was_deleted_forgets_the_topic(
    desk: BotHarness,
) -> None:
    make_forum(desk)
    calls = await ask_and_write(desk, EN_USER, "question")
    thread = one(calls, "createForumTopic").result["message_thread_id"]
    desk.api.fail("closeForumTopic", 400, TOPIC_INVALID, chat_id=SUPPORT)
    calls = await desk.command(LISTED, "/close 1")  # from a private chat: no topic to write in
    assert "Ticket #1 closed" in texts(to_chat(calls, LISTED["id"]))
    assert desk.services.tickets.of_chat(EN_USER["id"]).thread_id is None
    # Asked again: straight to a new topic with a fresh card (no reopening of the old one).
    await desk.command(EN_USER, "/ask")
    calls = await desk.send(EN_USER, "it is me again")
    assert "reopenForumTopic" not in methods(calls)
    new_thread = one(calls, "createForumTopic").result["message_thread_id"]
    assert new_thread != thread
    card = one(calls, "sendMessage", chat_id=SUPPORT)
    assert card.params["message_thread_id"] == new_thread and "Ticket #1 reopened" in card.text
    assert one(calls, "copyMessage", chat_id=SUPPORT).params["message_thread_id"] == new_thread
    assert "could not pass your message on" not in texts(calls)


async def test_renaming_a_deleted_topic_forgets_it_and_the_next_message_opens_one(
    desk: BotHarness,
) -> None:
    make_forum(desk)
    calls = await ask_and_write(desk, EN_USER, "question")
    thread = one(calls, "createForumTopic").result["message_thread_id"]
    desk.api.fail("editForumTopic", 400, TOPIC_INVALID, chat_id=SUPPORT)
    await desk.feed(blocked_update(desk, EN_USER))  # the ⛔ rename finds the topic gone
    assert desk.services.tickets.of_chat(EN_USER["id"]).thread_id is None
    calls = await desk.send(EN_USER, "back again")
    assert "editForumTopic" not in methods(calls)  # nothing to rename any more
    topic = one(calls, "createForumTopic")
    assert topic.params["name"] == "Alice · #1" and topic.result["message_thread_id"] != thread
    card = one(calls, "sendMessage", chat_id=SUPPORT)
    assert "Alice" in card.text
    assert (
        one(calls, "copyMessage", chat_id=SUPPORT).params["message_thread_id"]
        == (topic.result["message_thread_id"])
    )


# -- a finished company's topic ---------------------------------------------------------------
TO_FINISH = [  # from "submitted for quotation and second audit?" on, the shortest way
    *TO_OP_SUBMITTED,
    *("yes", "passed", "also_tmall", "yes", "yes", "passed", "yes", "yes", "passed", "yes"),
]


async def test_a_finished_companys_topic_is_closed_and_reopened_if_they_ask_again(
    desk: BotHarness,
) -> None:
    make_forum(desk)
    calls = await ask_and_write(desk, EN_USER, "a question on the way")
    thread = one(calls, "createForumTopic").result["message_thread_id"]
    card_id = one(calls, "sendMessage", chat_id=SUPPORT).result["message_id"]
    await desk.press(EN_USER, "tk|done")  # back to the steps; the ticket stays open
    for answer in TO_FINISH:
        calls = await desk.answer(EN_USER, answer)
    step = desk.last_buttons_message[EN_USER["id"]]
    await desk.command(EN_USER, "/ask")  # relaying again when they finish
    desk.last_buttons_message[EN_USER["id"]] = step
    calls = await desk.answer(EN_USER, "yes")  # the last one: finished
    assert desk.state(EN_USER["id"]) == "finished"
    card = one(calls, "editMessageText", chat_id=SUPPORT)
    assert int(card.params["message_id"]) == card_id
    assert "New ticket #1" in card.text and "Alice" in card.text
    assert "Certification finished on" in card.text.splitlines()[-1]
    one(calls, "closeForumTopic", chat_id=SUPPORT, message_thread_id=thread)
    assert not desk.services.tickets.of_chat(EN_USER["id"]).is_open
    assert not [c for c in to_chat(calls, EN_USER["id"]) if "resolved" in c.text]
    # Their messages no longer go to the desk; /ask opens it all again.
    calls = await desk.send(EN_USER, "thanks!")
    assert "copyMessage" not in methods(calls)
    await desk.command(EN_USER, "/ask")
    calls = await desk.send(EN_USER, "one more question")
    one(calls, "reopenForumTopic", chat_id=SUPPORT, message_thread_id=thread)
    assert "Ticket #1 reopened" in one(calls, "sendMessage", chat_id=SUPPORT).text
    assert one(calls, "copyMessage", chat_id=SUPPORT).params["message_thread_id"] == thread


async def test_a_finished_companys_card_in_a_plain_group_and_in_chinese(desk: BotHarness) -> None:
    await ask_and_write(desk, ZH_USER, "问题")
    await desk.press(ZH_USER, "tk|done")
    for answer in TO_FINISH:
        await desk.answer(ZH_USER, answer)
    calls = await desk.answer(ZH_USER, "yes")
    card = one(calls, "editMessageText", chat_id=SUPPORT)
    assert "完成认证" in card.text.splitlines()[-1]
    assert "closeForumTopic" not in methods(calls)
    assert not desk.services.tickets.of_chat(ZH_USER["id"]).is_open


async def test_finishing_without_a_ticket_touches_no_support_group(desk: BotHarness) -> None:
    await desk.command(EN_USER, "/start")
    for answer in TO_FINISH:
        await desk.answer(EN_USER, answer)
    calls = await desk.answer(EN_USER, "yes")
    assert desk.state(EN_USER["id"]) == "finished"
    assert not to_chat(calls, SUPPORT)


async def test_a_finished_companys_deleted_topic_is_forgotten(desk: BotHarness) -> None:
    make_forum(desk)
    await ask_and_write(desk, EN_USER, "question")
    await desk.press(EN_USER, "tk|done")
    for answer in TO_FINISH:
        await desk.answer(EN_USER, answer)
    desk.api.fail("editMessageText", 400, "Bad Request: message to edit not found", chat_id=SUPPORT)
    desk.api.fail("closeForumTopic", 400, TOPIC_INVALID, chat_id=SUPPORT)
    await desk.answer(EN_USER, "yes")
    assert desk.services.tickets.of_chat(EN_USER["id"]).thread_id is None
    await desk.command(EN_USER, "/ask")
    calls = await desk.send(EN_USER, "again")
    assert "reopenForumTopic" not in methods(calls)
    assert one(calls, "createForumTopic")
    assert "Ticket #1 reopened" in one(calls, "sendMessage", chat_id=SUPPORT).text


async def test_a_company_the_console_moves_to_the_finish_has_its_topic_closed(
    desk: BotHarness,
) -> None:
    make_forum(desk)
    calls = await ask_and_write(desk, EN_USER, "question")
    thread = one(calls, "createForumTopic").result["message_thread_id"]
    async with client_for(desk) as (client, _):
        csrf = await signed_in(desk, client)
        desk.api.take()
        data = {"csrf": csrf, "step": "finished", "reason": "certified", "override": "1"}
        done = await client.post("/console/company/1001/move", data=data)
        assert "notice=moved" in done.headers["location"]
    calls = desk.api.take()
    assert desk.state(EN_USER["id"]) == "finished"
    card = one(calls, "editMessageText", chat_id=SUPPORT).text
    assert "Alice" in card and "Certification finished on" in card
    one(calls, "closeForumTopic", chat_id=SUPPORT, message_thread_id=thread)
    assert not desk.services.tickets.of_chat(EN_USER["id"]).is_open


async def test_a_console_message_finding_the_topic_deleted_forgets_it(desk: BotHarness) -> None:
    make_forum(desk)
    calls = await ask_and_write(desk, EN_USER, "question")
    thread = one(calls, "createForumTopic").result["message_thread_id"]
    desk.api.fail("sendMessage", 400, THREAD_GONE, chat_id=SUPPORT)
    async with client_for(desk) as (client, _):
        csrf = await signed_in(desk, client)
        sent = await client.post(
            "/console/company/1001/message", data={"csrf": csrf, "text": "We checked it."}
        )
        assert "message-sent" in sent.headers["location"]  # the company got it all the same
    assert desk.services.tickets.of_chat(EN_USER["id"]).thread_id is None
    calls = await desk.send(EN_USER, "thanks")
    new_thread = one(calls, "createForumTopic").result["message_thread_id"]
    assert new_thread != thread
    assert one(calls, "copyMessage", chat_id=SUPPORT).params["message_thread_id"] == new_thread
