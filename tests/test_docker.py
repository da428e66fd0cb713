"""The documented Docker setup, read as Docker reads it (no Docker daemon needed): the image
installs every dependency at the version ``constraints.txt`` pins, as CI does; its commands are
the README's (``tmall-tp-bot ...`` on PATH, no entrypoint in front); compose publishes the
console's port and the bot's links point to where it is published."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot.config import Settings

ROOT = Path(__file__).resolve().parent.parent


def _instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions (continuation lines joined), as (KEYWORD, rest)."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep and version, f"constraints.txt: {line!r} is not pinned with =="
            pins[canonicalize_name(name)] = version
    return pins


def test_constraints_pin_every_dependency_within_what_pyproject_allows() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    pins = _pins()
    for spec in map(Requirement, wanted):
        name = canonicalize_name(spec.name)
        assert name in pins, f"constraints.txt pins no version of {spec.name}"
        assert spec.specifier.contains(pins[name], prereleases=True), (spec, pins[name])
    assert "tmall-tp-bot" not in pins and "pip" not in pins


def test_the_image_and_ci_install_from_the_constraints() -> None:
    pip_runs = [rest for kw, rest in _instructions() if kw == "RUN" and "pip " in rest]
    installs = [
        part
        for rest in pip_runs
        for part in rest.split("&&")
        if re.search(r"\bpip (install|wheel)\b", part)
    ]
    assert installs
    for part in installs:
        words = shlex.split(part)
        # each install is pinned, or installs the wheel alone (--no-deps)
        assert "-c" in words or "--no-deps" in words, part
        if "-c" in words:
            assert words[words.index("-c") + 1].endswith("constraints.txt"), part
    copied = " ".join(rest for kw, rest in _instructions() if kw == "COPY")
    assert "constraints.txt" in copied
    ci = (ROOT / ".ci" / "run").read_text()
    ci_installs = [line for line in ci.splitlines() if re.search(r"pip install .*-e", line)]
    assert ci_installs and all("-c constraints.txt" in line for line in ci_installs)
    readme = (ROOT / "README.md").read_text()
    assert "pip install -c constraints.txt -e '.[test]'" in readme
    assert "pip freeze --all --exclude pip --exclude tmall-tp-bot" in readme


def test_the_image_runs_the_readme_commands() -> None:
    instructions = _instructions()
    assert not [rest for kw, rest in instructions if kw == "ENTRYPOINT"]
    (cmd,) = [rest for kw, rest in instructions if kw == "CMD"]
    assert cmd == '["tmall-tp-bot", "run"]'
    (health,) = [rest for kw, rest in instructions if kw == "HEALTHCHECK"]
    assert health.endswith('CMD ["tmall-tp-bot", "health"]')
    # the package is installed (its console script on PATH), not run from a copy of the source
    runs = " ".join(rest for kw, rest in instructions if kw == "RUN")
    assert re.search(r"pip install --no-deps \S*tmall_tp_bot-\*\.whl", runs)
    readme = (ROOT / "README.md").read_text()
    # `docker run ... <image> tmall-tp-bot X`, `docker [compose] exec <container> tmall-tp-bot X`
    named = re.findall(r"(?:tmall-tp-bot|exec (?:-T )?\w+) tmall-tp-bot (\w+)", readme)
    assert len(named) >= 4, named
    assert set(named) <= {"run", "backup", "check", "health", "export", "broadcasts"}, named


def _interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ``${NAME:-default}``, as ``docker compose`` fills it from ``.env``."""
    return re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: env.get(m.group(1)) or m.group(2), value)


@pytest.mark.parametrize(
    ("dotenv", "published", "link"),
    [
        ({}, ("127.0.0.1", 8080), "http://127.0.0.1:8080"),
        ({"TPBOT_PORT": "9000"}, ("127.0.0.1", 9000), "http://127.0.0.1:9000"),
        (
            {"TPBOT_PORT": "9000", "TPBOT_PUBLIC_URL": "https://bot.example.com"},
            ("127.0.0.1", 9000),
            "https://bot.example.com",
        ),
        ({"TPBOT_LISTEN": "127.0.0.1"}, ("127.0.0.1", 8080), "http://127.0.0.1:8080"),
    ],
)
def test_compose_publishes_the_console_where_the_links_point(
    dotenv: dict[str, str],
    published: tuple[str, int],
    link: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    (bot,) = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"].values()
    assert bot["env_file"] == ".env"
    (mapping,) = (_interpolate(p, dotenv) for p in bot["ports"])
    host, host_port, container_port = mapping.split(":")
    assert (host, int(host_port)) == published
    # the container's settings: .env (env_file), then compose's environment: over it
    env = {"TELEGRAM_BOT_TOKEN": "123456:TOKEN-abcdefghijklmnopqrstuvwxyz01", **dotenv}
    env.update({k: _interpolate(str(v), dotenv) for k, v in bot["environment"].items()})
    for name in ("TPBOT_PORT", "TPBOT_PUBLIC_URL", "TPBOT_LISTEN", "TPBOT_WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env(tmp_path / "no.env")
    assert settings.web_listen() == "0.0.0.0"  # reachable through the published port
    assert settings.port == int(container_port)
    assert settings.public_base_url() == link
