"""CSV that a spreadsheet opens as data, never as a formula (OWASP's "CSV injection").

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be taken
for a formula by Excel, LibreOffice or Google Sheets: a company named
``=HYPERLINK("http://x","y")`` would become a link. Such a text cell gets a leading ``'``,
which these programs show as text; numbers (a group's negative chat id) stay numbers.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def csv_safe(value: Any) -> Any:
    """``value`` as a CSV cell that cannot run as a formula."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


class SafeWriter:
    """``csv.writer`` with every cell passed through :func:`csv_safe`."""

    def __init__(self, out: TextIO) -> None:
        self.writer = csv.writer(out)

    def writerow(self, row: Iterable[Any]) -> None:
        self.writer.writerow([csv_safe(value) for value in row])


def csv_writer(out: TextIO) -> SafeWriter:
    return SafeWriter(out)
