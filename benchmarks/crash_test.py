"""Kill -9 the real ``tmall-tp-bot run`` again and again while chats press buttons; count.

A fake Telegram on 127.0.0.1 plays the Bot API the way Telegram does: in polling mode an update
is gone for good once a ``getUpdates`` offset passes it; in webhook mode once the bot answered
its POST with 200. ``--chats`` users each press the current step's button (read from the bot's
database, as a user looking at an up-to-date message would), wait until it was applied and the
screen shows the step it led to (the last ``sendMessage``/``editMessageText`` to the chat
carries that step's buttons), and press again. A user never presses the same button twice: a
press Telegram holds, or the bot kept, is waited for however long the restarts take. Meanwhile
the bot is killed with SIGKILL at a random moment 0.1–2.5 s after it began taking updates (its
first ``getUpdates``, or its ``setWebhook``), so every kill lands while updates are being
handled, and restarted.

    python -m benchmarks.crash_test --mode polling --kills 40
    python -m benchmarks.crash_test --mode webhook --kills 40

After the last kill the bot runs on (up to ``SETTLE`` seconds) until every user is done. Then:

* *lost*: a press Telegram considered delivered that was never applied;
* *applied twice*: a press whose answer was recorded more than once;
* *owed*: a press applied whose next step the user was never shown.

It exits 1 unless all three are 0. It also prints the presses whose step came only after
``LATE_AFTER`` seconds (the bot was down in between), the applied presses whose callback query
was never answered (a kill between the change and the answer; the next start answers such a
press from the kept update), and the steps shown again with "your answer was saved" to a
chat that had seen them (a kill after the reply and before its done mark was written).
``--code DIR`` runs another checkout's bot (e.g. an older commit); ``--keep DIR`` keeps the
log, the database and a timeline.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import yaml

from bot.demo.offline_api import BOT_USER, OfflineBotAPI

PROJECT = Path(__file__).resolve().parents[1]
SECRET = "crash-test-secret"


class FakeTelegram:
    """Updates wait here until Telegram would consider them delivered."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.api = OfflineBotAPI(record=False)
        self.lock = threading.Lock()
        self.pending: list[dict[str, Any]] = []
        self.delivered: set[int] = set()
        self.answered: set[str] = set()  # callback query ids the bot answered
        self.shown: dict[int, tuple[int, str] | None] = {}  # chat → (seq, step) on its screen
        self.screens: list[tuple[float, int, str, Any]] = []  # (when, chat, method, shown)
        self.delivered_at: dict[int, float] = {}
        self.up_at: float | None = None  # when the bot last began taking updates
        self.saved = 0  # steps shown with "your answer was saved"
        self.saved_again = 0  # ... to a chat whose screen showed that step already
        self.next_id = 1
        self.webhook: tuple[str, str] | None = None
        self.stopped = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                if "json" in self.headers.get("Content-Type", "") and body:
                    params = json.loads(body)
                else:
                    params = {k: v[0] for k, v in parse_qs(body).items()}
                result = server.handle(self.path.rsplit("/", 1)[-1], params)
                payload = json.dumps({"ok": True, "result": result}).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the bot was killed while it waited for the answer
                    return

            do_GET = do_POST

        # Telegram takes every connection: not the 5 waiting that socketserver queues by default
        ThreadingHTTPServer.request_queue_size = 128
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        if mode == "webhook":
            threading.Thread(target=self._push, daemon=True).start()

    def add(self, update: dict[str, Any]) -> int:
        with self.lock:
            update_id = self.next_id
            self.next_id += 1
            self.pending.append({"update_id": update_id, **update})
        return update_id

    def handle(self, method: str, params: dict[str, Any]) -> Any:
        if method in ("getUpdates", "setWebhook") and self.up_at is None:
            self.up_at = time.monotonic()
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            deadline = time.monotonic() + min(float(params.get("timeout") or 0), 0.5)
            while True:
                with self.lock:
                    for update in self.pending:
                        if update["update_id"] < offset:
                            self.delivered.add(update["update_id"])
                            self.delivered_at.setdefault(update["update_id"], time.monotonic())
                    self.pending = [u for u in self.pending if u["update_id"] >= offset]
                    ready = self.pending[:100]
                if ready or time.monotonic() >= deadline:
                    return ready
                time.sleep(0.01)
        if method == "setWebhook":
            with self.lock:
                self.webhook = (str(params["url"]), str(params.get("secret_token") or ""))
            return True
        if method == "deleteWebhook":
            with self.lock:
                self.webhook = None
            return True
        self._watch(method, params)
        return self.api.answer(method, params)

    def _watch(self, method: str, params: dict[str, Any]) -> None:
        """What the user sees: the queries answered, and the step on each chat's last screen."""
        if method == "answerCallbackQuery":
            with self.lock:
                self.answered.add(str(params.get("callback_query_id")))
            return
        if method not in ("sendMessage", "editMessageText") or "chat_id" not in params:
            return
        markup = params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        shown = None
        for row in markup.get("inline_keyboard") or []:
            for button in row:
                parts = str(button.get("callback_data") or "").split("|")
                if len(parts) == 4 and parts[0] == "a":
                    shown = (int(parts[1]), parts[2])
        saved = method == "sendMessage" and SAVED in str(params.get("text") or "")
        with self.lock:
            if saved:
                self.saved += 1
                self.saved_again += self.shown.get(int(params["chat_id"])) == shown
            self.shown[int(params["chat_id"])] = shown
            self.screens.append((time.monotonic(), int(params["chat_id"]), method, shown))

    def _push(self) -> None:
        """Telegram's side of a webhook: post the oldest pending update until it gets a 200."""
        while not self.stopped:
            with self.lock:
                update = self.pending[0] if self.pending else None
                hook = self.webhook
            if update is None or hook is None:
                time.sleep(0.01)
                continue
            request = urllib.request.Request(
                hook[0],
                data=json.dumps(update).encode(),
                headers={"Content-Type": "application/json", SECRET_HEADER: hook[1]},
            )
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    ok = response.status == 200
            except (urllib.error.URLError, OSError):
                ok = False
            if ok:
                with self.lock:
                    self.pending.remove(update)
                    self.delivered.add(update["update_id"])
                    self.delivered_at.setdefault(update["update_id"], time.monotonic())
            else:
                time.sleep(0.05)


SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SAVED = "Your last answer was saved"  # answer-saved, in English (the users' language)
LATE_AFTER = 8.0  # seconds from a press applied to its step shown, counted as late
SETTLE = 90.0  # seconds the bot runs on after the last kill for the users to finish


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Users:
    """``count`` chats, each pressing its current step's button once the last one applied."""

    def __init__(self, telegram: FakeTelegram, db_path: Path, count: int, presses: int) -> None:
        self.telegram = telegram
        self.db_path = db_path
        self.presses = presses
        flow = yaml.safe_load((PROJECT / "flows" / "tmall_tp.yaml").read_text("utf-8"))
        self.answers = {
            str(step["id"]): [
                str(a["id"])
                for a in step.get("answers") or []
                # "rejected" with reasons only asks for the reason: no change to count
                if not (a["id"] == "rejected" and step.get("rejection_reasons"))
            ]
            for step in flow["steps"]
        }
        self.chats = [90_000 + i for i in range(count)]
        self.waiting: dict[int, int] = {}  # chat → update id of its press not yet applied
        self.pressed_at: dict[int, float] = {}  # press update id → when it was made
        self.sent: dict[int, int] = {}  # press update id → chat
        self.query_of: dict[int, str] = {}  # press update id → its callback query id
        self.applied_at: dict[int, float] = {}  # press update id → when first seen applied
        self.late: set[int] = set()  # presses applied whose next step came after LATE_AFTER
        self.pressing = True
        self.made = Counter[int]()
        self.random = random.Random(7)
        self.started = False

    def user(self, chat_id: int) -> dict[str, Any]:
        return {"id": chat_id, "is_bot": False, "first_name": f"U{chat_id}", "language_code": "en"}

    def start(self) -> None:
        for chat_id in self.chats:
            self.telegram.add(
                {
                    "message": {
                        "message_id": 1,
                        "date": int(time.time()),
                        "chat": {"id": chat_id, "type": "private"},
                        "from": self.user(chat_id),
                        "text": "/start",
                        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                    }
                }
            )

    def step(self, conn: sqlite3.Connection) -> bool:
        """One round over the users; False once every user is done."""
        busy = False
        for chat_id in self.chats:
            pressed = self.waiting.get(chat_id)
            if pressed is not None:
                applied = conn.execute(
                    "SELECT 1 FROM events WHERE update_id = ? LIMIT 1", [pressed]
                ).fetchone()
                if applied is None or not self.sees_its_step(conn, chat_id, pressed):
                    busy = True
                    continue
                del self.waiting[chat_id]  # applied and shown: press again
            if self.made[chat_id] >= self.presses or not self.pressing:
                continue
            row = conn.execute("SELECT state, seq FROM chats WHERE id = ?", [chat_id]).fetchone()
            if row is None:
                busy = True
                continue
            state, seq = row
            answers = self.answers.get(state) or []
            if not answers:
                continue  # the finish: nothing to press
            answer = self.random.choice(answers)
            update_id = self.telegram.add(
                {
                    "callback_query": {
                        "id": f"q{chat_id}-{seq}",
                        "from": self.user(chat_id),
                        "chat_instance": str(chat_id),
                        "data": f"a|{seq}|{state}|{answer}",
                        "message": {
                            "message_id": 1,
                            "date": int(time.time()),
                            "chat": {"id": chat_id, "type": "private"},
                            "from": BOT_USER,
                            "text": "…",
                        },
                    }
                }
            )
            self.waiting[chat_id] = update_id
            self.pressed_at[update_id] = time.monotonic()
            self.sent[update_id] = chat_id
            self.query_of[update_id] = f"q{chat_id}-{seq}"
            self.made[chat_id] += 1
            busy = True
        return busy

    def sees_its_step(self, conn: sqlite3.Connection, chat_id: int, pressed: int) -> bool:
        """Whether the chat's screen shows its saved step (its press answered)."""
        now = time.monotonic()
        first = self.applied_at.setdefault(pressed, now)
        row = conn.execute("SELECT state, seq FROM chats WHERE id = ?", [chat_id]).fetchone()
        current = (int(row[1]), str(row[0])) if row and self.answers.get(row[0]) else None
        if self.telegram.shown.get(chat_id) != current:
            return False
        if now - first > LATE_AFTER:
            self.late.add(pressed)
        return True

    def owed(self) -> list[int]:
        """The presses applied whose step the user is still waiting to see."""
        return [p for p in self.waiting.values() if p in self.applied_at]

    def behind(self, conn: sqlite3.Connection) -> list[int]:
        """Chats whose last screen is not their saved step: an answer kept, its reply owed."""
        late = []
        for chat_id, state, seq in conn.execute("SELECT id, state, seq FROM chats"):
            if chat_id not in self.chats:
                continue
            current = (int(seq), str(state)) if self.answers.get(state) else None
            if self.telegram.shown.get(chat_id) != current:
                late.append(chat_id)
        return late


def keep(folder: Path, tmp: Path, telegram: FakeTelegram, users: Users, kills: list[float]) -> None:
    """The log, the database and what happened when (monotonic seconds), for a look later."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in [tmp / "bot.log", *tmp.glob("crash.sqlite3*")]:
        shutil.copy(path, folder / path.name)
    timeline = {
        "kills": kills,
        "presses": {
            str(p): {
                "chat": chat,
                "pressed": users.pressed_at[p],
                "delivered": telegram.delivered_at.get(p),
                "applied": users.applied_at.get(p),
                "late": p in users.late,
            }
            for p, chat in users.sent.items()
        },
        "screens": telegram.screens,
    }
    (folder / "timeline.json").write_text(json.dumps(timeline), "utf-8")


def start_bot(env: dict[str, str], log: Any, code: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        env=env,
        cwd=code,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=["polling", "webhook"], default="polling")
    parser.add_argument("--chats", type=int, default=24)
    parser.add_argument("--presses", type=int, default=40, help="per chat at most")
    parser.add_argument("--kills", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--code", type=Path, default=PROJECT, help="the checkout to run")
    parser.add_argument(
        "--keep", type=Path, help="copy the bot's log, its database and a timeline.json here"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    telegram = FakeTelegram(args.mode)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "crash.sqlite3"
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TPBOT_", "TELEGRAM_"))},
            "TELEGRAM_BOT_TOKEN": "123456:CRASH-abcdefghijklmnopqrstuvwxyz0123",
            "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{telegram.port}/bot",
            "TPBOT_DB": str(db_path),
            "PYTHONPATH": str(args.code),
            "TPBOT_PORT": str(free_port()),  # run stops if its port is taken
        }
        if args.mode == "webhook":
            port = free_port()
            env.update(
                TPBOT_WEBHOOK_URL=f"http://127.0.0.1:{port}/hook",
                TPBOT_WEBHOOK_SECRET=SECRET,
                TPBOT_LISTEN="127.0.0.1",
                TPBOT_PORT=str(port),
            )
        users = Users(telegram, db_path, args.chats, args.presses)
        log = open(Path(tmp) / "bot.log", "wb")  # noqa: SIM115
        bot = start_bot(env, log, args.code)
        users.start()
        while not db_path.exists():
            time.sleep(0.05)
        time.sleep(0.5)
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
        kills = 0
        killed_at: list[float] = []
        next_kill: float | None = None
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            try:
                busy = users.step(conn)
            except sqlite3.OperationalError:
                busy = True  # e.g. the schema is being created
            now = time.monotonic()
            if kills >= args.kills:
                if not busy or now > killed_at[-1] + SETTLE:
                    break
            elif next_kill is None:
                if telegram.up_at is not None:  # taking updates: the kill falls in a burst
                    next_kill = telegram.up_at + rng.uniform(0.1, 2.5)
            elif now >= next_kill:
                bot.send_signal(signal.SIGKILL)
                bot.wait()
                killed_at.append(time.monotonic())
                kills += 1
                telegram.up_at = next_kill = None
                bot = start_bot(env, log, args.code)
            time.sleep(0.02)
        users.pressing = False  # the last presses made are waited for, no new ones
        settle = time.monotonic() + 30
        while time.monotonic() < settle and (telegram.pending or users.waiting):
            with contextlib.suppress(sqlite3.OperationalError):
                users.step(conn)
            time.sleep(0.05)
        bot.send_signal(signal.SIGINT)
        try:
            bot.wait(timeout=30)
        except subprocess.TimeoutExpired:
            bot.kill()
        telegram.stopped = True
        applied = Counter(
            int(row[0])
            for row in conn.execute(
                "SELECT update_id FROM events WHERE kind = 'answer' AND update_id IS NOT NULL"
            )
        )
        behind = users.behind(conn)
        conn.close()
        log.close()
        if args.keep is not None:
            keep(args.keep, Path(tmp), telegram, users, killed_at)
    presses = set(users.sent)
    delivered = presses & telegram.delivered
    lost = sorted(p for p in delivered if applied[p] == 0)
    twice = sum(n - 1 for p, n in applied.items() if p in presses and n > 1)
    owed = users.owed()
    unanswered = sum(
        1 for p in presses if applied[p] and users.query_of[p] not in telegram.answered
    )
    print(
        f"{args.mode}: {args.chats} chats, {kills} kill -9s; presses sent {len(presses)}, "
        f"delivered (acknowledged to Telegram) {len(delivered)}, "
        f"applied {sum(1 for p in presses if applied[p])}, lost {len(lost)}, "
        f"applied twice {twice}, still undelivered {len(presses - telegram.delivered)}; "
        f"owed {len(owed)} (applied, next step never shown; {len(behind)} chats whose screen "
        f"is behind their saved step at the end); for information: {len(users.late)} steps "
        f"shown more than {LATE_AFTER:.0f} s after the press was applied, {unanswered} applied "
        f"presses never answered, {telegram.saved} steps shown with 'your answer was saved' "
        f"({telegram.saved_again} to a chat that had seen that step)"
    )
    if lost or owed:
        print(f"lost: {lost[:20]}; owed: {owed[:20]}")
    return 0 if not lost and not twice and not owed and not behind else 1


if __name__ == "__main__":
    sys.exit(main())
