"""Chinese working days: weekends, public holidays and make-up working days (调休)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from bot.services import workdays
from bot.services.workdays import add_working_days, is_working_day, working_days_between

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


def test_years_without_data_fall_back_to_weekdays_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    workdays._warned_years.discard(2031)
    with caplog.at_level(logging.WARNING, logger="bot.services.workdays"):
        assert add_working_days(D(2031, 10, 1), 3) == D(2031, 10, 6)  # Wed → Mon, no holidays
        add_working_days(D(2031, 3, 1), 3)
    warnings = [r for r in caplog.records if "2031" in r.getMessage()]
    assert len(warnings) == 1  # once per year, not once per day
