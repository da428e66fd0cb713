"""``/stats``: where the companies are in the funnel, as text and as a chart.

``/stats`` draws one bar per stage; ``/stats steps`` one bar per step.
"""

from __future__ import annotations

import asyncio

from telegram import InputFile, Update

from bot.handlers.operators.access import operator_only
from bot.handlers.replies import reply
from bot.telegram.funnel_chart import funnel_chart
from bot.telegram.funnel_text import stats_text
from bot.wiring import BotContext

STEP_WORDS = frozenset({"steps", "step", "步骤"})


async def stats(update: Update, context: BotContext) -> None:
    if not await operator_only(update, context):
        return
    services = context.services
    lang = context.sender_language
    now = services.progress.clock()
    result = await asyncio.to_thread(services.funnel.read, now)
    await reply(update, context, stats_text(result, services.spec, services.catalog, lang))
    chat = update.effective_chat
    assert chat is not None
    by_step = any(word.lower() in STEP_WORDS for word in context.args or ())
    png = funnel_chart(
        result,
        services.spec,
        services.catalog,
        lang,
        day=result.day,
        by_step=by_step,
    )
    await context.bot.send_photo(chat.id, InputFile(png, filename="funnel.png"))
