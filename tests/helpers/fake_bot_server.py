"""A fake Telegram Bot API server on 127.0.0.1, for running the real ``tmall-tp-bot run``.

It answers every method like Telegram (via the same ``OfflineBotAPI.answer``), hands out
queued updates on ``getUpdates``, and records each call. :meth:`FakeBotServer.hold` makes
calls of a method wait, as a stalled connection would (e.g. to kill the bot meanwhile).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from bot.demo.offline_api import ApiCall, OfflineBotAPI


class FakeBotServer:
    def __init__(self, reject_token: bool = False) -> None:
        self.reject_token = reject_token
        self.api = OfflineBotAPI()
        self.calls: list[ApiCall] = []
        self.updates: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.held: dict[str, threading.Event] = {}
        self.downloads: list[str] = []  # the file paths downloaded
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                kind = self.headers.get("Content-Type", "")
                if "json" in kind and body:
                    params = json.loads(body)
                else:
                    params = {k: v[0] for k, v in parse_qs(body).items()}
                    for key, value in list(params.items()):
                        if value.startswith(("{", "[")):
                            params[key] = json.loads(value)
                if "/file/bot" in self.path:  # a file's download: its bytes
                    content = server.api.stored_files.get(self.path.rsplit("/", 1)[-1])
                    server.downloads.append(self.path)
                    gate = server.held.get("file")  # hold("file"): downloads wait
                    if gate is not None:
                        gate.wait(60)
                    try:
                        self.send_response(200 if content is not None else 404)
                        self.send_header("Content-Length", str(len(content or b"")))
                        self.end_headers()
                        self.wfile.write(content or b"")
                    except OSError:  # the bot was killed while the download was held
                        pass
                    return
                method = self.path.rsplit("/", 1)[-1]
                status = 401 if server.reject_token else 200
                if server.reject_token:
                    body_out = {"ok": False, "error_code": 401, "description": "Unauthorized"}
                else:
                    body_out = {"ok": True, "result": server.handle(method, params)}
                payload = json.dumps(body_out).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the bot was killed while the call was held
                    return

            do_GET = do_POST

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def hold(self, method: str) -> threading.Event:
        """Calls of ``method`` (recorded as they arrive) wait until the event is set."""
        return self.held.setdefault(method, threading.Event())

    def handle(self, method: str, params: dict[str, Any]) -> Any:
        with self.lock:
            self.calls.append(ApiCall(method, params))
            gate = self.held.get(method)
        if gate is not None:
            gate.wait(60)
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            deadline = time.monotonic() + 0.3
            while time.monotonic() < deadline:
                with self.lock:
                    ready = [u for u in self.updates if u["update_id"] >= offset]
                if ready:
                    return ready
                time.sleep(0.02)
            return []
        return self.api.answer(method, params)

    def methods(self) -> list[str]:
        with self.lock:
            return [c.method for c in self.calls]

    def sent(self, method: str = "sendMessage") -> list[ApiCall]:
        with self.lock:
            return [c for c in self.calls if c.method == method]

    def __enter__(self) -> FakeBotServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for gate in self.held.values():
            gate.set()
        self.httpd.shutdown()
        self.httpd.server_close()
