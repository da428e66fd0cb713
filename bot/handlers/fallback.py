"""Input the flow did not ask for: a clear answer and the current step again, nothing lost."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.handlers.replies import current_progress, need_start, reply, send_step
from bot.wiring import BotApplication, BotContext


class _AddressedToUs(filters.MessageFilter):
    """A private chat's command, or ``/cmd@ThisBot`` in a group: in a group, a plain ``/cmd``
    or ``/cmd@OtherBot`` may be another bot's, so an unknown one gets no answer there."""

    def filter(self, message: Message) -> bool:
        if message.chat.type == ChatType.PRIVATE:
            return True
        command = (message.text or "").split(maxsplit=1)[0] if message.text else ""
        target = command.partition("@")[2]
        return bool(target) and target.lower() == (message.get_bot().username or "").lower()


async def unknown_command(update: Update, context: BotContext) -> None:
    progress = current_progress(update, context)
    lang = progress.language if progress else context.sender_language
    await reply(update, context, context.services.catalog.text(lang, "unknown-command"))
    if progress is not None:
        await send_step(update, context, progress)


async def unexpected_message(update: Update, context: BotContext) -> None:
    """Free text, a sticker, a photo... where the current step expects a button."""
    progress = current_progress(update, context)
    if progress is None:
        await need_start(update, context)
        return
    use_buttons = context.services.catalog.text(progress.language, "use-buttons")
    await send_step(update, context, progress, use_buttons)


async def unknown_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    text = context.services.catalog.text(context.language, "button-unknown")
    await query.answer(text, show_alert=True)


def register(application: BotApplication) -> None:
    """Last in group 0: only what no other handler took reaches these."""
    application.add_handler(MessageHandler(filters.COMMAND & _AddressedToUs(), unknown_command))
    application.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL & ~filters.UpdateType.EDITED,
            unexpected_message,
        )
    )
    application.add_handler(CallbackQueryHandler(unknown_button))
