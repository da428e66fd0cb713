"""The schedule file: an operator's copy of the State Council's published working days.

``calendar/cn_workdays.yaml`` ships with the package (only comments: nothing beyond what
chinesecalendar knows); ``TPBOT_CALENDAR`` names another. See the file's header for the format.
Every fault names the file and the line, for ``tmall-tp-bot check``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

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


def load_schedule(path: Path) -> dict[int, YearSchedule]:
    """The years a schedule file lists; :class:`ScheduleError` if it has any fault."""
    years, faults = _read_schedule(path)
    if faults:
        raise ScheduleError(faults)
    return years
