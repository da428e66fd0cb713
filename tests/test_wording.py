"""Issue 17, item 9: wording that reads naturally, one term per thing, one colon per label."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest

from bot.config import PROJECT_ROOT, Settings
from bot.demo.updates import UpdateFactory
from bot.services.i18n import Catalog
from bot.telegram import funnel_chart as chart_module
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock, texts
from tests.helpers.paths import FULL_PATH, TO_OP_SUBMITTED, go, plain, walk

CATALOG = Catalog(PROJECT_ROOT / "locales")
# From the welcome to op_assessment, and on to intl_assessment.
TO_OP_ASSESSMENT = TO_OP_SUBMITTED[:8]
TO_INTL_ASSESSMENT = [*TO_OP_SUBMITTED, "yes", "passed", "tp_only", "yes"]
COLON = re.compile(r":\s|：")
OPERATOR = UpdateFactory.user(900, "Olga", "en")
ZH_OPERATOR = UpdateFactory.user(901, "李娜", "zh-hans")


def every_text(lang: str) -> list[str]:
    infos = CATALOG.messages[lang]
    return [CATALOG.text(lang, mid, **dict.fromkeys(infos[mid].variables, 2)) for mid in infos]


# -- 1. the "unqualified store" sentence is grammatical, in both assessments -----------------
@pytest.mark.parametrize("path", [TO_OP_ASSESSMENT, TO_INTL_ASSESSMENT])
async def test_the_unqualified_store_sentence_reads_naturally(
    harness: BotHarness, path: list[str]
) -> None:
    await go(harness, ZH_USER, path[:-1])
    zh = texts(await harness.answer(ZH_USER, path[-1]))
    await go(harness, EN_USER, path[:-1])
    en = texts(await harness.answer(EN_USER, path[-1]))
    assert harness.state(ZH_USER["id"]).endswith("_assessment")
    assert "如未通过，系统会将该申请标记为“店铺不合格”。" in zh
    assert "the system marks the application “unqualified store”." in en
    assert not [t for t in every_text("zh") if "“店铺不合格”申请" in t]
    assert not [t for t in every_text("en") if "“unqualified store” application" in t]


def test_chinese_texts_use_full_width_punctuation_and_one_kind_of_quotes() -> None:
    for text in every_text("zh"):
        shown = plain(text)
        assert not re.search(r"[\u4e00-\u9fff][,:;!?()]|[,:;!?()][\u4e00-\u9fff]", shown), shown
        assert not re.search(r'"|「|」', shown), shown  # “” only


# -- 2. one name for the third stage's audit --------------------------------------------------
async def test_the_international_audit_has_one_name(harness: BotHarness) -> None:
    for lang in ("en", "zh"):
        assert not [t for t in every_text(lang) if re.search(r"profile|公司资料", t)]
    await harness.command(EN_USER, "/start")
    en = await walk(harness, EN_USER, FULL_PATH)
    await harness.command(ZH_USER, "/start")
    zh = await walk(harness, ZH_USER, FULL_PATH)
    en_next = next(t for t in en if "upload your company presentation" in t)
    zh_next = next(t for t in zh if "上传公司介绍" in t)
    assert "📝 Qualification audit: ✅ Passed" in en_next
    assert "The qualification audit passed." in en_next
    assert "📝 资质审核：✅ 已通过" in zh_next and "资质审核已通过。" in zh_next


# -- 3. a label never brings a colon of its own to a "label: value" line ----------------------
def test_labels_have_no_colon_of_their_own() -> None:
    for lang in ("en", "zh"):
        for mid in CATALOG.message_ids()[lang]:
            if mid.startswith(("stage-", "title-", "name-", "btn-")):
                assert not re.search("[:：]", CATALOG.text(lang, mid)), (lang, mid)


@pytest.mark.parametrize("user", [EN_USER, ZH_USER])
async def test_label_value_lines_have_one_colon(harness: BotHarness, user: dict) -> None:
    await harness.command(user, "/start")
    shown = await walk(harness, user, FULL_PATH)
    echoes = [line for text in shown for line in text.splitlines() if line.startswith("📝")]
    assert any("⏳" in line for line in echoes)  # a "not yet" answer echoed
    summary = shown[-1].split("🧾")[1]
    stages = [line for line in summary.splitlines() if line.startswith("✅")]
    assert len(stages) == 4  # the eligibility check and the three stages
    for line in [*echoes, *stages]:
        assert len(COLON.findall(plain(line))) == 1, line


# -- 4. /stats: language names, a median or a sentence, plural nouns ------------------------
async def test_stats_names_languages_says_when_there_is_no_median_and_counts_right(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness.settings = replace(harness.settings, operators=frozenset({900, 901}))
    await harness.restart()
    drawn: list[str] = []

    def record(title: str, bars: list[Any], **options: Any) -> bytes:
        drawn.append(options["subtitle"])
        return b"\x89PNG fake"

    monkeypatch.setattr(chart_module, "bar_chart", record)
    monkeypatch.setattr(chart_module, "cjk_font_file", lambda: "/a/cjk/font.ttc")
    await harness.command(ZH_USER, "/start")  # one chat, which has finished no stage
    en = texts(await harness.command(OPERATOR, "/stats"))
    zh = texts(await harness.command(ZH_OPERATOR, "/stats"))
    assert "Languages: 中文 1" in en and "语言：中文 1" in zh
    assert "zh:" not in en + zh and "–" not in en + zh
    assert "1 reached · no company has moved on from this stage yet" in en
    assert "累计到达 1 · 尚无公司离开此阶段" in zh
    assert drawn[0].endswith("percentages of the 1 chat that started")
    await go(harness, EN_USER, [])
    harness.clock.advance(days=1)
    await harness.answer(EN_USER, "begin")
    await harness.answer(EN_USER, "yes")
    harness.clock.advance(days=1)
    await harness.answer(EN_USER, "yes")  # past the eligibility check: 2 working days there
    en = texts(await harness.command(OPERATOR, "/stats"))
    assert "Languages: English 1 · 中文 1" in en
    assert "2 reached · median 2 · p90 2 working days" in en
    assert drawn[-1].endswith("of the 2 chats that started")


# -- 7. /id: a plain sentence for clients, the settings only for operators; /help lists it ---
async def test_id_shows_the_settings_only_to_operators_and_in_the_support_group(
    settings: Settings, clock: FrozenClock
) -> None:
    bot = BotHarness(replace(settings, support_chat_id=-100555), clock)
    await bot.start()
    try:
        for user, purpose in ((EN_USER, "Our team may ask you"), (ZH_USER, "我们的团队在协助您时")):
            client = texts(await bot.command(user, "/id"))
            assert f"<code>{user['id']}</code>" in client and purpose in client
            assert "TPBOT_" not in client
            group = UpdateFactory.chat(-100777, "supergroup", "Team")
            in_group = texts(await bot.command(user, "/id", group))
            assert "<code>-100777</code>" in in_group and "TPBOT_" not in in_group
            for chat in (None, UpdateFactory.chat(-100555, "supergroup", "Support")):
                shown = texts(await bot.command(user, "/id", chat))
                assert ("TPBOT_OPERATORS" in shown) == (chat is not None), (user, chat)
        for chat in (None, group):
            shown = texts(await bot.command(OPERATOR, "/id", chat))
            assert "TPBOT_OPERATORS takes user ids" in shown and "Our team may ask" not in shown
        for user, line in ((EN_USER, "/id – your user id"), (ZH_USER, "/id – 查看您的用户 ID")):
            assert line in texts(await bot.command(user, "/help"))
    finally:
        await bot.stop()


# -- 8. chats are companies (counted) or the company's chat (a place), never "会话" ----------
async def test_chinese_texts_say_company_or_chat_not_session(harness: BotHarness) -> None:
    assert not [t for t in every_text("zh") if re.search("会话|聊天", t)]
    await harness.command(ZH_USER, "/start")
    assert "本对话的提醒已关闭" in texts(await harness.command(ZH_USER, "/mute"))
    harness.settings = replace(harness.settings, operators=frozenset({900, 901}))
    await harness.restart()
    stats = texts(await harness.command(ZH_OPERATOR, "/stats"))
    assert "公司：1 · 已完成 0" in stats and "会话" not in stats


async def test_stats_before_any_chat_shows_no_dash(harness: BotHarness) -> None:
    text = texts(await harness.command(OPERATOR, "/stats"))
    assert "Chats: 0" in text and "–" not in text and "Languages" not in text
