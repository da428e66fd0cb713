"""``tmall-tp-bot run``: the bot's process, in long polling or webhook mode.

It builds the Application without PTB's ``Updater`` and feeds it through :mod:`bot.intake`
(nothing is acknowledged before it is kept); in webhook mode a Starlette app on uvicorn
serves the webhook on ``TPBOT_LISTEN``:``TPBOT_PORT`` in the same event loop, as PTB's
custom-webhook example does. SIGINT / SIGTERM stop it cleanly; what was not handled yet stays
in the update ledger for the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import Iterator

import uvicorn
from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot import jobs
from bot.app import build_application, present
from bot.config import Settings
from bot.intake import RETRY_DELAYS, FatalIntakeError, Intake
from bot.outage import Outage
from bot.telegram.lanes import ChatLanes
from bot.telegram.rate_limits import ChatRateLimiter
from bot.web.console import Console
from bot.web.listen import open_socket
from bot.web.routes import console_routes
from bot.web.webhook import webhook_app
from bot.wiring import BotApplication

log = logging.getLogger("bot")
DRAIN_SECONDS = 5.0
HEARTBEAT_EVERY = 10.0  # seconds, in webhook mode (polling beats after every getUpdates)


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the runner decides when to stop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def run(settings: Settings, token: str) -> int:
    # First: a port that is taken stops the start (PortUnavailable, one line), before Telegram
    # is asked anything; often it is this bot already running, which must not poll twice.
    listening = open_socket(settings.web_listen(), settings.port, "TPBOT_PORT")
    try:
        return await _run(settings, token, listening)
    finally:
        listening.close()


async def _run(settings: Settings, token: str, listening: socket.socket) -> int:
    application = build_application(
        settings, token=token, rate_limiter=ChatRateLimiter(max_retries=3), job_queue=True
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    services = application.bot_data.services
    loop.add_signal_handler(signal.SIGHUP, services.roster.reload)
    try:
        if not await _connect(application, settings, stop):
            return 0
        await _announce(application, settings)
        jobs.schedule(application)
        await application.start()
        await present(application)
        return await _serve(application, settings, stop, token, listening)
    except FatalIntakeError as exc:
        log.error("%s", exc)
        return 2
    finally:
        if application.running:
            await application.stop()
        with contextlib.suppress(Exception):
            await application.shutdown()
        services.maintenance.close()


async def _connect(application: BotApplication, settings: Settings, stop: asyncio.Event) -> bool:
    """Initialize (asks Telegram who we are), retrying while the Bot API is unreachable."""
    failures = 0
    outage = Outage(settings.api_base_url)
    while not stop.is_set():
        try:
            await application.initialize()
        except InvalidToken as exc:
            raise FatalIntakeError(
                "the token was rejected by Telegram: check TELEGRAM_BOT_TOKEN"
            ) from exc
        except NetworkError as exc:
            delay = RETRY_DELAYS[min(failures, len(RETRY_DELAYS) - 1)]
            failures += 1
            log.warning("%s", outage.failed(exc, delay))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            continue
        if (line := outage.recovered()) is not None:
            log.info("%s", line)
        return True
    return False


async def _announce(application: BotApplication, settings: Settings) -> None:
    """Say at start what a newcomer would check first: operators and the support group."""
    roster = application.bot_data.services.roster
    listed = f"{len(roster)} listed in TPBOT_OPERATORS" if len(roster) else "none listed"
    if roster.reloadable:
        follows = f"changes to {roster.env_file} apply while running"
    else:
        follows = "set in the environment: restart to change it"
    log.info("operators: %s (%s)", listed, follows)
    support = settings.support_chat_id
    if support is None:
        log.info('support group: not set (TPBOT_SUPPORT_CHAT_ID): no "Ask an operator"')
        return
    try:
        chat = await application.bot.get_chat(support)
        member = await application.bot.get_chat_member(support, application.bot.id)
    except TelegramError as exc:
        log.warning("support group %s: cannot be reached (%s): is the bot a member?", support, exc)
        return
    rights = "an administrator" if member.status == "administrator" else f"a {member.status}"
    topics = bool(getattr(member, "can_manage_topics", False))
    log.info(
        "support group %r (id %s): %s, the bot is %s%s",
        chat.title,
        support,
        "a forum (one topic per ticket)" if chat.is_forum else "a plain group (cards to reply to)",
        rights,
        "" if not chat.is_forum or topics else " WITHOUT the right to manage topics",
    )


async def _serve(
    application: BotApplication,
    settings: Settings,
    stop: asyncio.Event,
    token: str,
    listening: socket.socket,
) -> int:
    intake = Intake(application)
    intake.make_good_owed()
    intake.replay()
    console = Console.of(application, token)
    webhook = settings.webhook_url is not None
    path = secret = None
    if webhook:
        assert settings.webhook_url is not None
        secret = application.bot_data.services.ledger.webhook_secret(settings.webhook_secret)
        path = settings.webhook_url.rstrip("/").rsplit("/", 1)[-1]
    server = _Server(
        uvicorn.Config(
            webhook_app(intake, path, secret, console_routes(console)),
            host=settings.web_listen(),
            port=settings.port,
            log_level="warning",
            access_log=False,
            lifespan="off",
        )
    )
    serving = asyncio.create_task(_run_server(server, listening))
    try:
        if webhook:
            await _webhook(application, intake, settings, stop, server, serving, secret)
        else:
            await application.bot.delete_webhook()
            log.info("long polling as @%s; database %s", application.bot.username, settings.db_path)
            log.info("operators' console: %s/console/ (sign in with /console)", console.public_url)
            await intake.poll(stop)
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await serving
        await _stop_handling(application, intake)
        console.close()
    return 0


async def _stop_handling(application: BotApplication, intake: Intake) -> None:
    """Let what is being handled end (a bounded time), then stop; what was not handled stays
    unhandled in the ledger, and a chat cut off after its change is made good next start."""
    await intake.drain(DRAIN_SECONDS)
    lanes = application.update_processor
    if isinstance(lanes, ChatLanes):
        cancelled = await lanes.close(0)
        if cancelled:
            log.info("%d update(s) cut off at stop: finished at the next start", cancelled)


async def _run_server(server: uvicorn.Server, listening: socket.socket) -> bool:
    """Serve on the socket :func:`run` opened until told to stop; False if the server could
    not start: uvicorn says why in the log and exits, which must not end the bot's process."""
    try:
        await server.serve(sockets=[listening])
    except SystemExit:
        return False
    return server.started


async def _beat_while_serving(intake: Intake, server: uvicorn.Server) -> None:
    while True:
        if server.started:
            intake.beat()
        await asyncio.sleep(HEARTBEAT_EVERY)


async def _webhook(
    application: BotApplication,
    intake: Intake,
    settings: Settings,
    stop: asyncio.Event,
    server: uvicorn.Server,
    serving: asyncio.Task[bool],
    secret: str | None,
) -> None:
    assert settings.webhook_url is not None
    await application.bot.set_webhook(
        settings.webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
    )
    log.info(
        "webhook mode as @%s on %s:%s; operators' console at %s/console/",
        application.bot.username,
        settings.web_listen(),
        settings.port,
        settings.public_base_url().rstrip("/"),
    )
    stopping = asyncio.create_task(stop.wait())
    beating = asyncio.create_task(_beat_while_serving(intake, server))
    await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
    beating.cancel()
    stopping.cancel()
    if serving.done() and not stop.is_set():
        raise FatalIntakeError(
            f"the webhook server could not listen on {settings.web_listen()}:{settings.port}"
        )
