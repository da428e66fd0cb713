"""Timestamps and "today in China": the per-second memo never returns another second's value."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from bot.app import build_application
from bot.config import Settings
from bot.services.calendar.clock import iso
from tests.helpers.harness import BotHarness, FrozenClock


def test_iso_is_utc_to_the_second_across_seconds_and_zones() -> None:
    noon = dt.datetime(2026, 1, 1, 12, 0, 0, 999_999, tzinfo=dt.UTC)
    assert iso(noon) == "2026-01-01T12:00:00+00:00"
    assert iso(noon + dt.timedelta(microseconds=1)) == "2026-01-01T12:00:01+00:00"
    beijing = dt.timezone(dt.timedelta(hours=8))
    assert iso(dt.datetime(2026, 1, 1, 20, 0, 1, tzinfo=beijing)) == "2026-01-01T12:00:01+00:00"
    assert iso(dt.datetime(2026, 1, 1, 20, 0, 2, tzinfo=beijing)) == "2026-01-01T12:00:02+00:00"


async def test_today_in_china_turns_at_midnight_beijing_time(
    harness: BotHarness, clock: FrozenClock
) -> None:
    calendar = harness.services.calendar
    clock.now = dt.datetime(2026, 9, 30, 15, 59, 59, tzinfo=dt.UTC)  # 23:59:59 in Beijing
    assert calendar.today() == dt.date(2026, 9, 30)
    assert calendar.today() == dt.date(2026, 9, 30)
    clock.advance(seconds=1)
    assert calendar.today() == dt.date(2026, 10, 1)


def test_the_calendar_path_setting_is_the_schedule_the_application_counts_in(
    settings: Settings, tmp_path: Path
) -> None:
    custom = tmp_path / "days.yaml"
    custom.write_text("2031:\n  holidays: [2031-03-04]\n", encoding="utf-8")
    application = build_application(replace(settings, calendar_path=custom))
    services = application.bot_data.services
    try:
        assert services.progress.calendar is services.calendar
        assert services.renderer.calendar is services.calendar
        assert not services.calendar.is_provisional(dt.date(2031, 1, 1))  # the file gives 2031
        # Mon 2031-03-03 + 3 working days, Tue 4 off: Wed 5, Thu 6, Fri 7.
        assert services.calendar.add_working_days(dt.date(2031, 3, 3), 3) == dt.date(2031, 3, 7)
    finally:
        services.maintenance.close()
