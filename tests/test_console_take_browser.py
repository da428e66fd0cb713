"""The board's "mine" and "unassigned waiting" filters, and the holder on a company's page, in
a real Chromium (Playwright) against the console served by uvicorn on 127.0.0.1, over a real
bot Application whose tickets were taken through the support group."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from playwright.async_api import Page

from bot.demo.updates import UpdateFactory
from tests.helpers.browser import chromium, needs_chromium
from tests.helpers.console import served_console, sign_in_link
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness
from tests.helpers.support import LISTED, OPERATOR, PLAIN, SUPPORT, ask_and_write, bot_message, one

pytestmark = needs_chromium
CAROL = UpdateFactory.user(1005, "Carol Trading", "en")
DAN = UpdateFactory.user(1006, "Dan Imports", "en")
ERIN = UpdateFactory.user(1007, "Erin Foods", "en")


@asynccontextmanager
async def served_console_url(desk: BotHarness) -> AsyncIterator[str]:
    async with served_console(desk) as (port, _):
        yield f"http://127.0.0.1:{port}"


async def open_ticket(desk: BotHarness, user: dict[str, Any]) -> int:
    """``user`` asks (a plain support group): the card's message id."""
    calls = await ask_and_write(desk, user, "a question")
    return int(one(calls, "sendMessage", chat_id=SUPPORT).result["message_id"])


async def in_reply(desk: BotHarness, operator: dict[str, Any], text: str, card: int) -> None:
    await desk.send(operator, text, PLAIN, reply_to_message=bot_message(PLAIN, card))


async def names_on_board(page: Page) -> list[str]:
    return [name.strip() for name in await page.locator("a.company").all_inner_texts()]


async def test_mine_and_unassigned_waiting_filters_in_chromium(desk: BotHarness) -> None:
    alice = await open_ticket(desk, EN_USER)  # taken by the signed-in operator (900), waiting
    await in_reply(desk, LISTED, "/take", alice)
    await open_ticket(desk, ZH_USER)  # nobody took it, waiting for us
    carol = await open_ticket(desk, CAROL)  # nobody took it, answered: not waiting
    await in_reply(desk, OPERATOR, "Here is how", carol)
    dan = await open_ticket(desk, DAN)  # taken by another operator, waiting
    await in_reply(desk, OPERATOR, "/take", dan)
    await desk.command(ERIN, "/start")  # no ticket

    async with served_console_url(desk) as base, chromium() as browser:
        page = await (await browser.new_context()).new_page()
        await page.goto(base + await sign_in_link(desk))
        await page.click("#sign-in")
        await page.wait_for_url(base + "/console/")
        assert "5 companies" in await page.inner_text("#total")

        await page.check("#mine-filter")
        await page.click("#apply")
        await page.wait_for_url("**mine=1**")
        assert await names_on_board(page) == ["Alice"]
        assert "🙋 Listed" in await page.inner_text("table.board")

        await page.uncheck("#mine-filter")
        await page.check("#unassigned-filter")
        await page.click("#apply")
        await page.wait_for_url("**unassigned=1**")
        assert await names_on_board(page) == ["王伟"]
        assert "1 company" in await page.inner_text("#total")

        await page.check("#mine-filter")  # both: mine AND unassigned — none
        await page.click("#apply")
        await page.wait_for_url("**mine=1**")
        assert await names_on_board(page) == []

        await page.goto(base + f"/console/company/{EN_USER['id']}")
        assert "Taken by Listed (id 900)" in await page.inner_text("#ticket-holder")
        await page.goto(base + f"/console/company/{ZH_USER['id']}")
        assert "Not taken by anyone" in await page.inner_text("#ticket-holder")
