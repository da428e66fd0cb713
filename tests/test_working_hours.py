"""The working-hours arithmetic (a plain function): China's time, the desk's hours, and the
Chinese working calendar (weekends, public holidays, make-up working Saturdays)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.config import DEFAULT_CALENDAR
from bot.config_checks import ConfigError, read_settings
from bot.services.calendar.workdays import Calendar
from bot.services.calendar.working_hours import WorkingHours, working_hours, working_seconds

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOURS = WorkingHours.parse("09:00-18:00")
CALENDAR = Calendar.load(DEFAULT_CALENDAR)


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def hours(start: dt.datetime, end: dt.datetime, window: WorkingHours = HOURS) -> float:
    return working_hours(start, end, window, CALENDAR.is_working_day)


def test_within_one_working_day() -> None:
    assert hours(at(11, 2, 10), at(11, 2, 10, 30)) == 0.5
    assert hours(at(11, 2, 7), at(11, 2, 8, 59)) == 0  # before the desk opens
    assert hours(at(11, 2, 17), at(11, 2, 23)) == 1  # after it closes nothing counts
    assert hours(at(11, 2, 12), at(11, 2, 11)) == 0  # an end before the start


def test_across_a_weekend() -> None:
    assert hours(at(11, 6, 17), at(11, 9, 10)) == 2  # Friday 17:00 to Monday 10:00
    assert hours(at(11, 7, 9), at(11, 8, 18)) == 0  # Saturday and Sunday


def test_across_national_day_and_a_make_up_saturday() -> None:
    # Oct 1-7 are days off (with the weekend); Saturday Oct 10 is a make-up working day.
    assert hours(at(9, 30, 16), at(10, 8, 11)) == 4
    assert hours(at(10, 9, 17), at(10, 12, 9, 30)) == 10.5  # Fri 1 + Sat 9 + Mon 0.5
    # Mid-Autumn Festival, Friday Sep 25, and the weekend after it.
    assert hours(at(9, 24, 17), at(9, 28, 10)) == 2


def test_utc_times_count_in_china() -> None:
    start = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
    end = dt.datetime(2026, 11, 2, 4, 0, tzinfo=dt.UTC)
    assert working_seconds(start, end, HOURS, CALENDAR.is_working_day) == 3 * 3600


def test_other_hours_and_bad_ones() -> None:
    assert hours(at(11, 2, 9), at(11, 3, 9), WorkingHours.parse("10:00-12:00")) == 2
    assert WorkingHours.parse(" 08:30 - 17:30 ").window == "08:30-17:30"
    for bad in ("18:00-09:00", "9-5", "09:00", "25:00-26:00", ""):
        with pytest.raises(ConfigError, match="TPBOT_WORKING_HOURS"):
            WorkingHours.parse(bad)


def test_the_settings_are_checked_at_start() -> None:
    values = read_settings(
        {
            "TPBOT_WORKING_HOURS": "08:30-17:00",
            "TPBOT_HANDOFF_RESUME_DAYS": "3",
            "TPBOT_ESCALATE_AFTER_HOURS": "0",
        }
    )
    assert values == {
        "working_hours": "08:30-17:00",
        "handoff_resume_days": 3,
        "escalate_after_hours": 0,
    }
    with pytest.raises(ConfigError) as fault:
        read_settings(
            {
                "TPBOT_WORKING_HOURS": "18:00-09:00",
                "TPBOT_HANDOFF_RESUME_DAYS": "0",
                "TPBOT_ESCALATE_AFTER_HOURS": "-1",
            }
        )
    lines = str(fault.value).splitlines()
    assert len(lines) == 3
    assert any(line.startswith("TPBOT_WORKING_HOURS must be") for line in lines)
    assert any(line.startswith("TPBOT_HANDOFF_RESUME_DAYS must be") for line in lines)
    assert any(line.startswith("TPBOT_ESCALATE_AFTER_HOURS must be") for line in lines)
