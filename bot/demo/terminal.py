"""``tmall-tp-bot demo``: the real bot in a terminal, offline, without a token.

The same ``Application``, handlers and SQLite database as ``run``; only Telegram is replaced
by :class:`bot.demo.offline_api.OfflineBotAPI`. What the bot sends is printed; buttons are numbered,
and typing a number presses one. Anything else is sent as a message (``/status``...).
"""

from __future__ import annotations

import html
import re
import sys
from typing import Any

from bot.app import build_application
from bot.config import Settings
from bot.demo.offline_api import ApiCall, OfflineBotAPI
from bot.demo.updates import UpdateFactory
from bot.handlers.context import BotApplication

_TAG = re.compile(r"</?(b|i|code|u|s|a)[^>]*>")


def plain(text: str) -> str:
    return html.unescape(_TAG.sub("", text))


def show(calls: list[ApiCall]) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """Print the bot's messages; return the last message that has buttons, and its buttons."""
    last_message: dict[str, Any] | None = None
    last_buttons: list[tuple[str, str]] = []
    for call in calls:
        if call.method == "answerCallbackQuery":
            if call.params.get("text"):
                print(f"  [{plain(str(call.params['text']))}]")
            continue
        if call.method in ("sendPhoto", "sendDocument"):
            print("\n  [a picture (e.g. the /stats chart): not shown in a terminal]")
            continue
        if call.method not in ("sendMessage", "editMessageText"):
            continue
        print("\n" + plain(call.text))
        buttons = call.buttons()
        if buttons and isinstance(call.result, dict):
            last_message, last_buttons = call.result, buttons
            for number, (label, _) in enumerate(buttons, 1):
                print(f"   {number}) {label}")
    return last_message, last_buttons


async def run_demo(
    settings: Settings, *, language: str | None = None, chat_id: int = 10_001
) -> int:
    """``language``: the demo chat's language (an earlier demo's saved one if not given)."""
    api = OfflineBotAPI()
    application = build_application(settings, request=api, token="0:demo")
    factory = UpdateFactory(application.bot, first_update_id=_first_update_id(application))
    user = factory.user(chat_id, "Demo", "zh-hans" if language == "zh" else "en")
    progress_service = application.bot_data.services.progress
    saved = progress_service.get(chat_id)
    if language is not None and saved is not None and saved.language != language:
        progress_service.set_language(saved, language)  # asked for now: it wins
    print("tmall-tp-bot demo: offline, no token. Database:", settings.db_path)
    print("Type a number to press a button, /help for commands, Ctrl-D to quit.")
    await application.initialize()
    message: dict[str, Any] | None = None
    buttons: list[tuple[str, str]] = []
    try:
        await application.process_update(factory.command(user, "/start"))
        message, buttons = show(api.take())
        for line in sys.stdin:
            text = line.strip()
            if not text:
                continue
            if text.isdigit() and message is not None and 1 <= int(text) <= len(buttons):
                update = factory.press(user, buttons[int(text) - 1][1], message)
            elif text.startswith("/"):
                update = factory.command(user, text)
            else:
                update = factory.message(user, text=text)
            await application.process_update(update)
            shown_message, shown_buttons = show(api.take())
            if shown_message is not None:
                message, buttons = shown_message, shown_buttons
    finally:
        await application.shutdown()
        application.bot_data.services.maintenance.close()
    print("\nbye — your progress is saved; run the demo again to continue.")
    return 0


def _first_update_id(application: BotApplication) -> int:
    """Start above any update id the demo chat already used, so none looks redelivered."""
    return application.bot_data.services.progress.newest_handled_update() + 1
