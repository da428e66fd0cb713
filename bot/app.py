"""Build the bot: load and check the flow, open the database, wire the handlers.

``build_application`` is the one place an ``Application`` is made, for ``run``, ``demo``, the
tests and the benchmark alike; only the request layer (the network) differs between them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from telegram import BotCommand
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, Defaults
from telegram.request import BaseRequest

from bot.config import Settings
from bot.handlers import errors, fallback, flow, groups, operators, support, updates
from bot.handlers.common import BotServices
from bot.handlers.render import Renderer
from bot.services.clock import iso, utc_now
from bot.services.flow_spec import FlowSpec, load_flow
from bot.services.i18n import LANGUAGES, Catalog
from bot.services.progress import ProgressService
from bot.storage.chats import forget_updates_before
from bot.storage.db import BackgroundCheckpointer, checkpoint, close_database, open_database

log = logging.getLogger(__name__)

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
    ("help", "cmd-help"),
]
CHECKPOINT_EVERY = dt.timedelta(seconds=2)
FORGET_UPDATES_AFTER = dt.timedelta(days=2)
RESTART_LOG_FRAMES = 8_192  # 16 MB of 2 KB pages: past that, make sure the WAL can start over

# Feature modules: each has ``register(application)``; order matters within group 0, and
# ``fallback`` must stay last, since it takes whatever the others did not.
FEATURES: list[Callable[[Application], None]] = [  # type: ignore[type-arg]
    flow.register_answer_buttons,
    support.register,  # before flow: /status inside a ticket's topic is the ticket's
    flow.register,
    groups.register,
    operators.register,
]


def load_catalog_and_flow(settings: Settings) -> tuple[Catalog, FlowSpec]:
    """Both validated against each other: a flow text missing in a locale is a flow fault."""
    catalog = Catalog(settings.locales_dir)
    spec = load_flow(settings.flow_path, catalog.message_ids())
    return catalog, spec


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    clock: Callable[[], dt.datetime] = utc_now,
    token: str | None = None,
    rate_limiter: Any = None,
    job_queue: bool = False,
    manual_checkpoints: bool | None = None,
) -> Application:  # type: ignore[type-arg]
    """The bot's Application. ``job_queue`` runs periodic jobs (checkpoints among them);
    without it SQLite checkpoints by itself unless ``manual_checkpoints`` says otherwise."""
    catalog, spec = load_catalog_and_flow(settings)
    db = open_database(
        settings.db_path,
        manual_checkpoints=job_queue if manual_checkpoints is None else manual_checkpoints,
    )
    builder: ApplicationBuilder = (  # type: ignore[type-arg]
        Application.builder()
        .application_class(updates.HandleOnceApplication)
        .token(token or settings.token or "0:offline")
        .base_url(settings.api_base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if rate_limiter is not None:
        builder = builder.rate_limiter(rate_limiter)
    if not job_queue:
        builder = builder.job_queue(None)
    application = builder.build()
    progress = ProgressService(db, spec, clock)
    application.bot_data["services"] = BotServices(
        settings=settings,
        db=db,
        spec=spec,
        catalog=catalog,
        progress=progress,
        renderer=Renderer(catalog, spec),
        checkpointer=BackgroundCheckpointer(settings.db_path),
    )
    for register in FEATURES:
        register(application)
    fallback.register(application)
    application.add_error_handler(errors.on_error)
    return application


def services_of(application: Application) -> BotServices:  # type: ignore[type-arg]
    services: BotServices = application.bot_data["services"]
    return services


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            _housekeeping, interval=CHECKPOINT_EVERY, first=CHECKPOINT_EVERY
        )
    operators.schedule(application)


async def _housekeeping(context: Any) -> None:
    await housekeeping(context.application)


async def housekeeping(application: Application) -> None:  # type: ignore[type-arg]
    """Periodic upkeep, off the per-update path: forget old update ids, drop PTB's record of
    chats "to persist" (which without a persistence grows by one entry per chat and user ever
    seen and is never read), and checkpoint the WAL in a worker thread."""
    services = services_of(application)
    cutoff = services.progress.clock() - FORGET_UPDATES_AFTER
    forget_updates_before(services.db, iso(cutoff))
    if application.persistence is None:
        application._chat_ids_to_be_updated_in_persistence.clear()
        application._user_ids_to_be_updated_in_persistence.clear()
    log_frames = await asyncio.to_thread(services.checkpointer.run)
    if log_frames >= RESTART_LOG_FRAMES:
        checkpoint(services.db)  # the frames written meanwhile: few, and lets the log restart


async def _post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    services = services_of(application)
    services.checkpointer.close()
    close_database(services.db)


async def register_commands(application: Application) -> None:  # type: ignore[type-arg]
    """Tell Telegram our command list: English as the default, Chinese for zh users."""
    catalog = services_of(application).catalog
    for lang in LANGUAGES:
        commands = [BotCommand(name, catalog.text(lang, desc)) for name, desc in COMMANDS]
        await application.bot.set_my_commands(
            commands, language_code=None if lang == "en" else lang
        )
