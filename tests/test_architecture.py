"""Dependencies point one way: handlers → services → storage (and nothing back)."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.config import PROJECT_ROOT

BOT = PROJECT_ROOT / "bot"


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_storage_depends_on_nothing_above_it() -> None:
    for path in (BOT / "storage").glob("*.py"):
        bad = {
            m
            for m in imports_of(path)
            if m.startswith(("bot.services", "bot.handlers", "telegram"))
        }
        assert not bad, f"{path.name} imports {bad}"


def test_services_do_not_depend_on_handlers() -> None:
    for path in (BOT / "services").glob("*.py"):
        bad = {m for m in imports_of(path) if m.startswith("bot.handlers")}
        assert not bad, f"{path.name} imports {bad}"


def test_modules_stay_small() -> None:
    for path in BOT.rglob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= 450, f"{path.relative_to(PROJECT_ROOT)} has {lines} lines"
