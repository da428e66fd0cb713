"""Background work: the operators' tick (reminders, scheduled broadcasts), broadcast runs, and
housekeeping. Everything due is found in SQLite, so a restart loses nothing.

:func:`tick` (every ``TICK_EVERY`` in ``run`` mode) re-plans the reminders of changed chats
and sends the due ones; :func:`start_due_broadcasts` (every ``BROADCASTS_EVERY``, and in each
tick) starts scheduled broadcasts or takes over interrupted ones
(``bot.broadcast_runs``);
:func:`housekeeping` (every ``HOUSEKEEPING_EVERY``) forgets old update ids and checkpoints
the write-ahead log off the event loop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from html import escape
from typing import Any

from bot.broadcast_runs import start_broadcast
from bot.services.broadcasts.delivery import Payload
from bot.services.errors import Busy
from bot.services.flow.chat_progress import ChatProgress
from bot.services.i18n import format_date
from bot.services.reminders.reminders import DueReminder
from bot.telegram.downloads import Downloads
from bot.telegram.escalation import escalate_waits, refresh_cards
from bot.telegram.step_message import step_message
from bot.wiring import BotApplication, BotContext

log = logging.getLogger(__name__)

TICK_EVERY = dt.timedelta(seconds=30)
BROADCASTS_EVERY = dt.timedelta(seconds=2)
DOWNLOADS_EVERY = dt.timedelta(seconds=1)  # one indexed query of a small queue
HOUSEKEEPING_EVERY = dt.timedelta(seconds=2)
REMINDERS_PER_TICK = 300
ESCALATIONS_EVERY = dt.timedelta(seconds=30)  # escalations, and the cards' waits


# -- reminders -----------------------------------------------------------------------------------
def reminder_payload(
    application: BotApplication, progress: ChatProgress, reminder: DueReminder
) -> Payload:
    """The follow-up: a line on top of the current step, with the step's real buttons."""
    services = application.bot_data.services
    lang = progress.language
    t = services.catalog.text
    step = services.spec.steps.get(progress.state)
    step_name = escape(t(lang, step.name) if step is not None else progress.state)
    if reminder.kind == "idle":
        prefix = t(lang, "reminder-idle", step=step_name)
    elif reminder.kind == "audit_ask":
        support = "yes" if services.tickets.configured else "no"
        prefix = t(lang, "reminder-audit-ask", step=step_name, support=support)
    elif reminder.count == 0 and _late(services.calendar.today(), progress.audit_due_on):
        # Held by a pause (the handoff) past its day: it no longer says "today".
        assert progress.audit_due_on is not None
        due = format_date(progress.audit_due_on, lang)
        prefix = t(lang, "reminder-audit-late", step=step_name, date=due)
    elif reminder.count == 0:
        prefix = t(lang, "reminder-audit", step=step_name)
    else:
        prefix = t(lang, "reminder-audit-again", step=step_name)
    owed = services.evidence.owed(progress.chat_id, [*progress.history, progress.state])
    if owed:  # every nudge names the documents still owed, by name
        names = ", ".join(t(lang, document.title) for document in owed)
        prefix += "\n\n" + escape(t(lang, "doc-reminder", documents=names, count=len(owed)))
    view = services.views.of(progress)
    hint = t(lang, "reminder-mute-hint")
    return step_message(services.renderer, view, progress, above=prefix, below=hint).payload()


def _late(today: dt.date, due_on: dt.date | None) -> bool:
    return due_on is not None and due_on < today


async def send_due_reminders(application: BotApplication) -> int:
    services = application.bot_data.services
    due = services.reminders.due(REMINDERS_PER_TICK)
    limit = asyncio.Semaphore(max(1, services.delivery.limits.concurrency))
    sent = 0

    async def one(reminder: DueReminder) -> None:
        nonlocal sent
        async with limit:
            progress = services.progress.get(reminder.chat_id)
            if progress is None:
                return
            if not services.renderer.knows(progress):
                # Planned before the flow lost its step: a nudge "you are at X" cannot be
                # written. Dropped; the chat is planned again once it moves.
                services.reminders.drop(reminder)
                log.warning(
                    "chat %s: no %s reminder: it is at step '%s', which the flow does not have",
                    reminder.chat_id,
                    reminder.kind,
                    progress.state,
                )
                return
            if not services.reminders.claim(reminder):
                return
            payload = reminder_payload(application, progress, reminder)
            result = await services.delivery.send(reminder.chat_id, payload)
            services.reminders.record(reminder, result.status, result.error)
            sent += result.status == "sent"

    await asyncio.gather(*(one(r) for r in due))
    return sent


# -- the periodic jobs ---------------------------------------------------------------------------
async def tick(application: BotApplication) -> list[asyncio.Task[Any]]:
    """One round of the operators' job; returns the broadcast tasks it started."""
    services = application.bot_data.services
    services.reminders.sync()
    await send_due_reminders(application)
    return start_due_broadcasts(application)


def start_due_broadcasts(application: BotApplication) -> list[asyncio.Task[Any]]:
    """Start the broadcasts due now and take over those whose sender died (one indexed query;
    every ``BROADCASTS_EVERY``, so a takeover or a console "send" waits seconds, not a tick).
    Within quiet hours only broadcasts confirmed to go at once start; running ones go on."""
    services = application.bot_data.services
    quiet = services.quiet.is_quiet(services.broadcasts.clock())
    started = [start_broadcast(application, bid) for bid in services.broadcasts.due(quiet=quiet)]
    return [task for task in started if task is not None]


async def housekeeping(application: BotApplication) -> None:
    """Forget old updates in the ledger, drop PTB's record of chats "to persist"
    (which without a persistence grows by one entry per chat and user ever seen and is never
    read), and checkpoint the WAL in a worker thread, which also lets a long log start over.
    On the event loop this runs only bounded batches (a few ms); no checkpoint."""
    services = application.bot_data.services
    maintenance = services.maintenance
    services.ledger.prune()
    services.signin.prune()  # expired console sign-in links and sessions
    if application.persistence is None:
        application._chat_ids_to_be_updated_in_persistence.clear()
        application._user_ids_to_be_updated_in_persistence.clear()
    await maintenance.checkpoint()


class BusyNotice:
    """A periodic job that finds the database written by another process (e.g. the command line
    sending a broadcast) says so once, at INFO, and once when it gets through again;
    it tries again on each run meanwhile. Nothing was written by a run that met it."""

    def __init__(self, job: str) -> None:
        self.job = job
        self.waiting = False

    def busy(self) -> None:
        if not self.waiting:
            log.info("%s: the database is being written by another process; retrying", self.job)
            self.waiting = True

    def through(self) -> None:
        if self.waiting:
            log.info("%s: the database is free again", self.job)
            self.waiting = False


def _notice_of(context: BotContext) -> BusyNotice:
    assert context.job is not None and isinstance(context.job.data, BusyNotice)
    return context.job.data


async def _tick_job(context: BotContext) -> None:
    notice = _notice_of(context)
    try:
        await tick(context.bot_application)
    except Busy:
        notice.busy()
        return
    except Exception:  # a failed round is logged; the next one tries again
        log.exception("operators' periodic job failed")
    notice.through()


async def _broadcasts_job(context: BotContext) -> None:
    try:
        start_due_broadcasts(context.bot_application)
    except Busy:  # another process is writing (a command-line broadcast): in 2 s again
        log.debug("broadcasts check: the database is busy; next round retries")
    except Exception:
        log.exception("starting due broadcasts failed")


async def _housekeeping_job(context: BotContext) -> None:
    notice = _notice_of(context)
    try:
        await housekeeping(context.bot_application)
    except Busy:
        notice.busy()
        return
    notice.through()


async def escalate(application: BotApplication) -> int:
    """Tickets waiting for us over TPBOT_ESCALATE_AFTER_HOURS working hours, said once each in
    the support group, then the cards that are to show new waits (bot.telegram.escalation)."""
    services = application.bot_data.services
    support = services.settings.support_chat_id
    if support is None:
        return 0
    bot, escalations, catalog = application.bot, services.escalations, services.catalog
    sent = await escalate_waits(bot, escalations, catalog, support)
    await refresh_cards(bot, escalations, catalog)
    return sent


async def _escalations_job(context: BotContext) -> None:
    try:
        await escalate(context.bot_application)
    except Busy:
        log.debug("escalations: the database is busy; next round retries")
    except Exception:
        log.exception("escalating waiting tickets failed")


def downloads_of(application: BotApplication) -> Downloads:
    services = application.bot_data.services

    def language_of(chat_id: int) -> str:
        progress = services.progress.get(chat_id)
        return progress.language if progress is not None else "en"

    return Downloads(
        application.bot, services.evidence, services.locker, services.catalog, language_of
    )


async def _downloads_job(context: BotContext) -> None:
    """The documents' bytes, fetched off the update path (bot.telegram.downloads)."""
    try:
        await downloads_of(context.bot_application).run_once()
    except Busy:
        log.debug("downloads: the database is busy; next round retries")
    except Exception:
        log.exception("fetching documents failed")


def schedule(application: BotApplication) -> None:
    """In ``run`` mode (with a job queue): the periodic jobs."""
    if application.job_queue is None:
        return
    application.job_queue.run_repeating(
        _housekeeping_job,
        interval=HOUSEKEEPING_EVERY,
        first=HOUSEKEEPING_EVERY,
        data=BusyNotice("housekeeping"),
    )
    application.job_queue.run_repeating(
        _tick_job, interval=TICK_EVERY, first=5, data=BusyNotice("operators' periodic job")
    )
    application.job_queue.run_repeating(
        _broadcasts_job, interval=BROADCASTS_EVERY, first=BROADCASTS_EVERY
    )
    application.job_queue.run_repeating(_downloads_job, interval=DOWNLOADS_EVERY, first=0.5)
    application.job_queue.run_repeating(
        _escalations_job, interval=ESCALATIONS_EVERY, first=ESCALATIONS_EVERY
    )
