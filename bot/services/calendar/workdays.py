"""Mainland China's calendar, as one value: its zone, its working days and the clock.

"The audit generally takes 3 working days" counts working days in mainland China, which are
not simply Monday to Friday: public holidays (National Day, Spring Festival, ...) are days
off, and some weekends are make-up working days (调休). Each year's schedule is published by
the State Council around November–December. Three sources, the first that knows a year wins
for the whole year:

1. ``calendar/cn_workdays.yaml`` (shipped with the package), or the file
   ``Settings.calendar_path`` (``TPBOT_CALENDAR``) names: the official schedule copied in by an
   operator once published, without a release. See the file's header for the format and
   :func:`bot.services.calendar.schedule_file.check_schedule` for its validation
   (``tmall-tp-bot check``).
2. ``chinesecalendar``: the published schedules the installed version ships (``tmall-tp-bot
   check`` says up to which date the official working days are known).
3. Otherwise the year is *provisional*: weekends plus the statutory holidays of the
   ``holidays`` package (``holidays.China``) are days off, with no make-up working days, and a
   warning is logged once per year.

What ``holidays.China`` returns for a year without a published schedule is the statutory
days only, under the rules in force, plus an "observed" weekday for each statutory day that
falls on a weekend; not the multi-day breaks the State Council arranges with weekends worked
in exchange. So a provisional date may be a few working days early around Spring Festival and
National Day (whose real breaks are longer than their statutory days) and ignores make-up
Saturdays.

One :class:`Calendar` is built from the settings in the composition root (``bot.app``,
``tmall-tp-bot check``) and handed to every service that counts days, as the clock is.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo

import chinese_calendar
import chinese_calendar.constants
from holidays import HolidayBase, country_holidays

from bot.services.calendar.clock import Clock, per_second, utc_now
from bot.services.calendar.schedule_file import ScheduleError, YearSchedule, load_schedule

log = logging.getLogger(__name__)
# The calendar is mainland China's, so "today" for it is the date in China.
CALENDAR_ZONE = ZoneInfo("Asia/Shanghai")
_warned_years: set[int] = set()


def china_date(moment: dt.datetime | str) -> dt.date:
    """The date in mainland China at ``moment``: a datetime or a stored timestamp (a naive
    one is read as UTC, as the bot stores them)."""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(CALENDAR_ZONE).date()


def start_of_china_day(day: dt.date) -> dt.datetime:
    """Midnight in China at the start of ``day``, in UTC."""
    return dt.datetime.combine(day, dt.time(), CALENDAR_ZONE).astimezone(dt.UTC)


@functools.cache
def _chinese_calendar_years() -> range:
    known = chinese_calendar.constants.holidays
    return range(int(min(known).year), int(max(known).year) + 1)


@functools.cache
def _statutory(year: int) -> HolidayBase:
    return country_holidays("CN", years=year)  # holidays.China


class Calendar:
    """Mainland China's days: today (by the clock, in :data:`CALENDAR_ZONE`) and working days
    from an official schedule, chinesecalendar, or the provisional estimate.

    Answers are cached per day (and per year), so repeated counting is cheap.
    """

    zone = CALENDAR_ZONE

    def __init__(
        self,
        schedule: Mapping[int, YearSchedule] | None = None,
        source: Path | None = None,
        *,
        clock: Clock = utc_now,
    ) -> None:
        self._schedule = dict(schedule or {})
        self.source = source  # the schedule file it was read from, if any
        self.clock = clock
        self._days: dict[dt.date, bool] = {}
        self._provisional: dict[int, bool] = {}
        # today() is asked on the per-update path, and the date changes once a day.
        self._today = per_second(china_date)

    @classmethod
    def from_file(cls, path: Path, *, clock: Clock = utc_now) -> Calendar:
        """A calendar with the schedule file's years; :class:`ScheduleError` on any fault."""
        return cls(load_schedule(path), source=path, clock=clock)

    @classmethod
    def load(cls, path: Path, *, clock: Clock = utc_now) -> Calendar:
        """The bot's calendar, from the schedule file at ``path``. A faulty file is ignored
        (logged as an error) so that dates are still given; ``check`` names its faults."""
        try:
            return cls.from_file(path, clock=clock)
        except ScheduleError as exc:
            log.error(
                "ignoring %s until it is fixed (see tmall-tp-bot check): %s",
                path,
                "; ".join(exc.faults),
            )
            return cls(source=path, clock=clock)

    def today(self) -> dt.date:
        """Today in mainland China, whose working days audits are counted in (whatever
        ``TPBOT_TIMEZONE`` says: that zone is for quiet hours and scheduled sends)."""
        return self._today(self.clock())

    def is_provisional(self, day: dt.date) -> bool:
        """True when neither the schedule file nor chinesecalendar covers ``day``'s year."""
        year = day.year
        known = self._provisional.get(year)
        if known is None:
            known = self._provisional[year] = not (
                year in self._schedule or year in _chinese_calendar_years()
            )
        return known

    def covered_until(self) -> dt.date:
        """The last day that is not provisional: the end of the run of covered years that
        starts with chinesecalendar's (a year listed after a gap does not extend it)."""
        year = _chinese_calendar_years()[-1]
        while not self.is_provisional(dt.date(year + 1, 1, 1)):
            year += 1
        return dt.date(year, 12, 31)

    def is_working_day(self, day: dt.date) -> bool:
        known = self._days.get(day)
        if known is None:
            known = self._days[day] = self._working(day)
        elif day.year not in _warned_years and self.is_provisional(day):
            self._warn(day.year)
        return known

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date ``days`` working days after ``start`` (the start day itself does not count)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current = start
        remaining = days
        while remaining:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if ``end`` <= ``start``)."""
        count = 0
        current = start
        while current < end:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    def _working(self, day: dt.date) -> bool:
        official = self._schedule.get(day.year)
        if official is not None:
            if day in official.holidays:
                return False
            return day in official.workdays or day.weekday() < 5
        if day.year in _chinese_calendar_years():
            return bool(chinese_calendar.is_workday(day))
        self._warn(day.year)
        statutory = _statutory(day.year)
        if day.weekday() >= 5:
            return day in statutory.weekend_workdays
        return day not in statutory

    def _warn(self, year: int) -> None:
        if year in _warned_years:
            return
        _warned_years.add(year)
        log.warning(
            "no official holiday schedule for %s (chinesecalendar has %s-%s%s); counting "
            "weekends and the statutory holidays of the holidays package as days off, without "
            "make-up working days, so dates in %s are provisional: add the State Council's "
            "schedule to %s or update chinesecalendar",
            year,
            _chinese_calendar_years()[0],
            _chinese_calendar_years()[-1],
            f", the schedule file {', '.join(map(str, sorted(self._schedule)))}"
            if self._schedule
            else "",
            year,
            self.source or "the schedule file (TPBOT_CALENDAR)",
        )
