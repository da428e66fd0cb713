"""The funnel: /stats (text and chart) for operators, and the CSV export."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
from dataclasses import replace
from pathlib import Path

from bot.cli_operators import cmd_export
from bot.demo.updates import UpdateFactory
from bot.services.funnel import funnel_chart, funnel_stats, write_csv
from bot.storage.sql import transaction
from tests.conftest import EN_USER, ZH_USER, BotHarness, FrozenClock, texts

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


def test_counts_reached_and_median_days_per_stage(harness: BotHarness) -> None:
    seed(harness)
    spec = harness.services.spec
    result = funnel_stats(harness.db, spec, DAY0 + dt.timedelta(days=30), 3)
    assert (result.total, result.finished, result.blocked, result.idle) == (3, 1, 1, 1)
    assert result.by_step == {"op_apply": 1}
    assert result.by_stage == {"tmall_operator": 1}
    assert result.by_language == {"en": 2, "zh": 1}
    assert result.reached == {
        "eligibility": 3,
        "register": 2,
        "tmall_operator": 2,
        "international": 1,
    }
    assert result.median_days == {
        "eligibility": 3.0,
        "register": 4.5,
        "tmall_operator": 1.0,
        "international": 9.0,
    }
    png = funnel_chart(result, spec, harness.services.catalog, "zh")
    assert png.startswith(b"\x89PNG") and len(png) > 2000


async def test_stats_for_operators_with_a_chart(harness: BotHarness, clock: FrozenClock) -> None:
    seed(harness)
    await harness.command(EN_USER, "/start")
    clock.set(2026, 9, 30)  # EN_USER: two days without progress, not idle yet
    calls = await harness.command(OPERATOR, "/stats")
    assert [c.method for c in calls] == ["sendMessage", "sendPhoto"]
    text = texts(calls)
    assert "Chats: 4 · finished 1 · idle 1 · blocked 1" in text
    assert "Tmall Operator (New) certification</b>: 1 now · 2 reached · median 1 days" in text
    assert "median 4.5 days" in text
    assert "Roadmap read: 1" in text  # EN_USER at the welcome step
    assert "Languages: en: 3, zh: 1" in text
    calls = await harness.command(ZH_OPERATOR, "/stats")
    assert "仅限客服团队" in texts(calls)  # 901 is not an operator in these settings


async def test_stats_in_chinese_for_a_chinese_operator(harness: BotHarness) -> None:
    harness.settings = replace(harness.settings, operators=frozenset({900, 901}))
    await harness.restart()
    seed(harness)
    calls = await harness.command(ZH_OPERATOR, "/stats")
    assert "认证漏斗" in texts(calls) and "中位数 4.5 天" in texts(calls)
    calls = await harness.command(ZH_USER, "/stats")  # a user: refused, in Chinese
    assert [c.method for c in calls] == ["sendMessage"] and "仅限客服团队" in texts(calls)


def test_export_writes_every_chat_as_csv(harness: BotHarness, tmp_path: Path) -> None:
    seed(harness)
    spec, catalog = harness.services.spec, harness.services.catalog
    out = io.StringIO()
    rows = write_csv(harness.db, spec, catalog, out, DAY0 + dt.timedelta(days=30))
    assert rows == 3
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    by_id = {row["chat_id"]: row for row in table}
    assert by_id["7001"]["stage_number"] == "2"
    assert by_id["7001"]["step_title"] == "Application started"
    assert by_id["7001"]["idle_days"] == "25.0"
    assert by_id["7002"]["finished_at"].startswith("2026-09-21")
    assert by_id["7003"]["active"] == "0" and by_id["7003"]["language"] == "zh"
    target = tmp_path / "chats.csv"
    assert cmd_export(argparse.Namespace(output=target), harness.settings) == 0
    text = target.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("chat_id,type,title,language,stage_number")
    assert len(text.splitlines()) == 4
