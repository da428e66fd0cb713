"""The console in a real browser: Playwright driving Debian's Chromium against the console
served by uvicorn on 127.0.0.1, over a real bot Application (offline Bot API).

As a person would: sign in with the link from /console, see the board, filter "audit overdue",
open a company, move it a step, and see the move in the company's chat; record an audit's
rejection with its reason (refused without a session or operator rights); a page without a
session is refused; a company's document downloaded (refused without a session), its
``<img onerror>`` name shown as text, sent back for a revision with a note that reaches the
chat, approved, and found by the board's document filters; a forged or expired Mini App
sign-in is refused; a company named ``<script>`` shows as text. (The README's pictures:
scripts/console_screenshots.py.)
"""

from __future__ import annotations

import asyncio
import json
import socket
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import Browser, Page

from bot.demo.updates import UpdateFactory
from bot.jobs import downloads_of
from bot.storage.event_details import AuditRejection
from bot.storage.events import events_of
from bot.web.routes import console_routes
from bot.web.webhook import webhook_app
from tests.helpers.browser import chromium, needs_chromium
from tests.helpers.console import TO_AUDIT, sign_in_link, sign_init_data, walk
from tests.helpers.documents import document, stored_licence
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock

pytestmark = needs_chromium


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def served(harness: BotHarness) -> AsyncIterator[str]:
    """The console on a real uvicorn server in this event loop; yields its base URL."""
    from dataclasses import replace

    port = free_port()
    services = harness.services
    settings = replace(services.settings, port=port, webhook_url=None, public_url=None)
    harness.application.bot_data.services = replace(services, settings=settings)
    from bot.web.console import Console

    console = Console.of(harness.application, settings.token or "")
    app = webhook_app(None, None, None, console_routes(console))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        console.close()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


async def signed_in_page(harness: BotHarness, browser: Browser, base: str) -> Page:
    page = await (await browser.new_context(viewport={"width": 1280, "height": 860})).new_page()
    await page.goto(base + await sign_in_link(harness))
    await page.click("#sign-in")
    await page.wait_for_url(base + "/console/")
    return page


async def test_operator_signs_in_filters_and_moves_a_company(
    harness: BotHarness, clock: FrozenClock, served: str, browser: Browser
) -> None:
    clock.set(2026, 11, 2)
    await walk(harness, EN_USER, TO_AUDIT)
    await walk(harness, ZH_USER, ["begin", "yes"])
    for n in range(6):
        await walk(harness, UpdateFactory.user(2000 + n, f"Shop {n} Ltd", "en"), ["begin"])
    clock.set(2026, 11, 10)  # Alice's audit result was due on Nov 5: overdue
    page = await signed_in_page(harness, browser, served)
    assert "8 companies" in await page.inner_text("#total")

    await page.check("input[name=overdue]")
    await page.click("#apply")
    await page.wait_for_url("**overdue=1**")
    names = await page.locator("a.company").all_inner_texts()
    assert names == ["Alice"]
    assert "overdue" in await page.inner_text("table.board")

    await page.click("a.company")
    await page.wait_for_url(f"{served}/console/company/1001")
    assert "Alice" in await page.inner_text("#company-name")
    await page.select_option("#move-step", "op_deposit")  # the audit passed, by the rules
    await page.fill("#move-reason", "audit passed, seen in the Tmall backend")
    harness.api.take()
    await page.click("#move-button")
    await page.wait_for_selector("#notice")
    assert "Moved" in await page.inner_text("#notice")
    assert "audit passed, seen in the Tmall backend" in await page.inner_text("#timeline")
    assert harness.state(1001) == "op_deposit"
    told = [c for c in harness.api.take() if c.method == "sendMessage" and c.chat_id == 1001]
    assert told and "An operator updated your progress" in told[0].text

    await page.goto(served + "/console/funnel")
    assert await page.locator("#funnel-chart svg").count() == 1


async def test_no_session_is_refused(harness: BotHarness, served: str, browser: Browser) -> None:
    await walk(harness, EN_USER, ["begin"])
    page = await browser.new_page()
    response = await page.goto(served + "/console/")
    assert response is not None and response.status == 401
    assert "Please sign in first" in await page.inner_text("body")
    assert "Alice" not in await page.content()


@pytest.mark.parametrize("case", ["forged", "expired"])
async def test_bad_mini_app_sign_in_is_refused(
    harness: BotHarness, clock: FrozenClock, served: str, browser: Browser, case: str
) -> None:
    await walk(harness, EN_USER, ["begin"])
    now = int(clock().timestamp())
    user = json.dumps({"id": 900, "first_name": "Olga", "language_code": "en"})
    token = "123:NOT-THE-BOT" if case == "forged" else harness.settings.token or ""
    when = now if case == "forged" else now - 3 * 3600
    data = sign_init_data({"auth_date": str(when), "user": user}, token)
    page = await browser.new_page()
    from urllib.parse import quote

    await page.goto(f"{served}/console/app#tgWebAppData={quote(data)}&tgWebAppVersion=8.0")
    await page.wait_for_selector("#reason")
    assert "could not be verified" in await page.inner_text("#reason")
    refused = await page.goto(served + "/console/")
    assert refused is not None and refused.status == 401


async def test_good_mini_app_sign_in(
    harness: BotHarness, clock: FrozenClock, served: str, browser: Browser
) -> None:
    await walk(harness, ZH_USER, ["begin"])
    user = json.dumps({"id": 900, "first_name": "Olga", "language_code": "zh-hans"})
    token = harness.settings.token or ""
    data = sign_init_data({"auth_date": str(int(clock().timestamp())), "user": user}, token)
    page = await browser.new_page()
    from urllib.parse import quote

    await page.goto(f"{served}/console/app#tgWebAppData={quote(data)}&tgWebAppVersion=8.0")
    await page.wait_for_url(served + "/console/")
    assert "王伟" in await page.inner_text("table.board")
    assert "客户公司" in await page.inner_text("h1")


async def test_script_name_renders_as_text(
    harness: BotHarness, served: str, browser: Browser
) -> None:
    evil = "<script>window.__pwned = 1</script><img src=x onerror=window.__pwned=2>"
    await walk(harness, UpdateFactory.user(1666, evil, "en"), ["begin"])
    page = await signed_in_page(harness, browser, served)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    assert evil in await page.locator("a.company").all_inner_texts()
    await page.click("a.company")
    await page.wait_for_url(f"{served}/console/company/1666")
    assert await page.inner_text("#company-name") == evil
    assert await page.evaluate("window.__pwned === undefined")
    assert dialogs == []


async def test_the_evidence_pack_button_downloads_the_zip(
    harness: BotHarness, served: str, browser: Browser
) -> None:
    await walk(harness, EN_USER, ["begin", "yes", "yes"])  # at the business licence's step
    harness.api.stored_files["id-z1"] = b"%PDF-1.4 licence"
    await harness.feed(document(harness, EN_USER, "licence.pdf", 16, "z1"))
    assert await downloads_of(harness.application).run_once() == 1
    page = await signed_in_page(harness, browser, served)
    await page.goto(f"{served}/console/company/1001")
    assert await page.inner_text("#evidence-pack") == "Download the evidence pack"
    async with page.expect_download() as started:
        await page.click("#evidence-pack")
    download = await started.value
    assert download.suggested_filename == "tmall-tp-evidence-1001.zip"
    with zipfile.ZipFile(await download.path()) as pack:
        assert pack.read("documents/taobao_corporate/licence.pdf") == b"%PDF-1.4 licence"
        assert {"manifest.json", "timeline.csv"} <= set(pack.namelist())
    fresh = await (await browser.new_context()).new_page()  # no session: the sign-in page
    response = await fresh.goto(f"{served}/console/company/1001/evidence.zip")
    assert response is not None and response.status == 401


async def test_operator_records_a_rejection_with_its_reason(
    harness: BotHarness, served: str, browser: Browser
) -> None:
    await walk(harness, ZH_USER, TO_AUDIT)
    assert harness.state(ZH_USER["id"]) == "op_audit"
    page = await signed_in_page(harness, browser, served)
    await page.goto(f"{served}/console/company/{ZH_USER['id']}")
    options = await page.locator("#reject-reason option").all_inner_texts()
    assert options[-1] == "❔ Other / not stated" and len(options) == 5  # the operator's English
    await page.select_option("#reject-reason", "nickname_mismatch")
    harness.api.take()
    await page.click("#reject-button")
    await page.wait_for_selector("#notice")
    assert "The rejection is recorded" in await page.inner_text("#notice")
    assert harness.state(ZH_USER["id"]) == "op_nickname"  # only the step it concerns
    assert "Shop nickname does not match the contract" in await page.inner_text("#timeline")
    assert await page.locator("#reject-form").count() == 0  # no longer at the audit
    told = [c for c in harness.api.take() if c.method == "sendMessage"]
    assert [c.chat_id for c in told] == [ZH_USER["id"]]
    assert "我们的团队已登记您的审核被驳回的原因" in told[0].text  # in the company's language
    assert "店铺昵称必须与已上传合同中的写法" in told[0].text
    assert "已重新打开：店铺昵称" in told[0].text
    last = events_of(harness.db, ZH_USER["id"])[-1]
    assert last.user_id == 900 and last.detail == AuditRejection(
        "nickname_mismatch", ("op_nickname",), True
    )


async def test_recording_a_rejection_is_refused_without_a_session_or_for_a_non_operator(
    harness: BotHarness, served: str, browser: Browser
) -> None:
    await walk(harness, EN_USER, TO_AUDIT)
    seq = harness.services.progress.get(EN_USER["id"]).seq  # type: ignore[union-attr]
    form = {"step": "op_audit", "reason": "info_incomplete", "seq": str(seq)}
    anonymous = await browser.new_context()
    response = await anonymous.request.post(
        f"{served}/console/company/1001/reject", form=form, max_redirects=0
    )
    assert response.status in (401, 403)
    assert harness.state(EN_USER["id"]) == "op_audit"

    page = await signed_in_page(harness, browser, served)
    await page.goto(f"{served}/console/company/1001")
    # a forged form (no CSRF token) from a signed-in browser is refused too
    response = await page.request.post(
        f"{served}/console/company/1001/reject", form=form, max_redirects=0
    )
    assert response.status == 403 and harness.state(EN_USER["id"]) == "op_audit"
    harness.services.roster._ids = frozenset()  # removed from TPBOT_OPERATORS meanwhile
    harness.api.take()
    await page.click("#reject-button")
    assert "Please sign in first" in await page.inner_text("body")
    assert harness.state(EN_USER["id"]) == "op_audit"
    assert not [c for c in harness.api.take() if c.method == "sendMessage"]


async def test_a_document_downloads_with_a_session_and_its_name_is_text(
    harness: BotHarness, served: str, browser: Browser
) -> None:
    evil = "<img src=x onerror=alert(1)>.pdf"
    file = await stored_licence(harness, EN_USER, evil, "xss", b"%PDF-1.4 licence")
    url = f"{served}/console/company/1001/documents/{file}"
    anonymous = await browser.new_context()
    refused = await anonymous.request.get(url)
    assert refused.status == 401 and b"licence" not in await refused.body()
    page = await signed_in_page(harness, browser, served)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    await page.goto(f"{served}/console/company/1001")
    assert await page.inner_text("#documents .doc-name") == evil
    assert await page.locator("#documents img").count() == 0
    assert "Received, to review" in await page.inner_text("#documents .doc-state")
    async with page.expect_download() as downloading:
        await page.click("#documents a.doc-download")
    download = await downloading.value
    saved = await download.path()
    assert Path(saved).read_bytes() == b"%PDF-1.4 licence"
    assert download.suggested_filename.endswith(".pdf") and "/" not in download.suggested_filename
    assert dialogs == [] and page.url == f"{served}/console/company/1001"  # never inline


async def test_needs_revision_reaches_the_chat_reopens_and_approve_closes(
    harness: BotHarness, served: str, browser: Browser
) -> None:
    file = await stored_licence(harness, ZH_USER, "执照.pdf", "rev1", b"%PDF-1.4 v1")
    await stored_licence(harness, EN_USER, "licence.pdf", "rev0", b"%PDF-1.4 en")
    page = await signed_in_page(harness, browser, served)
    await page.select_option("#documents-filter", "review")
    await page.click("#apply")
    await page.wait_for_url("**documents=review**")
    assert sorted(await page.locator("a.company").all_inner_texts()) == ["Alice", "王伟"]
    await page.goto(f"{served}/console/company/{ZH_USER['id']}")
    await page.fill("#documents input[name=note]", "Scan is blurred, <b>resend</b>")
    harness.api.take()
    await page.click("#documents .doc-revise")
    await page.wait_for_selector("#notice")
    assert "sent back for a revision" in await page.inner_text("#notice")
    assert "Needs revision" in await page.inner_text("#documents .doc-state")
    assert "Scan is blurred, <b>resend</b>" in await page.inner_text("#timeline")
    told = [c for c in harness.api.take() if c.method == "sendMessage"]
    assert [c.chat_id for c in told] == [ZH_USER["id"]]
    assert "您的营业执照（“执照.pdf”）需要修改" in told[0].text
    assert "<blockquote>Scan is blurred, &lt;b&gt;resend&lt;/b&gt;</blockquote>" in told[0].text
    listing = await harness.command(ZH_USER, "/documents")
    assert any("需要修改，请发送新版本" in (c.text or "") for c in listing)
    text = "\n".join(c.text or "" for c in listing)
    assert "备注：Scan is blurred, &lt;b&gt;resend&lt;/b&gt;\n已收到 0 份文件，共 1 份" in text
    last = events_of(harness.db, ZH_USER["id"])[-1]
    assert last.kind == "document-review" and last.user_id == 900

    await page.goto(f"{served}/console/?documents=revision")
    assert await page.locator("a.company").all_inner_texts() == ["王伟"]

    harness.api.stored_files["id-rev2"] = b"%PDF-1.4 v2"
    replies = await harness.feed(document(harness, ZH_USER, "执照2.pdf", 11, "rev2"))
    assert any("执照2.pdf" in (c.text or "") for c in replies)
    assert await downloads_of(harness.application).run_once() == 1
    await page.goto(f"{served}/console/company/{ZH_USER['id']}")
    assert "执照2.pdf" in await page.inner_text("#documents .doc-name")
    await page.click("#documents .doc-approve")
    await page.wait_for_selector("#notice")
    assert "The file is approved." in await page.inner_text("#notice")
    assert "Approved" in await page.inner_text("#documents .doc-state")
    states = harness.db.execute(
        "SELECT id, review_state FROM documents WHERE chat_id = ?", [ZH_USER["id"]]
    )
    assert dict(states.fetchall())[file] == "needs_revision"
    await page.goto(f"{served}/console/?documents=revision")
    assert await page.locator("a.company").count() == 0
