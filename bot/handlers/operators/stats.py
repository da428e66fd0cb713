"""``/stats``: where the companies are in the funnel, as text and as a chart."""

from __future__ import annotations

from telegram import InputFile, Update

from bot.handlers.context import BotContext
from bot.handlers.operators.access import operator_only
from bot.handlers.replies import reply
from bot.services.funnel import funnel_chart, stats_text


async def stats(update: Update, context: BotContext) -> None:
    if not await operator_only(update, context):
        return
    services = context.services
    lang = context.sender_language
    now = services.progress.clock()
    result = services.funnel.stats(now)
    await reply(update, context, stats_text(result, services.spec, services.catalog, lang))
    chat = update.effective_chat
    assert chat is not None
    png = funnel_chart(result, services.spec, services.catalog, lang)
    await context.bot.send_photo(chat.id, InputFile(png, filename="funnel.png"))
