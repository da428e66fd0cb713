"""Debian's Chromium for the Playwright tests: where it is, its flags, and the skip (with the
reason) where it is missing, unless ``TPBOT_REQUIRE_CHROMIUM=1`` (CI) makes that a failure."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

CHROMIUM = os.environ.get("TPBOT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
NO_CHROMIUM = f"Chromium not found at {CHROMIUM}: apt-get install chromium (or set TPBOT_CHROMIUM)"
needs_chromium = pytest.mark.skipif(
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


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    assert Path(CHROMIUM).exists(), NO_CHROMIUM
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield launched
        finally:
            await launched.close()
