"""Quiet hours: no automatic message (reminder, scheduled broadcast) at night, local time.

A broadcast asked to go at once within quiet hours is held until they end (unless the
operator sends it anyway); a time within them moves to their end. One that has begun
sending runs to its end (and resumes after a crash), quiet hours or not.

``21:00-09:00`` in Asia/Shanghai by default: a window may wrap past midnight. An empty
setting means no quiet hours. Times are compared in the configured zone; callers pass and
receive aware UTC datetimes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config_checks import ConfigError


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"TPBOT_TIMEZONE: unknown time zone {name!r}") from None


def _clock_time(raw: str) -> dt.time:
    try:
        return dt.time.fromisoformat(raw.strip())
    except ValueError:
        raise ConfigError(f"TPBOT_QUIET_HOURS must look like 21:00-09:00, got {raw!r}") from None


@dataclass(frozen=True)
class QuietHours:
    start: dt.time | None
    end: dt.time | None
    tz: ZoneInfo

    @classmethod
    def parse(cls, raw: str, tz_name: str) -> QuietHours:
        tz = zone(tz_name)
        if not raw.strip():
            return cls(None, None, tz)
        start, sep, end = raw.partition("-")
        if not sep:
            raise ConfigError(f"TPBOT_QUIET_HOURS must look like 21:00-09:00, got {raw!r}")
        return cls(_clock_time(start), _clock_time(end), tz)

    @property
    def window(self) -> str:
        """As configured, e.g. ``21:00-09:00`` ("" when there are none)."""
        if self.start is None or self.end is None:
            return ""
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def local(self, moment: dt.datetime) -> str:
        """``moment`` as operators read it: ``2026-10-02 09:00 Asia/Shanghai``."""
        return f"{moment.astimezone(self.tz):%Y-%m-%d %H:%M} {self.tz.key}"

    def is_quiet(self, moment: dt.datetime) -> bool:
        if self.start is None or self.end is None or self.start == self.end:
            return False
        local = moment.astimezone(self.tz).time()
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def next_allowed(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` itself outside quiet hours, else the end of the quiet window (UTC)."""
        if not self.is_quiet(moment):
            return moment
        assert self.end is not None
        local = moment.astimezone(self.tz)
        end = dt.datetime.combine(local.date(), self.end, tzinfo=self.tz)
        if end <= local:
            end += dt.timedelta(days=1)
        return end.astimezone(dt.UTC)

    def when_to_send(self, now: dt.datetime, *, anyway: bool = False) -> dt.datetime | None:
        """The one rule for a broadcast asked to go now, at every door (chat, console, command
        line): at once (None), or, within quiet hours, held until they end, unless the
        operator chose to send it ``anyway``."""
        if anyway or not self.is_quiet(now):
            return None
        return self.next_allowed(now)
