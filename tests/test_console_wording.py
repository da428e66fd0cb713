"""Issue 17, item 9, in the console: one date style per row, plurals, full-width punctuation
in Chinese, and audiences in words."""

from __future__ import annotations

import re
from html import unescape

import httpx

from tests.helpers.console import TO_AUDIT, client_for, sign_in_link, walk
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness

STAGE_3 = {
    "en": "Companies in stage 3 “Tmall International operation service certification”",
    "zh": "处于第 3 阶段“天猫国际代运营服务认证”的公司",
}


async def sign_in(harness: BotHarness, client: httpx.AsyncClient, lang: str) -> str:
    """Signed in as the operator, the console in ``lang``; returns the CSRF token."""
    path = await sign_in_link(harness)
    token = path.split("/console/login/", 1)[1].split("?", 1)[0]
    response = await client.post("/console/login", data={"token": token, "lang": lang})
    assert response.status_code == 303, response.text
    found = re.search(r'name="csrf" value="([^"]+)"', (await client.get("/console/")).text)
    assert found
    return found.group(1)


def shown(page: str) -> str:
    """The page's text as a reader sees it: no styles, no tags, no attributes."""
    page = re.sub(r"<(style|script)\b.*?</\1>", "", page, flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", "", page)))


def row_of(page: str, name: str) -> str:
    [row] = [r for r in re.findall(r"<tr\b.*?</tr>", page, flags=re.S) if name in r]
    return shown(row)


async def test_dates_in_a_row_share_one_style_and_chinese_uses_full_width_colons(
    harness: BotHarness,
) -> None:
    await walk(harness, EN_USER, TO_AUDIT)  # submitted on Mon 28 Sep: due Thu 8 Oct
    await walk(harness, ZH_USER, ["begin"])
    async with client_for(harness) as (client, _):
        await sign_in(harness, client, "en")
        row = row_of((await client.get("/console/")).text, "Alice")
        assert "Oct 8, 2026" in row and "Sep 28, 2026, 10:00\u202fAM" in row
        assert not re.search(r"\d+/\d+/\d+", row)
        company = shown((await client.get(f"/console/company/{EN_USER['id']}")).text)
        assert "Expected audit result: Oct 8, 2026" in company
        assert "Last activity: Sep 28, 2026, 10:00\u202fAM" in company
        assert "Applying for Tmall Operator (New): ✅ Yes" in company  # the timeline
    async with client_for(harness) as (client, _):
        await sign_in(harness, client, "zh")
        row = row_of((await client.get("/console/")).text, "Alice")
        assert "2026年10月8日" in row and "2026年9月28日 10:00" in row
        pages = {
            path: shown((await client.get(path)).text)
            for path in (
                "/console/",
                f"/console/company/{EN_USER['id']}",
                f"/console/company/{ZH_USER['id']}",
                "/console/funnel",
                "/console/broadcasts",
                "/console/broadcasts/new",
            )
        }
        company = pages[f"/console/company/{EN_USER['id']}"]
        assert "预计审核结果：2026年10月8日" in company
        assert "最近活动：2026年9月28日 10:00" in company
        assert "申请天猫代运营服务商（新）：✅ 是" in company
        for path, text in pages.items():
            assert not re.search(r"[\u4e00-\u9fff）][:,;]|[:,;][\u4e00-\u9fff（]", text), path
            assert not re.search(r"\d+/\d+/\d+", text), path


async def test_the_funnel_counts_working_days_in_the_singular_too(harness: BotHarness) -> None:
    await harness.command(EN_USER, "/start")
    harness.clock.advance(days=1)  # Monday to Tuesday: one working day at the roadmap
    await harness.answer(EN_USER, "begin")
    async with client_for(harness) as (client, _):
        await sign_in(harness, client, "en")
        page = unescape((await client.get("/console/funnel")).text)
        assert "median 1 · p90 1 working day" in page
        assert "1 working days" not in page
    async with client_for(harness) as (client, _):
        await sign_in(harness, client, "zh")
        page = unescape((await client.get("/console/funnel")).text)
        assert "中位数 1 · 第 90 百分位 1 个工作日" in page and "P90" not in page
        assert "认证路线：占已开始的 100%" in page  # a row's tooltip, full-width colon


async def test_the_broadcasts_page_names_the_audience_in_words(harness: BotHarness) -> None:
    harness.clock.set(2026, 9, 28, hour=14)  # within quiet hours: held, still listed
    await walk(harness, EN_USER, TO_AUDIT)
    for lang in ("en", "zh"):
        async with client_for(harness) as (client, _):
            csrf = await sign_in(harness, client, lang)
            compose = (await client.get("/console/broadcasts/new")).text
            assert f'<option value="stage:3" >{STAGE_3[lang]}</option>' in compose
            if lang == "en":
                sent = await client.post(
                    "/console/broadcasts/new",
                    data={"csrf": csrf, "audience": "stage:3", "text_en": "Hi", "action": "send"},
                )
                assert sent.status_code == 303
            listing = shown((await client.get("/console/broadcasts")).text)
            assert STAGE_3[lang] in listing and "stage:3" not in listing
