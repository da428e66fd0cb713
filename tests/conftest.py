"""Fixtures only; the code behind them is in ``tests/helpers/`` (test modules import it from
there, never from here or from one another)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import Settings
from tests.helpers.harness import BotHarness, FrozenClock, bot_settings
from tests.helpers.process import clean_env
from tests.helpers.support import SUPPORT, support_chat_info


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return bot_settings(tmp_path)


@pytest.fixture
async def harness(settings: Settings, clock: FrozenClock) -> AsyncIterator[BotHarness]:
    bot = BotHarness(settings, clock)
    await bot.start()
    yield bot
    await bot.stop()


@pytest.fixture
async def desk(settings: Settings, clock: FrozenClock) -> AsyncIterator[BotHarness]:
    """A bot with a support group (plain, unless the test makes it a forum)."""
    bot = BotHarness(replace(settings, support_chat_id=SUPPORT, operators=frozenset({900})), clock)
    await bot.start()
    bot.api.responders["getChat"] = support_chat_info(forum=False)
    yield bot
    await bot.stop()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A clean environment for the CLI, in an empty directory (so no stray .env is read)."""
    return clean_env(tmp_path, monkeypatch)
