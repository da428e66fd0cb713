"""Broadcast runs of this process: sent in the background, their live progress shown to the
operator who started them (one message, edited as the run goes)."""

from __future__ import annotations

import asyncio
import logging

from telegram.constants import ParseMode

from bot.services.broadcasts.broadcasts import Report
from bot.telegram.broadcast_text import report_text
from bot.telegram.sender import TelegramSender
from bot.wiring import BotApplication

log = logging.getLogger(__name__)


def start_broadcast(application: BotApplication, broadcast_id: int) -> asyncio.Task[Report] | None:
    """Send a broadcast in the background (unless this process already is)."""
    runs = application.bot_data.broadcast_runs
    task = runs.get(broadcast_id)
    if task is not None and not task.done():
        return None
    task = asyncio.ensure_future(_run_broadcast(application, broadcast_id))
    runs[broadcast_id] = task
    return task


async def _run_broadcast(application: BotApplication, broadcast_id: int) -> Report:
    services = application.bot_data.services
    row = services.broadcasts.get(broadcast_id)
    assert row is not None
    chat_id = row.operator_chat_id
    lang = row.operator_language or "en"
    progress_message: list[int | None] = [row.progress_message_id]
    sender = TelegramSender(application.bot)

    async def show(report: Report) -> None:
        if chat_id is None:
            return
        text = report_text(services.catalog, lang, report)
        message_id = progress_message[0]
        if message_id is None:
            result = await services.delivery.call(
                chat_id,
                lambda: sender.request(
                    lambda bot: bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
                ),
            )
            if result.message_id is not None:
                progress_message[0] = result.message_id
                services.broadcasts.show_progress_in(broadcast_id, result.message_id)
            return
        await services.delivery.call(
            chat_id,
            lambda: sender.request(
                lambda bot: bot.edit_message_text(
                    text, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML
                )
            ),
        )

    try:
        return await services.broadcasts.run(broadcast_id, services.delivery, show)
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception(
            "broadcast %s stopped with an error; it resumes on the next tick", broadcast_id
        )
        raise
