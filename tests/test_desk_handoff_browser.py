"""The handoff on the console's board in a real Chromium: whose move it is (ours: a ticket
waits; the Tmall audit's, with its expected date; the client's), filtered by it, and an
operator pausing a company's nudges from its page."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page

from bot.demo.updates import UpdateFactory
from tests.helpers.browser import chromium, needs_chromium
from tests.helpers.console import TO_AUDIT, served_console, sign_in_link, walk
from tests.helpers.handoff import waiting_ticket
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock

pytestmark = needs_chromium


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


async def names_after(page: Page, move: str) -> list[str]:
    await page.select_option("#move-filter", move)
    await page.click("#apply")
    await page.wait_for_url(f"**move={move}**")
    return sorted(await page.locator("a.company").all_inner_texts())


async def test_the_board_filters_by_whose_move_and_an_operator_pauses_a_company(
    desk: BotHarness, clock: FrozenClock, browser: Browser
) -> None:
    clock.set(2026, 11, 2, hour=1)  # Monday 09:00 in Shanghai
    await waiting_ticket(desk, EN_USER, "How long does the audit take?")
    await walk(desk, ZH_USER, TO_AUDIT)
    for n in range(3):
        await walk(desk, UpdateFactory.user(2000 + n, f"Shop {n} Ltd", "en"), ["begin"])
    clock.set(2026, 11, 2, hour=3)  # two working hours later
    async with served_console(desk) as (port, _):
        base = f"http://127.0.0.1:{port}"
        page = await (await browser.new_context(viewport={"width": 1280, "height": 860})).new_page()
        await page.goto(base + await sign_in_link(desk))
        await page.click("#sign-in")
        await page.wait_for_url(base + "/console/")
        assert "5 companies" in await page.inner_text("#total")

        assert await names_after(page, "ours") == ["Alice"]
        row = await page.inner_text("table.board tbody tr")
        assert "a ticket waits for us" in row and "waiting 2 working h" in row
        assert "nudges paused" in row
        assert await names_after(page, "audit") == ["王伟"]
        assert "Tmall's audit, expected" in await page.inner_text("td.move")
        assert await names_after(page, "client") == ["Shop 0 Ltd", "Shop 1 Ltd", "Shop 2 Ltd"]

        await page.click("a.company >> text=Shop 1 Ltd")
        await page.wait_for_url(f"{base}/console/company/2001")
        await page.click("#pause-button")
        await page.wait_for_selector("#notice")
        assert "paused" in await page.inner_text("#notice")
        assert "paused by operator 900" in await page.inner_text("#paused")
        await page.goto(base + "/console/?move=client")
        paused = page.locator("tr", has=page.locator("a.company", has_text="Shop 1 Ltd"))
        assert "nudges paused" in await paused.inner_text()
        await page.click("a.company >> text=Shop 1 Ltd")
        await page.click("#pause-button")  # now "Resume"
        await page.wait_for_selector("#notice")
        assert "on again" in await page.inner_text("#notice")
        assert await page.locator("#paused").count() == 0
