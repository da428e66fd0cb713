"""A rejected audit with its reason, through the real Application: the reason's buttons, its
fix in the chat's language, only the concerned steps reopened, stale and forged buttons."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.demo.updates import UpdateFactory
from bot.services.flow.flow_spec import FlowError, load_flow
from bot.storage.event_details import AuditRejection
from bot.storage.events import events_of
from tests.helpers.flows import new_flow
from tests.helpers.flows import step as flow_step
from tests.helpers.harness import (
    EN_USER,
    ZH_USER,
    BotHarness,
    FrozenClock,
    bot_settings,
    methods,
    texts,
)
from tests.helpers.paths import TO_OP_SUBMITTED, go, plain

GROUP = UpdateFactory.chat(-300, "group", "Acme audit team")
BOB = UpdateFactory.user(1003, "Bob", "en")


def reason_buttons(call: Any) -> list[tuple[str, str]]:
    return [(label, data) for label, data in call.buttons() if data.startswith("rj|")]


async def at_op_audit(harness: BotHarness, user: dict, chat: dict | None = None) -> None:
    if chat is None:
        await go(harness, user, [*TO_OP_SUBMITTED, "yes"])
    else:
        await harness.command(user, "/start", chat)
        for answer in [*TO_OP_SUBMITTED, "yes"]:
            await harness.answer(user, answer, chat)
    assert harness.state((chat or user)["id"]) == "op_audit"


async def test_rejected_asks_the_reason_with_the_flows_buttons(harness: BotHarness) -> None:
    await at_op_audit(harness, EN_USER)
    calls = await harness.answer(EN_USER, "rejected")
    assert methods(calls) == ["answerCallbackQuery", "editMessageText"]
    assert harness.state(EN_USER["id"]) == "op_audit"  # nothing moves before the reason
    assert "Which reason did Tmall give" in calls[-1].text
    labels = [label for label, _ in reason_buttons(calls[-1])]
    assert labels == [
        "🏪 Unqualified store",
        "🏷️ Shop nickname does not match the contract",
        "✏️ Information incomplete",
        "🔄 Company information out of date",
        "❔ Other / not stated",
    ]


async def test_a_reason_sends_its_fix_and_reopens_only_its_step(harness: BotHarness) -> None:
    await at_op_audit(harness, EN_USER)
    calls = await harness.answer(EN_USER, "rejected")
    nickname = next(d for _, d in reason_buttons(calls[-1]) if "nickname" in d)
    calls = await harness.press(EN_USER, nickname)
    assert methods(calls) == ["answerCallbackQuery", "editMessageText"]
    assert harness.state(EN_USER["id"]) == "op_nickname"  # not the generic op_info_complete
    text = plain(calls[-1].text)
    assert "rejected · 🏷️ Shop nickname does not match the contract" in text
    assert "exactly as written in the contract you uploaded" in text
    assert "Reopened: Shop nickname" in text
    assert "Check the reason given in the backend" not in text  # not the generic help
    progress = harness.services.progress.get(EN_USER["id"])
    assert progress is not None and progress.audit_due_on is None  # the audit is over
    last = events_of(harness.db, EN_USER["id"])[-1]
    assert (last.kind, last.step, last.answer, last.to_state) == (
        "answer",
        "op_audit",
        "rejected",
        "op_nickname",
    )
    assert last.detail == AuditRejection("nickname_mismatch", ("op_nickname",), False)
    assert last.user_id == EN_USER["id"]
    # /back undoes the rejection: the chat is at the audit again, with its dates
    await harness.command(EN_USER, "/back")
    assert harness.state(EN_USER["id"]) == "op_audit"


async def test_the_fix_in_chinese(harness: BotHarness) -> None:
    await at_op_audit(harness, ZH_USER)
    calls = await harness.answer(ZH_USER, "rejected")
    assert "天猫给出的驳回原因是什么？" in calls[-1].text
    assert [label for label, _ in reason_buttons(calls[-1])][-1] == "❔ 其他 / 未说明"
    incomplete = next(d for _, d in reason_buttons(calls[-1]) if d.endswith("|info_incomplete"))
    calls = await harness.press(ZH_USER, incomplete)
    assert harness.state(ZH_USER["id"]) == "op_info_complete"
    text = plain(calls[-1].text)
    assert "被驳回 · ✏️ 信息填写不完整" in text
    assert "请补全申请中的全部必填项，然后重新提交。" in text
    assert "已重新打开：" in text


async def test_other_reason_takes_the_answers_own_way_with_its_help(harness: BotHarness) -> None:
    await at_op_audit(harness, EN_USER)
    calls = await harness.answer(EN_USER, "rejected")
    other = next(d for _, d in reason_buttons(calls[-1]) if d.endswith("|other"))
    calls = await harness.press(EN_USER, other)
    assert harness.state(EN_USER["id"]) == "op_info_complete"
    text = plain(calls[-1].text)
    assert "rejected · ❔ Other / not stated" in text
    assert "Check the reason given in the backend" in text
    last = events_of(harness.db, EN_USER["id"])[-1]
    assert last.detail == AuditRejection("other", ("op_info_complete",), False)


async def test_a_stale_reason_button_is_answered_and_changes_nothing(harness: BotHarness) -> None:
    await at_op_audit(harness, EN_USER)
    calls = await harness.answer(EN_USER, "rejected")
    buttons = dict((d.rsplit("|", 1)[1], d) for _, d in reason_buttons(calls[-1]))
    question = harness.last_buttons_message[EN_USER["id"]]
    await harness.press(EN_USER, buttons["info_incomplete"], message=question)
    assert harness.state(EN_USER["id"]) == "op_info_complete"
    count = len(events_of(harness.db, EN_USER["id"]))
    calls = await harness.press(EN_USER, buttons["store_unqualified"], message=question)
    assert harness.state(EN_USER["id"]) == "op_info_complete"
    assert len(events_of(harness.db, EN_USER["id"])) == count
    alert = next(c for c in calls if c.method == "answerCallbackQuery")
    assert "earlier message" in alert.text and "Information complete" not in alert.text
    assert calls[-1].method == "sendMessage"  # the current step, with the buttons that count


async def test_forged_reason_buttons_change_nothing(harness: BotHarness) -> None:
    await at_op_audit(harness, EN_USER)
    seq = harness.services.progress.get(EN_USER["id"]).seq  # type: ignore[union-attr]
    count = len(events_of(harness.db, EN_USER["id"]))
    for data, expected in [
        (f"rj|{seq}|op_audit|bribery", "not one of this audit's"),
        (f"rj|{seq}|op_nickname|nickname_mismatch", "not one of this audit's"),
        (f"rj|{seq}|op_audit|<b>", "not recognised"),
        (f"rj|{seq}|op_audit", "not recognised"),
        (f"rj|{seq + 5}|op_audit|info_incomplete", "earlier message"),
    ]:
        calls = await harness.press(EN_USER, data)
        alert = next(c for c in calls if c.method == "answerCallbackQuery")
        assert expected in alert.text, (data, alert.text)
        assert harness.state(EN_USER["id"]) == "op_audit"
    assert len(events_of(harness.db, EN_USER["id"])) == count


async def test_a_stale_rejected_button_does_not_ask(harness: BotHarness) -> None:
    await at_op_audit(harness, EN_USER)
    seq = harness.services.progress.get(EN_USER["id"]).seq  # type: ignore[union-attr]
    calls = await harness.press(EN_USER, f"a|{seq - 1}|op_audit|rejected")
    assert "earlier message" in texts(calls)
    assert not any(reason_buttons(c) for c in calls)


async def test_a_group_picks_the_reason_like_a_private_chat(harness: BotHarness) -> None:
    await at_op_audit(harness, EN_USER, GROUP)
    calls = await harness.answer(EN_USER, "rejected", GROUP)
    assert calls[-1].chat_id == GROUP["id"]
    store = next(d for _, d in reason_buttons(calls[-1]) if d.endswith("|store_unqualified"))
    calls = await harness.press(BOB, store, GROUP)  # another member gives the reason
    assert harness.state(GROUP["id"]) == "op_apply"
    assert "new application" in plain(calls[-1].text)
    last = events_of(harness.db, GROUP["id"])[-1]
    assert last.user_id == BOB["id"] and last.detail == AuditRejection(
        "store_unqualified", ("op_apply", "op_nickname", "op_assessment", "op_info_complete"), False
    )


# -- the flow file: reasons are data, checked by `check` -------------------------------------
def reasons_of(data: dict, step_id: str) -> list[dict]:
    return next(s for s in data["steps"] if s["id"] == step_id)["rejection_reasons"]


def broken_reasons(data: dict) -> None:
    reasons = reasons_of(data, "op_audit")
    reasons[0]["reopen"] = ["op_nicknam"]  # unknown step
    reasons[1].pop("fix")  # missing fix
    reasons[2]["id"] = reasons[3]["id"]  # duplicate id
    reasons.append(
        {
            "id": "later",
            "label": "reason-info-incomplete",
            "fix": "no-such-fix",
            "reopen": ["intl_release"],
        }
    )  # a step after the audit, a missing text


def test_check_names_every_broken_reason(
    env: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = new_flow(tmp_path, broken_reasons, version=1)
    monkeypatch.setenv("TPBOT_FLOW", str(path))
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err
    where = "step 'op_audit', rejection_reasons"
    assert f"{where}, reason 'store_unqualified': reopens unknown step 'op_nicknam'" in err
    assert f"{where}, reason 'nickname_mismatch': missing 'fix'" in err
    assert f"{where}, reason 'info_outdated': defined twice" in err
    assert f"{where}, reason 'later': reopens 'intl_release', which is not a step before" in err
    assert f"{where}, reason 'later': text 'no-such-fix' missing in locale 'en'" in err


def test_reasons_only_at_an_audit_step_and_other_is_reserved(tmp_path: Path) -> None:
    def change(data: dict) -> None:
        flow_step(data, "op_nickname")["rejection_reasons"] = [
            {"id": "x", "label": "a", "fix": "b", "reopen": ["op_apply"]}
        ]
        reasons_of(data, "intl_audit")[0]["id"] = "other"

    with pytest.raises(FlowError) as raised:
        load_flow(new_flow(tmp_path, change, version=1))
    faults = raised.value.faults
    assert (
        "step 'op_nickname', rejection_reasons: only an audit step with a 'rejected' answer"
        " takes reasons" in faults
    )
    assert any("reason 'other': 'other' is the bot's own" in f for f in faults)


def test_a_flow_without_reasons_loads_and_rejected_moves_as_before(tmp_path: Path) -> None:
    def strip(data: dict) -> None:
        for s in data["steps"]:
            s.pop("rejection_reasons", None)

    spec = load_flow(new_flow(tmp_path, strip, version=1))
    assert all(not s.rejection_reasons for s in spec.steps.values())
    assert spec.steps["op_audit"].answer("rejected").next == "op_info_complete"  # type: ignore[union-attr]


async def test_an_old_flow_without_reasons_keeps_the_generic_rejected_help(
    tmp_path: Path, clock: FrozenClock
) -> None:
    def strip(data: dict) -> None:
        for s in data["steps"]:
            s.pop("rejection_reasons", None)

    settings = replace(bot_settings(tmp_path), flow_path=new_flow(tmp_path, strip, version=1))
    harness = BotHarness(settings, clock)
    await harness.start()
    try:
        await at_op_audit(harness, EN_USER)
        calls = await harness.answer(EN_USER, "rejected")
        assert harness.state(EN_USER["id"]) == "op_info_complete"
        assert "Check the reason given in the backend" in texts(calls)
    finally:
        await harness.stop()
