"""One funnel behind every door: ``/stats`` (en and zh), the console's funnel page and its
SVG, and the two CSV exports give the same numbers for the same database, in Chinese working
days (the journeys below span a weekend and National Day, where calendar days differ)."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from dataclasses import replace
from html import unescape
from pathlib import Path

import httpx
import pytest

import bot.services.calendar.clock
from bot.cli_operators import cmd_export
from bot.demo.updates import UpdateFactory
from tests.helpers.console import client_for, sign_in_link
from tests.helpers.funnel import seed_journeys
from tests.helpers.harness import BotHarness, texts

OPERATOR = UpdateFactory.user(900, "Olga", "en")
ZH_OPERATOR = UpdateFactory.user(901, "李娜", "zh-hans")


def china(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 2, 0, tzinfo=dt.UTC)  # 10:00 in China


JOURNEYS = {
    # The eligibility stage from 30 September to 8 October: 8 calendar days, 1 working day
    # (1 to 7 October is National Day).
    8001: [
        (china(9, 30), "welcome"),
        (china(10, 8), "taobao_corporate"),
        (china(10, 9), "alipay_corporate"),
    ],
    # Friday to Monday: 3 calendar days, 1 working day.
    8002: [
        (china(9, 11), "welcome"),
        (china(9, 14), "taobao_corporate"),
        (china(9, 18), "op_apply"),
    ],
    8003: [
        (china(9, 14), "welcome"),
        (china(9, 15), "owner_separate"),
        (china(9, 16), "taobao_corporate"),
        (china(9, 17), "op_apply"),
        (china(9, 18), "finished"),
    ],
}
NOW = china(10, 12)  # a Monday; Saturday 10 October was a working day (National Day's swap)

# stage number → (now, reached, (median, p90) in working days, or None)
EXPECTED = {
    "0": ("0", "3", ("1", "2")),  # 1, 1, 2 working days (calendar days: 8, 3, 2: median 3)
    "1": ("1", "3", ("2.5", "4")),  # 8001 is still there: 8002 4, 8003 1
    "2": ("1", "2", ("1", "1")),
    "3": ("0", "0", None),
}
TIMES = {
    "en": r"median (\S+) · p90 (\S+) working days?",
    "zh": r"中位数 (\S+) · 第 90 百分位 (\S+) 个工作日",
}


def times_of(text: str, lang: str) -> tuple[str, str] | None:
    found = re.search(TIMES[lang], text)
    return (found.group(1), found.group(2)) if found else None


def stats_stages(text: str, lang: str) -> dict[str, tuple[str, str, tuple[str, str] | None]]:
    """Each stage's line of /stats: (now, reached, times)."""
    pattern = {
        "en": r"<b>(\d+) · [^<]+</b>: (\S+) now · (\S+) reached · (.*)",
        "zh": r"<b>(\d+) · [^<]+</b>：当前 (\S+) · 累计到达 (\S+) · (.*)",
    }[lang]
    return {
        m.group(1): (m.group(2), m.group(3), times_of(m.group(4), lang))
        for m in re.finditer(pattern, text)
    }


def console_stages(svg: str, lang: str) -> dict[str, tuple[str, str, tuple[str, str] | None]]:
    """Each stage's sentence in the SVG's description: (now, reached, times)."""
    [desc] = re.findall(r"<desc[^>]*>(.*?)</desc>", svg, flags=re.S)
    pattern = {
        "en": r"^(\d+) · [^\n]+?: reached (\S+) · now (\S+) · left \S+ · (.*)$",
        "zh": r"^(\d+) · [^\n]+?：累计到达 (\S+) · 当前 (\S+) · 流失 \S+ · (.*)$",
    }[lang]
    return {
        m.group(1): (m.group(3), m.group(2), times_of(m.group(4), lang))
        for m in re.finditer(pattern, unescape(desc), flags=re.M)
    }


async def console_get(harness: BotHarness, lang: str, *paths: str) -> list[httpx.Response]:
    async with client_for(harness) as (client, _):
        link = await sign_in_link(harness)
        token = link.split("/console/login/", 1)[1].split("?", 1)[0]
        signed = await client.post("/console/login", data={"token": token, "lang": lang})
        assert signed.status_code == 303
        return [await client.get(path) for path in paths]


@pytest.fixture
async def seeded(harness: BotHarness) -> BotHarness:
    harness.settings = replace(harness.settings, operators=frozenset({900, 901}))
    await harness.restart()
    seed_journeys(harness.db, JOURNEYS, {8002: "zh"})
    harness.clock.now = NOW
    return harness


@pytest.mark.parametrize(("lang", "operator"), [("en", OPERATOR), ("zh", ZH_OPERATOR)])
async def test_stats_and_the_console_give_the_same_working_days(
    seeded: BotHarness, lang: str, operator: dict[str, object]
) -> None:
    text = texts(await seeded.command(operator, "/stats"))
    page, image = await console_get(seeded, lang, "/console/funnel", "/console/funnel.svg")
    assert page.status_code == 200 and image.status_code == 200
    [inline] = re.findall(r"<svg.*?</svg>", page.text, flags=re.S)
    assert stats_stages(text, lang) == EXPECTED
    assert console_stages(inline, lang) == EXPECTED
    assert console_stages(image.text, lang) == EXPECTED
    if lang == "en":
        assert "median 1 · p90 2 working days" in text  # not "median 3 days"
        assert "no company has moved on from this stage yet" in text
        assert "Applying for Tmall Operator (New): 1" in text
    else:
        assert "中位数 1 · 第 90 百分位 2 个工作日" in text and "尚无公司离开此阶段" in text


async def test_the_svg_names_each_step_as_a_place_as_the_table_does(seeded: BotHarness) -> None:
    [page] = await console_get(seeded, "en", "/console/funnel")
    [svg] = re.findall(r"<svg.*?</svg>", page.text, flags=re.S)
    rows = re.findall(r"<g>\n<title>([^<]*?): ", svg)
    assert "The roadmap" in rows and "Applying for Tmall Operator (New)" in rows
    assert "Roadmap read" not in svg and "Application started" not in svg  # the "done" titles
    table = re.findall(r"<tr><td>([^<]*)</td>", page.text)
    assert [unescape(row) for row in rows] == [unescape(row) for row in table]


async def test_the_command_line_export_is_the_consoles_csv(
    seeded: BotHarness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    [board] = await console_get(seeded, "en", "/console/board.csv")
    monkeypatch.setattr(bot.services.calendar.clock, "utc_now", seeded.clock)
    target = tmp_path / "chats.csv"
    assert cmd_export(argparse.Namespace(output=target), seeded.settings) == 0
    exported = target.read_bytes().decode("utf-8")
    assert exported == board.content.decode("utf-8")
    lines = exported.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("chat_id,type,name,language,stage_number,step,step_title,")
    row = next(line for line in lines if line.startswith("8001,"))
    # At "Corporate Alipay" since Friday 9 October: Saturday (a working day, National
    # Day's swap) and Monday, 2 working days (3 calendar days).
    assert ",alipay_corporate,Corporate Alipay,2," in row
