"""The console's per-step funnel: reached / now / left per step and stage, working days spent
at each (Chinese working days: National Day 2026 counts for nothing), and its SVG."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
import xml.etree.ElementTree as ET
from typing import Any

from bot.config import DEFAULT_CALENDAR
from bot.demo.offline_api import BOT_USER
from bot.demo.updates import UpdateFactory
from bot.services.calendar.workdays import Calendar as WorkingCalendar
from bot.services.funnel.funnel import funnel_model
from bot.services.funnel.step_funnel import (
    StepFunnel,
    WorkdayIndex,
    median_p90,
    step_funnel,
)
from bot.services.i18n import Catalog
from bot.storage import chats, events
from bot.storage.sql import transaction
from bot.web.funnel_svg import funnel_svg
from tests.helpers.funnel import median_p90_of
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock

THIRD_USER = UpdateFactory.user(1003, "Chen", "en")
SVG = "{http://www.w3.org/2000/svg}"


def blocked(user: dict[str, Any]) -> dict[str, Any]:
    """The user blocked the bot in their private chat (a ``my_chat_member`` update)."""
    private = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    return {
        "my_chat_member": {
            "chat": private,
            "from": user,
            "date": int(time.time()),
            "old_chat_member": {"status": "member", "user": BOT_USER},
            "new_chat_member": {"status": "kicked", "user": BOT_USER, "until_date": 0},
        }
    }


async def walk(harness: BotHarness, clock: FrozenClock) -> None:
    """Three companies through the real bot, around National Day (1–7 October 2026 off,
    Saturday 10 October worked), every change in the answers log as the bot writes it."""
    clock.set(2026, 9, 28)  # Monday, 10:00 in China
    for user in (EN_USER, ZH_USER, THIRD_USER):
        await harness.command(user, "/start")
        await harness.answer(user, "begin")
    await harness.answer(ZH_USER, "no")  # → not eligible
    await harness.feed(harness.updates.from_dict(blocked(THIRD_USER)))  # gone at step 2
    clock.set(2026, 9, 29)
    await harness.answer(EN_USER, "yes")  # → manages_shops
    await harness.answer(ZH_USER, "recheck")  # → owner_separate again (a loop)
    clock.set(2026, 9, 30)
    await harness.answer(EN_USER, "not_yet")  # keeps the step open: the same visit
    await harness.answer(ZH_USER, "yes")  # → manages_shops
    clock.set(2026, 10, 8)  # the first working day after the holiday
    await harness.answer(ZH_USER, "yes")  # → taobao_corporate
    clock.set(2026, 10, 9)
    await harness.answer(EN_USER, "yes")  # → taobao_corporate (manages_shops: 3 working days)
    clock.set(2026, 10, 12)  # Monday; Saturday 10 October was a working day
    await harness.answer(ZH_USER, "yes")  # → alipay_corporate (taobao: 3 working days)
    await harness.command(ZH_USER, "/back")  # → taobao_corporate again, still there
    assert harness.state(EN_USER["id"]) == harness.state(ZH_USER["id"]) == "taobao_corporate"
    assert harness.state(THIRD_USER["id"]) == "owner_separate"


def as_rows(funnel: StepFunnel) -> dict[str, tuple[Any, ...]]:
    return {
        s.step_id: (s.reached, s.now, s.left, s.median_workdays, s.p90_workdays)
        for s in funnel.steps
        if s.reached
    }


async def test_reached_now_left_and_working_days_from_a_real_answers_log(
    harness: BotHarness, clock: FrozenClock
) -> None:
    await walk(harness, clock)
    now = dt.datetime(2026, 10, 13, 2, 0, tzinfo=dt.UTC)
    funnel = step_funnel(
        harness.db, harness.services.spec, WorkingCalendar.load(DEFAULT_CALENDAR), now
    )
    assert (funnel.started, funnel.finished, funnel.computed_at) == (
        3,
        0,
        "2026-10-13T02:00:00+00:00",
    )
    assert as_rows(funnel) == {
        # step: (reached, now, left, median, p90)
        "welcome": (3, 0, 0, 0.0, 0.0),  # all moved on the same day
        # the blocked chat dropped off here (and its open visit is not timed); the looping
        # chat's two visits (0 + 1 working days) are summed
        "owner_separate": (3, 0, 1, 1.0, 1.0),
        "not_eligible": (1, 0, 0, 1.0, 1.0),
        # 29 Sep → 9 Oct: 10 days, 3 working days (30 Sep, 8 and 9 Oct); 30 Sep → 8 Oct: 1
        "manages_shops": (2, 0, 0, 2.0, 3.0),
        "taobao_corporate": (2, 2, 0, None, None),  # both there now: no completed time
        "alipay_corporate": (1, 0, 1, 0.0, 0.0),  # went /back to before it
    }
    stages = {s.stage_id: s for s in funnel.stages}
    eligibility = stages["eligibility"]
    assert (eligibility.reached, eligibility.now, eligibility.left) == (3, 0, 1)
    # 28 Sep → 9 Oct: 4 working days; 28 Sep → 8 Oct: 3; the blocked chat never left it
    assert (eligibility.median_workdays, eligibility.p90_workdays) == (3.5, 4.0)
    register = stages["register"]
    assert (register.reached, register.now, register.left, register.median_workdays) == (
        2,
        2,
        0,
        None,
    )
    assert stages["tmall_operator"].reached == 0 and stages["tmall_operator"].p90_workdays is None
    assert funnel.step("taobao_corporate").stage_id == "register"
    assert funnel.share(funnel.step("owner_separate").reached) == 1.0


def seed_log(
    harness: BotHarness, journeys: dict[int, tuple[str, int, list[tuple[str, str]]]]
) -> None:
    """Chats and their answers log through the storage functions: chat → (current state,
    active, [(UTC ISO time, to_state)])."""
    db = harness.db
    with transaction(db):
        for chat_id, (state, active, moves) in journeys.items():
            chats.insert_chat(
                db, chats.NewChat(chat_id, "private", None, "en", state, len(moves), moves[0][0], 1)
            )
            chats.update_chat(db, chat_id, {"updated_at": moves[-1][0], "active": active})
            for at, to_state in moves:
                events.append(db, events.Event(chat_id, "answer", at, to_state=to_state))
            events.append(db, events.Event(chat_id, "language", moves[-1][0]))


def test_finish_days_in_china_and_steps_of_no_flow(harness: BotHarness) -> None:
    seed_log(
        harness,
        {
            # certified, then blocked the bot: still certified, and further than every step
            5001: (
                "finished",
                0,
                [
                    ("2026-09-30T15:00:00+00:00", "intl_release"),  # 23:00 on 30 Sep in China
                    ("2026-10-08T16:30:00+00:00", "finished"),  # 00:30 on 9 Oct in China
                ],
            ),
            # certified, then went back: dropped off at the finish, at the release now
            5002: (
                "intl_release",
                1,
                [
                    ("2026-10-09T01:00:00+00:00", "intl_release"),
                    ("2026-10-09T02:00:00+00:00", "finished"),
                    ("2026-10-12T02:00:00+00:00", "intl_release"),
                ],
            ),
            # moved by a flow change to a step this flow no longer has: dropped off
            5003: (
                "old_step",
                1,
                [("2026-10-09T01:00:00+00:00", "intl_release"), ("2026-10-09T05:00:00", "old")],
            ),
        },
    )
    now = dt.datetime(2026, 10, 13, tzinfo=dt.UTC)
    funnel = step_funnel(
        harness.db, harness.services.spec, WorkingCalendar.load(DEFAULT_CALENDAR), now
    )
    assert (funnel.started, funnel.finished) == (3, 1)
    assert as_rows(funnel) == {
        # China's dates: 30 Sep → 9 Oct is 2 working days (8 and 9 Oct), where the UTC dates
        # would say 1; the naive stamp reads as UTC (same day: 0); 5002 is there again now
        "intl_release": (3, 1, 1, 1.0, 2.0),
        "finished": (2, 1, 1, 2.0, 2.0),  # 5002's visit: 9 → 12 Oct (Saturday 10 Oct worked)
    }
    international = funnel.stage("international")
    # 5001 finished (further on); 5002 is there now; 5003 is at no step: left
    assert (international.reached, international.now, international.left) == (3, 1, 1)
    assert (international.median_workdays, international.p90_workdays) == (1.0, 2.0)


def test_median_and_nearest_rank_p90() -> None:
    assert median_p90({}) == (None, None)
    assert median_p90({4: 1}) == (4.0, 4.0)
    assert median_p90({1: 1, 3: 1}) == (2.0, 3.0)
    assert median_p90(dict.fromkeys(range(1, 11), 1)) == (5.5, 9.0)  # rank ceil(9) = 9
    assert median_p90(dict.fromkeys(range(1, 12), 1)) == (6.0, 10.0)  # rank ceil(9.9) = 10
    rng = random.Random(3)
    for _ in range(200):
        values = [rng.randrange(30) for _ in range(rng.randint(1, 60))]
        histogram: dict[int, int] = {}
        for value in values:
            histogram[value] = histogram.get(value, 0) + 1
        assert median_p90(histogram) == median_p90_of(values)


def test_the_working_day_index_agrees_with_the_calendar() -> None:
    calendar = WorkingCalendar()
    index = WorkdayIndex(calendar)
    rng = random.Random(5)
    base = dt.date(2026, 9, 15)
    days = [base + dt.timedelta(days=rng.randint(-400, 400)) for _ in range(300)]
    for start, end in itertools.pairwise(days):
        if start > end:
            start, end = end, start
        expected = calendar.working_days_between(start, end)
        assert index.of_date(end) - index.of_date(start) == expected, (start, end)
    assert index.of_stamp("2026-09-30T16:00:00+00:00") == index.of_date(dt.date(2026, 10, 1))
    assert index.by_hour["2026-09-30T16"] == index.of_date(dt.date(2026, 10, 1))
    assert index.of_stamp("2026-10-01T07:59:00+08:00") == index.of_date(dt.date(2026, 10, 1))


class TrickyCatalog(Catalog):
    """The real catalogs, with a step title that needs escaping."""

    def text(self, lang: str, message_id: str, **args: Any) -> str:
        if message_id == "name-welcome":
            return f'<Roadmap> & "{lang}"'
        return super().text(lang, message_id, **args)


async def test_the_svg_is_valid_escaped_and_in_the_language_asked(
    harness: BotHarness, clock: FrozenClock
) -> None:
    await walk(harness, clock)
    spec = harness.services.spec
    now = dt.datetime(2026, 9, 30, 17, 0, tzinfo=dt.UTC)  # 1 October in China
    funnel = funnel_model(harness.db, spec, WorkingCalendar.load(DEFAULT_CALENDAR), now, 3)
    catalog = TrickyCatalog(harness.settings.locales_dir)
    real = harness.services.catalog
    svgs = {lang: funnel_svg(funnel, spec, catalog, lang) for lang in ("en", "zh")}
    for lang, svg in svgs.items():
        assert "<script" not in svg and "href" not in svg
        assert f"&lt;Roadmap&gt; &amp; &quot;{lang}&quot;" in svg
        root = ET.fromstring(svg)  # well-formed XML
        assert root.tag == f"{SVG}svg" and root.get("role") == "img"
        assert root.get("viewBox", "").startswith("0 0 420 ") and root.get("width") == "100%"
        assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
        texts = [element.text or "" for element in root.iter(f"{SVG}text")]
        assert f'<Roadmap> & "{lang}"' in texts  # escaped in the source, itself when read
        rows = [row.findtext(f"{SVG}title") or "" for row in root.iter(f"{SVG}g")]
        assert len(rows) == len(spec.steps)
        manages = real.text(lang, "name-manages-shops")  # step names in that language
        colon = ": " if lang == "en" else "："
        assert any(row.startswith(f"{manages}{colon}") for row in rows)
        assert manages.replace(" ", "") in "".join(texts).replace(" ", "")  # maybe wrapped
        assert real.text(lang, "stage-register") in "".join(texts)
        assert 'fill="#FF5000"' in svg  # Tmall orange
    en, zh = svgs["en"], svgs["zh"]
    assert "median 2 · p90 3 working days" in en  # manages_shops, across National Day
    assert "reached 3 · now 0 · left 1" in en and "100% of started" in en
    assert "3 started · 0 certified · as of October 1, 2026" in en
    assert "中位数 2 · 第 90 百分位 3 个工作日" in zh and "累计到达 3 · 当前 0 · 流失 1" in zh
    assert "占已开始的 67%" in zh and "截至 2026年10月1日" in zh
    assert "中位数" not in en and "median" not in zh
