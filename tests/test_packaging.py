"""The package runs without the checkout: a wheel ships the flow, the catalogs and the
working-day calendar inside ``bot/_data/``, and the installed code reads them from there, from
any working directory. And the Docker files agree on where the database lives."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

import pytest
import yaml

from bot.config import PROJECT_ROOT

SOURCES = ("pyproject.toml", "README.md", "bot", "flows", "locales", "calendar")


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TPBOT_", "TELEGRAM_"))}
    env.pop("PYTHONPATH", None)
    return {**env, **extra}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the checkout (so no stale build/ folder leaks in)."""
    source = tmp_path_factory.mktemp("source")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        path = PROJECT_ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    dist = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    built = subprocess.run(
        [*command, "--no-index", "-q", "-w", str(dist), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        env=_clean_env(),
    )
    # Needs setuptools>=68 and wheel in this environment: the [test] extra installs them.
    assert built.returncode == 0, built.stdout + built.stderr
    [found] = dist.glob("tmall_tp_bot-*.whl")
    return found


def _names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_wheel_ships_the_flow_both_catalogs_and_the_calendar(wheel: Path) -> None:
    names = _names(wheel)
    shipped = {
        "flows/tmall_tp.yaml": "bot/_data/flows/tmall_tp.yaml",
        "calendar/cn_workdays.yaml": "bot/_data/calendar/cn_workdays.yaml",
    }
    languages = sorted(p.name for p in (PROJECT_ROOT / "locales").iterdir() if p.is_dir())
    assert {"en", "zh"} <= set(languages)
    for language in languages:  # each is a package of its own in pyproject
        catalogs = sorted((PROJECT_ROOT / "locales" / language).glob("*.ftl"))
        assert catalogs, language
        for ftl in catalogs:
            shipped[f"locales/{language}/{ftl.name}"] = f"bot/_data/locales/{language}/{ftl.name}"
    missing = {inside for inside in shipped.values() if inside not in names}
    assert missing == set(), "not in the wheel"
    with zipfile.ZipFile(wheel) as archive:
        for source, inside in shipped.items():
            assert archive.read(inside) == (PROJECT_ROOT / source).read_bytes(), inside


def test_the_wheel_has_every_file_of_the_package(wheel: Path) -> None:
    """pyproject lists the packages one by one (the data ones need package-dir), and the data
    files of each: a new subpackage, or a new kind of file (templates...), missing there would
    be missing from the wheel."""
    names = _names(wheel)
    files = {
        path.relative_to(PROJECT_ROOT).as_posix()
        for path in (PROJECT_ROOT / "bot").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    assert files - names == set(), "add to [tool.setuptools] packages or package-data"
    assert {PurePosixPath(n).parts[0] for n in names} == {"bot", "tmall_tp_bot-0.1.0.dist-info"}


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel unpacked as pip installs a pure-Python wheel: its files in site-packages."""
    site = tmp_path_factory.mktemp("site-packages")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def _run_installed(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=_clean_env(PYTHONPATH=str(site)),
    )


def test_the_installed_package_finds_its_data_inside_itself(
    installed: Path, tmp_path: Path
) -> None:
    probe = (
        "import json, bot, bot.config as c; print(json.dumps([bot.__file__, str(c.DEFAULT_FLOW),"
        " str(c.DEFAULT_LOCALES), str(c.DEFAULT_CALENDAR), str(c.Settings.from_env().db_path)]))"
    )
    result = _run_installed(installed, tmp_path, "-c", probe)
    assert result.returncode == 0, result.stderr
    module, flow, locales, calendar, db = json.loads(result.stdout)
    data = installed / "bot" / "_data"
    assert Path(module) == installed / "bot" / "__init__.py"  # not the checkout's
    assert Path(flow) == data / "flows" / "tmall_tp.yaml"
    assert Path(locales) == data / "locales"
    assert {p.name for p in Path(locales).iterdir()} == {"en", "zh"}
    assert Path(calendar) == data / "calendar" / "cn_workdays.yaml"
    assert db == "data/tpbot.sqlite3"  # in the working directory, not beside the code


def test_check_runs_from_any_folder(installed: Path, tmp_path: Path) -> None:
    result = _run_installed(installed, tmp_path, "-m", "bot", "check")
    assert result.returncode == 0, result.stderr
    assert f"{installed / 'bot' / '_data' / 'flows' / 'tmall_tp.yaml'}: OK" in result.stdout
    assert "texts complete in en, zh" in result.stdout
    assert list(tmp_path.iterdir()) == []  # check writes nothing where it runs


# --- Docker -----------------------------------------------------------------------------------


def _one(pattern: str, text: str) -> str:
    found = re.findall(pattern, text, re.M)
    assert len(found) == 1, pattern
    return str(found[0])


def test_compose_keeps_the_database_on_the_images_data_volume() -> None:
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
    compose_text = (PROJECT_ROOT / "compose.yaml").read_text(encoding="utf-8")
    compose = yaml.safe_load(compose_text)
    db = _one(r"TPBOT_DB=(\S+)", dockerfile)
    [volume] = json.loads(_one(r"^VOLUME (\[.*\])$", dockerfile))
    health = json.loads(_one(r"^HEALTHCHECK .* CMD (\[.*\])$", dockerfile))
    assert str(PurePosixPath(db).parent) == volume

    service = compose["services"]["bot"]
    assert service["build"] == "." and service["env_file"] == ".env"
    assert service["restart"] == "unless-stopped"
    [mount] = service["volumes"]
    name, target = mount.split(":")
    assert target == volume and name in compose["volumes"]  # a named volume
    assert service["environment"]["TPBOT_DB"] == db  # wins over a TPBOT_DB in .env
    assert service["healthcheck"]["test"] == ["CMD", *health]
    # the console's port, on this machine only (tests/test_docker.py: where the links point)
    assert service["ports"] == ["127.0.0.1:${TPBOT_PORT:-8080}:${TPBOT_PORT:-8080}"]
