"""Sample client companies for the demo's console: ``tmall-tp-bot demo --console --sample N``.

Each company walks the real flow through the real ``Application`` (offline Bot API), on a
clock that starts some weeks back and moves on by hours or days between answers, so the
board, the history and the funnel show what an agency's portfolio looks like: companies at
every stage, some stuck, some audits overdue, "not yet" loops, a few certified.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from bot.app import build_application
from bot.config import Settings
from bot.demo.offline_api import ApiCall, OfflineBotAPI
from bot.demo.updates import UpdateFactory

NAMES_EN = (
    "Brightway Trading Co.",
    "Northstar Beauty Ltd",
    "Koala Organics Pty",
    "Maple & Pine Home",
    "Aurora Baby Care",
    "Blue Fjord Seafood",
    "Sakura Wellness KK",
    "Alpine Sports GmbH",
    "Seoul Glow Cosmetics",
    "Andes Coffee Traders",
    "Lumen Pet Supplies",
    "Riviera Fashion Srl",
)
NAMES_ZH = (
    "杭州优品电子商务有限公司",
    "上海海淘供应链管理有限公司",
    "深圳跨境通贸易有限公司",
    "广州美妆优选科技有限公司",
    "宁波母婴之家进出口有限公司",
    "厦门健康生活电子商务有限公司",
    "成都天府品牌管理有限公司",
    "苏州雅居家居用品有限公司",
)
FIRST_CHAT_ID = 500_000


class _Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


def _pick(rng: random.Random, answers: list[str]) -> str:
    """Mostly forward ("yes", "passed"...), sometimes "not yet" or a loop."""
    forward = [a for a in answers if a in ("begin", "yes", "passed", "tp_only", "continue")]
    if forward and rng.random() < 0.8:
        return forward[0]
    return rng.choice(answers)


async def seed_sample(
    settings: Settings, count: int, *, seed: int = 7, now: Callable[[], dt.datetime] | None = None
) -> int:
    """Walk ``count`` sample companies into the database ``settings`` names; returns how many
    were new (companies seeded by an earlier run are left as they are)."""
    rng = random.Random(seed)
    end = (now or (lambda: dt.datetime.now(dt.UTC)))()
    clock = _Clock(end - dt.timedelta(days=70))
    api = OfflineBotAPI()
    application = build_application(settings, request=api, token="0:demo", clock=clock)
    services = application.bot_data.services
    factory = UpdateFactory(application.bot, first_update_id=services.ledger.newest_update_id() + 1)
    await application.initialize()
    made = 0
    try:
        for n in range(count):
            chat_id = FIRST_CHAT_ID + n
            if services.progress.get(chat_id) is not None:
                continue
            chinese = rng.random() < 0.45
            names = NAMES_ZH if chinese else NAMES_EN
            name = names[n % len(names)] + ("" if n < len(names) else f" {n // len(names) + 1}")
            user = factory.user(chat_id, name, "zh-hans" if chinese else "en")
            last = end - dt.timedelta(days=rng.uniform(0, 30) ** 1.3 / 2)
            presses = rng.randint(1, 22)
            clock.now = last - dt.timedelta(days=rng.uniform(presses * 0.8, presses * 3))
            gap = (last - clock.now) / presses
            await application.process_update(factory.command(user, "/start"))
            message = _last_with_buttons(api.take())
            for _ in range(presses):
                if message is None:
                    break
                by_id = {
                    data.rsplit("|", 1)[1]: data
                    for row in message["reply_markup"]["inline_keyboard"]
                    for button in row
                    if (data := button.get("callback_data", "")).startswith("a|")
                }
                if not by_id:
                    break
                clock.now += gap * rng.uniform(0.3, 1.7)
                clock.now = min(clock.now, last)
                chosen = by_id[_pick(rng, list(by_id))]
                await application.process_update(factory.press(user, chosen, message))
                message = _last_with_buttons(api.take()) or message
            made += 1
    finally:
        await application.shutdown()
        services.maintenance.close()
    return made


def _last_with_buttons(calls: list[ApiCall]) -> dict[str, Any] | None:
    found = None
    for call in calls:
        if call.buttons() and isinstance(call.result, dict):
            found = call.result
    return found
