"""The texts read consistently: where a chat is, step headers, terms, help, counts."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from bot.config import PROJECT_ROOT, Settings
from bot.demo.updates import UpdateFactory
from bot.services.flow.diagram import mermaid
from bot.services.flow.flow_spec import load_flow
from bot.services.flow.journey import read_journey
from bot.services.i18n import Catalog
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock, texts
from tests.helpers.paths import FULL_PATH, TO_OP_SUBMITTED, go, pick_reason, plain, walk

OPERATOR = UpdateFactory.user(900, "Olga", "en")
# From the welcome to op_apply, and on to intl_apply.
TO_OP_APPLY = TO_OP_SUBMITTED[:6]
TO_INTL_APPLY = [*TO_OP_SUBMITTED, "yes", "passed", "tp_only"]


# -- 1. "where you are" names the step; "done" titles only for what is done ----------------
async def test_help_names_the_step_the_chat_is_at_not_as_done(harness: BotHarness) -> None:
    await go(harness, EN_USER, TO_OP_APPLY)
    assert harness.state(EN_USER["id"]) == "op_apply"
    text = texts(await harness.command(EN_USER, "/help"))
    assert "You are at: <b>Applying for Tmall Operator (New)</b>" in text
    assert "Application started" not in text
    await go(harness, ZH_USER, TO_INTL_APPLY)
    assert harness.state(ZH_USER["id"]) == "intl_apply"
    text = texts(await harness.command(ZH_USER, "/help"))
    assert "您当前在：<b>申请天猫国际代运营服务资质</b>" in text
    assert "已发起国际申请" not in text


async def test_status_stale_button_and_echo_name_the_current_step(harness: BotHarness) -> None:
    await go(harness, EN_USER, ["begin", "yes", "yes", "yes"])  # at alipay_corporate
    status = texts(await harness.command(EN_USER, "/status"))
    assert "✅ Manages Tmall / Tmall International shops" in status  # done: its title
    assert "▶️ Corporate Alipay\n" in status  # current: its name, not "Corporate Alipay bound"
    stale = await harness.press(EN_USER, "a|0|welcome|begin")
    assert "Your current step is: Corporate Alipay." in texts(stale)
    calls = await harness.answer(EN_USER, "not_yet")
    assert "📝 Corporate Alipay: ⏳ Not yet" in texts(calls)
    assert "✔️" not in texts(calls) and "Corporate Alipay bound:" not in texts(calls)


async def test_the_operators_step_picker_and_the_diagram_use_the_step_names(
    harness: BotHarness,
) -> None:
    await harness.command(OPERATOR, "/broadcast")
    calls = await harness.send(OPERATOR, "Hello")
    skip = [data for label, data in calls[-1].buttons() if "Chinese" not in label]
    calls = await harness.press(OPERATOR, skip[0])
    menu = dict(calls[-1].buttons())
    calls = await harness.press(OPERATOR, menu["By step"])
    labels = [label for label, _ in calls[-1].buttons()]
    assert "Applying for Tmall Operator (New)" in labels
    assert "Application started" not in labels
    catalog = harness.services.catalog
    zh = mermaid(harness.services.spec, catalog, "zh")
    assert 'state "申请天猫国际代运营服务资质" as intl_apply' in zh


# -- 2. every stage's steps have the same "Step N of M ·" header -----------------------------
@pytest.mark.parametrize(
    ("user", "pattern"),
    [(EN_USER, r"^Step (\d+) of (\d+) · \S"), (ZH_USER, r"^第 (\d+) 步（共 (\d+) 步）· \S")],
)
async def test_every_stage_numbers_its_steps_the_same_way(
    harness: BotHarness, user: dict, pattern: str
) -> None:
    shown = [texts(await harness.command(user, "/start"))]
    shown += await walk(harness, user, FULL_PATH)
    spec = harness.services.spec
    headed: dict[str, set[int]] = {}
    states = [spec.start, *(state for _, state in FULL_PATH)]
    # A rejected audit's reason question (answered by the next, "rj:" entry) shows no step.
    asked = [i for i, (answer, _) in enumerate(FULL_PATH) if answer.startswith("rj:")]
    for number, (state, text) in enumerate(zip(states, shown, strict=True)):
        step = spec.steps[state]
        if step.kind == "finish" or number in asked:
            continue
        # Below the echo (and any help): the stage's bold header line, then the step's.
        *_, (stage_header, step_header) = re.findall(
            r"(?:^|\n\n)<b>([^<\n]+)</b>\n\n<b>([^<\n]+)</b>\n", text
        )
        assert harness.services.catalog.text(user_lang(user), spec.stage_of(state).title) in (
            stage_header
        )
        numbered = re.match(pattern, step_header)
        assert (numbered is not None) == step.checklist, (state, step_header)
        if numbered:
            headed.setdefault(step.stage, set()).add(int(numbered.group(1)))
            assert int(numbered.group(1)) <= int(numbered.group(2))
        # No text of its own says "Step 2" besides: one numbering, the renderer's.
        assert len(re.findall(r"Step \d|第 \d+ 步", text)) == int(step.checklist), state
    assert set(headed) == {s.id for s in spec.stages}  # eligibility and stages 1-3 alike
    for numbers in headed.values():
        assert numbers == set(range(1, max(numbers) + 1))


@pytest.mark.parametrize(
    ("user", "header", "count"),
    [
        (EN_USER, r"<b>Step (\d+) of (\d+) · ", r"(\d+) of (\d+) steps done"),
        (ZH_USER, r"<b>第 (\d+) 步（共 (\d+) 步）· ", r"已完成 (\d+) / (\d+) 步"),
    ],
)
async def test_the_headers_count_the_lines_the_checklist_lists(
    harness: BotHarness, user: dict, header: str, count: str
) -> None:
    """All along the walk, "Step N of M" counts the lines /status lists under the stage, and
    "N of M steps done" all its lines (the deposit on the path that owes it, the finish too)."""
    spec, lang = harness.services.spec, user_lang(user)
    text = texts(await harness.command(user, "/start"))
    path = [(None, spec.start), *FULL_PATH]
    for number, (answer, state) in enumerate(path):
        if answer is not None and answer.startswith("rj:"):
            text = texts(await pick_reason(harness, user, answer[3:]))
        elif answer is not None:
            text = texts(await harness.answer(user, answer))
        if number + 1 < len(path) and str(path[number + 1][0]).startswith("rj:"):
            continue  # a rejected audit's reason question: no step shown
        status = texts(await harness.command(user, "/status"))
        lines = [line for line in status.splitlines() if line.startswith(("✅", "▶️", "❌", "⬜"))]
        done, total = map(int, re.findall(count, status)[0])
        assert total == len(lines) and done == sum(line.startswith("✅") for line in lines)
        numbered = re.findall(header, text)
        if not numbered:
            assert not spec.steps[state].checklist or spec.steps[state].kind == "finish", state
            continue
        number, of = map(int, numbered[-1])
        title = harness.services.catalog.text(lang, spec.stage_of(state).title)
        section = status.split(f"{title}</b>\n")[1].split("\n\n")[0].splitlines()
        assert len(section) == of, (state, section)
        assert section[number - 1].startswith("▶️"), (state, section)


def user_lang(user: dict) -> str:
    return "zh" if user["language_code"].startswith("zh") else "en"


# -- 3. one term for the Taobao account, in each language -----------------------------------
async def test_the_taobao_account_has_one_name_in_each_language(harness: BotHarness) -> None:
    catalog = harness.services.catalog
    every = {
        lang: [catalog.text(lang, mid) for mid in ids]
        for lang, ids in catalog.message_ids().items()
        if lang in ("en", "zh")
    }
    assert not [t for t in every["en"] if re.search(r"business\)? account", t)]
    assert not [t for t in every["zh"] if re.search(r"商家账号|商户账号|公司账号|企业帐号|帐号", t)]
    await go(harness, EN_USER, ["begin", "yes"])
    calls = await harness.answer(EN_USER, "yes")  # on to the Taobao account
    assert "Taobao corporate account" in texts(calls)
    assert "registered as a corporate account" in texts(calls)
    status = texts(await harness.command(EN_USER, "/status"))
    assert "Taobao corporate account" in status


# -- 4. "not yet" at op_apply helps beyond the question -----------------------------------
@pytest.mark.parametrize(
    ("user", "musts"),
    [(EN_USER, ["contract", "service provider account"]), (ZH_USER, ["合同", "服务商账号"])],
)
async def test_not_yet_at_the_application_says_what_to_do(
    harness: BotHarness, user: dict, musts: list[str]
) -> None:
    await go(harness, user, TO_OP_APPLY)
    question = texts(await harness.command(user, "/start"))
    calls = await harness.answer(user, "not_yet")
    shown = texts(calls)
    help_text = shown[shown.index("💡") : shown.index("\n\n<b>", shown.index("💡"))]
    for path in re.findall(r"<b>([^<]*→[^<]*)</b>", question):
        assert path not in help_text  # not the question's menu path again
    for must in musts:
        assert must in help_text


def test_no_help_repeats_its_questions_menu_path() -> None:
    catalog = Catalog(PROJECT_ROOT / "locales")
    spec = load_flow(PROJECT_ROOT / "flows" / "tmall_tp.yaml")
    args = {"deposit": "¥", "working_days": 3, "submitted": "-", "due": "-", "remaining": 1}
    for lang in ("en", "zh"):
        for step in spec.steps.values():
            paths = re.findall(r"[^>:：\n]*→[^<\n]*", plain(catalog.text(lang, step.text, **args)))
            for answer in step.answers:
                if answer.help:
                    help_text = plain(catalog.text(lang, answer.help, **args))
                    assert not [p for p in paths if p.strip() in help_text], (lang, step.id)


# -- 5. the shops question fits its answers ---------------------------------------------------
@pytest.mark.parametrize(
    ("user", "not_in", "asks", "button"),
    [
        (EN_USER, "will you manage", "signed an agreement", "⏳ Not yet, no agreement signed"),
        (ZH_USER, "将要", "签订代运营协议", "⏳ 还没有，尚未签约"),
    ],
)
async def test_the_shops_question_and_its_not_yet_agree(
    harness: BotHarness, user: dict, not_in: str, asks: str, button: str
) -> None:
    await go(harness, user, ["begin"])
    calls = await harness.answer(user, "yes")
    assert harness.state(user["id"]) == "manages_shops"
    assert not_in not in texts(calls) and asks in texts(calls)
    assert button in [label for label, _ in calls[-1].buttons()]


# -- 6. /help lists /ask only with a support group ---------------------------------------------
@pytest.mark.parametrize("support", [None, -100555])
async def test_help_lists_ask_only_when_a_support_group_is_set(
    settings: Settings, clock: FrozenClock, support: int | None
) -> None:
    bot = BotHarness(replace(settings, support_chat_id=support), clock)
    await bot.start()
    try:
        for user in (EN_USER, ZH_USER):
            before = texts(await bot.command(user, "/help"))  # before /start, too
            await bot.command(user, "/start")
            after = texts(await bot.command(user, "/help"))
            for text in (before, after):
                assert ("/ask" in text) == (support is not None), (user, support)
                assert "/mute" in text and "/reset" in text
                assert "\n\n/mute" not in text and "/reset – " in text
    finally:
        await bot.stop()


# -- 7. the summary counts new applications and resubmissions, the same in both languages --
async def test_the_summary_counts_the_same_walk_the_same_in_both_languages(
    harness: BotHarness,
) -> None:
    counts = {}
    for user, line in ((EN_USER, "resubmissions along the way: "), (ZH_USER, "重新提交的次数：")):
        await harness.command(user, "/start")
        final = (await walk(harness, user, FULL_PATH))[-1]
        counts[user["id"]] = int(final.split(line)[1].split("\n")[0])
        journey = read_journey(harness.db, harness.services.spec, user["id"])
        assert journey.loops == counts[user["id"]]
    # Two "unqualified store" new applications and two rejected audits resubmitted; checking
    # eligibility again (not_eligible → owner_separate) is neither.
    assert counts == {EN_USER["id"]: 4, ZH_USER["id"]: 4}
