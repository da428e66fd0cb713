"""TPBOT_SUPPORT_GROUP_OPERATORS: whether the support group's members are operators (for
tickets), through the real Application. Broadcasts and /stats are never theirs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.config import Settings
from tests.helpers.groups import member_changed
from tests.helpers.harness import EN_USER, BotHarness, FrozenClock, methods, texts
from tests.helpers.support import (
    FORUM,
    LISTED,
    OPERATOR,
    SUPPORT,
    ask_and_write,
    make_forum,
    operator_in_topic,
    to_chat,
)

CLOSED = "Ticket #1 closed"
REFUSED = "Only our support team can close tickets"


@pytest.fixture(params=[True, False], ids=["members-count", "listed-only"])
async def desk(
    request: pytest.FixtureRequest, settings: Settings, clock: FrozenClock
) -> AsyncIterator[BotHarness]:
    """A forum support group; OPERATOR is a member of it, LISTED is in TPBOT_OPERATORS."""
    members_count: bool = request.param
    bot = BotHarness(
        replace(
            settings,
            support_chat_id=SUPPORT,
            operators=frozenset({LISTED["id"]}),
            support_group_operators=members_count,
        ),
        clock,
    )
    await bot.start()
    make_forum(bot)
    bot.api.chat_members[(SUPPORT, OPERATOR["id"])] = "member"
    await ask_and_write(bot, EN_USER, "my question")
    yield bot
    await bot.stop()


def members_count(desk: BotHarness) -> bool:
    return desk.settings.support_group_operators


async def test_a_member_closes_by_number_only_when_members_count(desk: BotHarness) -> None:
    calls = await desk.command(OPERATOR, "/close 1")
    if members_count(desk):
        assert CLOSED in texts(to_chat(calls, OPERATOR["id"]))
        assert "getChatMember" in methods(calls)
        assert not desk.services.tickets.get(1).is_open
    else:
        assert REFUSED in texts(calls)
        assert "getChatMember" not in methods(calls)  # membership is not even asked
        assert desk.services.tickets.get(1).is_open
        calls = await desk.command(LISTED, "/close 1")  # the listed operators still may
        assert CLOSED in texts(to_chat(calls, LISTED["id"]))


async def test_broadcasts_and_stats_stay_with_the_listed_operators(desk: BotHarness) -> None:
    for command in ("/stats", "/broadcast", "/broadcasts"):
        calls = await desk.command(OPERATOR, command)
        assert "sendPhoto" not in methods(calls)
        assert all(c.chat_id == OPERATOR["id"] for c in calls)
        assert "operators" in texts(calls).lower(), (command, texts(calls))
    calls = await desk.command(LISTED, "/stats")
    assert "sendPhoto" in methods(calls)


@pytest.mark.parametrize(
    "listed_only",
    [False, True],
    ids=["members-count", "listed-only"],
)
async def test_a_members_answer_in_the_topic_reaches_the_user_only_when_members_count(
    settings: Settings, clock: FrozenClock, listed_only: bool
) -> None:
    bot = BotHarness(
        replace(
            settings,
            support_chat_id=SUPPORT,
            operators=frozenset({LISTED["id"]}),
            support_group_operators=not listed_only,
        ),
        clock,
    )
    await bot.start()
    try:
        make_forum(bot)
        await ask_and_write(bot, EN_USER, "my question")
        thread = bot.services.tickets.of_chat(EN_USER["id"]).thread_id
        assert thread is not None
        calls = await operator_in_topic(bot, thread, "an answer")
        delivered = [c.chat_id for c in calls if c.method == "copyMessage"] == [EN_USER["id"]]
        assert delivered is not listed_only
        calls = await operator_in_topic(bot, thread, "a listed answer", user=LISTED)
        assert [c.chat_id for c in calls if c.method == "copyMessage"] == [EN_USER["id"]]
    finally:
        await bot.stop()


async def test_a_member_who_leaves_the_support_group_is_no_operator_at_once(
    desk: BotHarness,
) -> None:
    if not members_count(desk):
        pytest.skip("membership counts for nothing here")
    calls = await desk.command(OPERATOR, "/close 99")  # no such ticket: checked, remembered
    assert "getChatMember" in methods(calls) and REFUSED not in texts(calls)
    desk.api.chat_members[(SUPPORT, OPERATOR["id"])] = "left"
    left = member_changed(FORUM, OPERATOR, "member", "left", OPERATOR)
    assert await desk.feed(desk.updates.from_dict(left)) == []
    calls = await desk.command(OPERATOR, "/close 1")
    assert "getChatMember" in methods(calls) and REFUSED in texts(calls)
    assert desk.services.tickets.get(1).is_open
