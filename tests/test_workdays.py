"""Chinese working days: weekends, public holidays and make-up working days (调休)."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import holidays
import pytest

from bot.config import DEFAULT_CALENDAR as DEFAULT_SCHEDULE
from bot.services.calendar import workdays
from bot.services.calendar.schedule_file import ScheduleError, check_schedule
from bot.services.calendar.workdays import Calendar as WorkingCalendar

SHIPPED = WorkingCalendar.load(DEFAULT_SCHEDULE)
add_working_days = SHIPPED.add_working_days
is_working_day = SHIPPED.is_working_day
working_days_between = SHIPPED.working_days_between


def schedule_faults() -> list[str]:
    return check_schedule(DEFAULT_SCHEDULE)


D = dt.date


@pytest.mark.parametrize(
    ("submitted", "expected", "why"),
    [
        (D(2026, 9, 30), D(2026, 10, 10), "Oct 1-7 off; Thu 8, Fri 9, make-up Sat 10"),
        (D(2026, 9, 18), D(2026, 9, 22), "Fri → make-up Sun 20, Mon 21, Tue 22"),
        (D(2026, 2, 12), D(2026, 2, 24), "Fri 13, make-up Sat 14, then 15-23 off, Tue 24"),
        (D(2026, 2, 24), D(2026, 2, 27), "plain weekdays after the festival"),
        (D(2026, 2, 26), D(2026, 3, 2), "Fri 27, make-up Sat 28, Mon Mar 2"),
        (D(2026, 11, 27), D(2026, 12, 2), "an ordinary weekend"),
    ],
)
def test_three_working_days(submitted: dt.date, expected: dt.date, why: str) -> None:
    assert add_working_days(submitted, 3) == expected, why


def test_holidays_and_make_up_days() -> None:
    assert not is_working_day(D(2026, 10, 1))  # National Day, a Thursday
    assert is_working_day(D(2026, 10, 10))  # a Saturday worked instead
    assert not is_working_day(D(2026, 2, 17))  # Spring Festival
    assert is_working_day(D(2026, 2, 14))  # Saturday before the festival, worked


def test_working_days_between() -> None:
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3
    assert working_days_between(D(2026, 10, 10), D(2026, 10, 10)) == 0
    assert working_days_between(D(2026, 10, 12), D(2026, 10, 10)) == 0


def test_years_without_data_fall_back_to_statutory_holidays_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    workdays._warned_years.discard(2031)
    with caplog.at_level(logging.WARNING, logger="bot.services.calendar.workdays"):
        # Wed Oct 1 2031: National Day Oct 1-3 (holidays.China) → Mon 6, Tue 7, Wed 8.
        assert add_working_days(D(2031, 10, 1), 3) == D(2031, 10, 8)
        add_working_days(D(2031, 3, 1), 3)
    warnings = [r for r in caplog.records if "2031" in r.getMessage()]
    assert len(warnings) == 1  # once per year, not once per day


# --- years chinesecalendar does not cover (issue #11) -----------------------------------------


def test_new_years_day_2027_is_not_a_due_date() -> None:
    # Tue Dec 29: Wed 30, Thu 31, (Fri Jan 1 New Year's Day), Mon Jan 4.
    assert add_working_days(D(2026, 12, 29), 3) == D(2027, 1, 4)
    assert not is_working_day(D(2027, 1, 1))


def test_spring_festival_2027_is_skipped() -> None:
    spring_festival = sorted(
        day
        for day, name in holidays.China(years=2027, language="en_US").items()
        if "Chinese New Year" in name
    )
    # The statutory days (Eve + 3) and the weekdays observed for those falling on the weekend.
    assert spring_festival == [D(2027, 2, day) for day in range(5, 11)]
    calendar = WorkingCalendar()
    assert not any(calendar.is_working_day(day) for day in spring_festival)
    assert calendar.add_working_days(D(2027, 2, 4), 1) == D(2027, 2, 11)  # Thu → Thu
    assert calendar.working_days_between(D(2027, 2, 4), D(2027, 2, 11)) == 1


def test_uncovered_years_are_provisional() -> None:
    calendar = WorkingCalendar()
    assert calendar.is_provisional(D(2027, 3, 1))
    assert not calendar.is_provisional(D(2026, 12, 31))
    assert calendar.covered_until() == D(2026, 12, 31)
    assert SHIPPED.is_provisional(D(2026, 6, 1)) is False


SCHEDULE = """\
# a test schedule, not the official one
2027:
  holidays:
    - 2027-01-01
    - 2027-02-05..2027-02-13
  workdays: [2027-02-20]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cn_workdays.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_schedule_file_overrides_the_estimate(tmp_path: Path) -> None:
    path = write(tmp_path, SCHEDULE)
    assert check_schedule(path) == []
    calendar = WorkingCalendar.from_file(path)
    assert calendar.is_working_day(D(2027, 2, 20))  # a make-up Saturday
    assert not calendar.is_working_day(D(2027, 2, 12))  # a listed Friday off
    assert calendar.is_working_day(D(2027, 4, 5))  # Qingming for holidays.China, not listed
    assert not calendar.is_provisional(D(2027, 6, 1))
    assert calendar.is_provisional(D(2028, 1, 3))
    assert calendar.covered_until() == D(2027, 12, 31)
    assert calendar.add_working_days(D(2027, 2, 4), 1) == D(2027, 2, 15)  # Thu → Mon 15
    assert calendar.add_working_days(D(2027, 2, 19), 1) == D(2027, 2, 20)  # Fri → Sat


def test_the_schedule_file_overrides_chinesecalendar(tmp_path: Path) -> None:
    path = write(tmp_path, "2026:\n  holidays: [2026-10-01..2026-10-08]\n")
    calendar = WorkingCalendar.from_file(path)
    assert not calendar.is_working_day(D(2026, 10, 8))
    assert not calendar.is_working_day(D(2026, 10, 10))  # no longer a make-up Saturday


def test_check_schedule_names_file_line_and_fault(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "2027:\n"  # 1
        "  holidays:\n"  # 2
        "    - 2027-02-30\n"  # 3: not a date
        "    - 2027-10-07..2027-10-01\n"  # 4: reversed
        "    - 2027-02-20\n"  # 5
        "    - 2026-12-31\n"  # 6: another year
        "  workdays:\n"  # 7
        "    - 2027-02-20\n"  # 8: both
        "  extra: 1\n",  # 9: unknown key
    )
    faults = check_schedule(path)
    assert len(faults) == 5, faults
    assert faults[0].startswith(f"{path}:3: ") and "'2027-02-30' is not a date" in faults[0]
    assert faults[1].startswith(f"{path}:4: ") and "ends before it starts" in faults[1]
    assert faults[2].startswith(f"{path}:6: ") and "2026-12-31 is not in 2027" in faults[2]
    assert faults[3].startswith(f"{path}:9: ") and "unknown key 'extra'" in faults[3]
    assert faults[4] == f"{path}:8: 2027-02-20 is both a holiday (line 5) and a workday"
    with pytest.raises(ScheduleError):
        WorkingCalendar.from_file(path)


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        ("2027: [\n", "2: not valid YAML"),
        ("- 2027-01-01\n", "1: must map years"),
        ("twenty: {holidays: [2027-01-01]}\n", "1: 'twenty' is not a year"),
        ("2027:\n  workdays: [2027-02-20]\n", "1: 2027 lists no holidays"),
        ("2027:\n  holidays: [2027-01-01]\n  workdays: [2027-02-22]\n", "3: workday 2027-02-22"),
        ("2027:\n  holidays: 2027-01-01\n", "2: holidays of 2027 must be a list"),
    ],
)
def test_check_schedule_other_faults(tmp_path: Path, text: str, fault: str) -> None:
    path = write(tmp_path, text)
    faults = check_schedule(path)
    assert len(faults) == 1 and faults[0].startswith(f"{path}:{fault}"), faults


def test_the_shipped_schedule_is_valid_and_a_missing_one_is_no_fault(tmp_path: Path) -> None:
    assert DEFAULT_SCHEDULE.is_file()
    assert schedule_faults() == []
    assert check_schedule(tmp_path / "absent.yaml") == []
    assert WorkingCalendar.from_file(tmp_path / "absent.yaml").is_provisional(dt.date(2031, 1, 1))
