"""``/mute`` and ``/unmute``: a chat turns its automatic reminders off or on again."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.handlers.guards import allowed
from bot.handlers.replies import reply
from bot.wiring import BotApplication, BotContext


async def mute(update: Update, context: BotContext) -> None:
    await _mute(update, context, True)


async def unmute(update: Update, context: BotContext) -> None:
    await _mute(update, context, False)


async def _mute(update: Update, context: BotContext, muting: bool) -> None:
    chat = update.effective_chat
    assert chat is not None
    if not await allowed(update, context, "mute" if muting else "unmute"):
        return
    reminders = context.services.reminders
    changed = reminders.mute(chat.id) if muting else reminders.unmute(chat.id)
    if muting:
        key = "mute-done" if changed else "mute-already"
    else:
        key = "unmute-done" if changed else "unmute-already"
    await reply(update, context, context.services.catalog.text(context.language, key))


def register(application: BotApplication) -> None:
    application.add_handler(CommandHandler("mute", mute))
    application.add_handler(CommandHandler("unmute", unmute))
