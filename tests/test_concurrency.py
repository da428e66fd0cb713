"""Many chats at once: a chat that waits delays only itself, and each chat stays in order.

These run the real path of ``run``: updates kept by the intake, handed to the Application's
own queue, taken by PTB's update fetcher and run by the bot's update processor
(``bot.telegram.lanes.ChatLanes``), with the network faked by the offline Bot API (which can hold a
call, as a slow connection would).
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from telegram import Update

from bot.config import Settings
from bot.demo.offline_api import BOT_USER, ApiCall
from bot.demo.updates import UpdateFactory
from bot.intake import Intake
from bot.telegram.lanes import ChatLanes
from bot.telegram.rate_limits import ChatRateLimiter
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock
from tests.helpers.support import SUPPORT, support_chat_info

GROUP = UpdateFactory.chat(-200, "group", "Acme TP team")
PRESSES = [  # one chat's way through the first steps, each press on the step it moved to
    "a|0|welcome|begin",
    "a|1|owner_separate|yes",
    "a|2|manages_shops|yes",
    "a|3|taobao_corporate|yes",
]


async def until(condition: Callable[[], bool], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not reached in time"
        await asyncio.sleep(0.01)


async def running(harness: BotHarness) -> Intake:
    """The harness's application started as ``run`` starts it, and its intake."""
    await harness.application.start()
    return Intake(harness.application)


def to(calls: list[ApiCall], chat_id: int) -> list[ApiCall]:
    return [c for c in calls if c.chat_id == chat_id]


def step_message(chat_id: int) -> dict[str, Any]:
    return {
        "message_id": 1000,
        "date": 0,
        "chat": {"id": chat_id, "type": "private"},
        "from": BOT_USER,
        "text": "step",
    }


def users(first: int, count: int) -> list[dict[str, Any]]:
    return [UpdateFactory.user(first + n, f"User {n}", "en") for n in range(count)]


async def test_a_chat_whose_reply_is_held_does_not_hold_the_others(harness: BotHarness) -> None:
    intake = await running(harness)
    held = harness.api.hold("sendMessage", EN_USER["id"])  # e.g. a slow connection
    intake.accept_updates(
        [harness.updates.command(EN_USER, "/start"), harness.updates.command(ZH_USER, "/start")]
    )
    await until(lambda: bool(to(harness.api.calls, ZH_USER["id"])))
    assert not to(harness.api.calls, EN_USER["id"])  # still waiting on its own reply
    assert harness.state(ZH_USER["id"]) == "welcome"
    held.set()
    await intake.drain(5)
    assert "Welcome" in to(harness.api.take(), EN_USER["id"])[0].text


async def test_a_group_at_its_limit_delays_only_itself(
    settings: Settings, clock: FrozenClock
) -> None:
    """Telegram's 20 messages a minute in a group: the group's 21st message waits for the
    window, and a private chat is answered meanwhile."""
    harness = BotHarness(settings, clock, rate_limiter=lambda: ChatRateLimiter(max_retries=0))
    await harness.start()
    try:
        intake = await running(harness)
        flood = [harness.updates.command(EN_USER, "/start", GROUP)]
        flood += [harness.updates.command(EN_USER, "/status", GROUP) for _ in range(24)]
        intake.accept_updates(flood)
        await until(lambda: len(to(harness.api.calls, GROUP["id"])) >= 20)
        intake.accept_updates([harness.updates.command(ZH_USER, "/start")])
        await until(lambda: bool(to(harness.api.calls, ZH_USER["id"])), timeout=1.0)
        assert len(to(harness.api.calls, GROUP["id"])) < 25  # the group is still waiting
        assert intake.queued > 0
    finally:
        await harness.stop()


async def test_a_flood_of_ticket_messages_delays_only_the_sender(
    settings: Settings, clock: FrozenClock
) -> None:
    desk = BotHarness(
        replace(settings, support_chat_id=SUPPORT),
        clock,
        rate_limiter=lambda: ChatRateLimiter(max_retries=0),
    )
    await desk.start()
    desk.api.responders["getChat"] = support_chat_info(forum=False)
    try:
        await desk.command(EN_USER, "/start")
        await desk.command(EN_USER, "/ask")  # a ticket: the user's messages go to the group
        intake = await running(desk)
        intake.accept_updates(
            [desk.updates.message(EN_USER, text=f"question {n}") for n in range(40)]
        )
        await until(lambda: len(to(desk.api.calls, SUPPORT)) >= 20)
        intake.accept_updates([desk.updates.command(ZH_USER, "/start")])
        await until(lambda: bool(to(desk.api.calls, ZH_USER["id"])), timeout=1.0)
        relayed = to(desk.api.calls, SUPPORT)
        assert len(relayed) < 40  # the ticket's messages still wait for the group's limit
        assert all(  # and the ones that went, went in the order written
            a.params.get("message_id", 0) <= b.params.get("message_id", 0)
            for a, b in itertools.pairwise(relayed)
            if a.method == b.method == "copyMessage"
        )
    finally:
        await desk.stop()


async def test_a_press_is_answered_at_once_while_more_chats_than_slots_wait_for_the_limit(
    settings: Settings, clock: FrozenClock
) -> None:
    """Chats whose replies wait for Telegram's overall limit give their slots up meanwhile:
    a press from yet another chat is answered at once (its answer is not rate-limited)."""
    harness = BotHarness(
        replace(settings, concurrent_updates=2),
        clock,
        rate_limiter=lambda: ChatRateLimiter(
            max_retries=0, overall_max_rate=2, overall_time_period=1
        ),
    )
    await harness.start()
    try:
        await harness.command(EN_USER, "/start")
        step = harness.last_buttons_message[EN_USER["id"]]
        intake = await running(harness)
        crowd = users(7000, 8)  # 8 welcomes at 2 a second: the last one goes after ~4 s
        intake.accept_updates([harness.updates.command(user, "/start") for user in crowd])
        await until(lambda: len([c for c in harness.api.calls if c.chat_id == crowd[0]["id"]]) > 0)
        pressed = time.monotonic()
        intake.accept_updates([harness.updates.press(EN_USER, PRESSES[0], step)])
        await until(
            lambda: any(c.method == "answerCallbackQuery" for c in harness.api.calls),
            timeout=1.0,
        )
        assert time.monotonic() - pressed < 1.0
        assert len([c for c in harness.api.calls if c.method == "sendMessage"]) < 1 + 8
        await intake.drain(10)
        assert all(harness.state(user["id"]) == "welcome" for user in crowd)
    finally:
        await harness.stop()


async def test_one_chats_presses_interleaved_with_many_others_are_applied_in_order(
    harness: BotHarness,
) -> None:
    intake = await running(harness)
    others = users(5000, 30)
    jitter = random.Random(7)
    harness.api.latency = lambda method: jitter.uniform(0, 0.02)  # calls end in any order
    held = harness.api.hold("sendMessage", EN_USER["id"])  # its first reply is slow
    mine = [harness.updates.command(EN_USER, "/start")]
    mine += [harness.updates.press(EN_USER, d, step_message(EN_USER["id"])) for d in PRESSES]
    stream: list[Update] = []
    for n, user in enumerate(others):  # the chat's updates among everyone else's
        stream.append(harness.updates.command(user, "/start"))
        if n % 6 == 0 and mine:
            stream.append(mine.pop(0))
    stream += mine
    intake.accept_updates(stream)
    await until(lambda: all(harness.services.progress.get(u["id"]) for u in others))
    held.set()
    await intake.drain(5)
    progress = harness.services.progress.get(EN_USER["id"])
    assert progress is not None
    assert (progress.state, progress.seq) == ("alipay_corporate", 4)  # every press applied
    notices = [c for c in to(harness.api.calls, EN_USER["id"]) if c.method == "sendMessage"]
    assert len(notices) >= 1
    assert (
        not [  # and none refused as stale
            c
            for c in harness.api.calls
            if c.method == "answerCallbackQuery" and c.params.get("show_alert")
        ]
    )


async def test_a_double_delivered_update_is_applied_once_under_concurrency(
    harness: BotHarness,
) -> None:
    intake = await running(harness)
    await harness.application.update_queue.put(harness.updates.command(EN_USER, "/start"))
    await intake.drain(5)
    press = harness.updates.press(EN_USER, PRESSES[0], step_message(EN_USER["id"]))
    harness.api.take()
    queue = harness.application.update_queue
    for user in users(6000, 10):
        queue.put_nowait(harness.updates.command(user, "/start"))
        queue.put_nowait(press)  # Telegram delivered it again, while the first one runs
    await intake.drain(5)
    edits = [c for c in to(harness.api.take(), EN_USER["id"]) if c.method == "editMessageText"]
    assert len(edits) == 1
    progress = harness.services.progress.get(EN_USER["id"])
    assert progress is not None and (progress.state, progress.seq) == ("owner_separate", 1)


async def test_a_stop_after_the_change_and_before_its_reply_shows_the_step_once_at_start(
    harness: BotHarness, settings: Settings, clock: FrozenClock
) -> None:
    """The process dies after the press was saved and before its reply went out: at the
    next start the chat is shown its step, once, saying the answer was saved."""
    await harness.command(EN_USER, "/start")
    intake = await running(harness)
    harness.api.hold("editMessageText", EN_USER["id"])  # the reply never gets out...
    harness.api.hold("sendMessage", EN_USER["id"])
    press = harness.updates.press(EN_USER, PRESSES[0], harness.last_buttons_message[EN_USER["id"]])
    intake.accept_updates([press])
    await until(lambda: harness.state(EN_USER["id"]) == "owner_separate")  # ...saved
    # ...and the process is killed here: a new one starts on the same database.
    after = BotHarness(settings, clock)
    await after.start()
    try:
        restarted = await running(after)
        assert restarted.make_good_owed() == 1
        assert restarted.replay() == 0
        restarted.accept_updates([press])  # delivered again: recognised, not applied again
        await restarted.drain(5)
        calls = to(after.api.take(), EN_USER["id"])
        assert [c.method for c in calls] == ["sendMessage"]
        assert "answer was saved" in calls[0].text
        assert "different company" in calls[0].text  # the step it moved to
        assert after.state(EN_USER["id"]) == "owner_separate"
        await after.stop()
        again = BotHarness(settings, clock)  # and a third start owes nothing any more
        await again.start()
        assert Intake(again.application).make_good_owed() == 0
        await again.stop()
    finally:
        for gate in harness.api.gates.values():
            gate.set()


async def test_a_press_saved_and_killed_before_its_answer_is_answered_at_the_next_start(
    harness: BotHarness, settings: Settings, clock: FrozenClock
) -> None:
    """The process dies after the press was saved and before answerCallbackQuery went out:
    the next process answers it from the kept update (and a redelivery does not apply it
    again, nor answer it twice)."""
    await harness.command(EN_USER, "/start")
    intake = await running(harness)
    harness.api.hold("answerCallbackQuery")
    press = harness.updates.press(EN_USER, PRESSES[0], harness.last_buttons_message[EN_USER["id"]])
    intake.accept_updates([press])
    await until(lambda: harness.state(EN_USER["id"]) == "owner_separate")
    after = BotHarness(settings, clock)
    await after.start()
    try:
        restarted = await running(after)
        restarted.make_good_owed()
        restarted.accept_updates([press])
        await restarted.drain(5)
        answers = [c for c in after.api.take() if c.method == "answerCallbackQuery"]
        assert [c.params["callback_query_id"] for c in answers] == [press.callback_query.id]
        assert after.services.progress.get(EN_USER["id"]).seq == 1  # applied once
        await after.stop()
    finally:
        for gate in harness.api.gates.values():
            gate.set()


async def killed_before_the_reply(harness: BotHarness) -> None:
    """The press is saved and its reply never gets out: then the process dies."""
    await harness.command(EN_USER, "/start")
    intake = await running(harness)
    harness.api.hold("editMessageText", EN_USER["id"])
    harness.api.hold("sendMessage", EN_USER["id"])
    press = harness.updates.press(EN_USER, PRESSES[0], harness.last_buttons_message[EN_USER["id"]])
    intake.accept_updates([press])
    await until(lambda: harness.state(EN_USER["id"]) == "owner_separate")


async def test_an_owed_step_that_telegram_does_not_take_at_start_is_shown_a_little_later(
    harness: BotHarness, settings: Settings, clock: FrozenClock
) -> None:
    await killed_before_the_reply(harness)
    after = BotHarness(settings, clock)
    await after.start()
    try:
        after.api.fail("sendMessage", 0, chat_id=EN_USER["id"])  # the network is not back yet
        restarted = await running(after)
        assert restarted.make_good_owed() == 1

        def saved() -> list[ApiCall]:
            return [c for c in to(after.api.calls, EN_USER["id"]) if "answer was saved" in c.text]

        await until(lambda: len(saved()) == 2, timeout=5)  # the timed-out try, and the next
        assert not after.services.ledger.owes(EN_USER["id"])
        await restarted.drain(5)
        await after.stop()
    finally:
        for gate in harness.api.gates.values():
            gate.set()


async def test_an_owed_step_for_a_chat_that_blocked_the_bot_is_not_tried_again(
    harness: BotHarness, settings: Settings, clock: FrozenClock
) -> None:
    await killed_before_the_reply(harness)
    after = BotHarness(settings, clock)
    await after.start()
    try:
        after.api.fail("sendMessage", 403, chat_id=EN_USER["id"])
        restarted = await running(after)
        assert restarted.make_good_owed() == 1
        await until(lambda: bool(to(after.api.calls, EN_USER["id"])))
        await asyncio.sleep(1.5)  # longer than the first wait before another try
        assert len(to(after.api.calls, EN_USER["id"])) == 1
        assert not after.services.ledger.owes(EN_USER["id"])
        await after.stop()
        again = BotHarness(settings, clock)  # nor at the next start
        await again.start()
        assert Intake(again.application).make_good_owed() == 0
        await again.stop()
    finally:
        for gate in harness.api.gates.values():
            gate.set()


def test_lanes_keep_each_chat_and_each_ticket_in_order() -> None:
    lanes = ChatLanes(8, support_chat_id=SUPPORT)
    factory = UpdateFactory(None, first_update_id=1)
    support = UpdateFactory.chat(SUPPORT, "supergroup", "TP support", is_forum=True)
    operator = UpdateFactory.user(901, "Olga", "en")

    def in_topic(thread: int) -> Update:
        return factory.message(
            operator, support, text="reply", message_thread_id=thread, is_topic_message=True
        )

    assert lanes.lane_of(factory.command(EN_USER, "/start")) == EN_USER["id"]
    assert lanes.lane_of(factory.command(EN_USER, "/status", GROUP)) == GROUP["id"]
    assert lanes.lane_of(in_topic(7)) == lanes.lane_of(in_topic(7))  # one ticket: in order
    assert lanes.lane_of(in_topic(7)) != lanes.lane_of(in_topic(8))  # two tickets: side by side
    assert lanes.lane_of(factory.message(operator, support, text="hi")) == (SUPPORT, 0)


async def test_a_private_chat_gets_at_most_one_new_message_a_second() -> None:
    limiter = ChatRateLimiter(max_retries=0)
    await limiter.initialize()
    sent: list[tuple[int, float]] = []

    async def send(chat_id: int) -> bool:
        sent.append((chat_id, time.monotonic()))
        return True

    async def call(endpoint: str, chat_id: int) -> None:
        await limiter.process_request(send, (chat_id,), {}, endpoint, {"chat_id": chat_id}, None)

    await asyncio.gather(call("sendMessage", 1), call("sendMessage", 1), call("sendMessage", 2))
    await call("editMessageText", 1)  # edits are not new messages: not held
    times = {chat: [at for c, at in sent if c == chat] for chat in (1, 2)}
    assert times[1][1] - times[1][0] >= 0.9
    assert times[2][0] - times[1][0] < 0.5
    await limiter.shutdown()


async def test_a_group_never_gets_more_than_its_limit_in_any_window() -> None:
    """Telegram's 20 a minute in a group, scaled down to 3 in 0.6 s: a leaky bucket would let
    3 through at once and then one every 0.2 s (6 in the first 0.6 s); the window never more
    than 3, and another group is not held."""
    limiter = ChatRateLimiter(max_retries=0, group_max_rate=3, group_time_period=0.6)
    await limiter.initialize()
    sent: list[tuple[int, float]] = []

    async def send(chat_id: int) -> bool:
        sent.append((chat_id, time.monotonic()))
        return True

    async def call(chat_id: int) -> None:
        await limiter.process_request(
            send, (chat_id,), {}, "sendMessage", {"chat_id": chat_id}, None
        )

    await asyncio.gather(*(call(-100) for _ in range(7)), call(-200))
    times = [at for chat, at in sent if chat == -100]
    assert len(times) == 7
    most = max(sum(1 for t in times if start <= t < start + 0.6) for start in times)
    assert most <= 3
    assert times[-1] - times[0] >= 1.2  # the 7th waits for two windows
    assert [chat for chat, _ in sent].index(-200) < 4  # the other group went at once
    await limiter.shutdown()


async def test_a_group_call_counts_from_when_it_ends() -> None:
    """Telegram receives a call somewhere between its start and its end: the window counts
    a call from its end, so no two calls the limit apart reach Telegram closer than it."""
    limiter = ChatRateLimiter(max_retries=0, group_max_rate=2, group_time_period=0.4)
    await limiter.initialize()
    calls: list[tuple[float, float]] = []

    async def slow_send() -> bool:
        started = time.monotonic()
        await asyncio.sleep(0.2)
        calls.append((started, time.monotonic()))
        return True

    await asyncio.gather(
        *(
            limiter.process_request(slow_send, (), {}, "sendMessage", {"chat_id": -5}, None)
            for _ in range(5)
        )
    )
    calls.sort()
    assert all(calls[i + 2][0] - calls[i][1] >= 0.39 for i in range(len(calls) - 2))
    await limiter.shutdown()


async def test_a_lane_runs_its_updates_one_after_another_and_lanes_side_by_side() -> None:
    lanes = ChatLanes(8)
    await lanes.initialize()
    events: list[tuple[str, int, str]] = []

    async def handle(lane: str, n: int, seconds: float) -> None:
        events.append((lane, n, "start"))
        await asyncio.sleep(seconds)  # a round trip to Telegram, slower for earlier ones
        events.append((lane, n, "end"))

    await asyncio.gather(
        *(
            lanes.run_in_lane(lane, handle(lane, n, 0.05 - 0.01 * n))
            for n in range(4)
            for lane in ("a", "b")
        )
    )
    for lane in ("a", "b"):
        mine = [(n, what) for name, n, what in events if name == lane]
        assert mine == [(n, what) for n in range(4) for what in ("start", "end")]
    assert events.index(("b", 0, "start")) < events.index(("a", 0, "end"))  # side by side
    assert lanes.inside == 0
