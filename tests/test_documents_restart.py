"""The real ``tmall-tp-bot run``: a document's download killed midway is fetched on restart."""

from __future__ import annotations

import hashlib
import signal
import sqlite3
import subprocess
from pathlib import Path

from bot.config import PROJECT_ROOT
from tests.helpers.fake_bot_server import FakeBotServer
from tests.helpers.process import cli_argv, press_update, start_update, wait_for

CONTENT = b"%PDF-1.7 business licence " * 100


def _document_update(update_id: int) -> dict:
    update = start_update(update_id)
    message = update["message"]
    for key in ("text", "entities"):
        del message[key]
    message["document"] = {
        "file_id": "id-kill",
        "file_unique_id": "u-kill",
        "file_name": "licence.pdf",
        "mime_type": "application/pdf",
        "file_size": len(CONTENT),
    }
    return update


def _row(db: str, sql: str) -> tuple | None:
    if not Path(db).exists():
        return None
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        try:
            return conn.execute(sql).fetchone()
        except sqlite3.OperationalError:  # not created yet
            return None


def _run(env: dict, server: FakeBotServer) -> subprocess.Popen[str]:
    full = {
        **env,
        "TELEGRAM_BOT_TOKEN": "123456:TOKEN-abcdefghijklmnopqrstuvwxyz01",
        "TELEGRAM_API_BASE_URL": server.base_url,
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    return subprocess.Popen(
        cli_argv("run"), env=full, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def test_a_kill_during_a_download_loses_nothing_and_the_restart_fetches_it(
    env: dict, tmp_path: Path
) -> None:
    db = env["TPBOT_DB"]
    with FakeBotServer() as server:
        server.api.stored_files["id-kill"] = CONTENT
        held = server.hold("file")  # the download hangs, as a slow network would
        first = _run(env, server)
        try:
            server.updates.append(start_update(1))
            wait_for(lambda: _row(db, "SELECT state FROM chats") == ("welcome",))
            for number, data in enumerate(
                ["a|0|welcome|begin", "a|1|owner_separate|yes", "a|2|manages_shops|yes"]
            ):
                server.updates.append(press_update(10 + number, data))
            wait_for(lambda: _row(db, "SELECT state FROM chats") == ("taobao_corporate",))
            server.updates.append(_document_update(20))
            wait_for(lambda: any("licence.pdf" in c.text for c in server.sent()))
            wait_for(lambda: bool(server.downloads))  # getFile answered, the bytes on their way
        finally:
            first.send_signal(signal.SIGKILL)
            first.communicate(timeout=30)
        assert _row(db, "SELECT fetch_state FROM documents") == ("queued",)
        assert _row(db, "SELECT count(*) FROM evidence_downloads") == (1,)
        receipts = [c.text for c in server.sent() if "licence.pdf" in c.text]
        assert "已收到“licence.pdf”" in receipts[0]  # told at once, before the bytes came
        del server.held["file"]
        held.set()

        second = _run(env, server)
        try:
            wait_for(lambda: _row(db, "SELECT fetch_state FROM documents") == ("stored",))
        finally:
            second.send_signal(signal.SIGINT)
            output, _ = second.communicate(timeout=30)
    digest = hashlib.sha256(CONTENT).hexdigest()
    assert _row(db, "SELECT sha256, size FROM documents") == (digest, len(CONTENT))
    kept = tmp_path / "evidence" / digest[:2] / digest[2:4] / digest
    assert kept.read_bytes() == CONTENT, output
    assert not [p for p in kept.parent.iterdir() if p.name.startswith(".part-")]
    assert _row(db, "SELECT count(*) FROM evidence_downloads") == (0,)
