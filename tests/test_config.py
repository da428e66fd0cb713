"""Settings from the environment: defaults, the mode-dependent ones, and one-line errors."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import bot.config
from bot.config import (
    DEFAULT_CALENDAR,
    DEFAULT_FLOW,
    DEFAULT_LOCALES,
    PROJECT_ROOT,
    ConfigError,
    Settings,
    data_path,
)
from bot.services.calendar.schedule_file import check_schedule
from bot.services.calendar.workdays import Calendar


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No TPBOT_/TELEGRAM_ variable, in an empty working directory (no stray .env)."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("TPBOT_", "TELEGRAM_")):
            monkeypatch.delenv(name)
    yield tmp_path


def load() -> Settings:
    return Settings.from_env()


def test_the_default_database_is_in_the_working_directory(env: Path) -> None:
    settings = load()
    assert settings.db_path == Path("data/tpbot.sqlite3")
    assert settings.db_path.resolve() == env / "data" / "tpbot.sqlite3"


def test_flow_locales_and_calendar_are_the_shipped_ones_unless_set(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load()
    assert settings.flow_path == DEFAULT_FLOW and DEFAULT_FLOW.is_file()
    assert settings.locales_dir == DEFAULT_LOCALES and (DEFAULT_LOCALES / "en").is_dir()
    assert settings.calendar_path == DEFAULT_CALENDAR and DEFAULT_CALENDAR.is_file()
    (env / "my" / "locales").mkdir(parents=True)
    (env / "my" / "flow.yaml").write_text("", encoding="utf-8")
    (env / "my" / "days.yaml").write_text("", encoding="utf-8")
    monkeypatch.setenv("TPBOT_FLOW", "my/flow.yaml")
    monkeypatch.setenv("TPBOT_LOCALES", "my/locales")
    monkeypatch.setenv("TPBOT_CALENDAR", "my/days.yaml")
    settings = load()
    assert settings.flow_path == Path("my/flow.yaml")
    assert settings.locales_dir == Path("my/locales")
    assert settings.calendar_path == Path("my/days.yaml")


def test_data_path_prefers_what_a_wheel_ships_inside_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A source checkout: no bot/_data, the top-level folders beside bot/.
    assert data_path("flows") == PROJECT_ROOT / "flows"
    installed = tmp_path / "site-packages" / "bot"
    (installed / "_data" / "flows").mkdir(parents=True)
    monkeypatch.setattr(bot.config, "files", lambda package: installed)
    assert data_path("flows") == installed / "_data" / "flows"


def test_tpbot_calendar_is_the_schedule_the_bot_reads(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    custom = env / "days.yaml"
    custom.write_text("2031:\n  holidays: [2031-03-03]\n", encoding="utf-8")
    monkeypatch.setenv("TPBOT_CALENDAR", str(custom))
    settings = load()
    assert settings.calendar_path == custom
    assert not Calendar.load(settings.calendar_path).is_provisional(dt.date(2031, 1, 1))
    custom.write_text("2031:\n  holidays: [2031-02-30]\n", encoding="utf-8")
    assert check_schedule(settings.calendar_path) != []  # what `check` validates
    monkeypatch.delenv("TPBOT_CALENDAR")
    assert load().calendar_path == DEFAULT_CALENDAR


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, True),
        ("", True),
        ("true", True),
        ("TRUE", True),
        ("1", True),
        ("yes", True),
        ("false", False),
        ("False", False),
        ("0", False),
        ("no", False),
        (" no ", False),
    ],
)
def test_support_group_operators_is_a_bool(
    env: Path, monkeypatch: pytest.MonkeyPatch, raw: str | None, expected: bool
) -> None:
    if raw is not None:
        monkeypatch.setenv("TPBOT_SUPPORT_GROUP_OPERATORS", raw)
    assert load().support_group_operators is expected


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("TPBOT_SUPPORT_GROUP_OPERATORS", "maybe", "must be true or false (or 1/0, yes/no)"),
        ("TPBOT_PUBLIC_URL", "bot.example.com", "must be an http:// or https:// URL"),
        ("TPBOT_PUBLIC_URL", "ftp://bot.example.com", "must be an http:// or https:// URL"),
        ("TPBOT_PORT", "eighty", "must be a whole number"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_setting(
    env: Path, monkeypatch: pytest.MonkeyPatch, name: str, raw: str, message: str
) -> None:
    monkeypatch.setenv(name, raw)
    with pytest.raises(ConfigError) as error:
        load()
    text = str(error.value)
    assert text.startswith(f"{name} {message}") and repr(raw) in text and "\n" not in text


def test_public_base_url_is_the_setting_else_the_webhook_origin_else_local(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load().public_base_url() == "http://127.0.0.1:8080"
    monkeypatch.setenv("TPBOT_PORT", "9090")
    assert load().public_base_url() == "http://127.0.0.1:9090"
    monkeypatch.setenv("TPBOT_WEBHOOK_URL", "https://bot.example.com:8443/hooks/telegram")
    assert load().public_base_url() == "https://bot.example.com:8443"
    monkeypatch.setenv("TPBOT_WEBHOOK_URL", "https://user:pw@[2001:db8::1]/telegram")
    assert load().public_base_url() == "https://[2001:db8::1]"
    monkeypatch.setenv("TPBOT_PUBLIC_URL", "https://console.example.com/tp/")
    assert load().public_base_url() == "https://console.example.com/tp"


def test_web_listen_depends_on_the_mode_unless_set(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load()
    assert settings.listen is None and settings.web_listen() == "127.0.0.1"  # polling
    monkeypatch.setenv("TPBOT_WEBHOOK_URL", "https://bot.example.com/telegram")
    assert load().web_listen() == "0.0.0.0"
    monkeypatch.setenv("TPBOT_LISTEN", "10.0.0.5")
    assert load().web_listen() == "10.0.0.5"
    monkeypatch.delenv("TPBOT_WEBHOOK_URL")
    assert load().web_listen() == "10.0.0.5"


GOOD_TOKEN = "123456789:AAH-abcdefghijklmnopqrstuvwxyz_01234"


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        # .env.example's commented line, uncommented as it stood
        (
            "TPBOT_WEBHOOK_SECRET",
            "(unset: generated once and kept in the database)",
            "may hold only A-Z, a-z, 0-9, '_' and '-'",
        ),
        ("TPBOT_WEBHOOK_SECRET", "x" * 257, "may hold only A-Z, a-z, 0-9, '_' and '-'"),
        ("TPBOT_WEBHOOK_URL", "http://bot.example.com/telegram", "must be an https:// URL"),
        ("TPBOT_WEBHOOK_URL", "https://bot.example.com", "needs a path"),
        ("TPBOT_WEBHOOK_URL", "https://bot.example.com:8080/telegram", "may use only the ports"),
        ("TPBOT_IDLE_DAYS", "0", "must be a whole number from 1 to 365"),
        ("TPBOT_BROADCAST_RATE", "1000", "must be a number of messages per second"),
        ("TPBOT_BROADCAST_RATE", "0", "must be a number of messages per second"),
        ("TPBOT_BROADCAST_RATE", "nan", "must be a number of messages per second"),
        ("TELEGRAM_BOT_TOKEN", "123:abc", "does not look like a bot token"),
        ("TELEGRAM_BOT_TOKEN", '"' + GOOD_TOKEN + '"x', "does not look like a bot token"),
        ("TPBOT_QUIET_HOURS", "9-21", "must be the quiet window as HH:MM-HH:MM"),
        ("TPBOT_QUIET_HOURS", "21:00-21:00", "must be the quiet window as HH:MM-HH:MM"),
        ("TPBOT_PORT", "0", "must be a whole number from 1 to 65535"),
        ("TPBOT_PORT", "70000", "must be a whole number from 1 to 65535"),
        ("TPBOT_TIMEZONE", "Asia/Beijing", "must be a time zone name"),
        ("TPBOT_SUPPORT_CHAT_ID", "1001234567890", "must be a group's id, a negative number"),
        ("TPBOT_OPERATORS", "123,@alice", "must be comma-separated Telegram user ids"),
        ("TPBOT_LISTEN", "127.0.0.1:8080", "must be an address of this machine"),
        ("TPBOT_FLOW", "no/such/flow.yaml", "must name a file that exists"),
        ("TPBOT_LOCALES", "no/such/folder", "must name a folder that exists"),
        ("TPBOT_CALENDAR", "no/such.yaml", "must name a file that exists"),
        ("TELEGRAM_API_BASE_URL", "api.telegram.org/bot", "must be an http:// or https:// URL"),
    ],
)
def test_every_setting_is_checked_at_start_one_line_naming_it(
    env: Path, monkeypatch: pytest.MonkeyPatch, name: str, raw: str, message: str
) -> None:
    monkeypatch.setenv(name, raw)
    with pytest.raises(ConfigError) as error:
        load()
    text = str(error.value)
    assert text.startswith(f"{name} {message}") and "\n" not in text
    if name in ("TELEGRAM_BOT_TOKEN", "TPBOT_WEBHOOK_SECRET"):
        assert raw not in text  # a secret is described, never shown
    else:
        assert repr(raw) in text  # the value as given, not a part of it


def test_good_values_pass_and_every_fault_is_reported_at_once(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = {
        "TELEGRAM_BOT_TOKEN": GOOD_TOKEN,
        "TPBOT_WEBHOOK_URL": "https://bot.example.com:8443/telegram",
        "TPBOT_WEBHOOK_SECRET": "s3cret_-X",
        "TPBOT_IDLE_DAYS": "5",
        "TPBOT_BROADCAST_RATE": "12.5",
        "TPBOT_QUIET_HOURS": " 22:00 - 08:30 ",
        "TPBOT_SUPPORT_CHAT_ID": "-1001234567890",
        "TPBOT_OPERATORS": "1, 2,3",
        "TPBOT_LISTEN": "::",
        "TPBOT_TIMEZONE": "Europe/Berlin",
    }
    for name, raw in good.items():
        monkeypatch.setenv(name, raw)
    settings = load()
    assert (settings.token, settings.webhook_secret) == (GOOD_TOKEN, "s3cret_-X")
    assert (settings.idle_days, settings.broadcast_rate) == (5, 12.5)
    assert (settings.quiet_hours, settings.operators) == ("22:00-08:30", frozenset({1, 2, 3}))
    monkeypatch.setenv("TPBOT_QUIET_HOURS", "")
    assert load().quiet_hours == ""  # empty: no quiet hours
    monkeypatch.setenv("TPBOT_IDLE_DAYS", "0")
    monkeypatch.setenv("TPBOT_PORT", "http")
    with pytest.raises(ConfigError) as error:
        load()
    lines = str(error.value).splitlines()
    assert [line.split()[0] for line in lines] == ["TPBOT_PORT", "TPBOT_IDLE_DAYS"]


def test_a_self_hosted_bot_api_may_call_a_plain_http_webhook_on_any_port(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TPBOT_WEBHOOK_URL", "http://127.0.0.1:9000/hook")
    with pytest.raises(ConfigError, match=r"^TPBOT_WEBHOOK_URL must be an https:// URL"):
        load()  # api.telegram.org would refuse it
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/bot")
    assert load().webhook_url == "http://127.0.0.1:9000/hook"
