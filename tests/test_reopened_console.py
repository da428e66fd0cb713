"""The console's company page during a rejection's walk of the steps it reopened: one line
naming them and the step it returns to, and a checklist that agrees with the chat's /status."""

from __future__ import annotations

import re
from html import unescape

import httpx

from tests.helpers.console import client_for, post_rejection, signed_in
from tests.helpers.harness import EN_USER, BotHarness
from tests.helpers.paths import TO_OP_SUBMITTED, go


async def company_page(client: httpx.AsyncClient, chat_id: int) -> str:
    response = await client.get(f"/console/company/{chat_id}")
    assert response.status_code == 200
    return response.text


def reopened_line(page: str) -> str | None:
    found = re.search(r'<p id="reopened">(.*?)</p>', page, re.S)
    return unescape(found.group(1)).strip() if found else None


def checklist(page: str) -> list[str]:
    block = page[page.index('class="check-list"') : page.index("</ul>", page.index("check-list"))]
    return [
        unescape(re.sub(r"<[^>]+>", "", li)).strip() for li in re.findall(r"<li>(.*?)</li>", block)
    ]


async def test_the_page_names_the_reopened_steps_and_the_way_back(harness: BotHarness) -> None:
    chat = EN_USER["id"]
    await go(harness, EN_USER, [*TO_OP_SUBMITTED, "yes"])
    async with client_for(harness) as (client, _):
        csrf = await signed_in(harness, client)
        assert reopened_line(await company_page(client, chat)) is None  # no walk: no line
        response = await post_rejection(harness, client, csrf, chat, "store_unqualified")
        assert response.status_code == 303
        page = await company_page(client, chat)
        assert reopened_line(page) == (
            "🔁 Reopened by the rejection: Applying for Tmall Operator (New), Shop nickname and "
            "contract, Store system assessment, Required information — then back to "
            "“Submitting for quotation and second audit” to submit again."
        )
        await harness.command(EN_USER, "/start")  # the step, with its buttons
        await harness.answer(EN_USER, "yes")  # the application: on to the nickname
        lines = checklist(await company_page(client, chat))
        assert harness.state(chat) == "op_nickname"
        at = next(i for i, line in enumerate(lines) if line.startswith("👉 Shop nickname"))
        # the assessment and the information are reopened (still owed): open, like the rest
        assert [line[0] for line in lines[at + 1 : at + 5]] == ["⬜"] * 4, lines


async def test_the_checklist_shows_the_skipped_steps_as_done(harness: BotHarness) -> None:
    chat = EN_USER["id"]
    await go(harness, EN_USER, [*TO_OP_SUBMITTED, "yes"])
    async with client_for(harness) as (client, _):
        csrf = await signed_in(harness, client)
        await post_rejection(harness, client, csrf, chat, "nickname_mismatch")
        lines = checklist(await company_page(client, chat))
        at = next(i for i, line in enumerate(lines) if line.startswith("👉 Shop nickname"))
        assert lines[at + 1].startswith("✅ Store passed system assessment"), lines
        assert lines[at + 2].startswith("✅ Required information complete"), lines
        assert lines[at + 3].startswith("⬜ Submitting for quotation"), lines
        assert lines[at + 4].startswith("⬜ Quotation and second audit"), lines
        await harness.command(EN_USER, "/start")
        await harness.answer(EN_USER, "yes")  # back at the submission: the walk is over
        page = await company_page(client, chat)
        assert harness.state(chat) == "op_submitted"
        assert reopened_line(page) is None


async def test_the_line_in_chinese(harness: BotHarness) -> None:
    chat = EN_USER["id"]
    await go(harness, EN_USER, [*TO_OP_SUBMITTED, "yes"])
    async with client_for(harness) as (client, _):
        csrf = await signed_in(harness, client, lang="zh")
        await post_rejection(harness, client, csrf, chat, "store_unqualified")
        assert reopened_line(await company_page(client, chat)) == (
            "🔁 驳回后重新打开：申请天猫代运营服务商（新）、店铺昵称与合同、店铺系统考核、必填信息"
            "——之后回到“提交报价及二审”重新提交。"
        )
