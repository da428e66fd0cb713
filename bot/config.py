"""Settings, from environment variables (and a ``.env`` file in the working directory)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"


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


def _optional_float(name: str, raw: str | None) -> float | None:
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None


@dataclass(frozen=True)
class Settings:
    token: str | None = None
    api_base_url: str = DEFAULT_API_BASE_URL
    db_path: Path = PROJECT_ROOT / "data" / "tpbot.sqlite3"
    flow_path: Path = PROJECT_ROOT / "flows" / "tmall_tp.yaml"
    locales_dir: Path = PROJECT_ROOT / "locales"
    operators: frozenset[int] = field(default_factory=frozenset)
    support_chat_id: int | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    listen: str = "0.0.0.0"
    port: int = 8080
    # Operators' reminders and broadcasts (issue #4).
    timezone: str = "Asia/Shanghai"
    idle_days: int = 3
    quiet_hours: str = "21:00-09:00"  # local time in ``timezone``; empty string: none
    broadcast_rate: float = 30.0  # messages per second overall (Telegram's limit)

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
            operators=_int_list("TPBOT_OPERATORS", env.get("TPBOT_OPERATORS", "")),
            support_chat_id=_optional_int(
                "TPBOT_SUPPORT_CHAT_ID", env.get("TPBOT_SUPPORT_CHAT_ID")
            ),
            webhook_url=env.get("TPBOT_WEBHOOK_URL") or None,
            webhook_secret=env.get("TPBOT_WEBHOOK_SECRET") or None,
            listen=env.get("TPBOT_LISTEN") or base.listen,
            port=_optional_int("TPBOT_PORT", env.get("TPBOT_PORT")) or base.port,
            timezone=env.get("TPBOT_TIMEZONE") or base.timezone,
            idle_days=_optional_int("TPBOT_IDLE_DAYS", env.get("TPBOT_IDLE_DAYS"))
            or base.idle_days,
            quiet_hours=env.get("TPBOT_QUIET_HOURS", base.quiet_hours),
            broadcast_rate=_optional_float("TPBOT_BROADCAST_RATE", env.get("TPBOT_BROADCAST_RATE"))
            or base.broadcast_rate,
        )

    def require_token(self) -> str:
        if not self.token:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: put it in the environment or in a .env file "
                "(get one from @BotFather). `tmall-tp-bot demo` runs without a token."
            )
        return self.token
