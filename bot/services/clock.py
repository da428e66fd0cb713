"""Time, injectable: every service takes a ``Clock`` so tests can freeze or move it.

Timestamps are stored as UTC ISO-8601 text to the second, which sorts correctly as text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    """The stored form of a moment: UTC, ISO-8601, to the second."""
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")
