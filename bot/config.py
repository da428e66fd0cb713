"""Settings, from environment variables (and a ``.env`` file in the working directory)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import load_dotenv

# The folder holding the ``bot`` package: a source checkout's root (flows/, locales/, calendar/).
PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"


def data_path(name: str) -> Path:
    """The shipped ``flows``, ``locales`` or ``calendar`` folder.

    A wheel ships them inside the package, as ``bot/_data/<name>`` (pyproject's
    ``package-dir``); a source checkout (an editable install, ``PYTHONPATH``, the Docker
    image) has them at the top level, beside ``bot/``.
    """
    package = Path(str(files("bot")))
    shipped = package / "_data"
    return (shipped if shipped.is_dir() else package.parent) / name


DEFAULT_DB = Path("data") / "tpbot.sqlite3"  # relative: in the current working directory
DEFAULT_FLOW = data_path("flows") / "tmall_tp.yaml"
DEFAULT_LOCALES = data_path("locales")
DEFAULT_CALENDAR = data_path("calendar") / "cn_workdays.yaml"
MAX_CONCURRENT_UPDATES = 1024

_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


class ConfigError(ValueError):
    """A setting is missing or malformed; the message is one line a user can act on."""


def _int_list(name: str, raw: str) -> frozenset[int]:
    try:
        return frozenset(int(part) for part in raw.replace(" ", "").split(",") if part)
    except ValueError:
        raise ConfigError(
            f"{name} must be comma-separated Telegram user ids, got {raw!r}"
        ) from None


def _optional_int(name: str, raw: str | None) -> int | None:
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


def _bounded_int(name: str, raw: str | None, default: int, low: int, high: int) -> int:
    value = _optional_int(name, raw)
    if value is None:
        return default
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {raw!r}")
    return value


def _optional_float(name: str, raw: str | None) -> float | None:
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None


def _bool(name: str, raw: str | None, default: bool) -> bool:
    if raw is None or not raw.strip():
        return default
    word = raw.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false (or 1/0, yes/no), got {raw!r}")


def _optional_url(name: str, raw: str | None) -> str | None:
    if not raw or not raw.strip():
        return None
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{name} must be an http:// or https:// URL, got {raw!r}")
    return raw.strip().rstrip("/")


@dataclass(frozen=True)
class Settings:
    token: str | None = None
    api_base_url: str = DEFAULT_API_BASE_URL
    db_path: Path = DEFAULT_DB
    flow_path: Path = DEFAULT_FLOW
    locales_dir: Path = DEFAULT_LOCALES
    calendar_path: Path = DEFAULT_CALENDAR
    operators: frozenset[int] = field(default_factory=frozenset)
    support_chat_id: int | None = None
    # Members of the support group are operators for tickets (answer, /status, /close).
    support_group_operators: bool = True
    webhook_url: str | None = None
    webhook_secret: str | None = None
    public_url: str | None = None  # the console's public base URL; see public_base_url()
    listen: str | None = None  # None: depends on the mode, see web_listen()
    port: int = 8080
    # Operators' reminders and broadcasts (issue #4).
    timezone: str = "Asia/Shanghai"
    idle_days: int = 3
    quiet_hours: str = "21:00-09:00"  # local time in ``timezone``; empty string: none
    broadcast_rate: float = 30.0  # messages per second overall (Telegram's limit)
    concurrent_updates: int = 64  # updates handled at once (different chats side by side)

    @classmethod
    def from_env(cls, env_file: Path | None = None) -> Settings:
        load_dotenv(env_file or Path.cwd() / ".env", override=False)
        env = os.environ
        base = cls()
        return cls(
            token=env.get("TELEGRAM_BOT_TOKEN") or None,
            api_base_url=env.get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL,
            db_path=Path(env.get("TPBOT_DB") or base.db_path),
            flow_path=Path(env.get("TPBOT_FLOW") or base.flow_path),
            locales_dir=Path(env.get("TPBOT_LOCALES") or base.locales_dir),
            calendar_path=calendar_path_from_env(),
            operators=_int_list("TPBOT_OPERATORS", env.get("TPBOT_OPERATORS", "")),
            support_chat_id=_optional_int(
                "TPBOT_SUPPORT_CHAT_ID", env.get("TPBOT_SUPPORT_CHAT_ID")
            ),
            support_group_operators=_bool(
                "TPBOT_SUPPORT_GROUP_OPERATORS",
                env.get("TPBOT_SUPPORT_GROUP_OPERATORS"),
                base.support_group_operators,
            ),
            webhook_url=env.get("TPBOT_WEBHOOK_URL") or None,
            webhook_secret=env.get("TPBOT_WEBHOOK_SECRET") or None,
            public_url=_optional_url("TPBOT_PUBLIC_URL", env.get("TPBOT_PUBLIC_URL")),
            listen=env.get("TPBOT_LISTEN") or None,
            port=_optional_int("TPBOT_PORT", env.get("TPBOT_PORT")) or base.port,
            timezone=env.get("TPBOT_TIMEZONE") or base.timezone,
            idle_days=_optional_int("TPBOT_IDLE_DAYS", env.get("TPBOT_IDLE_DAYS"))
            or base.idle_days,
            quiet_hours=env.get("TPBOT_QUIET_HOURS", base.quiet_hours),
            broadcast_rate=_optional_float("TPBOT_BROADCAST_RATE", env.get("TPBOT_BROADCAST_RATE"))
            or base.broadcast_rate,
            concurrent_updates=_bounded_int(
                "TPBOT_CONCURRENT_UPDATES",
                env.get("TPBOT_CONCURRENT_UPDATES"),
                base.concurrent_updates,
                1,
                MAX_CONCURRENT_UPDATES,
            ),
        )

    def require_token(self) -> str:
        if not self.token:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: put it in the environment or in a .env file "
                "(get one from @BotFather). `tmall-tp-bot demo` runs without a token."
            )
        return self.token

    def web_listen(self) -> str:
        """Where the web server listens: ``TPBOT_LISTEN``, else every interface in webhook
        mode (Telegram must reach it, usually through a proxy) and only this machine in
        polling mode (nothing needs to come in from outside)."""
        if self.listen:
            return self.listen
        return "0.0.0.0" if self.webhook_url else "127.0.0.1"

    def public_base_url(self) -> str:
        """The console's base URL for links the bot sends (no trailing slash):
        ``TPBOT_PUBLIC_URL``, else the webhook URL's origin, else this machine's port."""
        if self.public_url:
            return self.public_url.rstrip("/")
        if self.webhook_url:
            parts = urlsplit(self.webhook_url)
            return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"
        return f"http://127.0.0.1:{self.port}"


def calendar_path_from_env() -> Path:
    """``TPBOT_CALENDAR``, else the shipped working-day calendar. A function of its own: the
    calendar is process-wide (``bot.services.workdays``), read at its first use, after
    :meth:`Settings.from_env` has read the ``.env`` file."""
    env = os.environ
    return Path(env.get("TPBOT_CALENDAR") or DEFAULT_CALENDAR)
