"""Operators' commands and the periodic job: /broadcasts, cancel, /stats, /mute, /unmute.

Operator-only commands answer anyone else with one refusal and nothing more. The periodic job
(:func:`tick`, scheduled in ``run`` mode) re-plans reminders of changed chats, sends the due
ones, and starts scheduled broadcasts or resumes interrupted ones — all found in SQLite, so a
restart loses nothing. The composing conversation lives in ``broadcast_compose``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, field
from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.handlers.common import Context, language_of, reply, services, user_language
from bot.services.broadcasts import BroadcastService, Report
from bot.services.delivery import Delivery, Limits, Payload
from bot.services.funnel import funnel_chart, funnel_stats, stats_text
from bot.services.i18n import format_number
from bot.services.progress import ChatProgress
from bot.services.quiet_hours import QuietHours
from bot.services.reminders import DueReminder, ReminderService
from bot.storage import operators as store

log = logging.getLogger(__name__)
OPERATORS_KEY = "operators"
GUARDS_KEY = "command_guards"  # the same list bot.handlers.flow consults
TICK_EVERY = dt.timedelta(seconds=30)
REMINDERS_PER_TICK = 300


@dataclass
class OperatorServices:
    broadcasts: BroadcastService
    reminders: ReminderService
    delivery: Delivery
    quiet: QuietHours
    tasks: dict[int, asyncio.Task[Any]] = field(default_factory=dict)


def operators_of(application: Application) -> OperatorServices:  # type: ignore[type-arg]
    ops: OperatorServices = application.bot_data["services"].extras[OPERATORS_KEY]
    return ops


def ops_of(context: Context) -> OperatorServices:
    return operators_of(context.application)


# -- who may ------------------------------------------------------------------------------------
def is_operator(update: Update, context: Context) -> bool:
    user = update.effective_user
    return user is not None and user.id in services(context).settings.operators


async def operator_only(update: Update, context: Context) -> bool:
    """True for an operator in a private chat; otherwise one refusal, and False."""
    t = services(context).catalog.text
    lang = user_language(update)
    chat = update.effective_chat
    if not is_operator(update, context):
        message_id = "op-refused"
    elif chat is None or chat.type != "private":
        message_id = "op-private-only"
    else:
        return True
    if update.callback_query is not None:
        await update.callback_query.answer(t(lang, message_id), show_alert=True)
    else:
        await reply(update, context, t(lang, message_id))
    return False


def n(value: float, lang: str) -> str:
    return format_number(value, lang)


# -- broadcast progress and reports ------------------------------------------------------------
def report_text(application: Any, lang: str, report: Report) -> str:
    """The live progress / final report of a broadcast, in the operator's language."""
    svc = application.bot_data["services"]
    t = svc.catalog.text
    status = (
        t(lang, f"bc-status-{report.status}")
        if svc.catalog.has(lang, f"bc-status-{report.status}")
        else report.status
    )
    lines = [
        t(lang, "bc-progress-title", id=report.broadcast_id, status=status),
        t(
            lang,
            "bc-progress-counts",
            sent=n(report.sent, lang),
            blocked=n(report.blocked, lang),
            failed=n(report.failed, lang),
            left=n(report.left, lang),
            total=n(report.total, lang),
        ),
    ]
    if report.unknown:
        lines.append(t(lang, "bc-progress-unknown", count=n(report.unknown, lang)))
    if report.eta_seconds is not None and not report.final:
        lines.append(t(lang, "bc-progress-eta", minutes=max(1, round(report.eta_seconds / 60))))
    return "\n".join(lines)


def start_broadcast(application: Application, broadcast_id: int) -> asyncio.Task[Any] | None:  # type: ignore[type-arg]
    """Send a broadcast in the background (unless this process already is)."""
    ops = operators_of(application)
    task = ops.tasks.get(broadcast_id)
    if task is not None and not task.done():
        return None
    task = asyncio.ensure_future(_run_broadcast(application, broadcast_id))
    ops.tasks[broadcast_id] = task
    return task


async def _run_broadcast(application: Application, broadcast_id: int) -> Report:  # type: ignore[type-arg]
    ops = operators_of(application)
    row = store.get_broadcast(ops.broadcasts.db, broadcast_id)
    assert row is not None
    chat_id = row["operator_chat_id"]
    lang = row["operator_language"] or "en"
    message_id: list[int | None] = [row["progress_message_id"]]

    async def show(report: Report) -> None:
        if chat_id is None:
            return
        text = report_text(application, lang, report)
        if message_id[0] is None:
            result = await ops.delivery.call(
                chat_id, lambda bot: bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
            )
            message_id[0] = result.message_id
            store.update_broadcast(
                ops.broadcasts.db, broadcast_id, {"progress_message_id": result.message_id}
            )
            return
        mid = message_id[0]
        await ops.delivery.call(
            chat_id,
            lambda bot: bot.edit_message_text(
                text, chat_id=chat_id, message_id=mid, parse_mode=ParseMode.HTML
            ),
        )

    try:
        return await ops.broadcasts.run(broadcast_id, ops.delivery, show)
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception(
            "broadcast %s stopped with an error; it resumes on the next tick", broadcast_id
        )
        raise


# -- /broadcasts and cancelling --------------------------------------------------------------
async def list_broadcasts(update: Update, context: Context) -> None:
    if not await operator_only(update, context):
        return
    svc = services(context)
    lang = user_language(update)
    t = svc.catalog.text
    rows = store.recent_broadcasts(svc.db, 10)
    if not rows:
        await reply(update, context, t(lang, "bcs-none"))
        return
    lines = [f"<b>{escape(t(lang, 'bcs-title'))}</b>"]
    buttons = []
    for row in rows:
        report = ops_of(context).broadcasts.report(row["id"])
        assert report is not None
        lines.append(report_text(context.application, lang, report))
        if row["status"] == "scheduled" and row["send_at"]:
            at = dt.datetime.fromisoformat(row["send_at"]).astimezone(ops_of(context).quiet.tz)
            lines.append(t(lang, "bcs-scheduled-at", at=at.strftime("%Y-%m-%d %H:%M")))
        if row["status"] in ("scheduled", "running"):
            buttons.append(
                [
                    InlineKeyboardButton(
                        t(lang, "bcs-btn-cancel", id=row["id"]), callback_data=f"bcx|{row['id']}"
                    )
                ]
            )
    await reply(
        update,
        context,
        "\n\n".join(lines),
        reply_markup=InlineKeyboardMarkup(buttons) if buttons else None,
    )


async def cancel_broadcast(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    if not await operator_only(update, context):
        return
    t = services(context).catalog.text
    lang = user_language(update)
    raw = query.data.partition("|")[2]
    if not raw.isdigit():
        await query.answer(t(lang, "button-unknown"), show_alert=True)
        return
    if ops_of(context).broadcasts.cancel(int(raw)):
        await query.answer(t(lang, "bcs-cancelled", id=int(raw)))
        await reply(update, context, t(lang, "bcs-cancelled", id=int(raw)))
    else:
        await query.answer(t(lang, "bcs-not-cancellable", id=int(raw)), show_alert=True)


# -- /stats ------------------------------------------------------------------------------------
async def stats(update: Update, context: Context) -> None:
    if not await operator_only(update, context):
        return
    svc = services(context)
    lang = user_language(update)
    now = svc.progress.clock()
    result = funnel_stats(svc.db, svc.spec, now, svc.settings.idle_days)
    await reply(update, context, stats_text(result, svc.spec, svc.catalog, lang))
    chat = update.effective_chat
    assert chat is not None
    png = funnel_chart(result, svc.spec, svc.catalog, lang)
    await context.bot.send_photo(chat.id, InputFile(png, filename="funnel.png"))


# -- /mute and /unmute ---------------------------------------------------------------------------
async def _allowed(update: Update, context: Context, command: str) -> bool:
    for guard in services(context).extras.get(GUARDS_KEY, []):
        if not await guard(update, context, command):
            return False
    return True


async def mute(update: Update, context: Context) -> None:
    await _mute(update, context, True)


async def unmute(update: Update, context: Context) -> None:
    await _mute(update, context, False)


async def _mute(update: Update, context: Context, muting: bool) -> None:
    chat = update.effective_chat
    assert chat is not None
    if not await _allowed(update, context, "mute" if muting else "unmute"):
        return
    reminders = ops_of(context).reminders
    changed = reminders.mute(chat.id) if muting else reminders.unmute(chat.id)
    lang = language_of(update, context)
    key = (
        ("mute-done" if changed else "mute-already")
        if muting
        else ("unmute-done" if changed else "unmute-already")
    )
    await reply(update, context, services(context).catalog.text(lang, key))


# -- the periodic job ----------------------------------------------------------------------------
def reminder_payload(
    application: Application,
    progress: ChatProgress,  # type: ignore[type-arg]
    reminder: DueReminder,
) -> Payload:
    """The follow-up: a line on top of the current step, with the step's real buttons."""
    svc = application.bot_data["services"]
    lang = progress.language
    t = svc.catalog.text
    step_title = t(lang, svc.spec.steps[progress.state].title)
    if reminder.kind == "idle":
        prefix = t(lang, "reminder-idle", step=escape(step_title))
    elif reminder.kind == "audit_ask":
        prefix = t(lang, "reminder-audit-ask", step=escape(step_title))
    elif reminder.count == 0:
        prefix = t(lang, "reminder-audit", step=escape(step_title))
    else:
        prefix = t(lang, "reminder-audit-again", step=escape(step_title))
    body = svc.renderer.step_text(progress, svc.progress.today_in_china, None)
    return Payload(
        html=f"{prefix}\n\n{body}\n\n{t(lang, 'reminder-mute-hint')}",
        reply_markup=svc.renderer.keyboard(progress),
    )


async def send_due_reminders(application: Application) -> int:  # type: ignore[type-arg]
    ops = operators_of(application)
    svc = application.bot_data["services"]
    due = ops.reminders.due(REMINDERS_PER_TICK)
    limit = asyncio.Semaphore(max(1, ops.delivery.limits.concurrency))
    sent = 0

    async def one(reminder: DueReminder) -> None:
        nonlocal sent
        async with limit:
            progress = svc.progress.get(reminder.chat_id)
            if progress is None or not ops.reminders.claim(reminder):
                return
            result = await ops.delivery.send(
                reminder.chat_id, reminder_payload(application, progress, reminder)
            )
            ops.reminders.record(reminder, result.status, result.error)
            sent += result.status == "sent"

    await asyncio.gather(*(one(r) for r in due))
    return sent


async def tick(application: Application) -> list[asyncio.Task[Any]]:  # type: ignore[type-arg]
    """One round of the periodic job; returns the broadcast tasks it started."""
    ops = operators_of(application)
    ops.reminders.sync()
    await send_due_reminders(application)
    if ops.quiet.is_quiet(ops.broadcasts.clock()):
        return []
    started = [start_broadcast(application, bid) for bid in ops.broadcasts.due()]
    return [task for task in started if task is not None]


async def tick_job(context: Context) -> None:
    try:
        await tick(context.application)
    except Exception:  # a failed round is logged; the next one tries again
        log.exception("operators' periodic job failed")


def schedule(application: Application) -> None:  # type: ignore[type-arg]
    """Called from ``_post_init`` in run mode: the job that finds due work in SQLite."""
    if application.job_queue is not None:
        application.job_queue.run_repeating(tick_job, interval=TICK_EVERY, first=5)


def register(application: Application) -> None:  # type: ignore[type-arg]
    from bot.handlers import broadcast_compose

    svc = application.bot_data["services"]
    settings = svc.settings
    quiet = QuietHours.parse(settings.quiet_hours, settings.timezone)
    svc.extras[OPERATORS_KEY] = OperatorServices(
        broadcasts=BroadcastService(svc.db, svc.spec, svc.progress.clock),
        reminders=ReminderService(svc.db, svc.spec, svc.progress.clock, quiet, settings.idle_days),
        delivery=Delivery(application.bot, Limits(per_second=settings.broadcast_rate)),
        quiet=quiet,
    )
    application.add_handler(CommandHandler("broadcasts", list_broadcasts))
    application.add_handler(CommandHandler("stats", stats))
    application.add_handler(CommandHandler("mute", mute))
    application.add_handler(CommandHandler("unmute", unmute))
    application.add_handler(CallbackQueryHandler(cancel_broadcast, pattern=r"^bcx\|"))
    broadcast_compose.register(application)
