"""The support desk: ``/ask`` relays a chat's messages to the operators' support group as a
ticket (``asking``); operators answer, check and close tickets there (``desk``)."""

from __future__ import annotations

from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.callbacks import RateButton, TakeButton, TicketButton
from bot.handlers.support import asking, canned, desk, edits, taking
from bot.wiring import BotApplication


def register(application: BotApplication) -> None:
    """Before the flow's handlers, so that /status in the support group is the ticket's."""
    services = application.bot_data.services
    support_chat_id = services.settings.support_chat_id
    application.add_handler(CommandHandler("ask", asking.ask))
    application.add_handler(CommandHandler("close", desk.close))
    application.add_handler(CommandHandler("reply", canned.reply_command))
    application.add_handler(CallbackQueryHandler(asking.ask_button, pattern=TicketButton.PATTERN))
    application.add_handler(CommandHandler("take", taking.take))
    application.add_handler(CallbackQueryHandler(taking.take_button, pattern=TakeButton.PATTERN))
    application.add_handler(CallbackQueryHandler(taking.rate_button, pattern=RateButton.PATTERN))
    if support_chat_id is None:
        return
    in_support = filters.Chat(support_chat_id)
    content = filters.UpdateType.MESSAGE & ~filters.COMMAND & ~filters.StatusUpdate.ALL
    application.add_handler(CommandHandler("status", desk.support_status, filters=in_support))
    application.add_handler(MessageHandler(in_support & content, desk.operator_message))
    application.add_handler(
        MessageHandler(content & asking.RelayFilter(services.tickets), asking.user_message)
    )
    edited = filters.UpdateType.EDITED_MESSAGE & ~filters.COMMAND
    application.add_handler(MessageHandler(in_support & edited, edits.operator_edit))
    application.add_handler(MessageHandler(edited & ~in_support, edits.user_edit))
