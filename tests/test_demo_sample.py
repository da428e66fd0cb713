"""The demo's sample companies (``demo --sample N``): a portfolio as an agency has one."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import DEFAULT_CALENDAR, Settings
from bot.demo.sample import seed_sample
from bot.services.calendar.workdays import Calendar

NOW = dt.datetime(2026, 12, 3, 7, 0, tzinfo=dt.UTC)  # a Thursday, 15:00 in China
CHINA = ZoneInfo("Asia/Shanghai")


async def _seeded(settings: Settings, count: int) -> sqlite3.Connection:
    assert await seed_sample(settings, count, now=lambda: NOW) == count
    return sqlite3.connect(settings.db_path)


async def test_every_kind_of_company_is_there_under_its_own_name(settings: Settings) -> None:
    db = await _seeded(settings, 40)
    rows = db.execute("SELECT id, type, title, state, active, audit_step FROM chats").fetchall()
    assert len(rows) == 40
    titles = [title for _, _, title, *_ in rows]
    assert len(set(titles)) == 40, titles
    assert not [t for t in titles if re.search(r"\s\d+$", t)], titles  # no "Maple & Pine Home 2"
    assert any(re.search(r"[\u4e00-\u9fff]", t) for t in titles)
    assert any(re.fullmatch(r"[A-Za-z&.,' –-]+", t) for t in titles)
    assert any(state == "finished" for _, _, _, state, *_ in rows)  # certified
    assert any(audit == state for *_, state, _, audit in rows)  # waiting on an audit
    assert any(active == 0 for *_, active, _ in rows)  # blocked the bot
    assert any(kind == "supergroup" for _, kind, *_ in rows)  # a team group
    (open_tickets,) = db.execute(
        "SELECT COUNT(*) FROM tickets WHERE status = 'open' AND chat_id IN (SELECT id FROM chats)"
    ).fetchone()
    assert open_tickets >= 1
    # and the first five are one of each: a small sample shows them all
    small = Settings(db_path=settings.db_path.with_name("small.sqlite3"))
    db5 = await _seeded(small, 5)
    states = db5.execute("SELECT type, state, active, audit_step FROM chats").fetchall()
    assert {"supergroup", "private"} == {kind for kind, *_ in states}
    assert "finished" in {state for _, state, *_ in states}
    assert [a for _, s, _, a in states if a == s] and [
        1 for _, _, active, _ in states if not active
    ]
    assert db5.execute("SELECT COUNT(*) FROM tickets WHERE status = 'open'").fetchone() == (1,)


async def test_people_answer_in_working_hours_not_all_at_once(settings: Settings) -> None:
    db = await _seeded(settings, 40)
    steps = db.execute(
        "SELECT chat_id, at FROM events WHERE kind IN ('start', 'answer') ORDER BY chat_id, id"
    ).fetchall()
    assert len(steps) > 200
    last: dict[int, dt.datetime] = {}
    for chat_id, at in steps:
        when = dt.datetime.fromisoformat(at)
        assert when <= NOW
        local = when.astimezone(CHINA)
        assert Calendar.load(DEFAULT_CALENDAR).is_working_day(local.date()), (chat_id, local)
        assert dt.time(9, 30) <= local.time() < dt.time(18, 0), (chat_id, local)
        if chat_id in last:
            assert when - last[chat_id] >= dt.timedelta(minutes=10), (chat_id, at)
        last[chat_id] = when
    assert Path(settings.db_path).exists()
