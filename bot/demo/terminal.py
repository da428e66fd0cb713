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

from bot.app import build_application
from bot.config import Settings
from bot.demo.offline_api import ApiCall, OfflineBotAPI
from bot.demo.sample import seed_sample
from bot.demo.updates import UpdateFactory
from bot.handlers.context import BotApplication
from bot.web.listen import open_socket

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
    application = build_application(settings, request=api, token="0:demo")
    factory = UpdateFactory(application.bot, first_update_id=_first_update_id(application))
    user = factory.user(chat_id, "Demo", "zh-hans" if language == "zh" else "en")
    progress_service = application.bot_data.services.progress
    saved = progress_service.get(chat_id)
    if language is not None and saved is not None and saved.language != language:
        progress_service.set_language(saved, language)  # asked for now: it wins
    print("tmall-tp-bot demo: offline, no token. Database:", settings.db_path)
    print("Type a number to press a button, /help for commands, Ctrl-D to quit.")
    await application.initialize()
    message: dict[str, Any] | None = None
    buttons: list[tuple[str, str]] = []
    web = await DemoConsole.start(application, listening, chat_id) if listening else None
    lines = input_lines()
    try:
        await application.process_update(factory.command(user, "/start"))
        message, buttons = show(api.take(), settings.db_path)
        while True:
            line = await lines.get()
            if not line:
                if web is not None:
                    await web.serve_until_interrupted()
                break
            text = line.strip()
            if not text:
                continue
            if text.isdigit() and message is not None and 1 <= int(text) <= len(buttons):
                update = factory.press(user, buttons[int(text) - 1][1], message)
            elif text.startswith("/"):
                update = factory.command(user, text)
            else:
                update = factory.message(user, text=text)
            await application.process_update(update)
            shown_message, shown_buttons = show(api.take(), settings.db_path)
            if shown_message is not None:
                message, buttons = shown_message, shown_buttons
    finally:
        if web is not None:
            await web.stop()
        await application.shutdown()
        application.bot_data.services.maintenance.close()
    print("\nbye — your progress is saved; run the demo again to continue.")
    return 0


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
