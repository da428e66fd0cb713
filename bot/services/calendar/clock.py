"""Time, injectable: every service takes a ``Clock`` so tests can freeze or move it.

Timestamps are stored as UTC ISO-8601 text to the second, which sorts correctly as text.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import TypeVar

Clock = Callable[[], dt.datetime]

T = TypeVar("T")


def per_second(convert: Callable[[dt.datetime], T]) -> Callable[[dt.datetime], T]:
    """``convert``, for a function of a moment that depends only on its whole second, keeping
    the last second's result: most updates fall in the same second as the one before, and
    formatting a timestamp shows up in a profile of the per-update path."""
    last: tuple[float, T] | None = None

    @functools.wraps(convert)
    def converted(moment: dt.datetime) -> T:
        nonlocal last
        second = moment.timestamp() // 1
        current = last  # one read: another thread may replace ``last`` meanwhile
        if current is None or current[0] != second:
            current = last = (second, convert(moment))
        return current[1]

    return converted


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@per_second
def iso(moment: dt.datetime) -> str:
    """The stored form of a moment: UTC, ISO-8601, to the second."""
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")
