"""The user's rating of a closed ticket through the real Application: one tap (1–5) in their
language, the first tap of a closing counts, stale and forged buttons refused; and the
console's satisfaction section (per operator who held the ticket, and overall)."""

from __future__ import annotations

import re
from typing import Any

from bot.demo.updates import UpdateFactory
from bot.storage.event_details import TicketRated
from bot.storage.events import events_of
from tests.helpers.console import client_for, signed_in
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, methods
from tests.helpers.support import (
    LISTED,
    OPERATOR,
    SUPPORT,
    ask_and_write,
    make_forum,
    one,
    operator_in_topic,
    to_chat,
)


async def closed_ticket(
    desk: BotHarness, user: dict[str, Any], taker: dict[str, Any] | None = OPERATOR
) -> tuple[int, Any]:
    """``user``'s ticket, taken by ``taker`` (None: by nobody), closed: its topic and the
    closing notice the user got."""
    make_forum(desk)
    calls = await ask_and_write(desk, user, "question")
    thread = one(calls, "createForumTopic").result["message_thread_id"]
    if taker is not None:
        await operator_in_topic(desk, thread, "/take", user=taker)
    calls = await operator_in_topic(desk, thread, "/close")
    return thread, one(calls, "sendMessage", chat_id=user["id"])


def rating_rows(desk: BotHarness) -> list[tuple[Any, ...]]:
    return list(
        desk.db.execute(
            "SELECT ticket_id, closing, rating, operator_id, user_id FROM ticket_ratings "
            "ORDER BY ticket_id, closing"
        ).fetchall()
    )


async def test_one_tap_rates_the_closing_and_a_second_tap_changes_nothing(
    desk: BotHarness,
) -> None:
    _, notice = await closed_ticket(desk, EN_USER)
    assert "How did we do? Tap a rating" in notice.text
    assert notice.buttons() == [(f"{n} ⭐", f"rt|1|1|{n}") for n in range(1, 6)]

    calls = await desk.press(EN_USER, "rt|1|1|4", message=notice.result)
    assert "Thank you for your rating" in one(calls, "answerCallbackQuery").text
    edit = one(calls, "editMessageText", chat_id=EN_USER["id"])
    assert "You rated our help 4 out of 5" in edit.text and not edit.buttons()
    assert not to_chat(calls, SUPPORT)
    assert rating_rows(desk) == [(1, 1, 4, OPERATOR["id"], EN_USER["id"])]
    [logged] = [e for e in events_of(desk.db, EN_USER["id"]) if e.kind == "ticket-rating"]
    assert logged.user_id == EN_USER["id"] and logged.detail == TicketRated(1, 4, OPERATOR["id"])

    # A second tap (an old client still showing the buttons): the first rating stands.
    calls = await desk.press(EN_USER, "rt|1|1|1", message=notice.result)
    answer = one(calls, "answerCallbackQuery")
    assert "rated this already (4 out of 5)" in answer.text
    assert rating_rows(desk) == [(1, 1, 4, OPERATOR["id"], EN_USER["id"])]


async def test_stale_and_forged_rating_buttons_change_nothing(desk: BotHarness) -> None:
    thread, notice = await closed_ticket(desk, ZH_USER)
    assert "对这次服务满意吗" in notice.text  # the user's language
    for data in ("rt|1|1|6", "rt|1|1|0", "rt|1|x|3", "rt|2|1|3", "rt|1|1"):
        calls = await desk.press(ZH_USER, data, message=notice.result)
        assert methods(calls) == ["answerCallbackQuery"], data
        assert calls[0].params["show_alert"] is True
    # The right button, pressed in another chat: not its ticket.
    other = UpdateFactory.user(1007, "Mallory", "en")
    await desk.command(other, "/start")
    calls = await desk.press(
        other, "rt|1|1|5", message=dict(notice.result, chat={"id": 1007, "type": "private"})
    )
    assert methods(calls) == ["answerCallbackQuery"]
    assert rating_rows(desk) == []

    # Reopened: the old closing's buttons are out of date (and go away).
    await desk.command(ZH_USER, "/ask")
    await desk.send(ZH_USER, "还有一个问题")
    calls = await desk.press(ZH_USER, "rt|1|1|5", message=notice.result)
    assert "已过期" in one(calls, "answerCallbackQuery").text
    assert not one(calls, "editMessageText").buttons()
    assert rating_rows(desk) == []

    # Closed again: a new closing to rate, once, in Chinese.
    calls = await operator_in_topic(desk, thread, "/close")
    second = one(calls, "sendMessage", chat_id=ZH_USER["id"])
    assert second.buttons()[4] == ("5 ⭐", "rt|1|2|5")
    calls = await desk.press(ZH_USER, "rt|1|2|5", message=second.result)
    assert "您给这次服务打了 5 分" in one(calls, "editMessageText").text
    assert rating_rows(desk) == [(1, 2, 5, OPERATOR["id"], ZH_USER["id"])]


async def test_the_console_shows_ratings_per_operator_and_overall(desk: BotHarness) -> None:
    _, first = await closed_ticket(desk, EN_USER, OPERATOR)
    await desk.press(EN_USER, "rt|1|1|5", message=first.result)
    _, second = await closed_ticket(desk, ZH_USER, OPERATOR)
    await desk.press(ZH_USER, "rt|2|1|2", message=second.result)
    third_user = UpdateFactory.user(1005, "Carol", "en")
    _, third = await closed_ticket(desk, third_user, LISTED)
    await desk.press(third_user, "rt|3|1|4", message=third.result)
    fourth_user = UpdateFactory.user(1006, "Dan", "en")
    _, fourth = await closed_ticket(desk, fourth_user, None)
    await desk.press(fourth_user, "rt|4|1|1", message=fourth.result)

    async with client_for(desk) as (client, _):
        await signed_in(desk, client)
        page = (await client.get("/console/funnel")).text
        table = page[page.index('id="ratings-table"') :]
        rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
        cells = [re.sub(r"<[^>]+>", " ", row).split() for row in rows[1:5]]
        assert cells == [
            ["Olga", "(901)", "2", "3.5"],
            ["Listed", "(900)", "1", "4"],
            ["Not", "taken", "by", "anyone", "1", "1"],
            ["All", "operators", "4", "3"],
        ]
        company = (await client.get(f"/console/company/{EN_USER['id']}")).text
        assert "Rated ticket #1: 5 out of 5" in company
        assert "Operator Olga (901) took ticket #1" in company
        assert "Taken by Olga (id 901)" in company
