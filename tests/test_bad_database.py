"""A database in trouble. A file the bot cannot use is one line on stderr (which file, what is
wrong, what to do) and exit code 2, never a traceback: random bytes, a truncated file, a
read-only one, a path whose folder cannot be made. And a long write-ahead log starts over
without the event loop running a checkpoint."""

from __future__ import annotations

import io
import os
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_application
from bot.cli import main
from bot.config import Settings
from bot.demo.offline_api import OfflineBotAPI
from bot.jobs import housekeeping
from bot.services.maintenance import RESTART_LOG_FRAMES
from bot.storage.db import PAGE_SIZE, DatabaseProblem, close_database, open_database
from bot.storage.sql import transaction, write


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean environment for the CLI (as in test_cli), with TPBOT_DB at ``data/bot.sqlite3``."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("TPBOT_", "TELEGRAM_")):
            monkeypatch.delenv(name)
    path = tmp_path / "data" / "bot.sqlite3"
    path.parent.mkdir()
    monkeypatch.setenv("TPBOT_DB", str(path))
    return path


def make_database(path: Path, chats: int = 3_000) -> None:
    """A real database with rows in several pages, checkpointed into the main file."""
    db = open_database(path)
    with transaction(db):
        db.conn.executemany(
            "INSERT INTO chats (id, type, language, state, created_at) "
            "VALUES (?, 'private', 'en', 'welcome', '2026-01-01T00:00:00Z')",
            [(chat_id,) for chat_id in range(1, chats + 1)],
        )
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    close_database(db)


# The commands that open the database: export (TPBOT_DB), demo and check with --db.
COMMANDS = [["export"], ["demo", "--db", "{db}"], ["check", "--db", "{db}"]]


def run(command: list[str], path: Path) -> int:
    return main([arg.format(db=path) for arg in command])


def one_clear_line(capsys: pytest.CaptureFixture[str], path: Path) -> str:
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert "Traceback" not in captured.err and "Traceback" not in captured.out
    assert err.count("\n") == 0, err
    assert err.startswith("error: ") and str(path) in err
    return err


@pytest.mark.parametrize("command", COMMANDS)
def test_random_bytes_are_not_a_database(
    db_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    db_path.write_bytes(os.urandom(64 * 1024))
    assert run(command, db_path) == 2
    err = one_clear_line(capsys, db_path)
    assert "is not an SQLite database" in err and "restore it from a backup" in err


@pytest.mark.parametrize("command", COMMANDS)
def test_a_truncated_database_is_corrupted(
    db_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    make_database(db_path)
    size = db_path.stat().st_size
    assert size > 100_000 and not Path(f"{db_path}-wal").exists()
    os.truncate(db_path, size // 2)
    assert run(command, db_path) == 2
    err = one_clear_line(capsys, db_path)
    assert "is corrupted" in err and "restore it from a backup" in err


def test_damage_inside_a_table_is_found_at_open(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The header and the schema still read fine: only ``PRAGMA quick_check`` sees it."""
    make_database(db_path)
    data = bytearray(db_path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    middle = len(data) // page_size // 2 * page_size
    data[middle : middle + page_size] = b"\xff" * page_size  # one page of the chats table
    db_path.write_bytes(bytes(data))
    assert main(["export"]) == 2
    err = one_clear_line(capsys, db_path)
    assert "is corrupted" in err and "restore it from a backup" in err


@pytest.fixture
def read_only(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The database file and its folder made read-only. Root writes through file modes, so
    there the connection is opened as SQLite opens a file it may not write (``mode=ro``)."""
    make_database(db_path)
    folder = db_path.parent
    db_path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(db_path, os.W_OK):  # root: the modes do not stop it writing
            connect = sqlite3.connect

            def connect_read_only(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
                if str(database) == str(db_path):
                    kwargs["uri"] = True
                    return connect(f"file:{db_path}?mode=ro", *args, **kwargs)
                return connect(database, *args, **kwargs)

            monkeypatch.setattr(sqlite3, "connect", connect_read_only)
        yield db_path
    finally:
        folder.chmod(stat.S_IRWXU)
        db_path.chmod(stat.S_IRUSR | stat.S_IWUSR)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_read_only_database_says_to_check_permissions(
    read_only: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    assert run(command, read_only) == 2
    err = one_clear_line(capsys, read_only)
    assert "cannot be written" in err and "check the permissions" in err


def test_a_folder_that_cannot_be_made(
    tmp_path: Path,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database's folder should be")
    path = blocker / "bot.sqlite3"
    monkeypatch.setenv("TPBOT_DB", str(path))
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["demo", "--db", str(path)]) == 2  # a command that makes its database
    err = one_clear_line(capsys, path)
    assert f"cannot create the folder {blocker}" in err and "check the path in TPBOT_DB" in err


def test_open_database_raises_database_problem(tmp_path: Path) -> None:
    """The storage layer's own contract (what the CLI turns into its line), and that a good
    database, and a new one, still open."""
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(DatabaseProblem, match="is not an SQLite database"):
        open_database(bad)
    good = tmp_path / "good.sqlite3"
    make_database(good)
    db = open_database(good)
    assert db.execute("SELECT COUNT(*) FROM chats").fetchone()[0] == 3_000
    close_database(db)
    new = open_database(tmp_path / "new" / "fresh.sqlite3")
    assert new.execute("PRAGMA page_size").fetchone()[0] == 2048
    assert new.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    close_database(new)


# -- a long write-ahead log -------------------------------------------------------------------
async def test_a_long_log_starts_over_without_a_checkpoint_on_the_event_loop(
    tmp_path: Path,
) -> None:
    """Housekeeping runs on the event loop: once the log is long it must still start over,
    but the checkpoint that lets it (its length and fsyncs grow with the load and the
    database) runs in the worker thread, on its own connection: none on the bot's."""
    settings = replace(Settings(), db_path=tmp_path / "bot.sqlite3")
    app = build_application(settings, request=OfflineBotAPI(record=False), manual_checkpoints=True)
    maintenance = app.bot_data.services.maintenance
    db = maintenance.db
    with transaction(db):
        db.conn.executemany(
            "INSERT INTO events (chat_id, kind, detail, at) VALUES (?, 'start', ?, 'x')",
            [(chat_id, "x" * 300) for chat_id in range(80_000)],
        )
    frame = PAGE_SIZE + 24
    assert Path(f"{settings.db_path}-wal").stat().st_size // frame >= RESTART_LOG_FRAMES
    on_the_bots_connection: list[str] = []
    db.conn.set_trace_callback(on_the_bots_connection.append)
    try:
        await housekeeping(app)
    finally:
        db.conn.set_trace_callback(None)
    assert not [sql for sql in on_the_bots_connection if "checkpoint" in sql.lower()]
    with transaction(db):  # the first commit after the restart writes at the log's start
        write(db, "INSERT INTO operator_meta (key, value) VALUES ('restart.probe', 'x')")
    assert maintenance.checkpointer.run() < 10
    maintenance.close()
