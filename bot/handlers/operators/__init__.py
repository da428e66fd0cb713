"""Operators' commands in their private chat: ``/broadcast`` (compose), ``/broadcasts``
(recent ones, cancel), ``/stats``, ``/console`` (the web console). Who may run them is
checked every time (``access``)."""

from __future__ import annotations

from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.callbacks import CancelBroadcastButton, ComposeButton
from bot.handlers.operators import broadcasts, compose, console, stats
from bot.handlers.operators.access import ListedOperator
from bot.wiring import BotApplication


def register(application: BotApplication) -> None:
    services = application.bot_data.services
    application.add_handler(CommandHandler("broadcasts", broadcasts.list_broadcasts))
    application.add_handler(CommandHandler("stats", stats.stats))
    application.add_handler(CommandHandler("console", console.console))
    application.add_handler(
        CallbackQueryHandler(broadcasts.cancel_broadcast, pattern=CancelBroadcastButton.PATTERN)
    )
    application.add_handler(CommandHandler("broadcast", compose.broadcast))
    application.add_handler(CallbackQueryHandler(compose.on_button, pattern=ComposeButton.PATTERN))
    application.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE
            & ListedOperator(services.roster)
            & ~filters.COMMAND
            & ~filters.StatusUpdate.ALL
            & ~filters.UpdateType.EDITED
            & compose.AwaitingInput(services.drafts),
            compose.on_input,
        )
    )
