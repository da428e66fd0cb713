"""The rules of the house, read from the code's imports (those inside functions included).

handlers (who talks) → services (what it means) → storage (where it is kept): a handler never
opens the database, a service never sees a ``telegram`` object, storage knows no step, and no
module imports its way back to itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

from bot.config import PROJECT_ROOT

BOT = PROJECT_ROOT / "bot"


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in BOT.rglob("*.py")}


def imports_of(path: Path) -> set[str]:
    """Every module named by an import anywhere in the file (``from a import b`` counts as
    ``a.b`` when that is a module of ours, else as ``a``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(
                f"{node.module}.{alias.name}"
                for alias in node.names
                if f"{node.module}.{alias.name}" in MODULES
            )
    return found


def dependencies(name: str) -> set[str]:
    """The modules of ours that importing ``name`` runs: what it imports, and the packages
    those live in (Python runs a package's ``__init__`` before its modules)."""
    result: set[str] = set()
    own_packages = {name.rsplit(".", i)[0] for i in range(1, name.count(".") + 1)}
    for target in imports_of(MODULES[name]):
        if target not in MODULES or target in own_packages:
            continue
        result.add(target)
        parts = target.split(".")
        for depth in range(2, len(parts)):
            package = ".".join(parts[:depth])
            if package in MODULES and package not in own_packages and package != name:
                result.add(package)
    result.discard(name)
    return result


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (as a path that ends where it began), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)) is not None:
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)) is not None:
            return cycle
    return None


def offenders(layer: str, forbidden: tuple[str, ...]) -> dict[str, set[str]]:
    found = {}
    for name, path in MODULES.items():
        if name == layer or name.startswith(layer + "."):
            bad = {m for m in imports_of(path) if m.startswith(forbidden)}
            if bad:
                found[name] = bad
    return found


def test_handlers_never_touch_storage() -> None:
    assert offenders("bot.handlers", ("bot.storage", "sqlite3", "sqlite_utils")) == {}


def test_web_pages_never_touch_storage() -> None:
    assert offenders("bot.web", ("bot.storage", "sqlite3", "sqlite_utils")) == {}


def test_services_and_storage_know_no_telegram() -> None:
    assert offenders("bot.services", ("telegram",)) == {}
    assert offenders("bot.storage", ("telegram",)) == {}


def test_dependencies_point_down() -> None:
    above = ("bot.handlers", "bot.jobs", "bot.app", "bot.cli", "bot.handlers.context", "bot.demo")
    assert offenders("bot.services", above) == {}
    assert offenders("bot.storage", ("bot.services", "bot.callbacks", *above)) == {}


def test_no_import_cycles() -> None:
    graph = {name: dependencies(name) for name in MODULES}
    assert find_cycle(graph) is None, " → ".join(find_cycle(graph) or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_modules_stay_small() -> None:
    for path in BOT.rglob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= 400, f"{path.relative_to(PROJECT_ROOT)} has {lines} lines"


def test_services_never_read_the_settings() -> None:
    """The calendar, the clock and the settings' values are handed in by the composition root."""
    readers = {
        name
        for name, path in MODULES.items()
        if name.startswith("bot.services") and "bot.config" in imports_of(path)
    }
    assert readers == set(), readers


def test_only_config_reads_the_environment() -> None:
    readers = {
        str(path.relative_to(PROJECT_ROOT))
        for path in BOT.rglob("*.py")
        if "os.environ" in (text := path.read_text(encoding="utf-8")) or "getenv(" in text
    }
    assert readers <= {"bot/config.py", "bot/config_checks.py"}, readers


def test_one_babel_locale_table() -> None:
    tables = {
        str(path.relative_to(PROJECT_ROOT))
        for path in BOT.rglob("*.py")
        if "zh_Hans" in path.read_text(encoding="utf-8")
    }
    assert tables == {"bot/services/i18n.py"}, tables
