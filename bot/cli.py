"""``tmall-tp-bot`` (also ``python -m bot``): run, demo, diagram, check, health; the
operators' tools (:mod:`bot.cli_operators`) and ``backup`` (:mod:`bot.cli_tools`)."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli_operators import add_commands as add_operator_commands
from bot.cli_tools import add_commands as add_tool_commands

# Only what building the parser needs is imported at the top: `--help` answers before the
# flow, calendar and storage modules (yaml, holidays, sqlite-utils) are loaded.
if TYPE_CHECKING:
    from bot.config import Settings
    from bot.services.flow.flow_spec import FlowSpec

log = logging.getLogger("bot")

Command = Callable[[argparse.Namespace, "Settings"], int]


def _configure_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        level=logging.DEBUG if verbose else logging.INFO,
    )
    # httpx logs every request URL at INFO, and the URL contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # transitions logs two INFO lines for every button pressed.
    logging.getLogger("transitions").setLevel(logging.WARNING)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio
    from dataclasses import replace

    from bot.runner import run

    token = settings.require_token()
    _configure_logging(args.verbose)
    settings = replace(settings, allow_stranded=args.allow_stranded)
    return asyncio.run(run(settings, token))


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio
    from dataclasses import replace

    from bot.demo.terminal import run_demo

    logging.basicConfig(level=logging.WARNING)
    # Its own database unless told: demo chats stay out of exports and broadcast audiences.
    settings = replace(settings, db_path=args.db or settings.db_path.with_name("demo.sqlite3"))
    if args.console:  # the demo's user is the demo console's operator
        settings = replace(
            settings,
            operators=settings.operators | {args.chat_id},
            operators_file=None,  # fixed: a .env read again would drop the demo's user
            port=args.port or settings.port,
            public_url=None,
            webhook_url=None,
        )
    try:
        return asyncio.run(
            run_demo(
                settings,
                language=args.language,
                chat_id=args.chat_id,
                console=args.console,
                sample=args.sample,
            )
        )
    except KeyboardInterrupt:  # Ctrl-C: everything was saved as it happened
        print("\nbye — your progress is saved; run the demo again to continue.")
        return 0


def cmd_diagram(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import load_catalog_and_flow
    from bot.services.flow.diagram import mermaid

    catalog, spec = load_catalog_and_flow(settings)
    print(mermaid(spec, catalog, args.language))
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import load_catalog_and_flow
    from bot.services.desk.canned import reply_names

    catalog, spec = load_catalog_and_flow(settings)
    answers = sum(len(step.answers) for step in spec.steps.values())
    print(
        f"{spec.path}: OK — {len(spec.steps)} steps in {len(spec.stages)} stages, {answers} "
        f"answers, texts complete in {', '.join(sorted(catalog.message_ids()))}; "
        f"flow version {spec.version}"
    )
    replies = reply_names(catalog)
    print(f"{settings.locales_dir}: {len(replies)} canned replies ({', '.join(replies)})")
    if not _check_calendar(settings.calendar_path):
        return 2
    if args.db is not None:
        return _check_database(args.db, spec)
    return 0


CALENDAR_WARNING_DAYS = 90


def _today() -> dt.date:
    from bot.services.calendar.clock import utc_now
    from bot.services.calendar.workdays import china_date

    return china_date(utc_now())


def _check_calendar(path: Path) -> bool:
    """The working-day schedule file is valid, and says how far the calendar is official."""
    from bot.services.calendar.schedule_file import check_schedule
    from bot.services.calendar.workdays import Calendar

    faults = check_schedule(path)
    if faults:
        print(f"error: {len(faults)} problem(s) in the working-day calendar:", file=sys.stderr)
        for fault in faults:
            print(f"  - {fault}", file=sys.stderr)
        return False
    calendar = Calendar.from_file(path)
    until = calendar.covered_until()
    if (until - _today()).days < CALENDAR_WARNING_DAYS:
        print(
            f"warning: official Chinese working days are known up to {until}; audit dates after "
            f"it are provisional (statutory holidays only, no make-up working days) until the "
            f"official schedule is added to {path} (or to a copy that TPBOT_CALENDAR names)"
        )
    else:
        print(f"calendar: official working days known up to {until}")
    return True


def _check_database(path: Path, spec: FlowSpec) -> int:
    """A dry run of the flow's migrations against a real database: who would move where."""
    from bot.services.flow import flow_versions
    from bot.storage.db import close_database, open_database

    if not path.exists():
        print(f"error: no database at {path.absolute()} (check the path of --db)", file=sys.stderr)
        return 2
    from bot.services.evidence.evidence import EvidenceService

    db = open_database(path)
    try:
        moves = flow_versions.plan(db, spec)
        unlisted = EvidenceService(db, spec, dt.datetime.now, 0).unlisted()
    finally:
        close_database(db)
    for (step, document_id), count in sorted(Counter(unlisted).items()):
        print(
            f"warning: {path}: {count} file(s) kept for '{step}.{document_id}', which this flow "
            "does not ask for: kept, but not listed (add documents: {"
            f"{step}.{document_id}: <step>.<document>}} to a migration to count them)"
        )
    if not moves:
        print(f"{path}: every chat is at a step of flow version {spec.version}; nothing to move")
        return 0
    for line in flow_versions.describe(spec, moves):
        print(f"{path}: {line}")
    stranded = [m for m in moves if m.target is None]
    if stranded:
        print(f"error: {flow_versions.StrandedChats(spec, stranded)}", file=sys.stderr)
        return 2
    print(f"{path}: `run` applies these moves on start, in one transaction")
    return 0


HEALTHY_WITHIN = 60  # seconds: a long poll waits 20 at most, webhook mode beats every 10


def cmd_health(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0 if a bot using this database took updates in recently (Docker's HEALTHCHECK)."""
    import time

    from bot.intake import heartbeat_path

    path = heartbeat_path(settings.db_path)
    try:
        age = time.time() - path.stat().st_mtime
    except OSError:
        print(f"unhealthy: no running bot has used {settings.db_path} yet", file=sys.stderr)
        return 1
    if age > HEALTHY_WITHIN:
        print(f"unhealthy: no updates taken in for {age:.0f} s", file=sys.stderr)
        return 1
    print(f"healthy: updates taken in {age:.0f} s ago")
    return 0


COMMANDS: dict[str, tuple[Command, str]] = {
    "run": (cmd_run, "run the bot (long polling, or a webhook if TPBOT_WEBHOOK_URL is set)"),
    "demo": (cmd_demo, "chat with the bot in this terminal, offline, no token needed"),
    "diagram": (cmd_diagram, "print the flow as a Mermaid state diagram"),
    "check": (cmd_check, "validate the flow file and the locales, then exit"),
    "health": (cmd_health, "exit 0 if the running bot is taking updates in (for HEALTHCHECK)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tmall-tp-bot", description="Tmall International TP certification assistant"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (_, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if name == "run":
            command.add_argument("-v", "--verbose", action="store_true")
            command.add_argument(
                "--allow-stranded",
                action="store_true",
                help="start although chats are at steps the flow does not have (check --db "
                "names them); they stay there, are told so, and may /reset",
            )
        if name == "demo":
            command.add_argument(
                "--language",
                choices=["en", "zh"],
                help="the demo chat's language (default: the last demo's, else English)",
            )
            command.add_argument("--chat-id", type=int, default=10_001, help="the demo chat's id")
            command.add_argument(
                "--console",
                action="store_true",
                help="also serve the operators' console on 127.0.0.1 (you are its operator)",
            )
            command.add_argument(
                "--port", type=int, help="the console's port (default: TPBOT_PORT, 8080)"
            )
            command.add_argument(
                "--sample",
                type=int,
                default=0,
                metavar="N",
                help="first add N sample client companies with some weeks of history",
            )
            command.add_argument(
                "--db",
                type=Path,
                help="database to use (default: demo.sqlite3 beside the bot's database)",
            )
        if name == "check":
            command.add_argument(
                "--db", type=Path, help="also dry-run the flow's migrations on this database"
            )
        if name == "diagram":
            command.add_argument(
                "--language",
                choices=["en", "zh", "ids"],
                default="ids",
                help="label states with their ids (default) or titles",
            )
    add_operator_commands(sub)
    add_tool_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from bot.cli_tools import NEEDS_DATABASE, quiet_broken_pipe, require_database
    from bot.config import ConfigError, Settings
    from bot.services.flow.flow_spec import FlowError
    from bot.storage.db import DatabaseProblem

    try:
        settings = Settings.from_env()
        if args.command in NEEDS_DATABASE:
            require_database(settings)
        handler = getattr(args, "handler", None) or COMMANDS[args.command][0]
        return int(handler(args, settings))
    except BrokenPipeError:  # `tmall-tp-bot export | head`
        return quiet_broken_pipe()
    except ConfigError as exc:  # each faulty setting on a line of its own
        for line in str(exc).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return 2
    except (FlowError, DatabaseProblem, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
