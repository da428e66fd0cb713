"""Walking the whole certification, through the real Application, in English and Chinese."""

from __future__ import annotations

from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock, texts
from tests.helpers.paths import FULL_PATH, TO_OP_SUBMITTED, walk


async def test_full_walk_in_english_covers_every_branch(harness: BotHarness) -> None:
    calls = await harness.command(EN_USER, "/start")
    assert "Welcome" in texts(calls)
    assert "Register as a service provider" in texts(calls)  # the roadmap
    shown = await walk(harness, EN_USER, FULL_PATH)
    joined = "\n".join(shown)
    assert "not the right path" in joined
    assert "A personal Alipay account is not valid" in joined
    assert "new application" in joined  # the unqualified-store loop
    assert "CN¥100,000.00" in joined  # the deposit rule, formatted for the locale
    assert "does not require the deposit" in joined
    assert "upload your company presentation" in joined
    final = shown[-1]
    assert "Congratulations" in final
    assert "Your path" in final and "New applications or resubmissions" in final
    assert "Quotation and second audit: submitted" in final


async def test_full_walk_in_chinese(harness: BotHarness) -> None:
    calls = await harness.command(ZH_USER, "/start")
    assert "欢迎" in texts(calls) and "入驻服务商" in texts(calls)
    shown = await walk(harness, ZH_USER, FULL_PATH)
    joined = "\n".join(shown)
    assert "个人支付宝账号在此步骤无效" in joined
    assert "10万元" in joined and "CN¥" not in joined
    assert "重新申请" in joined
    assert "恭喜" in shown[-1] and "您的认证历程" in shown[-1]


async def test_audit_date_is_counted_in_chinese_working_days(
    harness: BotHarness, clock: FrozenClock
) -> None:
    await harness.command(EN_USER, "/start")
    clock.set(2026, 9, 30)  # Wednesday before National Day (Oct 1-7 off, Sat Oct 10 worked)
    for answer in TO_OP_SUBMITTED:
        await harness.answer(EN_USER, answer)
    calls = await harness.answer(EN_USER, "yes")  # submitted
    assert harness.state(EN_USER["id"]) == "op_audit"
    text = texts(calls)
    assert "Submitted on September 30, 2026" in text
    assert "Result expected by <b>October 10, 2026</b>" in text
    progress = harness.services.progress.get(EN_USER["id"])
    assert progress.audit_due_on.isoformat() == "2026-10-10"
    status = texts(await harness.command(EN_USER, "/status"))
    assert "result expected by <b>October 10, 2026</b>" in status


async def test_chinese_dates_are_formatted_for_the_locale(
    harness: BotHarness, clock: FrozenClock
) -> None:
    await harness.command(ZH_USER, "/start")
    clock.set(2026, 11, 27)  # Friday
    for answer in TO_OP_SUBMITTED:
        await harness.answer(ZH_USER, answer)
    calls = await harness.answer(ZH_USER, "yes")
    assert "提交日期：2026年11月27日" in texts(calls)
    assert "预计结果日期：<b>2026年12月2日</b>" in texts(calls)
