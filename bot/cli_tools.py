"""What every command-line tool shares: ``backup``, ``evidence``, refusing a missing
database, and a pipe that closes early (``export | head``).

    tmall-tp-bot backup [--output FILE | --output -]
    tmall-tp-bot evidence --chat ID --output F.zip | -
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when a command runs: `--help` stays quick
    from bot.config import Settings

# Commands that only use an existing database: from the wrong folder they would otherwise
# create an empty ./data/tpbot.sqlite3 and report on nothing.
NEEDS_DATABASE = frozenset({"broadcast", "broadcasts", "export", "backup", "evidence"})

SIGPIPE_STATUS = 141  # a program killed by SIGPIPE: 128 + 13, as the shell reports it


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    text = "copy the database safely while the bot runs (SQLite's backup API, then checked)"
    cmd = sub.add_parser("backup", help=text, description=text)
    cmd.add_argument(
        "--output",
        help="the new file (never overwritten), or - for standard output (default: "
        "<database>-backup-<UTC time>.sqlite3 beside the database)",
    )
    cmd.set_defaults(handler=cmd_backup)
    text = "write one company's evidence pack: its documents, a manifest and its timeline (zip)"
    cmd = sub.add_parser("evidence", help=text, description=text)
    cmd.add_argument("--chat", type=int, required=True, metavar="ID", help="the chat's id")
    cmd.add_argument(
        "--output", required=True, help="the new .zip (never overwritten), or - for stdout"
    )
    cmd.set_defaults(handler=cmd_evidence)


def require_database(settings: Settings) -> None:
    from bot.config import ConfigError

    path = settings.db_path
    if not path.exists():
        raise ConfigError(
            f"no database at {path.absolute()} (run this from the bot's folder, or set "
            "TPBOT_DB to its database)"
        )


def cmd_evidence(args: argparse.Namespace, settings: Settings) -> int:
    """Read-only (a connection of its own, as the console's readers): safe while the bot runs."""
    from bot.services.evidence.locker import Locker
    from bot.services.evidence.pack import UnknownChat, build_pack
    from bot.services.flow.content import load_content
    from bot.storage.chats import get_chat
    from bot.storage.db import open_reader

    catalog, spec = load_content(settings.flow_path, settings.locales_dir)

    def step_name(step_id: str) -> str:
        return catalog.text("en", spec.steps[step_id].name) if step_id in spec.steps else step_id

    db = open_reader(settings.db_path)
    try:
        if get_chat(db, args.chat) is None:
            print(
                f"error: no company with chat id {args.chat} in {settings.db_path}", file=sys.stderr
            )
            return 1
        locker = Locker(settings.evidence_path())
        if args.output == "-":
            if sys.stdout.isatty():
                print("error: --output - writes a zip file; redirect it (> FILE)", file=sys.stderr)
                return 2
            summary = build_pack(db, locker, args.chat, sys.stdout.buffer, step_name)
            sys.stdout.buffer.flush()
        else:
            target = Path(args.output)
            try:
                handle = target.open("xb")  # never overwrites: refused if it exists
            except FileExistsError:
                print(f"error: {target} exists; give a new file name", file=sys.stderr)
                return 1
            try:
                with handle:
                    summary = build_pack(db, locker, args.chat, handle, step_name)
            except BaseException:
                target.unlink(missing_ok=True)
                raise
    except UnknownChat:
        print(f"error: no company with chat id {args.chat} in {settings.db_path}", file=sys.stderr)
        return 1
    finally:
        db.close()
    where = "standard output" if args.output == "-" else args.output
    missing = f", {summary.not_fetched} listed but not in it" if summary.not_fetched else ""
    print(
        f"{where}: the evidence pack of chat {args.chat} ({summary.files} documents{missing}, "
        "manifest.json, timeline.csv)",
        file=sys.stderr if args.output == "-" else sys.stdout,
    )
    return 0


def default_backup_path(db_path: Path, now: dt.datetime) -> Path:
    return db_path.with_name(f"{db_path.stem}-backup-{now:%Y%m%d-%H%M%S}.sqlite3")


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage.backup import BackupFailed, backup

    source = settings.db_path
    try:
        if args.output == "-":
            return _backup_to_stdout(source, settings)
        target = (
            Path(args.output)
            if args.output
            else default_backup_path(source, dt.datetime.now(dt.UTC))
        )
        result = backup(source, target)
    except BackupFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"{result.path}: a copy of {source} ({_size(result.size)}, {result.tables} tables), "
        "quick_check ok"
    )
    _backup_evidence(settings, result.path)
    return 0


def _backup_evidence(settings: Settings, database_copy: Path) -> None:
    """The documents' folder, copied after the database (its files never change once
    written, so every file the copy lists as stored is there) beside the copy."""
    from bot.services.evidence.locker import Locker

    locker = Locker(settings.evidence_path())
    target = database_copy.with_name(f"{database_copy.stem}-evidence")
    count = locker.copy_to(target)
    if count:
        print(f"{target}: the documents' folder {locker.root} ({count} files)")


def _backup_to_stdout(source: Path, settings: Settings) -> int:
    """``--output -``: e.g. ``docker compose exec -T bot tmall-tp-bot backup --output - > F``.
    The copy is made and checked in a temporary folder first: nothing damaged reaches F."""
    from bot.storage.backup import backup

    if sys.stdout.isatty():
        print("error: --output - writes a database file; redirect it (> FILE)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="tpbot-backup-") as folder:
        result = backup(source, Path(folder) / "backup.sqlite3")
        sys.stdout.flush()
        with result.path.open("rb") as copy:
            shutil.copyfileobj(copy, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    print(f"backup of {source}: {_size(result.size)}, quick_check ok", file=sys.stderr)
    evidence = settings.evidence_path()
    if evidence.exists():
        print(
            f"not in this stream: the documents' folder {evidence}; copy it after this "
            "(e.g. rsync -a), its files never change once written",
            file=sys.stderr,
        )
    return 0


def _size(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size / 2**10:.0f} KB"


def quiet_broken_pipe() -> int:
    """The reader of our standard output went away (``| head``): stop quietly, as a program
    killed by SIGPIPE would. Standard output is pointed at /dev/null so that Python's flush at
    exit does not fail a second time."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    finally:
        os.close(devnull)
    return SIGPIPE_STATUS
