"""A team walking the certification together in a group chat, through the real Application."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.demo.updates import UpdateFactory
from bot.storage.events import events_of
from tests.helpers.groups import member, member_changed, membership, sent_message
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock, methods, texts

GROUP = UpdateFactory.chat(-200, "group", "Acme TP team")
SUPERGROUP = UpdateFactory.chat(-100200, "supergroup", "Acme TP team")
BOB = UpdateFactory.user(1003, "Bob", "en")


def answer_members(harness: BotHarness) -> None:
    """getChatMember answers from ``api.chat_members``, as complete objects."""

    def respond(params: dict[str, Any]) -> dict[str, Any]:
        key = (int(params["chat_id"]), int(params["user_id"]))
        user = {"id": key[1], "is_bot": False, "first_name": f"User{key[1]}"}
        return member(harness.api.chat_members.get(key, "member"), user)

    harness.api.responders["getChatMember"] = respond


async def test_two_members_walk_one_group_progress_and_the_log_says_who(
    harness: BotHarness,
) -> None:
    calls = await harness.command(EN_USER, "/start", GROUP)
    assert calls[-1].chat_id == GROUP["id"] and "Welcome" in calls[-1].text
    await harness.answer(EN_USER, "begin", GROUP)
    calls = await harness.answer(BOB, "yes", GROUP)  # another member answers the next step
    assert methods(calls) == ["answerCallbackQuery", "editMessageText"]
    await harness.answer(EN_USER, "yes", GROUP)
    assert harness.state(GROUP["id"]) == "taobao_corporate"
    assert harness.services.progress.get(EN_USER["id"]) is None  # no private progress made
    answers = [
        (e.user_id, e.step) for e in events_of(harness.db, GROUP["id"]) if e.kind == "answer"
    ]
    assert answers == [(1001, "welcome"), (1003, "owner_separate"), (1001, "manages_shops")]
    calls = await harness.command(BOB, "/status", GROUP)
    assert calls[0].chat_id == GROUP["id"] and "Certification progress" in calls[0].text
    calls = await harness.command(BOB, "/help", GROUP)
    assert "You are at" in texts(calls)


async def test_the_member_who_starts_chooses_the_groups_language(harness: BotHarness) -> None:
    calls = await harness.command(ZH_USER, "/start", GROUP)
    assert "欢迎" in texts(calls)
    calls = await harness.command(EN_USER, "/status", GROUP)
    assert "认证进度" in texts(calls)


async def test_commands_addressed_to_this_bot_or_to_others(harness: BotHarness) -> None:
    calls = await harness.command(EN_USER, "/start@TmallTPBot", GROUP)
    assert "Welcome" in texts(calls)
    calls = await harness.command(EN_USER, "/status@TmallTPBot", GROUP)
    assert "Certification progress" in texts(calls)
    # Another bot's commands, and unknown plain commands, are not ours to answer in a group.
    assert await harness.command(EN_USER, "/status@OtherBot", GROUP) == []
    assert await harness.command(EN_USER, "/weather@OtherBot", GROUP) == []
    assert await harness.command(EN_USER, "/weather", GROUP) == []
    calls = await harness.command(EN_USER, "/weather@TmallTPBot", GROUP)
    assert "I don't know that command" in texts(calls)
    # In a private chat an unknown command is still answered.
    calls = await harness.command(EN_USER, "/weather")
    assert "I don't know that command" in texts(calls)


async def test_reset_and_language_are_for_administrators(
    harness: BotHarness, clock: FrozenClock
) -> None:
    await harness.command(EN_USER, "/start", GROUP)
    await harness.answer(EN_USER, "begin", GROUP)
    answer_members(harness)
    harness.api.chat_members[(GROUP["id"], EN_USER["id"])] = "administrator"

    calls = await harness.command(BOB, "/reset", GROUP)
    assert methods(calls) == ["getChatMember", "sendMessage"]
    assert "Only this group's administrators" in calls[1].text
    calls = await harness.command(BOB, "/language@TmallTPBot", GROUP)
    assert methods(calls) == ["sendMessage"]  # remembered: no second getChatMember
    assert "Only this group's administrators" in calls[0].text
    # /back undoes the last answer: a member may undo their own, not someone else's (#10)
    calls = await harness.command(BOB, "/back", GROUP)
    assert "only this group's administrators can undo another member's answer" in texts(calls)
    assert harness.state(GROUP["id"]) == "owner_separate"
    calls = await harness.command(EN_USER, "/back", GROUP)  # the admin may
    assert "Went back one step" in texts(calls)
    await harness.answer(BOB, "begin", GROUP)
    calls = await harness.command(BOB, "/back", GROUP)  # Bob's own answer
    assert "Went back one step" in texts(calls)
    await harness.answer(BOB, "begin", GROUP)
    calls = await harness.command(BOB, "/mute", GROUP)  # muting the team: admins only
    assert "Only this group's administrators" in texts(calls)
    calls = await harness.command(BOB, "/unmute", GROUP)
    assert "Only this group's administrators" in texts(calls)
    calls = await harness.command(EN_USER, "/mute", GROUP)
    assert "Only this group's administrators" not in texts(calls)

    # The admin asks to reset; a member pressing the confirmation is refused.
    calls = await harness.command(EN_USER, "/reset", GROUP)
    confirm = calls[-1]
    yes = next(data for _, data in confirm.buttons() if data.endswith("|yes"))
    message = sent_message(confirm, confirm.result["message_id"])
    calls = await harness.press(BOB, yes, GROUP, message)
    assert "Only this group's administrators" in texts(calls)
    assert harness.state(GROUP["id"]) == "owner_separate"
    calls = await harness.press(EN_USER, yes, GROUP, message)
    assert "Progress cleared" in texts(calls)
    assert harness.state(GROUP["id"]) == "welcome"

    # Admin rights are looked up again after a minute (Bob was promoted meanwhile).
    harness.api.chat_members[(GROUP["id"], BOB["id"])] = "creator"
    clock.advance(seconds=61)
    calls = await harness.command(BOB, "/language", GROUP)
    assert methods(calls) == ["getChatMember", "sendMessage"]
    assert "Choose your language" in calls[1].text
    message = sent_message(calls[1], calls[1].result["message_id"])
    calls = await harness.press(BOB, "l|zh", GROUP, message)
    assert "语言：中文" in texts(calls)
    assert harness.services.progress.get(GROUP["id"]).language == "zh"

    # In a private chat nobody is asked for admin rights.
    await harness.command(EN_USER, "/start")
    calls = await harness.command(EN_USER, "/reset")
    assert "getChatMember" not in methods(calls) and "Start over" in texts(calls)


async def test_a_demoted_or_promoted_administrator_is_asked_about_at_once(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await harness.command(EN_USER, "/start", GROUP)
    answer_members(harness)
    harness.api.chat_members[(GROUP["id"], EN_USER["id"])] = "administrator"
    calls = await harness.command(EN_USER, "/reset", GROUP)
    assert "Start over" in texts(calls)  # an administrator: remembered for a minute
    calls = await harness.command(BOB, "/reset", GROUP)
    assert "Only this group's administrators" in texts(calls)  # Bob is not, remembered too

    # Bob (made the owner) demotes Alice and promotes himself: Telegram says so at once.
    harness.api.chat_members[(GROUP["id"], EN_USER["id"])] = "member"
    harness.api.chat_members[(GROUP["id"], BOB["id"])] = "administrator"
    with caplog.at_level(logging.WARNING):
        for user, old, new in [(EN_USER, "administrator", "member"), (BOB, "member", "creator")]:
            update = member_changed(GROUP, user, old, new, BOB)
            assert await harness.feed(harness.updates.from_dict(update)) == []  # said nothing
    assert not caplog.records
    calls = await harness.command(EN_USER, "/reset", GROUP)
    assert methods(calls) == ["getChatMember", "sendMessage"]  # asked again, not remembered
    assert "Only this group's administrators" in calls[1].text
    calls = await harness.command(BOB, "/reset", GROUP)
    assert methods(calls) == ["getChatMember", "sendMessage"]
    assert "Start over" in calls[1].text

    # A change of someone else, or in another group, keeps what is known.
    other = UpdateFactory.chat(-300, "group", "Another team")
    await harness.feed(harness.updates.from_dict(member_changed(other, BOB, "member", "left", BOB)))
    await harness.feed(
        harness.updates.from_dict(member_changed(GROUP, ZH_USER, "left", "member", ZH_USER))
    )
    calls = await harness.command(BOB, "/reset", GROUP)
    assert methods(calls) == ["sendMessage"]


async def test_an_anonymous_administrator_may_reset(harness: BotHarness) -> None:
    await harness.command(EN_USER, "/start", GROUP)
    anonymous = UpdateFactory.user(1087968824, "Group", None, username="GroupAnonymousBot")
    anonymous["is_bot"] = True
    calls = await harness.command(anonymous, "/reset", GROUP, sender_chat=GROUP)
    assert "Start over from the beginning" in texts(calls)
    assert "getChatMember" not in methods(calls)
    # Someone posting as a channel is not the group's administrator.
    channel = UpdateFactory.chat(-100999, "channel", "Some channel")
    calls = await harness.command(anonymous, "/reset", GROUP, sender_chat=channel)
    assert "Only this group's administrators" in texts(calls)


async def test_migration_to_a_supergroup_keeps_everything(harness: BotHarness) -> None:
    await harness.command(EN_USER, "/start", GROUP)
    await harness.answer(EN_USER, "begin", GROUP)
    await harness.answer(BOB, "yes", GROUP)
    before = events_of(harness.db, GROUP["id"])

    # Telegram announces it in the old group, then in the new supergroup.
    calls = await harness.feed(
        harness.updates.message(EN_USER, GROUP, migrate_to_chat_id=SUPERGROUP["id"])
    )
    assert calls == []
    assert harness.services.progress.get(GROUP["id"]) is None
    moved = harness.services.progress.get(SUPERGROUP["id"])
    assert moved.state == "manages_shops" and moved.chat_type == "supergroup"
    await harness.feed(
        harness.updates.message(EN_USER, SUPERGROUP, migrate_from_chat_id=GROUP["id"])
    )  # idempotent
    after = events_of(harness.db, SUPERGROUP["id"])
    assert after[: len(before)] == before
    assert [e.kind for e in after[len(before) :]] == ["migrate"]

    # The walk goes on in the supergroup; the old buttons are still the current ones.
    harness.last_buttons_message[SUPERGROUP["id"]] = {
        **harness.last_buttons_message[GROUP["id"]],
        "chat": SUPERGROUP,
    }
    calls = await harness.answer(BOB, "yes", SUPERGROUP)
    assert methods(calls) == ["answerCallbackQuery", "editMessageText"]
    assert harness.state(SUPERGROUP["id"]) == "taobao_corporate"


async def test_removed_and_added_again_the_group_keeps_its_progress(harness: BotHarness) -> None:
    await harness.command(EN_USER, "/start", GROUP)
    await harness.answer(EN_USER, "begin", GROUP)
    calls = await harness.feed(
        harness.updates.from_dict(membership(GROUP, "member", "left", EN_USER))
    )
    assert calls == []
    assert not harness.services.progress.get(GROUP["id"]).active
    calls = await harness.feed(
        harness.updates.from_dict(membership(GROUP, "left", "member", EN_USER))
    )
    assert "progress was kept" in texts(calls) and "/start@TmallTPBot" in texts(calls)
    assert harness.services.progress.get(GROUP["id"]).active
    calls = await harness.command(EN_USER, "/start", GROUP)
    assert "Welcome back" in texts(calls)
    assert harness.state(GROUP["id"]) == "owner_separate"


async def test_added_to_a_new_group_it_introduces_itself(harness: BotHarness) -> None:
    calls = await harness.feed(
        harness.updates.from_dict(membership(SUPERGROUP, "left", "administrator", ZH_USER))
    )
    assert "发送 /start@TmallTPBot 开始" in texts(calls)
    # Promotion to administrator afterwards says nothing.
    calls = await harness.feed(
        harness.updates.from_dict(membership(SUPERGROUP, "member", "administrator", ZH_USER))
    )
    assert calls == []


async def test_a_user_blocking_the_bot_marks_the_private_chat(harness: BotHarness) -> None:
    await harness.command(EN_USER, "/start")
    private = {"id": EN_USER["id"], "type": "private", "first_name": "Alice"}
    await harness.feed(harness.updates.from_dict(membership(private, "member", "kicked", EN_USER)))
    assert not harness.services.progress.get(EN_USER["id"]).active
    await harness.feed(harness.updates.from_dict(membership(private, "kicked", "member", EN_USER)))
    assert harness.services.progress.get(EN_USER["id"]).active
