"""The funnel: /stats (text and chart) for operators, and the command line's CSV export."""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import io
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot.cli_operators import cmd_export
from bot.demo.updates import UpdateFactory
from bot.services.funnel import funnel as funnel_module
from bot.services.funnel.funnel import Funnel, funnel_model
from bot.services.funnel.step_funnel import percent_text
from bot.storage.sql import transaction
from bot.telegram import funnel_chart as chart_module
from bot.telegram.funnel_chart import Bar, chart_bars, funnel_chart
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock, texts

OPERATOR = UpdateFactory.user(900, "Olga", "en")
ZH_OPERATOR = UpdateFactory.user(901, "李娜", "zh-hans")
DAY0 = dt.datetime(2026, 9, 1, 2, 0, tzinfo=dt.UTC)

# chat → [(days after DAY0, state entered)]
JOURNEYS = {
    7001: [(0, "welcome"), (1, "owner_separate"), (2, "taobao_corporate"), (5, "op_apply")],
    7002: [
        (0, "welcome"),
        (4, "taobao_corporate"),
        (10, "op_apply"),
        (11, "intl_apply"),
        (20, "finished"),
    ],
    7003: [(0, "welcome")],
}


def seed(harness: BotHarness) -> None:
    db = harness.db
    with transaction(db):
        for chat_id, steps in JOURNEYS.items():
            last_day, state = steps[-1]
            at = (DAY0 + dt.timedelta(days=last_day)).isoformat(timespec="seconds")
            db.execute(
                "INSERT INTO chats (id, type, language, state, history, seq, active, "
                "created_at, updated_at, finished_at) VALUES (?, 'private', ?, ?, '[]', ?, 1, "
                "?, ?, ?)",
                [
                    chat_id,
                    "zh" if chat_id == 7003 else "en",
                    state,
                    len(steps),
                    DAY0.isoformat(timespec="seconds"),
                    at,
                    at if state == "finished" else None,
                ],
            )
            for day, to_state in steps:
                db.execute(
                    "INSERT INTO events (chat_id, kind, to_state, at) VALUES (?, 'answer', ?, ?)",
                    [
                        chat_id,
                        to_state,
                        (DAY0 + dt.timedelta(days=day)).isoformat(timespec="seconds"),
                    ],
                )
        db.execute("UPDATE chats SET active = 0 WHERE id = 7003")


def model(harness: BotHarness, days: int = 30) -> Funnel:
    spec = harness.services.spec
    return funnel_model(
        harness.db, spec, harness.services.calendar, DAY0 + dt.timedelta(days=days), 3
    )


def test_counts_reached_and_working_days_per_stage(harness: BotHarness) -> None:
    seed(harness)
    spec = harness.services.spec
    result = model(harness)
    counts = result.chats
    assert (counts.total, counts.finished, counts.blocked, counts.idle) == (3, 1, 1, 1)
    assert counts.by_language == {"en": 2, "zh": 1}
    now = {s.step_id: s.now for s in result.flow.steps if s.now}
    assert now == {"op_apply": 1, "finished": 1}
    stages = {s.stage_id: (s.now, s.reached) for s in result.flow.stages}
    assert stages == {
        "eligibility": (0, 3),
        "register": (0, 2),
        "tmall_operator": (1, 2),
        "international": (0, 1),
    }
    # Working days in China (1 September 2026 is a Tuesday): 7001 Tue→Thu 2, Thu→Sun 1;
    # 7002 Tue→Sat 3, Sat→Fri 5, Fri→Sat 0, Sat 12→Mon 21 7 (Sunday 20 a working day).
    times = {s.stage_id: (s.median_workdays, s.p90_workdays) for s in result.flow.stages}
    assert times == {
        "eligibility": (2.5, 3.0),
        "register": (3.0, 5.0),
        "tmall_operator": (0.0, 0.0),  # 7001 is still there: not timed
        "international": (7.0, 7.0),
    }
    assert result.flow.started == 3 and result.flow.finished == 1
    assert result.step("welcome").reached == 3
    assert result.step("taobao_corporate").reached == 2
    assert result.step("finished").reached == 1
    day = dt.date(2026, 10, 1)
    for lang in ("en", "zh"):
        for by_step in (False, True):
            png = funnel_chart(
                result, spec, harness.services.catalog, lang, day=day, by_step=by_step
            )
            assert png.startswith(b"\x89PNG") and len(png) > 2000


def test_percent_text_rounds_half_up_and_never_shows_a_false_0_or_100() -> None:
    assert [percent_text(part, 3) for part in (0, 1, 2, 3)] == ["0%", "33%", "67%", "100%"]
    assert percent_text(1, 8) == "13%"  # 12.5 % rounds up
    assert percent_text(1, 200) == "<1%" and percent_text(199, 200) == ">99%"
    assert percent_text(1, 0) == "–"


def test_chart_rows_per_stage_and_per_step(harness: BotHarness) -> None:
    seed(harness)
    spec, catalog = harness.services.spec, harness.services.catalog
    result = model(harness)
    assert chart_bars(result, spec, catalog, "en") == [
        Bar("0 · Eligibility check before you start", 3, "100%"),
        Bar("1 · Register as a service provider", 2, "67%"),
        Bar("2 · Tmall Operator (New) certification", 2, "67%"),
        Bar("3 · Tmall International operation service certification", 1, "33%"),
        Bar("Certified", 1, "33%"),
    ]
    assert chart_bars(result, spec, catalog, "zh")[-1] == Bar("认证完成", 1, "33%")
    steps = chart_bars(result, spec, catalog, "en", by_step=True)

    def name(step_id: str) -> str:  # a step as a place, as the console names it
        return catalog.text("en", spec.steps[step_id].name)

    assert len(steps) == len(spec.steps)  # every step but the finish, then "Certified"
    by_label = {bar.label: bar for bar in steps}
    assert by_label["0 · The roadmap"] == Bar("0 · The roadmap", 3, "100%")
    assert by_label[f"1 · {name('taobao_corporate')}"].percent == "67%"
    assert by_label["2 · Applying for Tmall Operator (New)"].value == 2
    assert by_label[f"3 · {name('intl_apply')}"] == Bar(f"3 · {name('intl_apply')}", 1, "33%")
    assert by_label[f"0 · {name('not_eligible')}"].percent == "0%"
    assert steps[-1] == Bar("Certified", 1, "33%")
    assert steps[0].value_text == "3 · 100%"


async def test_stats_computes_off_the_event_loop_while_another_chat_is_answered(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow funnel (it waits until the other chat was answered, at most a few seconds) must
    not hold up another chat's update: the funnel is worked out in a thread."""
    seed(harness)
    answered = threading.Event()
    order: list[str] = []

    def slow_model(*args: Any) -> Funnel:
        answered.wait(timeout=3)
        order.append("funnel")
        return funnel_model(*args)

    monkeypatch.setattr(funnel_module, "funnel_model", slow_model)

    async def other_chat() -> None:
        await asyncio.sleep(0.05)  # /stats is under way
        await harness.application.process_update(harness.updates.command(ZH_USER, "/start"))
        order.append("other chat")
        answered.set()

    stats = harness.application.process_update(harness.updates.command(OPERATOR, "/stats"))
    await asyncio.gather(stats, other_chat())
    assert order == ["other chat", "funnel"]
    calls = harness.api.take()
    assert "Chats: " in texts(calls) and "sendPhoto" in [c.method for c in calls]


async def test_stats_for_operators_with_a_chart(harness: BotHarness, clock: FrozenClock) -> None:
    seed(harness)
    await harness.command(EN_USER, "/start")
    clock.set(2026, 9, 30)  # EN_USER: two days without progress, not idle yet
    calls = await harness.command(OPERATOR, "/stats")
    assert [c.method for c in calls] == ["sendMessage", "sendPhoto"]
    text = texts(calls)
    assert "Chats: 4 · finished 1 · idle 1 · blocked 1" in text
    assert (
        "Tmall Operator (New) certification</b>: 1 now · 2 reached · median 0 · p90 0 working days"
    ) in text
    assert "median 3 · p90 5 working days" in text
    assert "The roadmap: 1" in text  # EN_USER at the welcome step
    assert "Languages: English 3 · 中文 1" in text
    calls = await harness.command(ZH_OPERATOR, "/stats")
    assert "仅限客服团队" in texts(calls)  # 901 is not an operator in these settings


def photo_size(calls: list[Any]) -> tuple[int, int]:
    [photo] = [c for c in calls if c.method == "sendPhoto"]
    [(_, content)] = photo.files.values()
    with Image.open(io.BytesIO(content)) as image:
        return image.size


async def test_stats_steps_draws_one_bar_per_step(harness: BotHarness, clock: FrozenClock) -> None:
    seed(harness)
    clock.set(2026, 9, 30)
    stage_chart = photo_size(await harness.command(OPERATOR, "/stats"))
    calls = await harness.command(OPERATOR, "/stats steps")
    assert [c.method for c in calls] == ["sendMessage", "sendPhoto"]
    assert "Chats: 3 · finished 1" in texts(calls)  # the same text either way
    step_chart = photo_size(calls)
    bars = len(harness.services.spec.steps)  # every step but the finish, and "Certified"
    assert step_chart[0] == stage_chart[0]
    assert step_chart[1] - stage_chart[1] == (bars - 5) * 44  # one row more per extra bar


async def test_the_chart_says_the_day_and_the_share_of_the_started(
    harness: BotHarness, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness.settings = replace(harness.settings, operators=frozenset({900, 901}))
    await harness.restart()
    seed(harness)
    drawn: list[dict[str, Any]] = []

    def record(title: str, bars: list[Bar], **options: Any) -> bytes:
        drawn.append({"title": title, "bars": bars, **options})
        return b"\x89PNG fake"

    monkeypatch.setattr(chart_module, "bar_chart", record)
    monkeypatch.setattr(chart_module, "cjk_font_file", lambda: "/a/cjk/font.ttc")
    clock.now = dt.datetime(2026, 9, 30, 17, 0, tzinfo=dt.UTC)  # already 1 October in China
    await harness.command(OPERATOR, "/stats")
    await harness.command(ZH_OPERATOR, "/stats 步骤")
    en, zh = drawn
    assert en["title"] == "Chats that reached each stage"
    assert en["subtitle"] == "October 1, 2026 · percentages of the 3 chats that started"
    assert en["cjk"] is False and [bar.percent for bar in en["bars"]][:2] == ["100%", "67%"]
    assert zh["title"] == "到达各步骤的公司数"
    assert zh["subtitle"] == "2026年10月1日 · 百分比按已开始的 3 家公司计算"
    assert zh["cjk"] is True and zh["bars"][0] == Bar("0 · 认证路线", 3, "100%")


async def test_stats_in_chinese_for_a_chinese_operator(harness: BotHarness) -> None:
    harness.settings = replace(harness.settings, operators=frozenset({900, 901}))
    await harness.restart()
    seed(harness)
    calls = await harness.command(ZH_OPERATOR, "/stats")
    assert "认证漏斗" in texts(calls) and "中位数 3 · 第 90 百分位 5 个工作日" in texts(calls)
    calls = await harness.command(ZH_USER, "/stats")  # a user: refused, in Chinese
    assert [c.method for c in calls] == ["sendMessage"] and "仅限客服团队" in texts(calls)


def test_export_writes_every_chat_as_csv(
    harness: BotHarness, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(harness)
    target = tmp_path / "chats.csv"
    assert cmd_export(argparse.Namespace(output=target), harness.settings) == 0
    assert "3 chats written to" in capsys.readouterr().err
    text = target.read_text(encoding="utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    by_id = {row["chat_id"]: row for row in table}
    assert by_id["7001"]["stage_number"] == "2"
    # The step it is at, as a place (not its "done" title, as it has not applied yet).
    assert by_id["7001"]["step_title"] == "Applying for Tmall Operator (New)"
    assert by_id["7002"]["finished"] == "1" and by_id["7002"]["working_days_at_step"] == ""
    assert by_id["7003"]["active"] == "0" and by_id["7003"]["language"] == "zh"
    assert text.splitlines()[0].startswith("chat_id,type,name,language,stage_number")
    assert len(text.splitlines()) == 4
    assert cmd_export(argparse.Namespace(output=None), harness.settings) == 0
    out = capsys.readouterr().out
    assert not out.startswith("\ufeff") and out.splitlines() == text.splitlines()
