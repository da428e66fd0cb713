"""Working hours: a wait counted only within the desk's hours on Chinese working days.

``TPBOT_WORKING_HOURS`` (``09:00-18:00`` by default) is read in mainland China's time, the
calendar's zone, and only on the calendar's working days (public holidays off, make-up
Saturdays on). :func:`working_seconds` is the one piece of arithmetic; the desk's waits and the
escalation limit use it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from bot.config_checks import ConfigError
from bot.services.calendar.workdays import CALENDAR_ZONE


@dataclass(frozen=True)
class WorkingHours:
    start: dt.time
    end: dt.time

    @classmethod
    def parse(cls, raw: str) -> WorkingHours:
        start, sep, end = (part.strip() for part in raw.partition("-"))
        try:
            hours = cls(dt.time.fromisoformat(start), dt.time.fromisoformat(end))
        except ValueError:
            hours = None
        if not sep or hours is None or hours.start >= hours.end:
            raise ConfigError(
                f"TPBOT_WORKING_HOURS must look like 09:00-18:00 (start before end), got {raw!r}"
            )
        return hours

    @property
    def window(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def working_seconds(
    start: dt.datetime,
    end: dt.datetime,
    hours: WorkingHours,
    is_working_day: Callable[[dt.date], bool],
) -> float:
    """The seconds from ``start`` to ``end`` (aware datetimes) that fall within ``hours`` on
    working days, in mainland China's time; 0 if ``end`` is not after ``start``."""
    if end <= start:
        return 0.0
    first = start.astimezone(CALENDAR_ZONE)
    last = end.astimezone(CALENDAR_ZONE)
    total = 0.0
    day = first.date()
    while day <= last.date():
        if is_working_day(day):
            opens = dt.datetime.combine(day, hours.start, tzinfo=CALENDAR_ZONE)
            closes = dt.datetime.combine(day, hours.end, tzinfo=CALENDAR_ZONE)
            low, high = max(opens, first), min(closes, last)
            if high > low:
                total += (high - low).total_seconds()
        day += dt.timedelta(days=1)
    return total


def working_hours(
    start: dt.datetime,
    end: dt.datetime,
    hours: WorkingHours,
    is_working_day: Callable[[dt.date], bool],
) -> float:
    """:func:`working_seconds` in hours."""
    return working_seconds(start, end, hours, is_working_day) / 3600
