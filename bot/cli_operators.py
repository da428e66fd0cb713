"""Operators' command-line tools: ``broadcast``, ``broadcasts`` and ``export``.

They use the same settings as ``run`` (token, ``TELEGRAM_API_BASE_URL``, database) and may run
while the bot runs: they open their own SQLite connection (WAL, busy timeout), and a
broadcast's lease keeps the bot and the command line from sending the same one twice.

    tmall-tp-bot broadcast --audience stage:2,unfinished --text-file notice.html [--dry-run]
    tmall-tp-bot broadcast --resume 7 [--resend-unknown]
    tmall-tp-bot broadcast --cancel 7
    tmall-tp-bot broadcasts
    tmall-tp-bot export --output chats.csv
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Generator, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from bot.config import Settings

# The commands' own modules (telegram, the services) are imported when a command runs, so
# that ``--help`` and the other commands start without them.
__all__ = ["add_commands", "cmd_broadcast", "cmd_broadcasts", "cmd_export"]


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    text = "send a message to many chats (or resume / cancel one), with a progress bar"
    cmd = sub.add_parser("broadcast", help=text, description=text)
    cmd.add_argument(
        "--audience",
        default="all",
        help="all, stage:N, step:NAME, lang:en|zh, idle:DAYS, unfinished (combine with commas)",
    )
    cmd.add_argument("--text-file", type=Path, help="the message, Telegram HTML")
    cmd.add_argument(
        "--text-file-zh", type=Path, help="optional Chinese variant for chats in Chinese"
    )
    cmd.add_argument(
        "--at",
        help="send later: 'YYYY-MM-DD HH:MM' in TPBOT_TIMEZONE (the running bot sends it); "
        "a time in the past is refused, one within quiet hours moves to their end",
    )
    cmd.add_argument(
        "--now",
        action="store_true",
        help="send now even within quiet hours (without it, a broadcast asked for now then "
        "is held until they end)",
    )
    cmd.add_argument(
        "--again",
        action="store_true",
        help="send even if the same text to the same audience is still scheduled or being "
        "sent (without it, the command asks)",
    )
    cmd.add_argument(
        "--dry-run",
        action="store_true",
        help="check everything a real run would and show the audience and a preview; send nothing",
    )
    cmd.add_argument("--resume", type=int, metavar="ID", help="continue an interrupted one")
    cmd.add_argument(
        "--resend-unknown",
        action="store_true",
        help="with --resume: send again the messages that may or may not have arrived "
        "(no answer from Telegram); some of those chats may get it twice",
    )
    cmd.add_argument("--cancel", type=int, metavar="ID", help="stop a scheduled/running one")
    cmd.set_defaults(handler=cmd_broadcast)
    text = "list recent broadcasts with their status"
    cmd = sub.add_parser("broadcasts", help=text, description=text)
    cmd.add_argument("--limit", type=int, default=20)
    cmd.set_defaults(handler=cmd_broadcasts)
    text = "write chats and their progress as CSV"
    cmd = sub.add_parser("export", help=text, description=text)
    cmd.add_argument("--output", type=Path, help="file to write (default: standard output)")
    cmd.set_defaults(handler=cmd_export)


def cmd_broadcast(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from bot.cli_broadcast import broadcast_main

    return asyncio.run(broadcast_main(args, settings))


def cmd_broadcasts(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import load_catalog_and_flow
    from bot.services.broadcasts.audience import describe_audience
    from bot.services.broadcasts.composer import listing
    from bot.services.calendar.quiet_hours import QuietHours
    from bot.storage.db import close_database, open_database

    catalog, spec = load_catalog_and_flow(settings)
    db = open_database(settings.db_path)
    try:
        quiet = QuietHours.parse(settings.quiet_hours, settings.timezone)
        listed = listing(db, args.limit)  # one query, as every door lists them
        if not listed:
            print("no broadcasts yet")
        for row, report in ((item.row, item.report) for item in listed):
            at = ""
            if row.status == "scheduled" and row.send_at:
                at = f"  at {quiet.local(dt.datetime.fromisoformat(row.send_at))}"
            created = quiet.local(dt.datetime.fromisoformat(row.created_at))
            print(
                f"#{row.id:<5} {row.status:<10} {created}  "
                f"audience {row.audience:<20} total {row.total or 0:>6}  "
                f"sent {report.sent}  blocked {report.blocked}  "
                f"failed {report.failed}  unknown {report.unknown}  "
                f"cancelled {report.cancelled}  "
                f"left {report.left}{at}\n"
                f"       {describe_audience(row.audience, spec, catalog, 'en')}"
            )
        return 0
    finally:
        close_database(db)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """Every chat, as the console's ``board.csv`` of an unfiltered board gives them (the same
    columns, steps by their English names; a file gets the BOM, standard output not)."""
    from bot.app import load_catalog_and_flow
    from bot.services.calendar.clock import utc_now
    from bot.services.calendar.workdays import Calendar
    from bot.services.console.handoff_view import DeskTiming
    from bot.services.console.portfolio import BoardFilter, Portfolio
    from bot.storage.db import close_database, open_database

    catalog, spec = load_catalog_and_flow(settings)
    db = open_database(settings.db_path)

    def step_name(step_id: str) -> str:
        return catalog.text("en", spec.steps[step_id].name)

    calendar = Calendar.load(settings.calendar_path, clock=utc_now)
    timing = DeskTiming.of(settings.working_hours, settings.handoff_resume_days)
    chunks = Portfolio(db, spec, calendar, timing=timing).csv_chunks(BoardFilter(), step_name)
    try:
        if args.output is None:
            rows = _write_rows(chunks, sys.stdout, bom=False)
        else:
            with args.output.open("w", encoding="utf-8", newline="") as handle:
                rows = _write_rows(chunks, handle, bom=True)
            print(f"{rows} chats written to {args.output}", file=sys.stderr)
        return 0
    finally:
        # Before the database, also when the reader went away (``export | head``): its open
        # read would keep the connection from closing.
        if isinstance(chunks, Generator):
            chunks.close()
        close_database(db)


def _write_rows(chunks: Iterable[str], out: TextIO, *, bom: bool) -> int:
    """Write the CSV ``chunks`` (a BOM first; each one whole rows) to ``out``; returns the rows
    under the header."""
    import csv
    import io

    rows = 0
    for number, chunk in enumerate(chunks):
        text = chunk if bom or number else chunk.removeprefix("\ufeff")
        out.write(text)
        rows += sum(1 for _ in csv.reader(io.StringIO(text)))
    return max(rows - 1, 0)
