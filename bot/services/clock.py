"""Time, injectable: every service takes a ``Clock`` so tests can freeze or move it.

Timestamps are stored as UTC ISO-8601 text to the second, which sorts correctly as text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]

# Every change writes a timestamp, and formatting one costs ~3 µs (a few % of an update), while
# many updates fall in the same second: the last second's text is kept.
_last_iso: tuple[float, str] = (float("nan"), "")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    """The stored form of a moment: UTC, ISO-8601, to the second."""
    global _last_iso
    second = moment.timestamp() // 1
    last_second, text = _last_iso
    if second != last_second:
        text = moment.astimezone(dt.UTC).isoformat(timespec="seconds")
        _last_iso = (second, text)
    return text
