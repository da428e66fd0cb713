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
import asyncio
import datetime as dt
import sys
from pathlib import Path
from typing import Any, TextIO

from telegram import Bot
from telegram.request import BaseRequest

from bot.config import ConfigError, Settings
from bot.services.audience import AudienceError, parse_audience
from bot.services.broadcasts import BroadcastService, Report
from bot.services.clock import Clock, utc_now
from bot.services.delivery import Delivery, Limits
from bot.services.message_html import html_faults, plain_preview
from bot.services.quiet_hours import QuietHours
from bot.telegram_sender import TelegramSender

MAX_TEXT = 4096
BAR = 30


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
        "--at", help="send later: 'YYYY-MM-DD HH:MM' in TPBOT_TIMEZONE (the running bot sends it)"
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


def _read(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    if not text:
        raise ConfigError(f"{path} is empty")
    if len(text) > MAX_TEXT:
        raise ConfigError(f"{path} has {len(text)} characters; Telegram allows {MAX_TEXT}")
    faults = html_faults(text)
    if faults:
        raise ConfigError(f"{path}: Telegram would refuse its HTML: {'; '.join(faults)}")
    return text


def _parse_at(raw: str, settings: Settings) -> dt.datetime:
    quiet = QuietHours.parse(settings.quiet_hours, settings.timezone)
    try:
        local = dt.datetime.strptime(raw.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise ConfigError(f"--at must look like '2026-10-02 10:00', got {raw!r}") from None
    # Like the chat: a time within quiet hours moves to their end.
    return quiet.next_allowed(local.replace(tzinfo=quiet.tz).astimezone(dt.UTC))


def progress_line(report: Report) -> str:
    total = report.total or 1
    done = report.total - report.left
    filled = round(BAR * done / total)
    eta = ""
    if report.eta_seconds is not None:
        eta = f" ETA {int(report.eta_seconds // 60)}m{int(report.eta_seconds % 60):02d}s"
    return (
        f"[{'#' * filled}{'.' * (BAR - filled)}] {done}/{report.total} "
        f"sent {report.sent} blocked {report.blocked} failed {report.failed} "
        f"unknown {report.unknown} left {report.left}{eta}"
    )


def cmd_broadcast(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(broadcast_main(args, settings))


async def broadcast_main(
    args: argparse.Namespace,
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    clock: Clock = utc_now,
    limits: Limits | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    progress_every: float = 1.0,
) -> int:
    """The ``broadcast`` command; tests inject the request layer, clock and limits."""
    from bot.app import load_catalog_and_flow
    from bot.storage.db import close_database, open_database

    out = out or sys.stdout
    err = err or sys.stderr
    _, spec = load_catalog_and_flow(settings)
    db = open_database(settings.db_path)
    try:
        service = BroadcastService(db, spec, clock, progress_every=progress_every)
        if args.cancel is not None:
            if service.cancel(args.cancel):
                print(f"broadcast {args.cancel} cancelled", file=out)
                return 0
            print(f"error: broadcast {args.cancel} is not scheduled or running", file=err)
            return 1
        resend = bool(getattr(args, "resend_unknown", False))
        if resend and args.resume is None:
            print("error: --resend-unknown goes with --resume ID", file=err)
            return 2
        if args.resume is not None:
            row = service.get(args.resume)
            resumable = ("running", "scheduled", "done") if resend else ("running", "scheduled")
            if row is None or row.status not in resumable:
                state = row.status if row else "unknown"
                print(f"error: broadcast {args.resume} cannot be resumed ({state})", file=err)
                return 1
            broadcast_id = args.resume
            if resend:
                again = service.resend_unknown(broadcast_id)
                if again is None:
                    print(_busy(broadcast_id), file=err)
                    return 1
                print(f"broadcast {broadcast_id}: {again} unknown to send again", file=out)
                if again == 0 and row.status == "done":
                    return 0
        else:
            try:
                audience = parse_audience(args.audience, spec)
            except AudienceError as exc:
                print(f"error: {exc}", file=err)
                return 2
            count = service.count(audience)
            if args.text_file is None:
                print("error: --text-file is required (or --resume / --cancel)", file=err)
                return 2
            content: dict[str, Any] = {"en": {"kind": "text", "html": _read(args.text_file)}}
            if args.text_file_zh is not None:
                content["zh"] = {"kind": "text", "html": _read(args.text_file_zh)}
            send_at = _parse_at(args.at, settings) if args.at else None
            if args.dry_run:  # everything a real run checks, and what it would send
                chats = "1 chat" if count == 1 else f"{count} chats"
                print(f"dry run: {chats} in audience {audience.text}", file=out)
                for lang, variant in content.items():
                    print(f"  [{lang}] {plain_preview(variant['html'])}", file=out)
                if send_at is not None:
                    print(f"  to be sent at {send_at.isoformat()} (UTC)", file=out)
                return 0
            if send_at is None and request is None:
                settings.require_token()  # before the broadcast exists, not after
            broadcast_id = service.create(audience, content, send_at=send_at)
            if send_at is not None:
                tz = QuietHours.parse(settings.quiet_hours, settings.timezone).tz
                at = send_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
                print(
                    f"broadcast {broadcast_id} scheduled for {at} {tz.key} "
                    f"({count} chats now); the running bot will send it",
                    file=out,
                )
                return 0
            print(f"broadcast {broadcast_id}: {count} chats", file=out)
        token = settings.require_token() if request is None else (settings.token or "0:x")
        bot = Bot(token, base_url=settings.api_base_url, request=request)
        async with bot:
            delivery = Delivery(
                TelegramSender(bot), limits or Limits(per_second=settings.broadcast_rate)
            )

            async def show(report: Report) -> None:
                end = "\n" if report.final else ""
                print(f"\r{progress_line(report)}", end=end, file=err, flush=True)

            report = await service.run(broadcast_id, delivery, show)
        if report.busy:
            print(_busy(broadcast_id), file=err)
            return 1
        print(
            f"broadcast {broadcast_id} {report.status}: sent {report.sent}, blocked "
            f"{report.blocked}, failed {report.failed}, unknown (may have arrived, not "
            f"resent; --resend-unknown sends them) {report.unknown}, not sent {report.left}",
            file=out,
        )
        return 0
    finally:
        close_database(db)


def _busy(broadcast_id: int) -> str:
    return (
        f"error: broadcast {broadcast_id} is being sent by another process "
        f"(its lease is fresh); try again in a few seconds"
    )


def cmd_broadcasts(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import load_catalog_and_flow
    from bot.storage.db import close_database, open_database

    _, spec = load_catalog_and_flow(settings)
    db = open_database(settings.db_path)
    try:
        service = BroadcastService(db, spec, utc_now)
        rows = service.recent(args.limit)
        if not rows:
            print("no broadcasts yet")
        for row in rows:
            report = service.report(row.id)
            assert report is not None
            at = f"  at {row.send_at}" if row.status == "scheduled" and row.send_at else ""
            print(
                f"#{row.id:<5} {row.status:<10} {row.created_at}  "
                f"audience {row.audience:<20} total {row.total or 0:>6}  "
                f"sent {report.sent}  blocked {report.blocked}  "
                f"failed {report.failed}  unknown {report.unknown}  "
                f"left {report.left}{at}"
            )
        return 0
    finally:
        close_database(db)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import load_catalog_and_flow
    from bot.services.funnel import write_csv
    from bot.storage.db import close_database, open_database

    catalog, spec = load_catalog_and_flow(settings)
    db = open_database(settings.db_path)
    try:
        if args.output is None:
            rows = write_csv(db, spec, catalog, sys.stdout, utc_now())
        else:
            with args.output.open("w", encoding="utf-8-sig", newline="") as handle:
                rows = write_csv(db, spec, catalog, handle, utc_now())
            print(f"{rows} chats written to {args.output}", file=sys.stderr)
        return 0
    finally:
        close_database(db)
