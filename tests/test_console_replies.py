"""The console's canned replies: the company page lists them with their text as the company
would read it; sending one (a session, its CSRF token and operator rights, checked) reaches
the company in its language as the desk's answer, with a copy in the ticket's topic, and is
in the answers log with the operator's id. In real Chromium too."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser

from bot.storage.event_details import OperatorMessage
from bot.storage.events import events_of
from tests.helpers.browser import chromium, needs_chromium
from tests.helpers.console import client_for, served_console, sign_in_link, signed_in
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock
from tests.helpers.support import SUPPORT, one, ticket_at_audit


async def test_the_company_page_lists_and_sends_a_reply(
    desk: BotHarness, clock: FrozenClock
) -> None:
    thread = await ticket_at_audit(desk, clock, ZH_USER)
    await desk.command(EN_USER, "/start")  # no audit: the date's reply cannot be sent to it
    async with client_for(desk) as (client, _):
        csrf = await signed_in(desk, client)
        page = (await client.get("/console/company/1002")).text
        assert 'id="reply-form"' in page
        assert "<code>audit-waiting</code>" in page and "2026年10月10日" in page  # her language
        other = (await client.get("/console/company/1001")).text
        assert 'value="audit-waiting" id="reply-audit-waiting" disabled' in other
        assert 'value="deposit" id="reply-deposit">' in other

        desk.api.take()
        refused = await client.post("/console/company/1002/reply", data={"reply": "deposit"})
        assert refused.status_code == 403  # no CSRF token
        unknown = await client.post(
            "/console/company/1002/reply", data={"csrf": csrf, "reply": "nope"}
        )
        assert "notice=reply-none" in unknown.headers["location"]
        no_date = await client.post(
            "/console/company/1001/reply", data={"csrf": csrf, "reply": "audit-waiting"}
        )
        assert "notice=reply-needs-audit-date" in no_date.headers["location"]
        assert desk.api.take() == []  # nothing was sent

        sent = await client.post(
            "/console/company/1002/reply", data={"csrf": csrf, "reply": "audit-waiting"}
        )
        assert "notice=reply-sent" in sent.headers["location"]
        calls = desk.api.take()
        [to_user] = [c for c in calls if c.chat_id == ZH_USER["id"]]
        assert "王伟，您好！" in to_user.text and "<b>2026年10月10日</b>" in to_user.text
        [copy] = [c for c in calls if c.chat_id == SUPPORT]
        assert copy.params["message_thread_id"] == thread
        assert "operator 900" in copy.text or "客服 900" in copy.text
        assert "audit-waiting" in copy.text
        notice = (await client.get(sent.headers["location"])).text
        assert "Canned reply sent." in notice

    [logged] = [e for e in events_of(desk.db, 1002) if e.kind == "operator-message"]
    assert logged.user_id == 900 and isinstance(logged.detail, OperatorMessage)
    assert logged.detail.reply == "audit-waiting" and "王伟，您好！" in logged.detail.text
    # Her reply to it is the desk's again, though she is no longer writing to it.
    await desk.press(ZH_USER, "tk|done")
    calls = await desk.send(ZH_USER, "谢谢！", reply_to_message=to_user.result)
    assert one(calls, "copyMessage", chat_id=SUPPORT).params["message_thread_id"] == thread


async def test_sending_needs_a_session(harness: BotHarness) -> None:
    await harness.command(EN_USER, "/start")
    async with client_for(harness) as (client, _):
        response = await client.post("/console/company/1001/reply", data={"reply": "deposit"})
        assert response.status_code == 401
    assert [c for c in harness.api.take() if c.chat_id == EN_USER["id"]] == []


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


@needs_chromium
async def test_in_chromium_pick_a_reply_see_it_and_send_it(
    desk: BotHarness, clock: FrozenClock, browser: Browser
) -> None:
    thread = await ticket_at_audit(desk, clock, EN_USER)
    async with served_console(desk) as (port, _console):
        base = f"http://127.0.0.1:{port}"
        page = await (await browser.new_context()).new_page()
        await page.goto(base + await sign_in_link(desk))
        await page.click("#sign-in")
        await page.wait_for_url(base + "/console/")
        await page.goto(f"{base}/console/company/1001")
        preview = page.locator('.reply-preview[data-reply="audit-waiting"]')
        assert not await preview.is_visible()  # shown once picked
        await page.check("#reply-audit-waiting")
        assert await preview.is_visible()
        assert "expected by October 10, 2026" in await preview.inner_text()
        assert "Hello Alice" in await preview.inner_text()
        desk.api.take()
        await page.click("#reply-button")
        await page.wait_for_selector("#notice")
        assert "Canned reply sent." in await page.inner_text("#notice")
        assert "Hello Alice" in await page.inner_text("#timeline")  # the answers log
        calls = desk.api.take()
        [to_user] = [c for c in calls if c.chat_id == EN_USER["id"]]
        assert "expected by <b>October 10, 2026</b>" in to_user.text
        [copy] = [c for c in calls if c.chat_id == SUPPORT]
        assert copy.params["message_thread_id"] == thread
        assert "canned reply “audit-waiting”" in copy.text
