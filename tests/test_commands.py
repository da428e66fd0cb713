"""/status, /back, /reset, /language and /help mid-flow."""

from __future__ import annotations

from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, methods, texts
from tests.helpers.paths import TO_OP_SUBMITTED


async def start_and_answer(harness: BotHarness, user: dict, answers: list[str]) -> None:
    await harness.command(user, "/start")
    for answer in answers:
        await harness.answer(user, answer)


async def test_status_at_several_points(harness: BotHarness) -> None:
    await harness.command(EN_USER, "/start")
    status = texts(await harness.command(EN_USER, "/status"))
    assert "░░░░░░░░░░ 0%" in status
    assert "0 of 21 steps done" in status
    assert "▶️ The roadmap" in status  # where the chat is: the step's name, not "done"

    for answer in ["begin", "yes", "yes", "yes"]:
        await harness.answer(EN_USER, answer)
    status = texts(await harness.command(EN_USER, "/status"))
    assert "4 of 21 steps done" in status and "19%" in status
    assert "✅ Taobao corporate account" in status
    assert "▶️ Corporate Alipay\n" in status
    assert "⬜ Real-person certification" in status
    assert "Stage 1 · Register as a service provider" in status
    assert "Audit submitted" not in status

    for answer in [*TO_OP_SUBMITTED[4:], "yes"]:
        await harness.answer(EN_USER, answer)
    status = texts(await harness.command(EN_USER, "/status"))
    assert "▶️ Quotation and second audit" in status
    assert "Audit submitted on" in status and "result expected by" in status


async def test_status_in_chinese_and_detour(harness: BotHarness) -> None:
    await start_and_answer(harness, ZH_USER, ["begin", "no"])
    status = texts(await harness.command(ZH_USER, "/status"))
    assert "认证进度" in status and "已完成 1 / 21 步" in status
    assert "❌ 店铺主体为其他公司" in status and "✅ 店铺主体为其他公司" not in status
    assert "➡️ 当前：不符合条件（同一家公司）" in status


async def test_an_ineligible_company_has_not_passed_the_owner_question(
    harness: BotHarness,
) -> None:
    await start_and_answer(harness, EN_USER, ["begin", "no"])
    status = texts(await harness.command(EN_USER, "/status"))
    assert "1 of 21 steps done" in status
    assert "✅ Roadmap read" in status
    assert "❌ Store owner is a different company" in status
    assert "✅ Store owner is a different company" not in status
    assert "⬜ Manages Tmall / Tmall International shops" in status
    await harness.answer(EN_USER, "recheck")  # back at the question: open again, not failed
    status = texts(await harness.command(EN_USER, "/status"))
    assert "▶️ Who owns the store" in status and "❌" not in status
    assert "1 of 21 steps done" in status
    await harness.answer(EN_USER, "yes")
    status = texts(await harness.command(EN_USER, "/status"))
    assert "✅ Store owner is a different company" in status and "2 of 21 steps done" in status


async def test_the_deposit_a_company_owes_is_a_step_of_its_own(harness: BotHarness) -> None:
    await start_and_answer(harness, EN_USER, [*TO_OP_SUBMITTED, "yes", "passed"])
    assert harness.state(EN_USER["id"]) == "op_deposit"
    assert "Step 7 of 7 · The deposit rule" in texts(await harness.command(EN_USER, "/start"))
    calls = await harness.answer(EN_USER, "also_tmall")
    assert "<b>Step 8 of 8 · Tmall operations deposit</b>" in texts(calls)
    status = texts(await harness.command(EN_USER, "/status"))
    stage_2 = status.split("Stage 2 ·")[1].split("Stage 3 ·")[0]
    assert stage_2.count("\n") - 2 == 8  # its heading's line and the blank line before stage 3
    assert "✅ Deposit rule\n▶️ Tmall operations deposit" in stage_2
    assert "Right now" not in status  # it is on the checklist, not a detour
    assert "13 of 22 steps done" in status
    # After paying it, it is done, and stage 3 lists as many steps as its headers count.
    calls = await harness.answer(EN_USER, "yes")
    assert "<b>Step 1 of 7 · Applying for the Tmall International qualification</b>" in texts(calls)
    status = texts(await harness.command(EN_USER, "/status"))
    assert "✅ Tmall operations deposit" in status and "14 of 22 steps done" in status
    stage_3 = status.split("Stage 3 ·")[1].split("\n\n")[0].splitlines()[1:]
    assert (
        len(stage_3) == 7 and stage_3[0] == "▶️ Applying for the Tmall International qualification"
    )
    # /back to the choice: the deposit is off the path again.
    await harness.command(EN_USER, "/back")
    calls = await harness.command(EN_USER, "/back")
    assert harness.state(EN_USER["id"]) == "op_deposit"
    assert "Step 7 of 7 · The deposit rule" in texts(calls)
    status = texts(await harness.command(EN_USER, "/status"))
    assert "Tmall operations deposit" not in status and "of 21 steps done" in status


async def test_international_tp_only_owes_no_deposit_step(harness: BotHarness) -> None:
    await start_and_answer(harness, ZH_USER, [*TO_OP_SUBMITTED, "yes", "passed", "tp_only"])
    status = texts(await harness.command(ZH_USER, "/status"))
    assert "天猫运营保证金" not in status and "已完成 13 / 21 步" in status


async def test_back_undoes_the_last_answer(harness: BotHarness) -> None:
    await start_and_answer(harness, EN_USER, ["begin", "yes", "yes"])
    assert harness.state(EN_USER["id"]) == "taobao_corporate"
    calls = await harness.command(EN_USER, "/back")
    assert harness.state(EN_USER["id"]) == "manages_shops"
    assert "Went back one step" in texts(calls)
    assert "one or more shops on Tmall" in texts(calls)
    await harness.command(EN_USER, "/back")
    await harness.command(EN_USER, "/back")
    assert harness.state(EN_USER["id"]) == "welcome"
    calls = await harness.command(EN_USER, "/back")
    assert "nothing to undo" in texts(calls)
    assert harness.state(EN_USER["id"]) == "welcome"


async def test_back_out_of_an_audit_clears_the_pending_date(harness: BotHarness) -> None:
    await start_and_answer(harness, EN_USER, [*TO_OP_SUBMITTED, "yes"])
    assert harness.state(EN_USER["id"]) == "op_audit"
    await harness.command(EN_USER, "/back")
    progress = harness.services.progress.get(EN_USER["id"])
    assert progress.state == "op_submitted" and progress.audit_due_on is None


async def test_reset_asks_for_confirmation(harness: BotHarness) -> None:
    await start_and_answer(harness, EN_USER, ["begin", "yes", "yes"])
    calls = await harness.command(EN_USER, "/reset")
    assert "Start over from the beginning?" in texts(calls)
    confirm_message = calls[0].result
    no = next(data for label, data in calls[0].buttons() if data.endswith("|no"))
    yes = next(data for label, data in calls[0].buttons() if data.endswith("|yes"))

    calls = await harness.press(EN_USER, no, message=confirm_message)
    assert "Kept your progress" in texts(calls)
    assert harness.state(EN_USER["id"]) == "taobao_corporate"

    calls = await harness.press(EN_USER, yes, message=confirm_message)
    assert "Progress cleared" in texts(calls)
    assert harness.state(EN_USER["id"]) == "welcome"
    # the same confirmation pressed again is stale: nothing happens twice
    await harness.answer(EN_USER, "begin")
    calls = await harness.press(EN_USER, yes, message=confirm_message)
    assert methods(calls) == ["answerCallbackQuery"]
    assert harness.state(EN_USER["id"]) == "owner_separate"


async def test_language_switch_mid_flow_shows_the_step_again(harness: BotHarness) -> None:
    await start_and_answer(harness, EN_USER, ["begin", "yes", "yes"])
    old_step_message = harness.last_buttons_message[EN_USER["id"]]
    calls = await harness.command(EN_USER, "/language")
    assert "Choose your language" in texts(calls)
    assert [label for label, _ in calls[0].buttons()] == ["English", "中文"]
    calls = await harness.press(EN_USER, "l|zh", message=calls[0].result)
    assert "语言：中文" in texts(calls)
    assert "淘宝账号是否已注册为企业账号" in texts(calls)
    assert harness.state(EN_USER["id"]) == "taobao_corporate"
    # the English message's buttons are now stale
    stale = next(
        b["callback_data"]
        for row in old_step_message["reply_markup"]["inline_keyboard"]
        for b in row
        if b["callback_data"].endswith("|yes")
    )
    calls = await harness.press(EN_USER, stale, message=old_step_message)
    assert methods(calls) == ["answerCallbackQuery", "sendMessage"]  # with the current step
    assert "之前的消息" in texts(calls)
    assert harness.state(EN_USER["id"]) == "taobao_corporate"
    calls = await harness.answer(EN_USER, "yes")
    assert "企业支付宝" in texts(calls)


async def test_help_lists_commands_and_current_step(harness: BotHarness) -> None:
    calls = await harness.command(EN_USER, "/help")
    assert "/status" in texts(calls) and "/reset" in texts(calls)
    await start_and_answer(harness, EN_USER, ["begin"])
    calls = await harness.command(EN_USER, "/help")
    assert "You are at: <b>Who owns the store</b>" in texts(calls)


async def test_start_again_continues_where_the_chat_is(harness: BotHarness) -> None:
    await start_and_answer(harness, EN_USER, ["begin", "yes"])
    calls = await harness.command(EN_USER, "/start")
    assert "Welcome back" in texts(calls)
    assert harness.state(EN_USER["id"]) == "manages_shops"


async def test_answers_log_records_who_answered_what(harness: BotHarness) -> None:
    await start_and_answer(harness, EN_USER, ["begin", "yes", "not_yet"])
    rows = list(
        harness.db.query(
            "SELECT user_id, kind, step, answer, to_state FROM events "
            "WHERE chat_id = ? ORDER BY id",
            [EN_USER["id"]],
        )
    )
    assert [(r["kind"], r["step"], r["answer"], r["to_state"]) for r in rows] == [
        ("start", None, None, "welcome"),
        ("answer", "welcome", "begin", "owner_separate"),
        ("answer", "owner_separate", "yes", "manages_shops"),
        ("answer", "manages_shops", "not_yet", "manages_shops"),
    ]
    assert {r["user_id"] for r in rows} == {EN_USER["id"]}


async def test_id_tells_the_sender_their_own_ids(harness: BotHarness) -> None:
    from bot.demo.updates import UpdateFactory

    calls = await harness.command(EN_USER, "/id")
    assert f"<code>{EN_USER['id']}</code>" in texts(calls)
    group = UpdateFactory.chat(-100777, "supergroup", "Support")
    calls = await harness.command(EN_USER, "/id", group)
    assert "<code>-100777</code>" in texts(calls)
