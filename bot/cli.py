"""``tmall-tp-bot`` (also ``python -m bot``): run, demo, diagram, check."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Sequence

from bot.cli_operators import add_commands as add_operator_commands
from bot.config import ConfigError, Settings
from bot.services.flow_spec import FlowError

log = logging.getLogger("bot")

Command = Callable[[argparse.Namespace, Settings], int]


def _configure_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        level=logging.DEBUG if verbose else logging.INFO,
    )
    # httpx logs every request URL at INFO, and the URL contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runner import run

    token = settings.require_token()
    _configure_logging(args.verbose)
    return asyncio.run(run(settings, token))


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.demo.terminal import run_demo

    logging.basicConfig(level=logging.WARNING)
    return asyncio.run(run_demo(settings, language=args.language, chat_id=args.chat_id))


def cmd_diagram(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import load_catalog_and_flow
    from bot.services.diagram import mermaid

    catalog, spec = load_catalog_and_flow(settings)
    print(mermaid(spec, catalog, args.language))
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import load_catalog_and_flow

    catalog, spec = load_catalog_and_flow(settings)
    answers = sum(len(step.answers) for step in spec.steps.values())
    print(
        f"{spec.path}: OK — {len(spec.steps)} steps in {len(spec.stages)} stages, "
        f"{answers} answers, texts complete in {', '.join(sorted(catalog.message_ids()))}"
    )
    return 0


COMMANDS: dict[str, tuple[Command, str]] = {
    "run": (cmd_run, "run the bot (long polling, or a webhook if TPBOT_WEBHOOK_URL is set)"),
    "demo": (cmd_demo, "chat with the bot in this terminal, offline, no token needed"),
    "diagram": (cmd_diagram, "print the flow as a Mermaid state diagram"),
    "check": (cmd_check, "validate the flow file and the locales, then exit"),
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
        if name == "demo":
            command.add_argument("--language", choices=["en", "zh"], default="en")
            command.add_argument("--chat-id", type=int, default=10_001)
        if name == "diagram":
            command.add_argument(
                "--language",
                choices=["en", "zh", "ids"],
                default="ids",
                help="label states with their ids (default) or titles",
            )
    add_operator_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        handler = getattr(args, "handler", None) or COMMANDS[args.command][0]
        return int(handler(args, settings))
    except (ConfigError, FlowError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
