"""A plain reference for the funnel's statistics, to check the histogram's against."""

from __future__ import annotations

import statistics
from collections.abc import Iterable


def median_p90_of(values: Iterable[int]) -> tuple[float | None, float | None]:
    """Median and 90th percentile (nearest rank) of plain values, as ``median_p90`` gives
    them from a histogram."""
    data = sorted(values)
    if not data:
        return None, None
    rank = -(-9 * len(data) // 10)
    return float(statistics.median(data)), float(data[rank - 1])
