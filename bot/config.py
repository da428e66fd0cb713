"""Settings, from environment variables (and a ``.env`` file in the working directory)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import load_dotenv

from bot.config_checks import ConfigError as ConfigError
from bot.config_checks import read_settings

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


@dataclass(frozen=True)
class Settings:
    token: str | None = None
    api_base_url: str = DEFAULT_API_BASE_URL
    db_path: Path = DEFAULT_DB
    flow_path: Path = DEFAULT_FLOW
    locales_dir: Path = DEFAULT_LOCALES
    calendar_path: Path = DEFAULT_CALENDAR
    operators: frozenset[int] = field(default_factory=frozenset)  # as at start; see roster
    # The .env the operators' list is re-read from while running (bot.services.console.roster);
    # None: TPBOT_OPERATORS came from the process environment, which wins and cannot change.
    operators_file: Path | None = None
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
    # The handoff: nudges pause while a ticket waits for us, at most this many working days.
    handoff_resume_days: int = 5
    working_hours: str = "09:00-18:00"  # the desk's hours, China's time, on working days
    escalate_after_hours: int = 4  # working hours a ticket may wait; 0: never escalated
    broadcast_rate: float = 30.0  # messages per second overall (Telegram's limit)
    concurrent_updates: int = 64  # updates handled at once (different chats side by side)
    # The documents' bytes (None: ``evidence`` beside the database) and where files are
    # fetched from (None: derived from ``api_base_url``, see file_base_url()).
    evidence_dir: Path | None = None
    api_base_file_url: str | None = None
    # ``run --allow-stranded``: start although chats are at steps the flow does not have.
    allow_stranded: bool = False

    @classmethod
    def from_env(cls, env_file: Path | None = None) -> Settings:
        """Every setting, each checked: a malformed one is a :class:`ConfigError` naming it
        (all faults at once, one line each), whichever command reads them."""
        path = (env_file or Path.cwd() / ".env").absolute()
        from_environment = "TPBOT_OPERATORS" in os.environ
        load_dotenv(path, override=False)
        return cls(**read_settings(os.environ), operators_file=None if from_environment else path)

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

    def evidence_path(self) -> Path:
        """``TPBOT_EVIDENCE_DIR``, else ``evidence`` beside the database (``./data/evidence``)."""
        return self.evidence_dir or self.db_path.parent / "evidence"

    def file_base_url(self) -> str:
        """``TELEGRAM_API_BASE_FILE_URL``, else the API base with ``/file`` before its last
        segment (``https://api.telegram.org/file/bot``), as a Bot API server serves files."""
        if self.api_base_file_url:
            return self.api_base_file_url
        head, _, tail = self.api_base_url.rstrip("/").rpartition("/")
        return f"{head}/file/{tail}"

    def official_api(self) -> bool:
        return urlsplit(self.api_base_url).hostname == "api.telegram.org"
