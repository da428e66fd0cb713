"""One round of the periodic job, with sends not held back."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from bot.demo.offline_api import ApiCall
from bot.jobs import tick
from bot.services.broadcasts.delivery import Delivery, Limits
from bot.telegram.sender import TelegramSender
from tests.helpers.harness import BotHarness


async def run_tick(harness: BotHarness) -> list[ApiCall]:
    """One round of the periodic job; the Bot API calls it made."""

    async def no_wait(seconds: float) -> None:
        await asyncio.sleep(0)

    sender = TelegramSender(harness.application.bot)
    limits = replace(Limits(), per_second=1_000_000)
    harness.use_delivery(Delivery(sender, limits, sleep=no_wait))
    harness.api.take()
    await tick(harness.application)
    return [c for c in harness.api.take() if c.method == "sendMessage" and c.result is not None]
