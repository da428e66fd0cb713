"""The certification walk: /start, answer buttons, /back, /reset, /language, /status, /help.

Thin handlers: each reads the chat's progress, asks the progress service for the change and
shows the result.
"""

from __future__ import annotations

from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.callbacks import AnswerButton, LanguageButton, RejectionButton, ResetButton
from bot.handlers.flow import commands, rejections, walk
from bot.wiring import BotApplication


def register_answer_buttons(application: BotApplication) -> None:
    """Answer buttons are most updates: registered before every other feature's handlers, so
    they are checked first (no other handler takes an answer button)."""
    application.add_handler(CallbackQueryHandler(walk.press, pattern=AnswerButton.PATTERN))
    application.add_handler(
        CallbackQueryHandler(rejections.pick_reason, pattern=RejectionButton.PATTERN)
    )


def register(application: BotApplication) -> None:
    application.add_handler(CommandHandler("start", walk.start))
    application.add_handler(CommandHandler("status", commands.status))
    application.add_handler(CommandHandler("back", commands.back))
    application.add_handler(CommandHandler("reset", commands.reset))
    application.add_handler(CommandHandler("language", commands.language))
    application.add_handler(CommandHandler("help", commands.help_command))
    application.add_handler(
        CallbackQueryHandler(commands.reset_answer, pattern=ResetButton.PATTERN)
    )
    application.add_handler(
        CallbackQueryHandler(commands.language_answer, pattern=LanguageButton.PATTERN)
    )
