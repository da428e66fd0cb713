"""The ``broadcast`` command: send (or schedule) one, resume or cancel one, with a progress bar.

What it does when things go wrong, so that no chat gets a notice twice:

* the Bot API cannot be reached, or refuses the token: one line, and nothing is kept (the
  connection is checked before the broadcast is made);
* it stops in the middle: nothing sent yet, the broadcast is cancelled; some sent, it stays
  resumable (``--resume ID``, or the running bot takes it over within seconds);
* the same text to the same audience is still scheduled or being sent: it asks first
  (``--again`` sends it anyway, without asking).

Quiet hours are the same rule as in the chat and the console: a broadcast asked for now is
held until they end (``--now`` sends it anyway); an ``--at`` within them moves to their end,
and the command says so; an ``--at`` in the past is refused. Times are printed in
``TPBOT_TIMEZONE``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from telegram import Bot
from telegram.error import InvalidToken, TelegramError
from telegram.request import BaseRequest

from bot.config import ConfigError, Settings
from bot.services.broadcasts.audience import AudienceError, describe_audience, parse_audience
from bot.services.broadcasts.broadcasts import AudienceSize, BroadcastService, Report
from bot.services.broadcasts.composer import BroadcastComposer
from bot.services.broadcasts.delivery import Delivery, Limits
from bot.services.calendar.clock import Clock, utc_now
from bot.services.calendar.quiet_hours import QuietHours
from bot.services.message_html import plain_preview
from bot.telegram.limits import TELEGRAM_TEXT_LIMITS
from bot.telegram.sender import TelegramSender

BAR = 30
Ask = Callable[[str], bool]


def _read(path: Path, composer: BroadcastComposer) -> dict[str, Any]:
    """The file as one variant, checked as every door checks it."""
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    variant = {"kind": "text", "html": text}
    faults = composer.faults("en", variant)
    if any(fault.kind == "empty" for fault in faults):
        raise ConfigError(f"{path} is empty")
    for fault in faults:
        if fault.kind == "too-long":
            raise ConfigError(
                f"{path} has {fault.length} characters; Telegram allows {fault.limit}"
            )
    if faults:
        details = "; ".join(fault.detail for fault in faults)
        raise ConfigError(f"{path}: Telegram would refuse its HTML: {details}")
    return variant


def parse_at(raw: str, quiet: QuietHours, now: dt.datetime) -> tuple[dt.datetime | None, str]:
    """``--at`` → (when, what to tell the operator about it). None: now (the current
    minute). A time in the past is refused; one within quiet hours moves to their end."""
    try:
        local = dt.datetime.strptime(raw.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise ConfigError(f"--at must look like '2026-10-02 10:00', got {raw!r}") from None
    asked = local.replace(tzinfo=quiet.tz).astimezone(dt.UTC)
    if asked + dt.timedelta(minutes=1) <= now:
        raise ConfigError(
            f"--at {raw.strip()} ({quiet.tz.key}) is in the past (it is now "
            f"{quiet.local(now)}); give a later time, or leave --at out to send it now"
        )
    if asked <= now:
        return None, ""
    moved = quiet.next_allowed(asked)
    if moved == asked:
        return asked, ""
    return moved, (
        f"{quiet.local(asked)} is within quiet hours ({quiet.window} {quiet.tz.key}): "
        f"moved to {quiet.local(moved)}"
    )


def chats_text(size: AudienceSize) -> str:
    chats = "1 chat" if size.chats == 1 else f"{size.chats} chats"
    if not size.muted:
        return chats
    return f"{chats} ({size.muted} more left out: they turned reminders off with /mute)"


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
        f"unknown {report.unknown} cancelled {report.cancelled} left {report.left}{eta}"
    )


def ask_on_terminal(question: str) -> bool:
    """Ask on the terminal; without one (a script), the answer is no."""
    if not sys.stdin.isatty():
        return False
    try:
        return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")
    except EOFError:
        return False


def connection_error(exc: TelegramError, settings: Settings) -> str:
    if isinstance(exc, InvalidToken):
        return "the token was rejected by Telegram: check TELEGRAM_BOT_TOKEN"
    reason = f"{type(exc).__name__}: {exc}"
    if settings.token:
        reason = reason.replace(settings.token, "<token>")
    return f"cannot reach the Bot API at {settings.api_base_url} ({reason})"


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
    ask: Ask = ask_on_terminal,
) -> int:
    """The ``broadcast`` command; tests inject the request layer, clock, limits and answer."""
    from bot.app import load_catalog_and_flow
    from bot.storage.db import close_database, open_database

    out = out or sys.stdout
    err = err or sys.stderr
    catalog, spec = load_catalog_and_flow(settings)
    quiet = QuietHours.parse(settings.quiet_hours, settings.timezone)
    db = open_database(settings.db_path)
    try:
        service = BroadcastService(db, spec, clock, progress_every=progress_every)
        composer = BroadcastComposer(service, None, quiet, TELEGRAM_TEXT_LIMITS)
        if args.cancel is not None:
            if composer.cancel(args.cancel):
                print(f"broadcast {args.cancel} cancelled", file=out)
                return 0
            print(f"error: broadcast {args.cancel} is not scheduled or running", file=err)
            return 1
        resend = bool(getattr(args, "resend_unknown", False))
        if resend and args.resume is None:
            print("error: --resend-unknown goes with --resume ID", file=err)
            return 2
        content: dict[str, Any] | None = None
        if args.resume is not None:
            row = service.get(args.resume)
            resumable = ("running", "scheduled", "done") if resend else ("running", "scheduled")
            if row is None or row.status not in resumable:
                state = row.status if row else "unknown"
                print(f"error: broadcast {args.resume} cannot be resumed ({state})", file=err)
                return 1
            broadcast_id = args.resume
        else:
            try:
                audience = parse_audience(args.audience, spec)
            except AudienceError as exc:
                print(f"error: {exc}", file=err)
                return 2
            size = service.size(audience)
            if args.text_file is None:
                print("error: --text-file is required (or --resume / --cancel)", file=err)
                return 2
            content = {"en": _read(args.text_file, composer)}
            if args.text_file_zh is not None:
                content["zh"] = _read(args.text_file_zh, composer)
            now = clock()
            send_at, moved = parse_at(args.at, quiet, now) if args.at else (None, "")
            held = False
            if send_at is None and not getattr(args, "now", False):
                send_at = quiet.when_to_send(now)
                held = send_at is not None
            if moved:
                print(moved, file=out)
            if args.dry_run:  # everything a real run checks, and what it would send
                print(f"dry run: {chats_text(size)} in audience {audience.text}", file=out)
                print(f"  {describe_audience(audience, spec, catalog, 'en')}", file=out)
                for lang, variant in content.items():
                    print(f"  [{lang}] {plain_preview(variant['html'])}", file=out)
                if held and send_at is not None:
                    print(f"  {_held(quiet, send_at)}", file=out)
                elif send_at is not None:
                    print(f"  to be sent at {quiet.local(send_at)}", file=out)
                return 0
            twins = service.pending_like(audience, content)
            if twins and not getattr(args, "again", False):
                twin = twins[-1]
                state = "being sent" if twin.status == "running" else "scheduled"
                question = (
                    f"broadcast {twin.id} with the same text to the same audience is still "
                    f"{state}; send it again?"
                )
                if not ask(question):
                    print(
                        f"error: {question.removesuffix('; send it again?')}: nothing made "
                        f"(--cancel {twin.id} stops it; --again sends another anyway)",
                        file=err,
                    )
                    return 1
            if send_at is not None:
                broadcast_id = composer.schedule(audience, content, send_at=send_at).broadcast_id
                when = _held(quiet, send_at) if held else f"scheduled for {quiet.local(send_at)}"
                print(
                    f"broadcast {broadcast_id} {when} ({chats_text(size)} now); "
                    f"the running bot will send it",
                    file=out,
                )
                return 0
        token = settings.require_token() if request is None else (settings.token or "0:x")
        bot = Bot(token, base_url=settings.api_base_url, request=request)
        try:
            await bot.initialize()  # before the broadcast exists: a bad token keeps nothing
        except TelegramError as exc:
            kept = "nothing sent, nothing changed" if content is None else "nothing sent or kept"
            print(f"error: {connection_error(exc, settings)}; {kept}", file=err)
            return 1
        try:
            if content is not None:  # held or not was decided above
                broadcast_id = composer.schedule(audience, content, anyway=True).broadcast_id
                print(f"broadcast {broadcast_id}: {chats_text(size)}", file=out)
            elif resend:
                again = service.resend_unknown(broadcast_id)
                if again is None:
                    print(_busy(broadcast_id), file=err)
                    return 1
                print(f"broadcast {broadcast_id}: {again} unknown to send again", file=out)
                row = service.get(broadcast_id)
                if again == 0 and row is not None and row.status == "done":
                    return 0
            report = await _send(service, broadcast_id, bot, settings, limits, err)
        finally:
            with contextlib.suppress(TelegramError):
                await bot.shutdown()
        if report is None:
            return _stopped(service, broadcast_id, out, err)
        if report.busy:
            print(_busy(broadcast_id), file=err)
            return 1
        print(
            f"broadcast {broadcast_id} {report.status}: sent {report.sent}, blocked "
            f"{report.blocked}, failed {report.failed}, unknown (may have arrived, not "
            f"resent; --resend-unknown sends them) {report.unknown}, cancelled "
            f"{report.cancelled}, not sent {report.left}",
            file=out,
        )
        return 0
    finally:
        close_database(db)


async def _send(
    service: BroadcastService,
    broadcast_id: int,
    bot: Bot,
    settings: Settings,
    limits: Limits | None,
    err: TextIO,
) -> Report | None:
    """Run it; None if it stopped with an error from the network (said in one line)."""
    delivery = Delivery(TelegramSender(bot), limits or Limits(per_second=settings.broadcast_rate))

    async def show(report: Report) -> None:
        end = "\n" if report.final else ""
        print(f"\r{progress_line(report)}", end=end, file=err, flush=True)

    try:
        return await service.run(broadcast_id, delivery, show)
    except TelegramError as exc:
        print(
            f"\nerror: broadcast {broadcast_id} stopped: {connection_error(exc, settings)}",
            file=err,
        )
        return None


def _stopped(service: BroadcastService, broadcast_id: int, out: TextIO, err: TextIO) -> int:
    """After an error in the middle: cancelled if nothing went out, else resumable."""
    report = service.report(broadcast_id)
    went = report is not None and (report.sent + report.unknown + report.blocked + report.failed)
    if not went and service.cancel(broadcast_id):  # as BroadcastComposer.cancel
        print(f"broadcast {broadcast_id} cancelled: nothing was sent", file=err)
        return 1
    service.let_go(broadcast_id)
    done = f"{report.total - report.left} of {report.total}" if report else "some"
    print(
        f"broadcast {broadcast_id}: {done} done; the rest goes with "
        f"`tmall-tp-bot broadcast --resume {broadcast_id}` (the running bot also takes it over "
        f"within seconds; each chat still gets it once)",
        file=err,
    )
    return 1


def _held(quiet: QuietHours, send_at: dt.datetime) -> str:
    return f"held until {quiet.local(send_at)} (quiet hours {quiet.window}; --now sends it now)"


def _busy(broadcast_id: int) -> str:
    return (
        f"error: broadcast {broadcast_id} is being sent by another process "
        f"(its lease is fresh); try again in a few seconds"
    )
