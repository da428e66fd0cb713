"""The certification walk: /start, button presses, /back, /reset, /language, /status, /help.

Thin handlers: each reads the chat's progress, asks the progress service for the change and
shows the result. Permission checks for groups are pluggable (``command_guards``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.handlers.common import (
    Context,
    chat_title,
    current_progress,
    language_of,
    reply,
    send_step,
    services,
    step_message,
    user_language,
)
from bot.handlers.render import parse_answer_data
from bot.services.i18n import LANGUAGES
from bot.services.progress import ChatProgress, Outcome

# A guard decides whether the sender may run a command here (e.g. admins only in groups);
# it answers the user itself and returns False to refuse. Features register theirs.
Guard = Callable[[Update, Context, str], Awaitable[bool]]
GUARDS_KEY = "command_guards"


async def _allowed(update: Update, context: Context, command: str) -> bool:
    guards: list[Guard] = services(context).extras.get(GUARDS_KEY, [])
    for guard in guards:
        if not await guard(update, context, command):
            return False
    return True


def _ids(update: Update) -> tuple[int | None, int]:
    user = update.effective_user
    return (user.id if user else None), update.update_id


async def _need_start(update: Update, context: Context) -> None:
    """For a chat that has no progress yet (so its language is the sender's)."""
    await reply(
        update, context, services(context).catalog.text(user_language(update), "need-start")
    )


# -- /start ---------------------------------------------------------------------------------
async def start(update: Update, context: Context) -> None:
    chat = update.effective_chat
    assert chat is not None
    svc = services(context)
    user_id, update_id = _ids(update)
    progress, created = svc.progress.start(
        chat.id,
        chat.type,
        user_language(update),
        title=chat_title(update),
        user_id=user_id,
        update_id=update_id,
    )
    prefix = None if created else svc.catalog.text(progress.language, "welcome-back")
    await send_step(update, context, progress, prefix)


# -- a button press ----------------------------------------------------------------------------
async def press(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    parsed = parse_answer_data(query.data)
    chat = update.effective_chat
    if parsed is None or chat is None:
        await query.answer(
            svc.catalog.text(language_of(update, context), "button-unknown"), show_alert=True
        )
        return
    seq, step_id, answer_id = parsed
    user_id, update_id = _ids(update)
    result = svc.progress.press(
        chat.id, step_id, answer_id, seq, user_id=user_id, update_id=update_id
    )
    progress = result.progress
    lang = progress.language if progress else user_language(update)
    if result.outcome is Outcome.DUPLICATE:
        return
    if result.outcome is Outcome.STALE:
        assert progress is not None
        current = svc.catalog.text(lang, svc.spec.steps[progress.state].title)
        await query.answer(svc.catalog.text(lang, "button-stale", step=current), show_alert=True)
        return
    if result.outcome in (Outcome.INVALID, Outcome.NO_PROGRESS):
        await query.answer(svc.catalog.text(lang, "button-unknown"), show_alert=True)
        return
    assert result.progress and result.step and result.answer
    moved = result.progress
    answer = result.answer
    await query.answer(svc.catalog.text(lang, answer.label))
    prefix = svc.renderer.echo(moved, result.step, answer.label)
    if answer.help:
        help_text = svc.catalog.text(
            lang, answer.help, **svc.renderer.step_args(moved, svc.progress.today_in_china())
        )
        prefix = f"{prefix}\n\n{help_text}"
    text, keyboard = step_message(context, moved, prefix)
    try:
        await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest:
        # The message is too old to edit or was deleted: show the step as a new message.
        await send_step(update, context, moved, prefix)


# -- /back ------------------------------------------------------------------------------------
async def back(update: Update, context: Context) -> None:
    progress = current_progress(update, context)
    if progress is None:
        await _need_start(update, context)
        return
    if not await _allowed(update, context, "back"):
        return
    svc = services(context)
    user_id, update_id = _ids(update)
    previous = svc.progress.back(progress, user_id=user_id, update_id=update_id)
    if previous is None:
        await reply(update, context, svc.catalog.text(progress.language, "back-nothing"))
        await send_step(update, context, progress)
        return
    await send_step(update, context, previous, svc.catalog.text(previous.language, "back-done"))


# -- /reset -----------------------------------------------------------------------------------
async def reset(update: Update, context: Context) -> None:
    progress = current_progress(update, context)
    if progress is None:
        await _need_start(update, context)
        return
    if not await _allowed(update, context, "reset"):
        return
    t = services(context).catalog.text
    lang = progress.language
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, "btn-reset-confirm"), callback_data=f"r|{progress.seq}|yes"
                ),
                InlineKeyboardButton(
                    t(lang, "btn-reset-cancel"), callback_data=f"r|{progress.seq}|no"
                ),
            ]
        ]
    )
    await reply(update, context, t(lang, "reset-confirm"), reply_markup=keyboard)


async def reset_answer(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    progress = current_progress(update, context)
    parts = query.data.split("|")
    lang = progress.language if progress else user_language(update)
    if progress is None or len(parts) != 3 or parts[2] not in ("yes", "no"):
        await query.answer(svc.catalog.text(lang, "button-unknown"), show_alert=True)
        return
    if parts[1] != str(progress.seq):
        await query.answer(svc.catalog.text(lang, "button-stale-plain"), show_alert=True)
        return
    if not await _allowed(update, context, "reset"):
        await query.answer()
        return
    if parts[2] == "no":
        await query.answer()
        await query.edit_message_text(svc.catalog.text(lang, "reset-cancelled"))
        return
    user_id, update_id = _ids(update)
    fresh = svc.progress.reset(progress, user_id=user_id, update_id=update_id)
    if fresh is None:
        return
    await query.answer()
    await query.edit_message_text(svc.catalog.text(lang, "reset-done"))
    await send_step(update, context, fresh)


# -- /language -------------------------------------------------------------------------------
async def language(update: Update, context: Context) -> None:
    progress = current_progress(update, context)
    if progress is None:
        await _need_start(update, context)
        return
    if not await _allowed(update, context, "language"):
        return
    t = services(context).catalog.text
    buttons = [
        InlineKeyboardButton(t(lang, "language-name"), callback_data=f"l|{lang}")
        for lang in LANGUAGES
    ]
    await reply(
        update,
        context,
        t(progress.language, "language-choose"),
        reply_markup=InlineKeyboardMarkup([buttons]),
    )


async def language_answer(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    progress = current_progress(update, context)
    chosen = query.data.partition("|")[2]
    if progress is None or chosen not in LANGUAGES:
        await query.answer(
            svc.catalog.text(language_of(update, context), "button-unknown"), show_alert=True
        )
        return
    if not await _allowed(update, context, "language"):
        await query.answer()
        return
    user_id, update_id = _ids(update)
    switched = svc.progress.set_language(progress, chosen, user_id=user_id, update_id=update_id)
    if switched is None:
        return
    await query.answer()
    await query.edit_message_text(svc.catalog.text(chosen, "language-set"))
    await send_step(update, context, switched)


# -- /status and /help --------------------------------------------------------------------------
async def status(update: Update, context: Context) -> None:
    progress = current_progress(update, context)
    if progress is None:
        await _need_start(update, context)
        return
    await show_status(update, context, progress)


async def show_status(update: Update, context: Context, progress: ChatProgress) -> None:
    svc = services(context)
    text = svc.renderer.status(progress, svc.progress.today_in_china())
    await reply(update, context, text)


async def help_command(update: Update, context: Context) -> None:
    progress = current_progress(update, context)
    lang = progress.language if progress else user_language(update)
    t = services(context).catalog.text
    text = t(lang, "help")
    if progress is not None:
        step = t(lang, services(context).spec.steps[progress.state].title)
        text += "\n\n" + t(lang, "help-current", step=escape(step))
    await reply(update, context, text)


def register_answer_buttons(application: Application) -> None:  # type: ignore[type-arg]
    """Answer buttons are most updates: registered before every other feature's handlers, so
    they are checked first (no other handler takes an ``a|`` callback)."""
    application.add_handler(CallbackQueryHandler(press, pattern=r"^a\|"))


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("status", status))
    application.add_handler(CommandHandler("back", back))
    application.add_handler(CommandHandler("reset", reset))
    application.add_handler(CommandHandler("language", language))
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CallbackQueryHandler(reset_answer, pattern=r"^r\|"))
    application.add_handler(CallbackQueryHandler(language_answer, pattern=r"^l\|"))
