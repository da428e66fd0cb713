"""The docs cover what the code offers: every setting and every command (the habit
sqlite-utils keeps for its commands). A setting or command added to the code without its
line in the README (and, for settings, in .env.example) fails here."""

from __future__ import annotations

import re

from telegram.ext import CommandHandler

from bot.app import COMMANDS as CHAT_COMMANDS
from bot.cli import build_parser
from bot.config import PROJECT_ROOT
from bot.config_checks import SETTING_NAMES
from tests.helpers.harness import BotHarness

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
ENV_EXAMPLE = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")


def settings_in_code() -> set[str]:
    return set(SETTING_NAMES)  # every variable the settings are read from (bot.config_checks)


def test_every_setting_is_in_the_readme_table_and_the_env_example() -> None:
    settings = settings_in_code()
    assert len(settings) >= 15
    table = {
        name
        for line in README.splitlines()
        if line.startswith("|")
        for name in re.findall(r"`([A-Z][A-Z_]+)`", line)
    }
    assert settings - table == set(), "settings missing from the README's table"
    assert settings - set(re.findall(r"^#? ?([A-Z][A-Z_]+)=", ENV_EXAMPLE, re.M)) == set()


def test_every_command_line_command_is_in_the_readme() -> None:
    parser = build_parser()
    [sub] = [a for a in parser._actions if a.dest == "command"]
    names = set(sub.choices)  # type: ignore[arg-type]
    assert {"run", "demo", "check", "broadcast"} <= names
    for name in names:
        assert f"`tmall-tp-bot {name}" in README, f"`tmall-tp-bot {name}` is not in the README"


def test_every_chat_command_is_in_the_readme(harness: BotHarness) -> None:
    """Every command a handler answers (the operators' ones too), read off the real
    Application's handlers, not off a list that could fall behind."""
    handled: set[str] = set()
    for handlers in harness.application.handlers.values():
        for handler in handlers:
            if isinstance(handler, CommandHandler):
                handled.update(handler.commands)
    assert {name for name, _ in CHAT_COMMANDS} <= handled
    assert {"broadcast", "stats", "console", "close"} <= handled
    for name in sorted(handled):
        assert f"`/{name}`" in README, f"/{name} is not in the README"
