"""The command-line tools run the way an operator runs them: from the wrong folder (a command
that only reads refuses a missing database instead of making an empty one), into a pipe that
closes early (``export | head``: quiet, no traceback), and ``backup``."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import PROJECT_ROOT
from bot.storage.db import close_database, open_database
from bot.storage.sql import transaction
from tests.helpers.process import cli_argv


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder, no TPBOT_/TELEGRAM_ settings: the database is ./data/…"""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("TPBOT_", "TELEGRAM_")):
            monkeypatch.delenv(name)
    return tmp_path


def make_chats(path: Path, count: int) -> None:
    db = open_database(path)
    with transaction(db):
        db.conn.executemany(
            "INSERT INTO chats (id, type, title, language, state, created_at) "
            "VALUES (?, 'private', ?, 'en', 'welcome', '2026-01-01T00:00:00Z')",
            [(n, f"Company number {n}") for n in range(1, count + 1)],
        )
    close_database(db)


# --- the wrong folder ---------------------------------------------------------------------------

READERS = [
    ["broadcasts"],
    ["export"],
    ["export", "--output", "out.csv"],
    ["backup"],
    ["evidence", "--chat", "1", "--output", "pack.zip"],
]


@pytest.mark.parametrize("command", READERS)
def test_a_reading_command_refuses_a_missing_database(
    folder: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    assert main(command) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err, err
    expected = folder / "data" / "tpbot.sqlite3"
    assert err.startswith(f"error: no database at {expected}")  # the absolute path
    assert "TPBOT_DB" in err and "folder" in err
    assert list(folder.iterdir()) == []  # nothing made: no data/, no empty database


def test_broadcast_refuses_a_missing_database_too(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broadcast over a new, empty database would reach nobody (and the bot never sees it)."""
    (folder / "notice.html").write_text("Hello", encoding="utf-8")
    assert main(["broadcast", "--text-file", "notice.html", "--dry-run"]) == 2
    assert capsys.readouterr().err.startswith("error: no database at ")
    assert not (folder / "data").exists()


def test_check_db_names_the_absolute_path_of_a_missing_database(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--db", "nowhere.sqlite3"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"error: no database at {folder / 'nowhere.sqlite3'} (check the path of --db)"
    assert not (folder / "nowhere.sqlite3").exists()


def test_a_set_database_is_used_and_run_and_demo_still_create_theirs(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_chats(folder / "bot.sqlite3", 2)
    monkeypatch.setenv("TPBOT_DB", str(folder / "bot.sqlite3"))
    assert main(["export"]) == 0
    assert "Company number 2" in capsys.readouterr().out
    demo = subprocess.run(
        cli_argv("demo", "--db", str(folder / "new" / "demo.sqlite3")),
        env=_env(folder),
        stdin=subprocess.DEVNULL,  # the terminal demo ends at the end of its input
        capture_output=True,
        timeout=60,
    )
    assert demo.returncode == 0
    assert (folder / "new" / "demo.sqlite3").exists()


def test_backup_copies_what_is_still_in_the_log_and_never_overwrites(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = folder / "bot.sqlite3"
    make_chats(source, 2)
    writer = sqlite3.connect(source)  # a write still only in the WAL, the bot running
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("INSERT INTO operator_meta (key, value) VALUES ('in-the-log', 'yes')")
    writer.commit()
    monkeypatch.setenv("TPBOT_DB", str(source))
    target = folder / "copy.sqlite3"
    assert main(["backup", "--output", str(target)]) == 0
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT value FROM operator_meta WHERE key = 'in-the-log'").fetchone() == (
        "yes",
    )
    assert copy.execute("SELECT COUNT(*) FROM chats").fetchone()[0] == 2
    copy.close()
    assert not Path(f"{target}-wal").exists()
    before = target.read_bytes()
    capsys.readouterr()
    assert main(["backup", "--output", str(target)]) == 1  # there already: refused
    assert "error" in capsys.readouterr().err
    assert target.read_bytes() == before
    writer.close()


# --- broken pipes -------------------------------------------------------------------------------


def _env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TPBOT_", "TELEGRAM_"))}
    return {**env, "PYTHONPATH": str(PROJECT_ROOT), "TPBOT_DB": str(folder / "bot.sqlite3")}


@pytest.mark.parametrize(
    "command",
    [["export"], ["check"], ["diagram"], ["broadcasts"], ["demo"], ["backup", "--output", "-"]],
)
def test_a_closed_pipe_ends_quietly(folder: Path, command: list[str]) -> None:
    """As ``tmall-tp-bot export | head`` when head has already gone: the reading end of the
    pipe is closed before the command writes its first line."""
    make_chats(folder / "bot.sqlite3", 3)
    read, write = os.pipe()
    os.close(read)
    try:
        result = subprocess.run(
            cli_argv(*command),
            stdin=subprocess.DEVNULL,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(folder),
            cwd=folder,
            timeout=60,
        )
    finally:
        os.close(write)
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr
    assert result.stderr == ""
    assert result.returncode == 141  # as a program killed by SIGPIPE: 128 + 13


def test_export_into_head_with_a_long_output(folder: Path) -> None:
    """The real pipeline: ``export | head -1`` over more rows than a pipe holds."""
    make_chats(folder / "bot.sqlite3", 3_000)
    exe = " ".join(cli_argv("export"))
    result = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {exe} | head -1"],
        capture_output=True,
        text=True,
        env=_env(folder),
        cwd=folder,
        timeout=60,
    )
    assert result.stdout.startswith("chat_id,") and result.stdout.count("\n") == 1
    assert result.stderr == ""
    assert result.returncode == 141


# --- backup --------------------------------------------------------------------------------------


def test_help_loads_none_of_the_heavy_modules() -> None:
    """``--help`` answers before telegram, httpx, yaml, holidays or sqlite-utils are imported:
    each command imports its own modules when it runs (issue #19: ``--help`` was slow)."""
    probe = (
        "import sys\n"
        "from bot.cli import main\n"
        "for argv in (['--help'], ['broadcast', '--help'], ['export', '--help']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = ('telegram', 'httpx', 'yaml', 'holidays', 'sqlite_utils', 'asyncio', 'dotenv')\n"
        "print(sorted(name for name in heavy if name in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
