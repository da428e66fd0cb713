"""Answer sequences through the flow, and walking a chat along them."""

from __future__ import annotations

import re
from html import unescape

from tests.helpers.harness import BotHarness, methods, texts

# Every branch and loop of the outline, in order: (answer, state after it).
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
    ("rejected", "op_info_complete"),
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
    ("rejected", "intl_info"),
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
        calls = await harness.answer(user, answer)
        assert methods(calls) == ["answerCallbackQuery", "editMessageText"], (answer, calls)
        assert harness.state(user["id"]) == expected, (answer, expected)
        seen.append(texts(calls))
    return seen


async def go(harness: BotHarness, user: dict, answers: list[str]) -> None:
    await harness.command(user, "/start")
    for answer in answers:
        await harness.answer(user, answer)


def plain(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))
