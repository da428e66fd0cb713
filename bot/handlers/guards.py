"""The one permission check for chat commands: every feature's guard must agree.

Guards are listed in ``Services.guards`` (``bot.app`` names them); each answers the sender
itself when it refuses.
"""

from __future__ import annotations

from telegram import Update

from bot.wiring import BotContext


async def allowed(update: Update, context: BotContext, command: str) -> bool:
    for guard in context.services.guards:
        if not await guard(update, context, command):
            return False
    return True
