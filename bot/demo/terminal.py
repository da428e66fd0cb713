"""``tmall-tp-bot demo``: the real bot in a terminal, offline, without a token.

The same ``Application``, handlers and SQLite database as ``run``; only Telegram is replaced
by :class:`bot.demo.offline_api.OfflineBotAPI`. What the bot sends is printed; buttons are numbered,
and typing a number presses one. Anything else is sent as a message (``/status``...). A picture
the bot uploads (the ``/stats`` chart) is saved beside the demo's database, and its path printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
import socket
import sys
import threading
from pathlib import Path
from typing import Any

from bot import jobs
from bot.app import build_application
from bot.config import Settings
from bot.demo.offline_api import ApiCall, OfflineBotAPI
from bot.demo.sample import seed_sample
from bot.demo.updates import UpdateFactory
from bot.web.listen import open_socket
from bot.wiring import BotApplication

_TAG = re.compile(r"</?(b|i|code|u|s|a)[^>]*>")


def plain(text: str) -> str:
    return html.unescape(_TAG.sub("", text))


def save_picture(call: ApiCall, beside: Path) -> Path | None:
    """The picture uploaded with a ``sendPhoto``, written beside the file ``beside`` (the demo's
    database) as ``<its stem>-stats-<n>.png`` with the first unused ``n``; None if the call
    uploaded none (a file id, a URL)."""
    upload = call.files.get("photo")
    if upload is None:
        return None
    filename, content = upload
    suffix = Path(filename).suffix or ".png"
    beside.parent.mkdir(parents=True, exist_ok=True)
    n = 1
    while True:
        path = beside.with_name(f"{beside.stem}-stats-{n}{suffix}")
        try:
            with path.open("xb") as file:  # exclusive: never overwrites an earlier chart
                file.write(content)
        except FileExistsError:
            n += 1
            continue
        return path


def show(
    calls: list[ApiCall], pictures_beside: Path | None = None
) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """Print the bot's messages; return the last message that has buttons, and its buttons.
    Pictures are saved beside ``pictures_beside`` (see :func:`save_picture`), if given."""
    last_message: dict[str, Any] | None = None
    last_buttons: list[tuple[str, str]] = []
    for call in calls:
        if call.method == "answerCallbackQuery":
            if call.params.get("text"):
                print(f"  [{plain(str(call.params['text']))}]")
            continue
        if call.method in ("sendPhoto", "sendDocument"):
            saved = None
            if call.method == "sendPhoto" and pictures_beside is not None:
                saved = save_picture(call, pictures_beside)
            if saved is not None:
                print(f"\n  [chart saved to {saved}]")
            else:
                print("\n  [a picture or file: not shown in a terminal]")
            if call.text:
                print(plain(call.text))
            continue
        if call.method not in ("sendMessage", "editMessageText"):
            continue
        print("\n" + plain(call.text))
        buttons = call.buttons()
        if buttons and isinstance(call.result, dict):
            last_message, last_buttons = call.result, buttons
            for number, (label, _) in enumerate(buttons, 1):
                print(f"   {number}) {label}")
    return last_message, last_buttons


async def run_demo(
    settings: Settings,
    *,
    language: str | None = None,
    chat_id: int = 10_001,
    console: bool = False,
    sample: int = 0,
) -> int:
    """``language``: the demo chat's language (an earlier demo's saved one if not given);
    ``console``: serve the operators' console too (``settings`` makes the demo user one);
    ``sample``: first add that many sample companies (:mod:`bot.demo.sample`)."""
    # A taken port stops the demo at once, one line (PortUnavailable), before anything else.
    listening = open_socket("127.0.0.1", settings.port, "--port") if console else None
    if sample:
        made = await seed_sample(settings, sample)
        print(f"{made} sample companies added ({sample - made} were there already).")
    api = OfflineBotAPI()
    # With the periodic jobs, as ``run``: reminders, and broadcasts sent when their time comes.
    application = build_application(settings, request=api, token="0:demo", job_queue=True)
    factory = UpdateFactory(application.bot, first_update_id=_first_update_id(application))
    user = factory.user(chat_id, "Demo", "zh-hans" if language == "zh" else "en")
    services = application.bot_data.services
    saved = services.progress.get(chat_id)
    if language is not None and saved is not None and saved.language != language:
        services.progress.set_language(saved, language)  # asked for now: it wins
    print("tmall-tp-bot demo: offline, no token. Database:", settings.db_path)
    print("Type a number to press a button, /help for commands, Ctrl-D to quit.")
    await application.initialize()
    chat = TerminalChat(api, chat_id, settings.db_path)
    web = await DemoConsole.start(application, listening, chat_id) if listening else None
    jobs.schedule(application)
    await application.start()
    lines = input_lines()
    next_line: asyncio.Future[str] = asyncio.ensure_future(lines.get())
    try:
        await application.process_update(factory.command(user, "/start"))
        chat.show_new()
        while True:
            # Whatever comes first: a line typed here, or a message the bot sends this chat
            # on its own (a console move or message, a broadcast, a reminder).
            arrival = asyncio.ensure_future(api.arrived.wait())
            waiting: set[asyncio.Future[Any]] = {next_line, arrival}
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            arrival.cancel()
            chat.show_new()
            if not next_line.done():
                continue
            line = next_line.result()
            if not line:
                if web is not None:
                    await web.serve_until_interrupted()
                break
            next_line = asyncio.ensure_future(lines.get())
            text = line.strip()
            if not text:
                continue
            if web is None and _is_console_command(text) and chat_id in services.roster:
                print(NO_CONSOLE)
                continue
            if text.isdigit() and chat.message is not None and 1 <= int(text) <= len(chat.buttons):
                update = factory.press(user, chat.buttons[int(text) - 1][1], chat.message)
            elif text.startswith("/"):
                update = factory.command(user, text)
            else:
                update = factory.message(user, text=text)
            await application.process_update(update)
            chat.show_new()
    finally:
        next_line.cancel()
        if application.running:
            await application.stop()
        if web is not None:
            await web.stop()
        await application.shutdown()
        services.maintenance.close()
    print("\nbye — your progress is saved; run the demo again to continue.")
    return 0


NO_CONSOLE = (
    "  [the operators' console is not running in this demo: start it with "
    "`tmall-tp-bot demo --console` (and --port N for another port than TPBOT_PORT)]"
)


def _is_console_command(text: str) -> bool:
    """``/console``, also as ``/console@Bot`` or in capitals, as the bot's handler takes it."""
    return text.split(maxsplit=1)[0].split("@", 1)[0].lower() == "/console"


class TerminalChat:
    """The demo chat as the terminal shows it: what the bot sent it since the last look (calls
    to other chats, e.g. the sample companies, are not shown), and the last buttons."""

    def __init__(self, api: OfflineBotAPI, chat_id: int, pictures_beside: Path) -> None:
        self.api, self.chat_id, self.pictures_beside = api, chat_id, pictures_beside
        self.message: dict[str, Any] | None = None
        self.buttons: list[tuple[str, str]] = []

    def show_new(self) -> None:
        self.api.arrived.clear()
        calls = [c for c in self.api.take() if c.chat_id in (None, self.chat_id)]
        message, buttons = show(calls, self.pictures_beside)
        if message is not None:
            self.message, self.buttons = message, buttons


def input_lines() -> asyncio.Queue[str]:
    """The terminal's lines ("" at the end), read by a daemon thread: the console's server
    shares this event loop, and Ctrl-C must not wait for a line that never comes."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str] = asyncio.Queue()

    def read() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(queue.put_nowait, line)
        loop.call_soon_threadsafe(queue.put_nowait, "")

    threading.Thread(target=read, name="demo-input", daemon=True).start()
    return queue


def _first_update_id(application: BotApplication) -> int:
    """Start above any update id the demo chat already used, so none looks redelivered."""
    return application.bot_data.services.ledger.newest_update_id() + 1


class DemoConsole:
    """The operators' console over the demo's database, on 127.0.0.1 (same event loop)."""

    def __init__(self, console: Any, server: Any, task: asyncio.Task[None]) -> None:
        self.console, self.server, self.task = console, server, task

    @classmethod
    async def start(
        cls, application: BotApplication, listening: socket.socket, chat_id: int
    ) -> DemoConsole:
        import uvicorn

        from bot.web.console import Console
        from bot.web.routes import console_routes
        from bot.web.webhook import webhook_app

        console = Console.of(application, "0:demo")
        server = uvicorn.Server(
            uvicorn.Config(
                webhook_app(None, None, None, console_routes(console)),
                host="127.0.0.1",
                port=listening.getsockname()[1],
                log_level="warning",
                lifespan="off",
            )
        )
        task = asyncio.create_task(server.serve(sockets=[listening]))
        while not server.started and not task.done():
            await asyncio.sleep(0.02)
        link = application.bot_data.services.signin.issue_link(chat_id)
        print(f"Operators' console: {console.public_url}/console/")
        print(f"  sign in (one-time link, 10 minutes): {console.public_url}/console/login/{link}")
        print("  (/console in this chat gives you a new link)")
        return cls(console, server, task)

    async def serve_until_interrupted(self) -> None:
        print("Input closed; the console keeps running. Ctrl-C stops it.")
        await self.task

    async def stop(self) -> None:
        self.server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError, SystemExit):
            await self.task
        self.console.close()
