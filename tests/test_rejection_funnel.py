"""The funnel counts rejected audits by reason per step: /stats, the console's funnel page and
its CSV give the same counts."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import httpx

from bot.demo.updates import UpdateFactory
from bot.services.funnel.rejections import rejections
from bot.storage.events import Event, append
from bot.storage.sql import transaction
from tests.helpers.console import client_for, sign_in_link
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, texts
from tests.helpers.paths import TO_OP_SUBMITTED, go, pick_reason

OPERATOR = UpdateFactory.user(900, "Olga", "en")
ZH_OPERATOR = UpdateFactory.user(901, "李娜", "zh-hans")
CAROL = UpdateFactory.user(1004, "Carol", "en")


async def reject(harness: BotHarness, user: dict, reason: str) -> None:
    await go(harness, user, [*TO_OP_SUBMITTED, "yes", "rejected"])
    await pick_reason(harness, user, reason)


async def seeded(harness: BotHarness) -> BotHarness:
    harness.settings = replace(harness.settings, operators=frozenset({900, 901}))
    await harness.restart()
    await reject(harness, EN_USER, "nickname_mismatch")
    await reject(harness, ZH_USER, "nickname_mismatch")
    await reject(harness, CAROL, "other")
    # a rejection logged before the flow had reasons: no detail, counted as not stated
    with transaction(harness.db):
        append(
            harness.db,
            Event(
                7,
                "answer",
                "2026-01-01T00:00:00",
                7,
                None,
                "op_audit",
                "rejected",
                "op_info_complete",
                None,
                1,
            ),
        )
    return harness


def counts(harness: BotHarness) -> dict[tuple[str, str], int]:
    return {
        (s.step_id, r.reason_id): r.count
        for s in rejections(harness.db, harness.services.spec)
        for r in s.reasons
        if r.count
    }


async def test_the_model_counts_rejections_by_reason_per_step(harness: BotHarness) -> None:
    await seeded(harness)
    assert counts(harness) == {("op_audit", "nickname_mismatch"): 2, ("op_audit", "other"): 2}
    model = harness.services.funnel.read(harness.clock())
    intl = next(s for s in model.rejections if s.step_id == "intl_audit")
    assert intl.total == 0 and [r.reason_id for r in intl.reasons][-1] == "other"


async def test_stats_lists_the_reasons_in_both_languages(harness: BotHarness) -> None:
    await seeded(harness)
    text = texts(await harness.command(OPERATOR, "/stats"))
    assert "<b>Rejected audits, by the reason given</b>" in text
    assert "<b>Quotation and second audit</b>: 4 rejected" in text
    assert "• 🏷️ Shop nickname does not match the contract: 2" in text
    assert "• ❔ Other / not stated: 2" in text
    assert "Unqualified store" not in text  # reasons never given are left out of /stats
    zh = texts(await harness.command(ZH_OPERATOR, "/stats"))
    assert "审核驳回次数（按驳回原因）" in zh and "驳回 4 次" in zh
    assert "• 🏷️ 店铺昵称与合同不一致：2" in zh


async def test_the_console_funnel_page_and_its_csv(harness: BotHarness) -> None:
    await seeded(harness)
    async with client_for(harness) as (client, _):
        link = await sign_in_link(harness)
        token = link.split("/console/login/", 1)[1].split("?", 1)[0]
        assert (await client.post("/console/login", data={"token": token})).status_code == 303
        page = await client.get("/console/funnel")
        if "funnel-computing" in page.text:
            page = await client.get("/console/funnel")
        got = await client.get("/console/rejections.csv")
    assert page.status_code == 200
    assert (
        'data-reason="nickname_mismatch"' in page.text
        and "Company presentation missing" in page.text
    )
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(got.text.lstrip("\ufeff"))))
    assert rows[0] == ["step", "step_name", "reason", "reason_label", "rejections"]
    table = {(r[0], r[2]): int(r[4]) for r in rows[1:]}
    assert {k: v for k, v in table.items() if v} == counts(harness)
    assert table[("intl_audit", "presentation_missing")] == 0  # every reason listed


async def test_the_csv_needs_a_session(harness: BotHarness) -> None:
    async with client_for(harness) as (client, _):
        got = await client.get("/console/rejections.csv", follow_redirects=False)
    assert got.status_code in (303, 401, 403) and "nickname" not in got.text
    assert isinstance(got, httpx.Response)
