"""Answer sequences through the flow, and walking a chat along them."""

from __future__ import annotations

import re
from html import unescape

from bot.demo.offline_api import ApiCall
from tests.helpers.harness import BotHarness, methods, texts

# Every branch and loop of the outline, in order: (answer, state after it); "rj:<reason>"
# presses the reason button of a rejected audit.
FULL_PATH = [
    ("begin", "owner_separate"),
    ("no", "not_eligible"),  # same company: not the right path
    ("recheck", "owner_separate"),
    ("yes", "manages_shops"),
    ("not_yet", "manages_shops"),
    ("yes", "taobao_corporate"),
    ("not_yet", "taobao_corporate"),
    ("yes", "alipay_corporate"),
    ("personal_only", "alipay_corporate"),
    ("not_yet", "alipay_corporate"),
    ("yes", "real_person"),
    ("not_yet", "real_person"),
    ("yes", "op_apply"),
    ("not_yet", "op_apply"),
    ("yes", "op_nickname"),
    ("not_yet", "op_nickname"),
    ("yes", "op_assessment"),
    ("unqualified", "op_apply"),  # unqualified store: new application
    ("yes", "op_nickname"),
    ("yes", "op_assessment"),
    ("passed", "op_info_complete"),
    ("not_yet", "op_info_complete"),
    ("yes", "op_submitted"),
    ("not_yet", "op_submitted"),
    ("yes", "op_audit"),
    ("waiting", "op_audit"),
    ("rejected", "op_audit"),  # asks for Tmall's reason
    ("rj:info_incomplete", "op_info_complete"),  # its fix; only its step reopens
    ("yes", "op_submitted"),
    ("yes", "op_audit"),
    ("passed", "op_deposit"),
    ("also_tmall", "op_deposit_paid"),
    ("not_yet", "op_deposit_paid"),
    ("yes", "intl_apply"),
    ("not_yet", "intl_apply"),
    ("yes", "intl_assessment"),
    ("unqualified", "intl_apply"),  # apply again
    ("yes", "intl_assessment"),
    ("passed", "intl_info"),
    ("not_yet", "intl_info"),
    ("yes", "intl_submitted"),
    ("not_yet", "intl_submitted"),
    ("yes", "intl_audit"),
    ("waiting", "intl_audit"),
    ("rejected", "intl_audit"),
    ("rj:other", "intl_info"),  # not stated: the answer's own way and help
    ("yes", "intl_submitted"),
    ("yes", "intl_audit"),
    ("passed", "intl_presentation"),
    ("not_yet", "intl_presentation"),
    ("yes", "intl_release"),
    ("not_yet", "intl_release"),
    ("yes", "finished"),
]


# The shortest way from the welcome to "submitted for quotation and second audit?".
TO_OP_SUBMITTED = ["begin", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "passed", "yes"]


async def walk(harness: BotHarness, user: dict, path: list[tuple[str, str]]) -> list[str]:
    seen = []
    for answer, expected in path:
        if answer.startswith("rj:"):
            calls = await pick_reason(harness, user, answer[3:])
        else:
            calls = await harness.answer(user, answer)
        assert methods(calls) == ["answerCallbackQuery", "editMessageText"], (answer, calls)
        assert harness.state(user["id"]) == expected, (answer, expected)
        seen.append(texts(calls))
    return seen


async def pick_reason(
    harness: BotHarness, user: dict, reason: str, chat: dict | None = None
) -> list[ApiCall]:
    """Press the reason button ``reason`` of the latest reason question."""
    message = harness.last_buttons_message[(chat or user)["id"]]
    data = next(
        button["callback_data"]
        for row in message["reply_markup"]["inline_keyboard"]
        for button in row
        if button.get("callback_data", "").startswith("rj|")
        and button["callback_data"].rsplit("|", 1)[1] == reason
    )
    return await harness.press(user, data, chat, message)


async def go(harness: BotHarness, user: dict, answers: list[str]) -> None:
    await harness.command(user, "/start")
    for answer in answers:
        await harness.answer(user, answer)


def plain(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))
