"""Operators' view of broadcasts: ``/broadcasts`` (recent ones, with a cancel button) and the
live progress / final report shown while one is sent."""

from __future__ import annotations

import datetime as dt
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.callbacks import CancelBroadcastButton
from bot.handlers.operators.access import operator_only
from bot.handlers.replies import reply
from bot.telegram.broadcast_text import report_text
from bot.wiring import BotContext


async def list_broadcasts(update: Update, context: BotContext) -> None:
    if not await operator_only(update, context):
        return
    services = context.services
    lang = context.sender_language
    t = services.catalog.text
    listed = services.composer.listing(10)
    if not listed:
        await reply(update, context, t(lang, "bcs-none"))
        return
    lines = [f"<b>{escape(t(lang, 'bcs-title'))}</b>"]
    buttons = []
    for row, report in ((item.row, item.report) for item in listed):
        lines.append(report_text(services.catalog, lang, report))
        if row.status == "scheduled" and row.send_at:
            at = services.quiet.local(dt.datetime.fromisoformat(row.send_at))
            lines.append(t(lang, "bcs-scheduled-at", at=at))
        if row.status in ("scheduled", "running"):
            label = t(lang, "bcs-btn-cancel", id=row.id)
            data = CancelBroadcastButton(row.id).encode()
            buttons.append([InlineKeyboardButton(label, callback_data=data)])
    await reply(
        update,
        context,
        "\n\n".join(lines),
        reply_markup=InlineKeyboardMarkup(buttons) if buttons else None,
    )


async def cancel_broadcast(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    if not await operator_only(update, context):
        return
    t = context.services.catalog.text
    lang = context.sender_language
    button = CancelBroadcastButton.parse(query.data)
    if button is None:
        await query.answer(t(lang, "button-unknown"), show_alert=True)
        return
    broadcast_id = button.broadcast_id
    if context.services.composer.cancel(broadcast_id):
        await query.answer(t(lang, "bcs-cancelled", id=broadcast_id))
        await reply(update, context, t(lang, "bcs-cancelled", id=broadcast_id))
    else:
        await query.answer(t(lang, "bcs-not-cancellable", id=broadcast_id), show_alert=True)
