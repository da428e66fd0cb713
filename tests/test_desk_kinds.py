"""Every kind of message relayed both ways through the desk: each kind, albums as albums, and
edits carried over to the copy, through the real Application."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from bot.demo.offline_api import ApiCall
from bot.handlers.support import albums
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, methods, texts
from tests.helpers.support import (
    FORUM,
    OPERATOR,
    PLAIN,
    SUPPORT,
    ask_and_write,
    bot_message,
    make_forum,
    one,
    to_chat,
)
from tests.helpers.topics import KINDS, album, edited, kind_message


@pytest.fixture(autouse=True)
def quick_albums(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(albums, "ALBUM_WAIT", 0.05)


async def settle(desk: BotHarness) -> list[ApiCall]:
    """What the bot did once an album's wait is over."""
    await asyncio.sleep(0.3)
    return desk.api.take()


async def forum_ticket(desk: BotHarness, user: dict[str, Any] = EN_USER) -> int:
    make_forum(desk)
    calls = await ask_and_write(desk, user, "hello")
    return int(one(calls, "createForumTopic").result["message_thread_id"])


def in_topic(thread: int, **extra: Any) -> dict[str, Any]:
    return {"message_thread_id": thread, "is_topic_message": True, **extra}


def media(call: ApiCall) -> list[dict[str, Any]]:
    value = call.params["media"]
    return list(json.loads(value) if isinstance(value, str) else value)


@pytest.mark.parametrize("kind", sorted(KINDS))
async def test_each_kind_is_relayed_both_ways(desk: BotHarness, kind: str) -> None:
    thread = await forum_ticket(desk)
    sent = kind_message(desk, EN_USER, kind)
    calls = await desk.feed(sent)
    copy = one(calls, "copyMessage", chat_id=SUPPORT)
    assert methods(calls) == ["copyMessage"]
    assert copy.params["from_chat_id"] == EN_USER["id"]
    assert copy.params["message_id"] == sent.message.message_id
    assert copy.params["message_thread_id"] == thread
    answer = kind_message(desk, OPERATOR, kind, FORUM, **in_topic(thread))
    calls = await desk.feed(answer)
    assert methods(calls) == ["copyMessage"]
    assert calls[0].chat_id == EN_USER["id"] and calls[0].params["from_chat_id"] == SUPPORT
    assert calls[0].params["message_id"] == answer.message.message_id
    assert "message_thread_id" not in calls[0].params


# -- albums ---------------------------------------------------------------------------------------
async def test_a_users_album_arrives_in_the_topic_as_one_album_before_what_follows(
    desk: BotHarness,
) -> None:
    thread = await forum_ticket(desk)
    parts = album(desk, EN_USER, "g1", ["front", "back", "doc: licence"])
    for part in parts:
        assert await desk.feed(part) == []  # held until the album is complete
    after = desk.updates.message(EN_USER, text="and this is my question")
    calls = await desk.feed(after)  # comes at once: the album goes first
    calls += await settle(desk)
    assert methods(calls) == ["sendMediaGroup", "copyMessage"]
    group = calls[0]
    assert group.chat_id == SUPPORT and group.params["message_thread_id"] == thread
    assert [m["caption"] for m in media(group)] == ["front", "back", "doc: licence"]
    assert [m["type"] for m in media(group)] == ["photo", "photo", "document"]
    assert [m["media"] for m in media(group)] == ["g1-0", "g1-1", "g1-2"]
    assert calls[1].params["message_id"] == after.message.message_id

    # Each part's copy is known: a caption edited edits that part's copy.
    copies = [m["message_id"] for m in group.result]
    calls = await desk.feed(edited(parts[1], desk, caption="back, corrected"))
    assert methods(calls) == ["editMessageCaption"]
    assert calls[0].chat_id == SUPPORT and calls[0].params["message_id"] == copies[1]
    assert calls[0].params["caption"] == "back, corrected"


async def test_an_album_that_opens_a_ticket_comes_after_its_topic_and_card(
    desk: BotHarness,
) -> None:
    make_forum(desk)
    await desk.command(ZH_USER, "/start")
    await desk.command(ZH_USER, "/ask")
    for part in album(desk, ZH_USER, "g2", ["营业执照", "合同"]):
        await desk.feed(part)
    calls = await settle(desk)
    support = [c.method for c in to_chat(calls, SUPPORT) if c.method != "getChat"]
    assert support == ["createForumTopic", "sendMessage", "sendMediaGroup"]
    thread = one(calls, "createForumTopic").result["message_thread_id"]
    assert one(calls, "sendMediaGroup").params["message_thread_id"] == thread
    assert "已转给我们的团队（工单 #1）" in texts(to_chat(calls, ZH_USER["id"]))  # told once


async def test_a_users_album_in_a_plain_group_replies_to_the_card(desk: BotHarness) -> None:
    calls = await ask_and_write(desk, EN_USER, "hello")
    header = one(calls, "sendMessage", chat_id=SUPPORT).result["message_id"]
    for part in album(desk, EN_USER, "g3", ["one", "two"]):
        await desk.feed(part)
    calls = await settle(desk)
    group = one(calls, "sendMediaGroup", chat_id=SUPPORT)
    assert group.params["reply_parameters"]["message_id"] == header
    assert "message_thread_id" not in group.params
    # An operator's reply to one of its parts reaches the user.
    part_copy = group.result[1]["message_id"]
    calls = await desk.send(
        OPERATOR, "got them", PLAIN, reply_to_message=bot_message(PLAIN, part_copy)
    )
    assert [c.chat_id for c in calls] == [EN_USER["id"]]


async def test_an_operators_album_reaches_the_user_as_one_album(desk: BotHarness) -> None:
    thread = await forum_ticket(desk)
    parts = album(desk, OPERATOR, "g4", ["step 1", "step 2", "step 3"], FORUM, **in_topic(thread))
    for part in parts:
        assert await desk.feed(part) == []
    calls = await settle(desk)
    assert methods(calls) == ["copyMessages"]
    copied = calls[0]
    assert copied.chat_id == EN_USER["id"] and copied.params["from_chat_id"] == SUPPORT
    ids = [p.message.message_id for p in parts]
    assert [int(i) for i in copied.params["message_ids"]] == ids
    # The user's reply to one of its parts goes back to the operators.
    part_copy = copied.result[2]["message_id"]
    private = desk.updates.chat(EN_USER["id"], "private")
    await desk.press(EN_USER, "tk|done")  # no longer relaying everything: a reply still goes
    calls = await desk.send(
        EN_USER, "done all three", reply_to_message=bot_message(private, part_copy)
    )
    assert one(calls, "copyMessage", chat_id=SUPPORT)
    # An edited caption of a part edits the user's copy of that part.
    calls = await desk.feed(edited(parts[0], desk, caption="step 1 (updated)"))
    assert methods(calls) == ["editMessageCaption"]
    assert calls[0].chat_id == EN_USER["id"]
    assert calls[0].params["message_id"] == copied.result[0]["message_id"]


async def test_an_operators_text_after_an_album_comes_after_it(desk: BotHarness) -> None:
    thread = await forum_ticket(desk)
    for part in album(desk, OPERATOR, "g5", ["a", "b"], FORUM, **in_topic(thread)):
        await desk.feed(part)
    calls = await desk.feed(
        desk.updates.message(OPERATOR, FORUM, text="see above", **in_topic(thread))
    )
    assert methods(calls) == ["copyMessages", "copyMessage"]


# -- edits ----------------------------------------------------------------------------------------
async def test_edits_are_carried_over_both_ways(desk: BotHarness) -> None:
    thread = await forum_ticket(desk)
    question = desk.updates.message(EN_USER, text="my shop id is 123")
    copy_in_topic = one(await desk.feed(question), "copyMessage").result["message_id"]
    entities = [{"type": "bold", "offset": 14, "length": 3}]
    calls = await desk.feed(edited(question, desk, text="my shop id is 456", entities=entities))
    assert methods(calls) == ["editMessageText"]
    edit = calls[0]
    assert edit.chat_id == SUPPORT and edit.params["message_id"] == copy_in_topic
    assert edit.params["text"] == "my shop id is 456"
    assert "parse_mode" not in edit.params and edit.params["entities"][0]["type"] == "bold"

    answer = desk.updates.message(
        OPERATOR, FORUM, text="Use the contract's name", **in_topic(thread)
    )
    copy_for_user = one(await desk.feed(answer), "copyMessage").result["message_id"]
    calls = await desk.feed(edited(answer, desk, text="Use the exact name in the contract"))
    assert methods(calls) == ["editMessageText"]
    assert calls[0].chat_id == EN_USER["id"] and calls[0].params["message_id"] == copy_for_user

    # A caption edited on a photo: editMessageCaption.
    photo = kind_message(desk, EN_USER, "photo")
    photo_copy = one(await desk.feed(photo), "copyMessage").result["message_id"]
    calls = await desk.feed(edited(photo, desk, caption="the error, again"))
    assert methods(calls) == ["editMessageCaption"]
    assert calls[0].params["message_id"] == photo_copy
    assert calls[0].params["caption"] == "the error, again"


async def test_an_edit_of_a_message_never_relayed_goes_nowhere(desk: BotHarness) -> None:
    await desk.command(EN_USER, "/start")
    before = desk.updates.message(EN_USER, text="before asking")
    await desk.feed(before)
    await desk.command(EN_USER, "/ask")
    await desk.send(EN_USER, "the question")
    assert await desk.feed(edited(before, desk, text="changed")) == []
    chatter = desk.updates.message(OPERATOR, PLAIN, text="lunch?")
    assert await desk.feed(chatter) == []
    assert await desk.feed(edited(chatter, desk, text="lunch at 1?")) == []


async def test_an_edit_whose_copy_is_gone_is_sent_again_into_a_new_topic(
    desk: BotHarness,
) -> None:
    thread = await forum_ticket(desk)
    question = desk.updates.message(EN_USER, text="shop id 123")
    await desk.feed(question)
    # An operator deleted the topic, and with it the copy.
    desk.api.fail("editMessageText", 400, "Bad Request: message to edit not found", chat_id=SUPPORT)
    desk.api.fail("copyMessage", 400, "Bad Request: message thread not found", chat_id=SUPPORT)
    calls = await desk.feed(edited(question, desk, text="shop id 456"))
    support = [c.method for c in to_chat(calls, SUPPORT)]
    assert support == [
        "editMessageText",
        "copyMessage",
        "createForumTopic",
        "sendMessage",
        "copyMessage",
    ]
    new_thread = one(calls, "createForumTopic").result["message_thread_id"]
    assert new_thread != thread
    again = to_chat(calls, SUPPORT)[-1]
    assert again.params["message_id"] == question.message.message_id  # the edited one
    assert "could not pass your message on" not in texts(calls)


async def test_an_operators_edit_whose_copy_the_user_deleted_is_sent_again(
    desk: BotHarness,
) -> None:
    thread = await forum_ticket(desk)
    answer = desk.updates.message(OPERATOR, FORUM, text="answer", **in_topic(thread))
    await desk.feed(answer)
    desk.api.fail(
        "editMessageText", 400, "Bad Request: message to edit not found", chat_id=EN_USER["id"]
    )
    calls = await desk.feed(edited(answer, desk, text="better answer"))
    assert methods(calls) == ["editMessageText", "copyMessage"]
    assert calls[1].chat_id == EN_USER["id"]
    # And the new copy is the one a further edit changes.
    new_copy = calls[1].result["message_id"]
    calls = await desk.feed(edited(answer, desk, text="best answer"))
    assert calls[0].params["message_id"] == new_copy


async def test_an_album_then_ask_at_once_opens_one_topic_album_first(desk: BotHarness) -> None:
    make_forum(desk)
    await desk.command(EN_USER, "/start")
    await desk.command(EN_USER, "/ask")
    for part in album(desk, EN_USER, "g6", ["one", "two"]):
        await desk.feed(part)
    calls = await desk.command(EN_USER, "/ask and a question")
    calls += await settle(desk)
    support = [c.method for c in to_chat(calls, SUPPORT) if c.method != "getChat"]
    assert support == ["createForumTopic", "sendMessage", "sendMediaGroup", "sendMessage"]
    assert to_chat(calls, SUPPORT)[-1].text == "and a question"


async def test_an_operators_album_then_close_reaches_the_user_before_the_close(
    desk: BotHarness,
) -> None:
    thread = await forum_ticket(desk)
    for part in album(desk, OPERATOR, "g7", ["a", "b"], FORUM, **in_topic(thread)):
        await desk.feed(part)
    calls = await desk.feed(desk.updates.command(OPERATOR, "/close", FORUM, **in_topic(thread)))
    to_user = [c.method for c in to_chat(calls, EN_USER["id"])]
    assert to_user == ["copyMessages", "sendMessage"]  # the album, then "resolved"
