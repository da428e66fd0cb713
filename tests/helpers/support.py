"""The support desk's tests' pieces: the support group, getChat's answer for it, messages the
bot posted there, and asking and answering through it."""

from __future__ import annotations

import time
from typing import Any

from bot.demo.offline_api import BOT_USER, ApiCall
from bot.demo.updates import UpdateFactory
from tests.helpers.harness import BotHarness, FrozenClock
from tests.helpers.paths import TO_OP_SUBMITTED

SUPPORT = -100555


OPERATOR = UpdateFactory.user(901, "Olga", "en", username="olga_ops")  # a support-group member


LISTED = UpdateFactory.user(900, "Listed", "en")  # in TPBOT_OPERATORS


FORUM = UpdateFactory.chat(SUPPORT, "supergroup", "TP support", is_forum=True)


PLAIN = UpdateFactory.chat(SUPPORT, "supergroup", "TP support")


def support_chat_info(forum: bool) -> Any:
    """getChat's answer (a full ChatFullInfo, as Telegram sends it) for the support group."""

    def respond(params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": int(params["chat_id"]),
            "type": "supergroup",
            "title": "TP support",
            "is_forum": forum,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    return respond


def make_forum(harness: BotHarness) -> None:
    harness.api.responders["getChat"] = support_chat_info(forum=True)


def one(calls: list[ApiCall], method: str, **params: Any) -> ApiCall:
    found = [
        c
        for c in calls
        if c.method == method and all(str(c.params.get(k)) == str(v) for k, v in params.items())
    ]
    assert len(found) == 1, (method, params, calls)
    return found[0]


def to_chat(calls: list[ApiCall], chat_id: int) -> list[ApiCall]:
    return [c for c in calls if c.chat_id == chat_id]


def bot_message(chat: dict[str, Any], message_id: int, **extra: Any) -> dict[str, Any]:
    """A message the bot posted, as it appears in ``reply_to_message``."""
    return {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": chat,
        "from": BOT_USER,
        "text": "...",
        **extra,
    }


async def ask_and_write(desk: BotHarness, user: dict[str, Any], text: str) -> list[ApiCall]:
    await desk.command(user, "/start")
    await desk.command(user, "/ask")
    return await desk.send(user, text)


async def operator_in_topic(
    desk: BotHarness, thread: int, text: str, user: dict[str, Any] = OPERATOR, **extra: Any
) -> list[ApiCall]:
    return await desk.feed(
        desk.updates.message(
            user, FORUM, text=text, message_thread_id=thread, is_topic_message=True, **extra
        )
    )


async def ticket_at_audit(desk: BotHarness, clock: FrozenClock, user: dict[str, Any]) -> int:
    """The user walks to the Tmall Operator audit (submitted on Sep 30, 2026: the National
    Day holiday puts the result on Oct 10) and asks in a forum support group; the ticket's
    topic's thread id."""
    make_forum(desk)
    clock.set(2026, 9, 30)
    await desk.command(user, "/start")
    for answer in [*TO_OP_SUBMITTED, "yes"]:
        await desk.answer(user, answer)
    await desk.command(user, "/ask")
    calls = await desk.send(user, "Any news of our audit?")
    return int(one(calls, "createForumTopic").result["message_thread_id"])
