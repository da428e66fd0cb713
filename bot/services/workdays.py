"""Chinese working days, for "the audit generally takes 3 working days".

A working day in mainland China is not simply Monday to Friday: public holidays (National Day,
Spring Festival, ...) are days off, and some weekends are make-up working days (调休). Each
year's schedule is published by the State Council around November–December. Three sources,
the first that knows a year wins for the whole year:

1. ``calendar/cn_workdays.yaml`` (:data:`DEFAULT_SCHEDULE`, shipped with the package), or the
   file ``TPBOT_CALENDAR`` names (:func:`schedule_path`): the official schedule copied in by
   an operator once published, without a release. See the file's header for the format and
   :func:`check_schedule` for its validation (``tmall-tp-bot check``).
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
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import chinese_calendar
import chinese_calendar.constants
import yaml
from holidays import HolidayBase, country_holidays

from bot.config import DEFAULT_CALENDAR, calendar_path_from_env

log = logging.getLogger(__name__)
# The calendar is mainland China's, so "today" for it is the date in China.
CALENDAR_ZONE = ZoneInfo("Asia/Shanghai")
DEFAULT_SCHEDULE = DEFAULT_CALENDAR  # the shipped file
_warned_years: set[int] = set()

_KINDS = ("holidays", "workdays")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"\d{4}")


@dataclass(frozen=True)
class YearSchedule:
    """One year's official schedule: its days off and its weekend days worked."""

    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date] = frozenset()


class ScheduleError(ValueError):
    """The schedule file has faults; ``faults`` lists them, one line each."""

    def __init__(self, faults: list[str]) -> None:
        super().__init__("; ".join(faults))
        self.faults = faults


# --- the schedule file ------------------------------------------------------------------------


def _parse_date(text: str) -> dt.date | None:
    if not _DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


class _Reader:
    """Reads the composed YAML tree, so that every fault can name its line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.faults: list[str] = []

    def fault(self, node: yaml.Node | None, message: str) -> None:
        where = f"{self.path}:{node.start_mark.line + 1}" if node is not None else f"{self.path}"
        self.faults.append(f"{where}: {message}")

    def years(self, root: yaml.Node) -> dict[int, YearSchedule]:
        if not isinstance(root, yaml.MappingNode):
            self.fault(root, "must map years to their holidays: and workdays: (see the header)")
            return {}
        found: dict[int, YearSchedule] = {}
        for key, value in root.value:
            text = key.value if isinstance(key, yaml.ScalarNode) else ""
            if not _YEAR.fullmatch(text):
                self.fault(key, f"{text or 'this key'!r} is not a year (like 2027)")
                continue
            year = int(text)
            if year in found:
                self.fault(key, f"{year} is listed twice")
                continue
            schedule = self.year(year, key, value)
            if schedule is not None:
                found[year] = schedule
        return found

    def year(self, year: int, key: yaml.Node, node: yaml.Node) -> YearSchedule | None:
        before = len(self.faults)
        lists: dict[str, dict[dt.date, int]] = {kind: {} for kind in _KINDS}
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for sub, value in node.value:
                name = sub.value if isinstance(sub, yaml.ScalarNode) else ""
                if name not in _KINDS:
                    self.fault(
                        sub, f"unknown key {name!r} under {year} (expected holidays, workdays)"
                    )
                elif name in seen:
                    self.fault(sub, f"{name} is given twice under {year}")
                else:
                    seen.add(name)
                    lists[name] = self.days(year, name, value)
        elif not (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
            self.fault(node, f"{year} must hold holidays: and workdays: lists")
            return None
        off, worked = lists["holidays"], lists["workdays"]
        if not off and len(self.faults) == before:
            self.fault(key, f"{year} lists no holidays (list a year only once its schedule is out)")
        for day, line in worked.items():
            if day in off:
                self.faults.append(
                    f"{self.path}:{line}: {day} is both a holiday (line {off[day]}) and a workday"
                )
            elif day.weekday() < 5:
                self.faults.append(
                    f"{self.path}:{line}: workday {day} is a {day:%A}; workdays lists only the "
                    "Saturdays and Sundays worked (other weekdays are working days anyway)"
                )
        if len(self.faults) > before:
            return None
        return YearSchedule(holidays=frozenset(off), workdays=frozenset(worked))

    def days(self, year: int, kind: str, node: yaml.Node) -> dict[dt.date, int]:
        """The dates of one list, each with the line it was given on."""
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
            return {}
        if not isinstance(node, yaml.SequenceNode):
            self.fault(node, f"{kind} of {year} must be a list of dates or ranges")
            return {}
        days: dict[dt.date, int] = {}
        for item in node.value:
            text = item.value.strip() if isinstance(item, yaml.ScalarNode) else ""
            first_text, dots, last_text = text.partition("..")
            first = _parse_date(first_text.strip())
            last = _parse_date(last_text.strip()) if dots else first
            if first is None or last is None:
                self.fault(
                    item,
                    f"{kind} of {year}: {text or 'this item'!r} is not a date (YYYY-MM-DD) "
                    "or a range (YYYY-MM-DD..YYYY-MM-DD)",
                )
                continue
            if last < first:
                self.fault(item, f"{kind} of {year}: range {text} ends before it starts")
                continue
            outside = [day for day in (first, last) if day.year != year]
            if outside:
                self.fault(item, f"{kind} of {year}: {outside[0]} is not in {year}")
                continue
            line = item.start_mark.line + 1
            for offset in range((last - first).days + 1):
                days.setdefault(first + dt.timedelta(days=offset), line)
        return days


def _read_schedule(path: Path) -> tuple[dict[int, YearSchedule], list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, []  # no file: no official schedule beyond chinesecalendar's
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [f"{path}: cannot be read: {exc}"]
    reader = _Reader(path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else f"{path}"
        problem = getattr(exc, "problem", None) or exc
        return {}, [f"{where}: not valid YAML: {problem}"]
    if root is None:
        return {}, []  # only comments: nothing published yet
    years = reader.years(root)
    return years, reader.faults


def check_schedule(path: Path) -> list[str]:
    """The faults of a schedule file, each naming the file, the line and what is wrong.

    A missing file is no fault: it means no official schedule beyond chinesecalendar's.
    """
    return _read_schedule(path)[1]


def schedule_path() -> Path:
    """The schedule file the bot reads: ``TPBOT_CALENDAR``, else :data:`DEFAULT_SCHEDULE`."""
    return calendar_path_from_env()


def schedule_faults(path: Path | None = None) -> list[str]:
    """For ``tmall-tp-bot check``: the faults of the configured (or the given) schedule file."""
    return check_schedule(path or schedule_path())


def load_schedule(path: Path) -> dict[int, YearSchedule]:
    """The years a schedule file lists; :class:`ScheduleError` if it has any fault."""
    years, faults = _read_schedule(path)
    if faults:
        raise ScheduleError(faults)
    return years


# --- the calendar -----------------------------------------------------------------------------


@functools.cache
def _chinese_calendar_years() -> range:
    known = chinese_calendar.constants.holidays
    return range(int(min(known).year), int(max(known).year) + 1)


@functools.cache
def _statutory(year: int) -> HolidayBase:
    return country_holidays("CN", years=year)  # holidays.China


class WorkingCalendar:
    """Working days from an official schedule, chinesecalendar, or the provisional estimate.

    Answers are cached per day (and per year), so repeated counting is cheap.
    """

    def __init__(
        self, schedule: Mapping[int, YearSchedule] | None = None, source: Path | None = None
    ) -> None:
        self._schedule = dict(schedule or {})
        self._source = source
        self._days: dict[dt.date, bool] = {}
        self._provisional: dict[int, bool] = {}

    @classmethod
    def from_file(cls, path: Path) -> WorkingCalendar:
        """A calendar with the schedule file's years; :class:`ScheduleError` on any fault."""
        return cls(load_schedule(path), source=path)

    @property
    def scheduled_years(self) -> frozenset[int]:
        """The years the schedule file gives (authoritative for those years)."""
        return frozenset(self._schedule)

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
            self._source or schedule_path(),
        )


@functools.cache
def default_calendar() -> WorkingCalendar:
    """The bot's calendar, from :func:`schedule_path`, built once at first use. A faulty
    file is ignored (logged as an error) so that dates are still given."""
    path = schedule_path()
    try:
        return WorkingCalendar.from_file(path)
    except ScheduleError as exc:
        log.error(
            "ignoring %s until it is fixed (see tmall-tp-bot check): %s",
            path,
            "; ".join(exc.faults),
        )
        return WorkingCalendar(source=path)


def is_working_day(day: dt.date) -> bool:
    return default_calendar().is_working_day(day)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (the start day itself does not count)."""
    return default_calendar().add_working_days(start, days)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if ``end`` <= ``start``)."""
    return default_calendar().working_days_between(start, end)


def is_provisional(day: dt.date) -> bool:
    """True when ``day`` is counted from the statutory estimate, not a published schedule."""
    return default_calendar().is_provisional(day)


def covered_until() -> dt.date:
    """The last day counted from a published schedule (chinesecalendar or the schedule file)."""
    return default_calendar().covered_until()
