"""The rules of the house, read from the code's imports (those inside functions included).

handlers (who talks) → services (what it means) → storage (where it is kept): a handler never
opens the database, a service never sees a ``telegram`` object, storage knows no step, and no
module imports its way back to itself.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter's ``lint-imports`` on the tree at ``root`` (its pyproject's contracts)."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
        check=False,
    )


def test_the_import_contracts_hold() -> None:
    """Layers, forbidden imports and independent features (pyproject's ``tool.importlinter``),
    as CI checks them."""
    result = lint_imports(PROJECT_ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("bot/services/calendar/clock.py", "from bot.telegram.sender import TelegramSender"),
        ("bot/services/flow/engine.py", "import bot.web.templating"),
        ("bot/web/pages.py", "from bot.handlers import replies"),
        ("bot/storage/meta.py", "import telegram"),
        ("bot/handlers/whoami.py", "from bot.storage import chats"),
        ("bot/services/desk/tickets.py", "from bot.services.broadcasts import audience"),
    ],
)
def test_the_contracts_catch_an_import_where_it_does_not_belong(
    tmp_path: Path, module: str, line: str
) -> None:
    """The holes the old hand-written checks had: each planted import breaks a contract."""
    shutil.copytree(BOT, tmp_path / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    planted = tmp_path / module
    planted.write_text(f"{line}  # noqa\n" + planted.read_text(encoding="utf-8"), "utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0 and "BROKEN" in result.stdout, result.stdout[-2000:]


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


# -- the tests' own house -------------------------------------------------------------------
TESTS = PROJECT_ROOT / "tests"
BENCHMARKS = PROJECT_ROOT / "benchmarks"


def shown(path: Path) -> str:
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def imported_names(path: Path, package: str | None = None) -> set[str]:
    """Every module an import anywhere in the file names, relative ones made absolute
    (``package``: the file's, if not where it lies)."""
    if package is None:
        package = ".".join(path.relative_to(PROJECT_ROOT).parent.parts)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def is_test_module(name: str) -> bool:
    """A test module or conftest, or a name in one (``tests.test_cli._free_port``,
    ``conftest``, ``test_walk`` as pytest's rootdir import would find it)."""
    top, _, rest = name.partition(".")
    if top == "tests":
        top = rest.partition(".")[0]
    return top == "conftest" or top.startswith("test_")


def cross_imports(paths: list[Path], package: str | None = None) -> dict[str, set[str]]:
    found = {}
    for path in paths:
        bad = {name for name in imported_names(path, package) if is_test_module(name)}
        if bad:
            found[shown(path)] = bad
    return found


def test_no_test_module_imports_another_test_module_or_conftest() -> None:
    """Shared test code lives in tests/helpers/; test modules, the helpers and the benchmarks
    import it from there."""
    paths = sorted(TESTS.rglob("*.py")) + sorted(BENCHMARKS.rglob("*.py"))
    assert cross_imports(paths) == {}


def test_the_cross_import_check_sees_each_way_in(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"  # as if in tests/
    probe.write_text(
        "import conftest\nfrom tests.conftest import clock\nfrom . import test_cli\n"
        "def later():\n    from tests.test_walk import walk\n"
        "from tests.helpers.harness import BotHarness\n",
        encoding="utf-8",
    )
    assert cross_imports([probe], "tests") == {
        str(probe): {
            "conftest",
            "tests.conftest",
            "tests.conftest.clock",
            "tests.test_cli",
            "tests.test_walk",
            "tests.test_walk.walk",
        }
    }


def test_conftest_holds_only_fixtures() -> None:
    tree = ast.parse((TESTS / "conftest.py").read_text(encoding="utf-8"))
    others = []
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        is_fixture = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
            "fixture" in ast.unparse(decorator) for decorator in node.decorator_list
        )
        if not is_fixture:
            others.append(ast.unparse(node).splitlines()[0])
    assert others == []


# Called by a library, not by name in our code: hooks we override and protocol methods.
LIBRARY_HOOKS = {
    "do_process_update",  # PTB's BaseUpdateProcessor (bot.telegram.lanes)
    "capture_signals",  # uvicorn.Server (bot.runner)
    "handle_starttag",  # html.parser.HTMLParser (bot.services.message_html)
    "handle_data",  # html.parser.HTMLParser (bot.services.message_html)
    "handle_endtag",
    "aclose",  # the async iterator's close (bot.services.console.readers.ReadStream)
}
# Read only by tests for now, each with the reason it stays in bot/.
TEST_ONLY_FOR_NOW = {
    # the offline Bot API is the tests' network by design (README: bot/demo/); these tell it
    # to fail or stall a call, which only tests do
    "fail",
    "hold",
}


def names_used(paths: list[Path]) -> set[str]:
    """Every name the code refers to: names, attributes, imports, and identifier strings
    (``getattr``); in templates, every word."""
    used: set[str] = set()
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if path.suffix != ".py":
            used.update(re.findall(r"\w+", text))
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Name):
                used.add(node.id)
            elif isinstance(node, ast.Attribute):
                used.add(node.attr)
            elif isinstance(node, ast.alias):
                used.add(node.name.rsplit(".", 1)[-1])
            elif isinstance(node, ast.Constant) and str(node.value).isidentifier():
                used.add(str(node.value))
    return used


def defined_functions(paths: list[Path]) -> dict[str, str]:
    """Functions, methods and classes defined in ``paths`` (name → where), less dunder
    methods and those registered by a decorator call (``@chats_migrations()``)."""
    found = {}
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            members = node.body if isinstance(node, ast.ClassDef) else []
            for item in [node, *members]:
                if not isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    continue
                if item.name.startswith("__") or any(
                    isinstance(d, ast.Call) for d in item.decorator_list
                ):
                    continue
                found[item.name] = f"{shown(path)}:{item.lineno}"
    return found


def unused_by_the_bot(sources: list[Path]) -> dict[str, str]:
    used = names_used(sources)
    defined = defined_functions([path for path in sources if path.suffix == ".py"])
    return {
        name: where
        for name, where in defined.items()
        if name not in used and name not in LIBRARY_HOOKS | TEST_ONLY_FOR_NOW
    }


def test_every_function_of_the_bot_is_used_by_the_bot() -> None:
    """No test-only helpers in production code (``sign_init_data``, ``median_p90_of``,
    ``board.board_rows`` were): what only tests need lives in tests/helpers/."""
    sources = sorted(BOT.rglob("*.py")) + sorted(BOT.rglob("*.html"))
    assert unused_by_the_bot(sources) == {}


def test_the_unused_check_sees_a_test_only_function(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        "class Api:\n    def used(self): ...\n    def for_tests(self): ...\n"
        "def helper(): ...\nApi().used()\n",
        encoding="utf-8",
    )
    sources = [*sorted(BOT.rglob("*.py")), module]
    found = {name for name, _ in unused_by_the_bot(sources).items()}
    assert found == {"for_tests", "helper"}
