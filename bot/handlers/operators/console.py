"""``/console``: the operators' web console, from an operator's private chat.

The answer carries a one-time sign-in link for a browser and, when the console is served
over HTTPS (Telegram opens Mini Apps only there), a button that opens it inside Telegram.
"""

from __future__ import annotations

import logging
from html import escape

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    MenuButtonWebApp,
    Update,
    WebAppInfo,
)
from telegram.error import TelegramError

from bot.handlers.operators.access import operator_only
from bot.handlers.replies import reply
from bot.services.console.console_auth import LINK_MINUTES
from bot.wiring import BotApplication, BotContext

log = logging.getLogger(__name__)


def app_url(base: str, lang: str) -> str | None:
    """The Mini App's address, or None when it is not HTTPS (Telegram would refuse it)."""
    return f"{base}/console/app?lang={lang}" if base.startswith("https://") else None


async def console(update: Update, context: BotContext) -> None:
    if not await operator_only(update, context):
        return
    user = update.effective_user
    assert user is not None
    services = context.services
    lang = context.sender_language
    t = services.catalog.text
    base = services.settings.public_base_url().rstrip("/")
    link = f"{base}/console/login/{services.signin.issue_link(user.id)}?lang={lang}"
    url = app_url(base, lang)
    # Over plain HTTP there is no Mini App button, so the link is not an "or".
    link_id = "console-cmd-link" if url else "console-cmd-link-only"
    text = (
        f"{escape(t(lang, 'console-cmd-intro'))}\n\n"
        f"{t(lang, link_id, minutes=LINK_MINUTES, link=escape(link))}"
    )
    keyboard = (
        InlineKeyboardMarkup(
            [[InlineKeyboardButton(t(lang, "console-cmd-open"), web_app=WebAppInfo(url))]]
        )
        if url
        else None
    )
    await reply(
        update,
        context,
        text,
        reply_markup=keyboard,
        link_preview_options=LinkPreviewOptions(is_disabled=True),  # a preview would fetch it
    )


async def set_menu_buttons(application: BotApplication) -> None:
    """Operators get the console as their private chat's menu button (HTTPS only)."""
    services = application.bot_data.services
    base = services.settings.public_base_url().rstrip("/")
    for operator in services.roster:
        url = app_url(base, "en")
        if url is None:
            return
        try:
            await application.bot.set_chat_menu_button(
                operator,
                MenuButtonWebApp(services.catalog.text("en", "console-cmd-open"), WebAppInfo(url)),
            )
        except TelegramError as exc:  # e.g. the operator never opened a chat with the bot
            log.info("console: no menu button for operator %s (%s)", operator, exc)
