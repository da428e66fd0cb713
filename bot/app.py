"""Build the bot: settings → storage → services → features, in that order and in one place.

``build_application`` is the one place an ``Application`` is made, for ``run``, ``demo``, the
tests and the benchmark alike; only the request layer (the network) differs between them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from telegram import BotCommand
from telegram.constants import FileSizeLimit, ParseMode
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults
from telegram.request import BaseRequest, HTTPXRequest

from bot.config import Settings
from bot.handlers import (
    documents,
    errors,
    fallback,
    flow,
    groups,
    operators,
    reminders,
    support,
    whoami,
)
from bot.handlers.groups.admin import admin_guard
from bot.handlers.handle_once import HandleOnceApplication
from bot.handlers.operators.console import set_menu_buttons
from bot.handlers.support.asking import AskButtonRow
from bot.services.broadcasts.broadcasts import BroadcastService
from bot.services.broadcasts.composer import BroadcastComposer
from bot.services.broadcasts.delivery import Delivery, Limits
from bot.services.broadcasts.drafts import DraftService
from bot.services.calendar.clock import utc_now
from bot.services.calendar.quiet_hours import QuietHours
from bot.services.calendar.workdays import Calendar
from bot.services.calendar.working_hours import WorkingHours
from bot.services.console.console_auth import SignIn
from bot.services.console.roster import Roster
from bot.services.desk.canned import CannedReplies, reply_faults
from bot.services.desk.escalation import Escalations
from bot.services.desk.relay import CardHandoff
from bot.services.desk.tickets import TicketService
from bot.services.evidence.evidence import EvidenceService
from bot.services.evidence.locker import Locker
from bot.services.flow import flow_versions
from bot.services.flow.content import load_content
from bot.services.flow.event_log import EventLog
from bot.services.flow.flow_spec import FlowSpec
from bot.services.flow.progress import ProgressService
from bot.services.flow.rejections import Rejections
from bot.services.flow.step_view import StepViews
from bot.services.funnel.funnel import FunnelService
from bot.services.groups.groups import GroupService
from bot.services.i18n import LANGUAGES, Catalog
from bot.services.ledger import UpdateLedger
from bot.services.maintenance import Maintenance
from bot.services.reminders.pause import AutomationPause
from bot.services.reminders.reminders import ReminderService
from bot.storage.db import BackgroundCheckpointer, close_database, open_database
from bot.storage.group_commit import GroupCommit
from bot.telegram.documents_text import DocumentTexts
from bot.telegram.lanes import ChatLanes
from bot.telegram.limits import TELEGRAM_TEXT_LIMITS
from bot.telegram.render import Renderer, RowHook
from bot.telegram.request import RawUpdatesRequest, RetryingRequest
from bot.telegram.sender import TelegramSender
from bot.wiring import CONTEXT_TYPES, BotApplication, Services

log = logging.getLogger(__name__)

# How long the bot's own writes wait for another process's lock before handing the update
# back to the intake for a later try: short, since the wait blocks the event loop.
BUSY_TIMEOUT_MS = 50
REPLY_POOL_SPARE = 8  # connections beyond one per update in flight: broadcasts, jobs

# (command, Fluent id of its description); registered with Telegram in every language.
COMMANDS = [
    ("start", "cmd-start"),
    ("status", "cmd-status"),
    ("back", "cmd-back"),
    ("language", "cmd-language"),
    ("reset", "cmd-reset"),
    ("ask", "cmd-ask"),
    ("mute", "cmd-mute"),
    ("unmute", "cmd-unmute"),
    ("documents", "cmd-documents"),
    ("id", "cmd-id"),
    ("help", "cmd-help"),
]

# Each feature adds its handlers, in this order within group 0: answer buttons first (most
# updates), the support desk before the flow (/status in a ticket's topic is the ticket's),
# and the fallback last, since it takes whatever the others did not.
FEATURES: tuple[Callable[[BotApplication], None], ...] = (
    flow.register_answer_buttons,
    support.register,
    flow.register,
    groups.register,
    reminders.register,
    operators.register,
    whoami.register,
    documents.register,
    fallback.register,
)


def load_catalog_and_flow(settings: Settings) -> tuple[Catalog, FlowSpec]:
    """Both validated against each other (``bot.services.flow.content``), and the desk's
    canned replies: every fault at once."""
    return load_content(settings.flow_path, settings.locales_dir, checks=(reply_faults,))


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    clock: Callable[[], dt.datetime] = utc_now,
    token: str | None = None,
    rate_limiter: AIORateLimiter | None = None,
    job_queue: bool = False,
    manual_checkpoints: bool | None = None,
) -> BotApplication:
    """The bot's Application. ``job_queue`` runs the periodic jobs (checkpoints among them);
    without it SQLite checkpoints by itself unless ``manual_checkpoints`` says otherwise."""
    catalog, spec = load_catalog_and_flow(settings)
    db = open_database(
        settings.db_path,
        manual_checkpoints=job_queue if manual_checkpoints is None else manual_checkpoints,
        busy_timeout_ms=BUSY_TIMEOUT_MS,
    )
    builder: ApplicationBuilder = (  # type: ignore[type-arg]  # PTB types its builder loosely
        Application.builder()
        .application_class(HandleOnceApplication)
        .context_types(CONTEXT_TYPES)
        .token(token or settings.token or "0:offline")
        .base_url(settings.api_base_url)
        .base_file_url(settings.file_base_url())
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .updater(None)  # updates come in through bot.intake, kept before acknowledged
    )
    # getUpdates has a connection of its own; replies get one per update in flight (a
    # smaller pool makes updates queue for connections, a larger one costs the pool's
    # bookkeeping on every call).
    fetched = RawUpdatesRequest(request or HTTPXRequest(connection_pool_size=1))
    replies = request or HTTPXRequest(
        connection_pool_size=settings.concurrent_updates + REPLY_POOL_SPARE
    )
    builder = builder.get_updates_request(fetched)
    group = GroupCommit(db)  # the updates' changes, one commit per turn of the loop
    builder = builder.request(RetryingRequest(replies, saved=group.durable))
    builder = builder.concurrent_updates(
        ChatLanes(settings.concurrent_updates, settings.support_chat_id)
    )
    if rate_limiter is not None:
        builder = builder.rate_limiter(rate_limiter)
    if not job_queue:
        builder = builder.job_queue(None)
    application: BotApplication = builder.build()

    try:  # moves nothing if any would be stranded, unless allowed (run --allow-stranded)
        moved = flow_versions.apply(db, spec, clock, allow_stranded=settings.allow_stranded)
    except flow_versions.StrandedChats:
        close_database(db)
        raise
    stranded = [m for m in moved if m.target is None]
    for line in flow_versions.describe(spec, [m for m in moved if m.target is not None]):
        log.info("flow version %s: %s", spec.version, line)
    if stranded:
        for line in str(flow_versions.StrandedChats(spec, stranded)).splitlines():
            log.warning("started with --allow-stranded: %s", line.strip())
    quiet = QuietHours.parse(settings.quiet_hours, settings.timezone)
    ledger = UpdateLedger(db, clock, group)
    calendar = Calendar.load(settings.calendar_path, clock=clock)
    event_log = EventLog(db, spec.version, clock)
    progress = ProgressService(db, spec, ledger, calendar, event_log, clock)
    broadcasts, drafts = BroadcastService(db, spec, clock), DraftService(db, clock)
    # A self-hosted Bot API server (--local) serves files beyond the public 20 MB.
    download_limit = int(
        FileSizeLimit.FILESIZE_DOWNLOAD
        if settings.official_api()
        else FileSizeLimit.FILESIZE_DOWNLOAD_LOCAL_MODE
    )
    evidence = EvidenceService(db, spec, clock, download_limit)
    row_hooks: tuple[RowHook, ...] = (AskButtonRow(),) if settings.support_chat_id else ()
    services = Services(
        settings=settings,
        catalog=catalog,
        spec=spec,
        calendar=calendar,
        event_log=event_log,
        progress=progress,
        rejections=Rejections(
            db, spec, ledger, progress.plan, event_log, clock, evidence.reopen, catalog.text
        ),
        views=StepViews(db, spec, progress, evidence.states, evidence.asked_states),
        renderer=Renderer(
            catalog, spec, calendar, row_hooks, support=settings.support_chat_id is not None
        ),
        tickets=TicketService(
            db,
            settings.support_chat_id,
            clock,
            progress,
            CardHandoff(
                settings.handoff_resume_days,
                settings.working_hours,
                settings.escalate_after_hours,
            ),
        ),
        replies=CannedReplies(catalog, spec, calendar),
        escalations=Escalations(
            db,
            clock,
            calendar,
            WorkingHours.parse(settings.working_hours),
            settings.escalate_after_hours,
        ),
        groups=GroupService(db, clock),
        broadcasts=broadcasts,
        drafts=drafts,
        composer=BroadcastComposer(broadcasts, drafts, quiet, TELEGRAM_TEXT_LIMITS),
        reminders=ReminderService(
            db, spec, clock, quiet, calendar, settings.idle_days, settings.handoff_resume_days
        ),
        pause=AutomationPause(db, clock, event_log),
        funnel=FunnelService(settings.db_path, spec, calendar, settings.idle_days),
        delivery=Delivery(
            TelegramSender(application.bot), Limits(per_second=settings.broadcast_rate)
        ),
        quiet=quiet,
        maintenance=Maintenance(db, BackgroundCheckpointer(settings.db_path), clock),
        ledger=ledger,
        signin=SignIn(db, clock),
        roster=Roster(settings.operators, settings.operators_file),
        evidence=evidence,
        locker=Locker(settings.evidence_path()),
        document_texts=DocumentTexts(catalog, spec, download_limit),
        guards=(admin_guard,),
    )
    services.renderer.documents = services.document_texts
    application.bot_data.attach(services)
    if isinstance(application, HandleOnceApplication):
        application.fetched = fetched
    if settings.support_chat_id is not None:  # a progress it got before: out of audiences
        services.groups.set_active(settings.support_chat_id, False)
    for register in FEATURES:
        register(application)
    application.add_error_handler(errors.on_error)
    return application


async def register_commands(application: BotApplication) -> None:
    """Tell Telegram our command list: English as the default, Chinese for zh users."""
    catalog = application.bot_data.services.catalog
    for lang in LANGUAGES:
        commands = [BotCommand(name, catalog.text(lang, desc)) for name, desc in COMMANDS]
        await application.bot.set_my_commands(
            commands, language_code=None if lang == "en" else lang
        )


async def present(application: BotApplication) -> None:
    """At start: the command list, and the console's menu button for operators."""
    try:
        await register_commands(application)
    except TelegramError as exc:
        log.warning("could not register the command list: %s", exc)
    await set_menu_buttons(application)
