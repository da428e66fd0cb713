"""TPBOT_OPERATORS while the bot runs: an edit of the .env applies at the operator's next click
(chat, buttons, the compose conversation, the console), a bad edit is refused, and a list set
in the process environment stays as it was."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import Settings
from bot.services.console import roster
from bot.services.console.roster import Roster
from tests.helpers.console import OPERATOR
from tests.helpers.harness import BotHarness, FrozenClock, texts


class Ticking:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _write(path: Path, line: str) -> None:
    path.write_text(f"TPBOT_IDLE_DAYS=3\n{line}\n", encoding="utf-8")


def test_the_file_is_looked_at_once_a_second_and_taken_when_changed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env_file, clock = tmp_path / ".env", Ticking()
    _write(env_file, "TPBOT_OPERATORS=1,2")
    ids = Roster(frozenset({1, 2}), env_file, clock)
    _write(env_file, "TPBOT_OPERATORS=1,3,4")
    assert 2 in ids  # within the second: not looked at yet
    clock.now += 1
    with caplog.at_level(logging.INFO):
        assert 2 not in ids and list(ids) == [1, 3, 4]
    assert "TPBOT_OPERATORS changed in" in caplog.text
    assert "added 3, 4, removed 2" in caplog.text
    _write(env_file, "TPBOT_OPERATORS=1,@bob")  # a typo: refused, the list stays
    clock.now += 1
    with caplog.at_level(logging.WARNING):
        assert list(ids) == [1, 3, 4]
    assert "TPBOT_OPERATORS must be comma-separated Telegram user ids" in caplog.text
    _write(env_file, "# TPBOT_OPERATORS=1")  # commented out: nobody
    clock.now += 1
    assert list(ids) == []
    env_file.unlink()  # a file gone is no edit: nothing changes
    clock.now += 1
    assert len(ids) == 0


def test_sighup_reads_it_at_once_and_a_list_from_the_environment_stays(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env_file, clock = tmp_path / ".env", Ticking()
    _write(env_file, "TPBOT_OPERATORS=1")
    ids = Roster(frozenset({1}), env_file, clock)
    _write(env_file, "TPBOT_OPERATORS=2,20")
    ids.reload()  # what SIGHUP does: no waiting for the next look
    assert list(ids) == [2, 20]
    fixed = Roster(frozenset({7}), None, clock)
    clock.now += 5
    with caplog.at_level(logging.INFO):
        fixed.reload()
    assert list(fixed) == [7] and not fixed.reloadable
    assert "comes from the environment: restart to change it" in caplog.text


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("TPBOT_", "TELEGRAM_")):
            monkeypatch.delenv(name)
    for name in ("TPBOT_OPERATORS", "TPBOT_IDLE_DAYS"):  # what the .env will set: undone after
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    yield tmp_path


def test_settings_follow_the_env_file_unless_the_environment_sets_the_list(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(clean_env / ".env", "TPBOT_OPERATORS=5")
    settings = Settings.from_env()
    assert settings.operators == frozenset({5})
    assert settings.operators_file == clean_env / ".env"
    monkeypatch.setenv("TPBOT_OPERATORS", "6")  # docker run -e, compose's env_file
    settings = Settings.from_env()
    assert settings.operators == frozenset({6}) and settings.operators_file is None


async def test_an_operator_removed_in_the_env_file_is_refused_at_the_next_click(
    settings: Settings, clock: FrozenClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(roster, "LOOK_EVERY", 0.0)
    env_file = tmp_path / ".env"
    _write(env_file, "TPBOT_OPERATORS=900")
    harness = BotHarness(replace(settings, operators_file=env_file), clock)
    await harness.start()
    try:
        assert "for operators only" not in texts(await harness.command(OPERATOR, "/stats"))
        calls = await harness.command(OPERATOR, "/broadcast")
        assert "Send the message now" in texts(calls)
        _write(env_file, "TPBOT_OPERATORS=901,902")  # 900 is out, mid-compose
        calls = await harness.send(OPERATOR, "Hello all")  # not taken as broadcast content
        assert "Chinese variant" not in texts(calls)
        for command in ("/stats", "/broadcasts", "/broadcast", "/console"):
            calls = await harness.command(OPERATOR, command)
            assert "for operators only" in texts(calls), command
        calls = await harness.press(OPERATOR, "bcx|1")
        assert [c.method for c in calls] == ["answerCallbackQuery"]
        assert "for operators only" in texts(calls)
        _write(env_file, "TPBOT_OPERATORS=900")  # and back in, still no restart
        assert "Send the message now" in texts(await harness.command(OPERATOR, "/broadcast"))
        assert "Chinese variant" in texts(await harness.send(OPERATOR, "Hello all"))
    finally:
        await harness.stop()
