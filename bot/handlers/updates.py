"""Each update is handled once, even if Telegram (or a restart) delivers it again.

Group -1 stops an update whose id is already recorded; handlers that change progress record
the id in the same transaction as the change; group 1 records the others once handled.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.handlers.common import Context, services


async def skip_handled(update: Update, context: Context) -> None:
    if services(context).progress.seen(update.update_id):
        raise ApplicationHandlerStop


async def mark_handled(update: Update, context: Context) -> None:
    services(context).progress.mark_handled(update.update_id)


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(TypeHandler(Update, skip_handled), group=-1)
    application.add_handler(TypeHandler(Update, mark_handled), group=1)
