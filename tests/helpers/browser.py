"""Debian's Chromium for the console's browser tests (Playwright cannot download its own)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("TPBOT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
NO_CHROMIUM = f"Chromium not found at {CHROMIUM}: apt-get install chromium (or set TPBOT_CHROMIUM)"
# Skipped, with the reason, where there is no browser; TPBOT_REQUIRE_CHROMIUM=1 fails instead.
NEEDS_CHROMIUM = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and os.environ.get("TPBOT_REQUIRE_CHROMIUM") != "1",
    reason=NO_CHROMIUM,
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
