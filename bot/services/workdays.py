"""Chinese working days, for "the audit generally takes 3 working days".

A working day in mainland China is not simply Monday to Friday: public holidays (National Day,
Spring Festival, ...) are days off, and some weekends are make-up working days (调休). The
``chinesecalendar`` package carries the State Council's published schedule. For a year it does
not cover yet we fall back to Monday–Friday and log a warning once per year, so that an
estimate is still given and the operator knows it may be off by a holiday.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import chinese_calendar

log = logging.getLogger(__name__)
# The calendar is mainland China's, so "today" for it is the date in China.
CALENDAR_ZONE = ZoneInfo("Asia/Shanghai")
_warned_years: set[int] = set()


def is_working_day(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        if day.year not in _warned_years:
            _warned_years.add(day.year)
            log.warning(
                "chinesecalendar has no holiday data for %s; counting Monday-Friday as "
                "working days for that year (update the chinesecalendar package)",
                day.year,
            )
        return day.weekday() < 5


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (the start day itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if ``end`` <= ``start``)."""
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count
