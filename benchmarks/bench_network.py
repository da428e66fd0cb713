"""Many chats at once over a network with latency: the real ``tmall-tp-bot run`` vs bare peers.

A fake Bot API (asyncio, HTTP/1.1 keep-alive, Nagle off, each response written at once) on
127.0.0.1 delays every method but ``getUpdates`` by ``--latency`` seconds, hands out updates by
long polling (an update is gone once an offset passes it) and watches the replies. ``--chats``
simulated people each send ``/start`` and then ``--presses`` button presses, each press sent
once the previous one was answered (its ``answerCallbackQuery`` and the next screen, a
``sendMessage``/``editMessageText`` with answer buttons, arrived), pressing the first answer
button shown, as a person walking the flow would.

The bots, one after another in one run, each a process of its own polling the same fake API:

* ``ours``: ``tmall-tp-bot run`` (a fresh database each time), configured by its environment only;
* ``ptb-serial``: a bare python-telegram-bot ``Application`` as ``ApplicationBuilder`` makes it
  (one update at a time), answering each press and editing the message with a step-sized text
  and three buttons, and sending that screen for ``/start``;
* ``ptb-concurrent``: the same with ``concurrent_updates(True)`` and ``AIORateLimiter``;
* ``aiogram``: aiogram 3 polling (handlers as tasks, no limiter), if it is installed.

Printed per bot: updates/s, latency from a press to its ``answerCallbackQuery`` (the
"acknowledged" spinner) and to its next screen (p50/p95/p99/max), the most messages one chat got
in a second and one group in a minute, and ours ÷ each peer. Times are taken when the call
reaches the fake API. Then the flood: one group pressing "not yet" ``--flood-presses`` times as
fast as it is answered while ``--flood-others`` other chats walk the flow; printed: the others'
latencies, and the group's own.

    .venv/bin/python benchmarks/bench_network.py --latency 0.05 --chats 200
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import email.parser
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

PROJECT = Path(__file__).resolve().parents[1]
TOKEN = "123456:BENCH-NETWORK-abcdefghijklmnopqrstu"
PRESS_TIMEOUT = 180.0  # a person gives up on a press after this long (counted, not waited for)
STEP_SIZED_TEXT = "<b>Stage 1 of 3 · Register as a service provider</b>\n\n" + "x" * 250
BOT_USER = {"id": 777000111, "is_bot": True, "first_name": "Bench", "username": "TmallTPBot"}
MESSAGE_METHODS = frozenset({"sendMessage", "editMessageText", "sendPhoto", "sendDocument"})


# -- the fake Bot API --------------------------------------------------------------------------
class FakeBotAPI:
    """Telegram's side: queued updates out by ``getUpdates``, every other call delayed."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.updates: list[dict[str, Any]] = []
        self.next_update_id = 1
        self.arrived = asyncio.Event()
        self.polled = asyncio.Event()
        self.next_message_id = 1000
        self.listeners: list[Any] = []
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        self.port = int(self.server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def add(self, update: dict[str, Any]) -> int:
        update_id = self.next_update_id
        self.next_update_id += 1
        self.updates.append({"update_id": update_id, **update})
        self.arrived.set()
        return update_id

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                body = await reader.readexactly(int(headers.get("content-length") or 0))
                params = parse_params(headers.get("content-type", ""), body)
                result = await self.call(path.rsplit("/", 1)[-1], params)
                payload = json.dumps({"ok": True, "result": result}).encode()
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(payload)}\r\n\r\n".encode()
                    + payload
                )
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        except asyncio.CancelledError:  # the run is over; the bot's poll is cut off
            pass
        finally:
            writer.close()

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getUpdates":
            return await self._get_updates(params)
        now = time.perf_counter()
        result = self.answer(method, params)
        for listener in self.listeners:
            listener(now, method, params, result)
        await asyncio.sleep(self.latency)
        return result

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        self.polled.set()
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 2.0)
        while True:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            if self.updates or time.monotonic() >= deadline:
                return self.updates[:limit]
            self.arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), deadline - time.monotonic())

    def answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in MESSAGE_METHODS:
            chat_id = int(params.get("chat_id") or 0)
            if method.startswith("edit") and "message_id" in params:
                message_id = int(params["message_id"])
            else:
                self.next_message_id += 1
                message_id = self.next_message_id
            message: dict[str, Any] = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "from": BOT_USER,
                "text": str(params.get("text") or params.get("caption") or ""),
            }
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            return message
        if method == "getChatMember":
            user = {"id": int(params["user_id"]), "is_bot": False, "first_name": "U"}
            return {"status": "member", "user": user}
        if method == "getChat":
            chat_id = int(params["chat_id"])
            kind = "private" if chat_id > 0 else "supergroup"
            return {"id": chat_id, "type": kind, "title": f"Chat {chat_id}", "accent_color_id": 0}
        if method in ("getMyCommands", "getWebhookInfo"):
            return [] if method == "getMyCommands" else {"url": "", "pending_update_count": 0}
        if method == "copyMessage":
            self.next_message_id += 1
            return {"message_id": self.next_message_id}
        return True


def parse_params(content_type: str, body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    if "json" in content_type:
        return dict(json.loads(body))
    if "multipart" in content_type:
        message = email.parser.BytesParser().parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        raw: dict[str, str] = {}
        for part in message.walk():
            name = part.get_param("name", header="content-disposition")
            if isinstance(name, str) and part.get_filename() is None:
                payload = part.get_payload(decode=True)
                raw[name] = payload.decode() if isinstance(payload, bytes) else ""
    else:
        raw = {k: v[0] for k, v in parse_qs(body.decode()).items()}
    params: dict[str, Any] = {}
    for key, value in raw.items():
        params[key] = json.loads(value) if value.startswith(("{", "[")) else value
    return params


# -- the people ----------------------------------------------------------------------------------
@dataclass
class Chat:
    chat_id: int
    buttons: list[str] = field(default_factory=list)
    message_id: int = 0
    screen: asyncio.Event = field(default_factory=asyncio.Event)
    acks: list[float] = field(default_factory=list)
    screens: list[float] = field(default_factory=list)
    timeouts: int = 0
    picked: int = 0


class Crowd:
    """People pressing through the flow; records when each of their replies arrives."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api
        self.chats: dict[int, Chat] = {}
        self.acked: dict[str, asyncio.Event] = {}
        self.sent_at: dict[int, list[float]] = defaultdict(list)
        self.updates = 0
        self.query_ids = 0
        api.listeners.append(self.on_call)

    def on_call(self, now: float, method: str, params: dict[str, Any], result: Any) -> None:
        if method == "answerCallbackQuery":
            event = self.acked.get(str(params.get("callback_query_id")))
            if event is not None:
                event.set()
            return
        if method not in MESSAGE_METHODS or "chat_id" not in params:
            return
        chat_id = int(params["chat_id"])
        self.sent_at[chat_id].append(now)
        chat = self.chats.get(chat_id)
        markup = params.get("reply_markup")
        rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
        data = [str(b.get("callback_data")) for row in rows for b in row if "callback_data" in b]
        answers = [d for d in data if d.startswith(("a|", "rj|"))]  # rj|: a rejection's reason
        if chat is not None and answers:
            chat.buttons = answers
            chat.message_id = int(result["message_id"])
            chat.screen.set()

    def user(self, chat_id: int) -> dict[str, Any]:
        uid = abs(chat_id) % 1_000_000_000 + 1
        return {"id": uid, "is_bot": False, "first_name": f"U{uid}", "language_code": "en"}

    def kind(self, chat_id: int) -> str:
        return "private" if chat_id > 0 else "supergroup"

    async def start(self, chat: Chat) -> bool:
        chat.screen.clear()
        self.updates += 1
        self.api.add(
            {
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "chat": {"id": chat.chat_id, "type": self.kind(chat.chat_id), "title": "T"},
                    "from": self.user(chat.chat_id),
                    "text": "/start",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                }
            }
        )
        try:
            await asyncio.wait_for(chat.screen.wait(), PRESS_TIMEOUT)
        except TimeoutError:
            chat.timeouts += 1
            return False
        return True

    async def press(self, chat: Chat, pick: str | None = None, record: bool = True) -> bool:
        chosen = [b for b in chat.buttons if pick and b.endswith(f"|{pick}")]
        data = (chosen or chat.buttons)[0]
        chat.picked += bool(chosen)
        self.query_ids += 1
        query_id = f"q{self.query_ids}"
        acked = self.acked[query_id] = asyncio.Event()
        chat.screen.clear()
        self.updates += 1
        started = time.perf_counter()
        self.api.add(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self.user(chat.chat_id),
                    "chat_instance": str(chat.chat_id),
                    "data": data,
                    "message": {
                        "message_id": chat.message_id,
                        "date": int(time.time()),
                        "chat": {"id": chat.chat_id, "type": self.kind(chat.chat_id)},
                        "from": BOT_USER,
                        "text": "…",
                    },
                }
            }
        )
        try:
            async with asyncio.timeout(PRESS_TIMEOUT):
                await acked.wait()
                if record:
                    chat.acks.append(time.perf_counter() - started)
                await chat.screen.wait()
                if record:
                    chat.screens.append(time.perf_counter() - started)
        except TimeoutError:
            chat.timeouts += 1
            return False
        finally:
            del self.acked[query_id]
        return True

    async def walk(self, chat: Chat, presses: int) -> None:
        if await self.start(chat):
            for _ in range(presses):
                if not await self.press(chat):
                    return

    async def flood(self, chat: Chat, presses: int) -> None:
        for _ in range(presses):
            if not await self.press(chat, pick="not_yet"):
                return


# -- the bots --------------------------------------------------------------------------------
def bot_env(api: FakeBotAPI, tmp: Path, name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TPBOT_", "TELEGRAM_"))}
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=api.base_url,
        TPBOT_DB=str(tmp / f"{name}.sqlite3"),
        TPBOT_PORT=str(port),
        TPBOT_LISTEN="127.0.0.1",
        PYTHONPATH=str(PROJECT),
    )
    if "TPBOT_CONCURRENT_UPDATES" in os.environ:  # the one setting passed on, to compare
        env["TPBOT_CONCURRENT_UPDATES"] = os.environ["TPBOT_CONCURRENT_UPDATES"]
    return env


def launch(bot: str, env: dict[str, str], log: Any) -> subprocess.Popen[bytes]:
    if bot == "ours":
        command = [sys.executable, "-m", "bot", "run"]
    else:
        command = [sys.executable, str(Path(__file__).resolve()), "--peer", bot]
    return subprocess.Popen(command, env=env, cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT)


def peer(kind: str) -> None:
    """Run a bare peer bot against ``TELEGRAM_API_BASE_URL`` until Ctrl-C."""
    base_url = os.environ["TELEGRAM_API_BASE_URL"]
    labels = ("✅ Yes", "⏳ Not yet", "👤 I only have a personal Alipay")
    if kind == "aiogram":
        run_aiogram(base_url, labels)
        return
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
    from telegram.constants import ParseMode
    from telegram.ext import (
        AIORateLimiter,
        ApplicationBuilder,
        CallbackQueryHandler,
        CommandHandler,
        ContextTypes,
        Defaults,
    )

    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=f"a|1|s|{label}")] for label in labels]
    )

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        await context.bot.send_message(
            update.effective_chat.id, STEP_SIZED_TEXT, reply_markup=keyboard
        )

    async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("✅ Yes")
        await query.edit_message_text(STEP_SIZED_TEXT, reply_markup=keyboard)

    builder = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
    )
    if kind == "ptb-concurrent":
        builder = builder.concurrent_updates(True).rate_limiter(AIORateLimiter())
    app = builder.build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(press))
    app.run_polling(drop_pending_updates=False)


def run_aiogram(base_url: str, labels: tuple[str, ...]) -> None:
    from aiogram import Bot, Dispatcher, F  # type: ignore[import-not-found]
    from aiogram.client.session.aiohttp import (  # type: ignore[import-not-found]
        AiohttpSession,
    )
    from aiogram.client.telegram import TelegramAPIServer  # type: ignore[import-not-found]
    from aiogram.filters import CommandStart  # type: ignore[import-not-found]
    from aiogram.types import (  # type: ignore[import-not-found]
        CallbackQuery,
        InlineKeyboardButton,
        InlineKeyboardMarkup,
        Message,
    )

    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=label, callback_data=f"a|1|s|{label}")] for label in labels
        ]
    )
    root = base_url.removesuffix("/bot")
    session = AiohttpSession(api=TelegramAPIServer.from_base(root))
    bot = Bot(TOKEN, session=session)
    dispatcher = Dispatcher()

    @dispatcher.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer(STEP_SIZED_TEXT, reply_markup=keyboard, parse_mode="HTML")

    @dispatcher.callback_query(F.data)
    async def press(query: CallbackQuery) -> None:
        await query.answer("✅ Yes")
        assert query.message is not None
        await query.message.edit_text(STEP_SIZED_TEXT, reply_markup=keyboard, parse_mode="HTML")

    asyncio.run(dispatcher.start_polling(bot, handle_signals=True))


# -- one measured run -----------------------------------------------------------------------------
@dataclass
class Result:
    bot: str
    rate: float
    acks: list[float]
    screens: list[float]
    timeouts: int
    chat_max_per_s: int
    group_max_per_min: int
    flood_acks: list[float] = field(default_factory=list)
    flood_screens: list[float] = field(default_factory=list)
    flood_picked: int = 0


def most_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, first = 0, 0
    for last, at in enumerate(times):
        while at - times[first] >= window:
            first += 1
        best = max(best, last - first + 1)
    return best


async def measure(bot: str, args: argparse.Namespace, tmp: Path, flood: bool) -> Result:
    api = FakeBotAPI(args.latency)
    await api.start()
    crowd = Crowd(api)
    log_path = tmp / f"{bot}-{'flood' if flood else 'walk'}.log"
    with open(log_path, "wb") as log:
        process = launch(bot, bot_env(api, tmp, f"{bot}-{int(flood)}-{time.monotonic_ns()}"), log)
        try:
            await asyncio.wait_for(api.polled.wait(), 60)
            await asyncio.sleep(0.5)  # past the start's own calls (commands, menu)
            others = args.flood_others if flood else args.chats
            people = [Chat(10_000 + i) for i in range(others)]
            group = Chat(-1_001_000_000_001)
            for chat in [*people, group]:
                crowd.chats[chat.chat_id] = chat
            if flood:  # the group reaches a step with "not yet" first
                await crowd.start(group)
                for _ in range(2):
                    await crowd.press(group, record=False)
                group.picked = 0
            crowd.updates = 0
            began = time.perf_counter()
            walks = [crowd.walk(chat, args.presses) for chat in people]
            if flood:
                walks.append(crowd.flood(group, args.flood_presses))
            await asyncio.gather(*walks)
            elapsed = time.perf_counter() - began
        finally:
            process.send_signal(signal.SIGINT)
            try:
                await asyncio.to_thread(process.wait, 30)
            except subprocess.TimeoutExpired:
                process.kill()
            await api.stop()
    if process.returncode not in (0, -signal.SIGINT, 130):
        print(f"  ({bot} exited {process.returncode}; its log: {log_path})")
    private = [v for k, v in crowd.sent_at.items() if k > 0]
    groups = [v for k, v in crowd.sent_at.items() if k < 0]
    return Result(
        bot=bot,
        rate=crowd.updates / elapsed,
        acks=[a for c in people for a in c.acks],
        screens=[s for c in people for s in c.screens],
        timeouts=sum(c.timeouts for c in people),
        chat_max_per_s=max((most_in_window(t, 1.0) for t in private), default=0),
        group_max_per_min=max((most_in_window(t, 60.0) for t in groups), default=0),
        flood_acks=group.acks,
        flood_screens=group.screens,
        flood_picked=group.picked,
    )


# -- reporting ------------------------------------------------------------------------------------
def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(values: list[float]) -> str:
    if not values:
        return "—"
    figures = [pct(values, 0.5), pct(values, 0.95), pct(values, 0.99), max(values)]
    return " / ".join(f"{v * 1000:,.0f}" for v in figures)


def report(title: str, results: list[Result], flood: bool) -> None:
    print(f"\n{title}")
    print(
        f"  {'bot':<15} {'updates/s':>9}  {'ours ÷':>6}  {'acknowledged p50/p95/p99/max ms':>32}"
        f"  {'next screen p50/p95/p99/max ms':>32}  {'timed out':>9}  {'chat/s':>6}"
        f"  {'group/min':>9}"
    )
    ours = next((r for r in results if r.bot == "ours"), None)
    for r in results:
        ratio = f"{ours.rate / r.rate:.2f}×" if ours is not None and r.rate else "—"
        print(
            f"  {r.bot:<15} {r.rate:9.1f}  {ratio:>6}  {ms(r.acks):>32}  {ms(r.screens):>32}"
            f"  {r.timeouts:>9}  {r.chat_max_per_s:>6}  {r.group_max_per_min:>9}"
        )
    if flood:
        print("  the flooding group itself (acknowledged / next screen, p50/p95/p99/max ms):")
        for r in results:
            print(
                f"  {r.bot:<15} {ms(r.flood_acks):>28}   {ms(r.flood_screens):>28}"
                f"   ({len(r.flood_acks)} answered, {r.flood_picked} on a 'not yet' button)"
            )


def available_bots(wanted: list[str]) -> list[str]:
    bots = []
    for bot in wanted:
        if bot == "aiogram":
            try:
                import aiogram  # type: ignore[import-not-found]  # noqa: F401
            except ImportError:
                print("aiogram is not installed: its row is skipped (pip install 'aiogram>=3')")
                continue
        bots.append(bot)
    return bots


async def bench(args: argparse.Namespace) -> None:
    bots = available_bots(args.bots.split(","))
    try:
        import aiolimiter  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        print("aiolimiter is missing: ptb-concurrent runs without AIORateLimiter")
    print(
        f"latency {args.latency * 1000:.0f} ms a call (all but getUpdates); {args.chats} chats, "
        f"/start + {args.presses} presses each, every press after the previous one was answered"
    )
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        if not args.no_walk:
            walk = [await measure(bot, args, tmp, flood=False) for bot in bots]
            report("Everyone walking the flow:", walk, flood=False)
        if args.flood_presses:
            flood = [await measure(bot, args, tmp, flood=True) for bot in bots]
            report(
                f"One group presses 'not yet' {args.flood_presses} times (as fast as it is "
                f"answered) while {args.flood_others} other chats walk the flow; the others:",
                flood,
                flood=True,
            )
        if args.keep_logs:
            args.keep_logs.mkdir(parents=True, exist_ok=True)
            for log in tmp.glob("*.log"):
                (args.keep_logs / log.name).write_bytes(log.read_bytes())


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to a call")
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--presses", type=int, default=5, help="per chat, after /start")
    parser.add_argument("--bots", default="ours,ptb-serial,ptb-concurrent,aiogram")
    parser.add_argument("--flood-presses", type=int, default=40, help="0: no flood scenario")
    parser.add_argument("--flood-others", type=int, default=50)
    parser.add_argument("--no-walk", action="store_true", help="only the flood scenario")
    parser.add_argument("--keep-logs", type=Path, help="copy the bots' logs into this folder")
    parser.add_argument("--peer", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer:
        peer(args.peer)
        return
    asyncio.run(bench(args))


if __name__ == "__main__":
    main()
