"""Every setting read from the environment and checked, before any command uses it.

:func:`read_settings` turns the ``TELEGRAM_*`` / ``TPBOT_*`` variables into the values of
``bot.config.Settings`` (only the ones set; the rest keep their defaults). A malformed value
is refused at start with one line naming the variable and the value (never a secret's value:
the token and the webhook secret are described, not shown), and every fault is reported at
once, so a wrong ``.env`` is fixed in one go instead of one restart per mistake.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Telegram's own limits (https://core.telegram.org/bots/api#setwebhook, bots FAQ).
OFFICIAL_API = "https://api.telegram.org/bot"
WEBHOOK_PORTS = frozenset({443, 80, 88, 8443})
SECRET_CHARS = re.compile(r"[A-Za-z0-9_-]{1,256}")
TOKEN_SHAPE = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{30,64}")  # id:secret, the secret 35 long
WEBHOOK_EXAMPLE = "e.g. https://bot.example.com/telegram"
MAX_BROADCAST_RATE = 30.0  # messages per second, Telegram's free limit
MAX_CONCURRENT_UPDATES = 1024  # updates handled at once, at most
MAX_IDLE_DAYS = 365
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_PATH_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
_HOSTNAME = re.compile(rf"{_LABEL}(\.{_LABEL})*")
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


class ConfigError(ValueError):
    """A setting is missing or malformed: one line a user can act on (several faults: one
    line each)."""


def _shown(url: str) -> str:
    """A URL as it may be printed: without a password in it."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return repr(url)
    return repr(parts._replace(netloc="…@" + parts.netloc.rpartition("@")[2]).geturl())


def token(name: str, raw: str) -> str:
    if TOKEN_SHAPE.fullmatch(raw):
        return raw
    if ":" not in raw:
        why = "it has no ':'"
    elif not raw.partition(":")[0].isdigit():
        why = "the part before ':' is not the bot's id (digits)"
    elif re.search(r"[^A-Za-z0-9_:-]", raw):
        why = "it holds characters a token never has (quotes, spaces, …)"
    else:
        why = f"the part after ':' has {len(raw.partition(':')[2])} characters, not about 35"
    raise ConfigError(
        f"{name} does not look like a bot token ({why}); copy it again from @BotFather: "
        "digits, ':', then about 35 letters, digits, '-' or '_'"
    )


def url(name: str, raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{name} must be an http:// or https:// URL, got {_shown(raw)}")
    return raw.rstrip("/") if name == "TPBOT_PUBLIC_URL" else raw


def webhook_url(name: str, raw: str) -> str:
    parts = urlsplit(raw)
    segment = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if parts.scheme not in ("http", "https") or not parts.hostname:
        why = "must be an https:// URL"
    elif not segment:
        why = "needs a path (its last segment is the bot's local webhook path)"
    elif not _PATH_SEGMENT.fullmatch(segment) or parts.query or parts.fragment:
        why = "must end in a plain path segment (letters, digits, . _ ~ -), no ? or #"
    else:
        try:
            _ = parts.port
        except ValueError:
            why = "has a port that is not a number from 1 to 65535"
        else:
            return raw
    raise ConfigError(f"{name} {why}, {WEBHOOK_EXAMPLE}; got {_shown(raw)}")


def official_webhook(name: str, url: str) -> str | None:
    """What api.telegram.org refuses in a webhook URL (HTTPS only, four ports), or None. A
    self-hosted Bot API server (``TELEGRAM_API_BASE_URL``) also calls http:// and any port."""
    parts = urlsplit(url)
    if parts.scheme != "https":
        why = "must be an https:// URL (Telegram calls webhooks over HTTPS only)"
    elif parts.port is not None and parts.port not in WEBHOOK_PORTS:
        why = "may use only the ports Telegram calls: 443, 80, 88 or 8443"
    else:
        return None
    return f"{name} {why}, {WEBHOOK_EXAMPLE}; got {_shown(url)}"


def webhook_secret(name: str, raw: str) -> str:
    if SECRET_CHARS.fullmatch(raw):
        return raw
    if len(raw) > 256:
        why = f"it has {len(raw)} characters"
    else:
        bad = sorted({c for c in raw if not re.fullmatch(r"[A-Za-z0-9_-]", c)})
        why = "it holds " + ", ".join(repr(c) for c in bad)
    raise ConfigError(
        f"{name} may hold only A-Z, a-z, 0-9, '_' and '-', 1 to 256 of them (Telegram's "
        f"rule), but {why}; leave it unset to have one generated"
    )


def user_ids(name: str, raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.replace(" ", "").split(","):
        if not part:
            continue
        if not part.isdigit() or int(part) == 0:
            raise ConfigError(
                f"{name} must be comma-separated Telegram user ids (positive numbers; /id "
                f"shows yours), but {part!r} is not one; got {raw!r}"
            )
        ids.add(int(part))
    return frozenset(ids)


def whole(low: int, high: int, hint: str = "") -> Callable[[str, str], int]:
    def parse(name: str, raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise ConfigError(
                f"{name} must be a whole number from {low} to {high}{hint}, got {raw!r}"
            )
        return value

    return parse


def broadcast_rate(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 0 < value <= MAX_BROADCAST_RATE:  # NaN fails too
        raise ConfigError(
            f"{name} must be a number of messages per second above 0 and at most "
            f"{MAX_BROADCAST_RATE:g} (Telegram's limit for a bot), got {raw!r}"
        )
    return value


def group_id(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value >= 0:
        raise ConfigError(
            f"{name} must be a group's id, a negative number such as -1001234567890 (the bot "
            f"logs it when added to the group; /id there shows it), got {raw!r}"
        )
    return value


def boolean(name: str, raw: str) -> bool:
    word = raw.lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false (or 1/0, yes/no), got {raw!r}")


def time_zone(name: str, raw: str) -> str:
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{name} must be a time zone name such as Asia/Shanghai, got {raw!r}"
        ) from None
    return raw


def quiet_hours(name: str, raw: str) -> str:
    start, sep, end = (part.strip() for part in raw.partition("-"))
    clocks = [_CLOCK.fullmatch(start), _CLOCK.fullmatch(end)]
    if sep and all(clocks) and start != end:
        return f"{start}-{end}"
    raise ConfigError(
        f"{name} must be the quiet window as HH:MM-HH:MM in TPBOT_TIMEZONE, e.g. 21:00-09:00 "
        f"(nothing automatic from 21:00 to 09:00), or empty for none; got {raw!r}"
    )


def working_hours(name: str, raw: str) -> str:
    start, sep, end = (part.strip() for part in raw.partition("-"))
    if sep and _CLOCK.fullmatch(start) and _CLOCK.fullmatch(end) and start < end:
        return f"{start}-{end}"
    raise ConfigError(
        f"{name} must be the desk's hours as HH:MM-HH:MM in China's time, start before end, "
        f"e.g. 09:00-18:00; got {raw!r}"
    )


def listen(name: str, raw: str) -> str:
    try:
        ipaddress.ip_address(raw)
    except ValueError:
        if not _HOSTNAME.fullmatch(raw):
            raise ConfigError(
                f"{name} must be an address of this machine to listen on (e.g. 127.0.0.1, "
                f"0.0.0.0, ::), got {raw!r}"
            ) from None
    return raw


def existing(kind: str) -> Callable[[str, str], Path]:
    def parse(name: str, raw: str) -> Path:
        path = Path(raw)
        if path.is_dir() if kind == "folder" else path.is_file():
            return path
        raise ConfigError(f"{name} must name a {kind} that exists, got {raw!r}")

    return parse


def database(name: str, raw: str) -> Path:
    path = Path(raw)
    if path.is_dir():
        raise ConfigError(f"{name} must name the database file, not a folder; got {raw!r}")
    return path


def folder(name: str, raw: str) -> Path:
    path = Path(raw)
    if path.exists() and not path.is_dir():
        raise ConfigError(f"{name} must name a folder, not a file; got {raw!r}")
    return path


# variable → (Settings field, parser). An empty value counts as unset, but for the quiet
# hours, where empty means "none".
RULES: dict[str, tuple[str, Callable[[str, str], Any]]] = {
    "TELEGRAM_BOT_TOKEN": ("token", token),
    "TELEGRAM_API_BASE_URL": ("api_base_url", url),
    "TELEGRAM_API_BASE_FILE_URL": ("api_base_file_url", url),
    "TPBOT_DB": ("db_path", database),
    "TPBOT_EVIDENCE_DIR": ("evidence_dir", folder),
    "TPBOT_FLOW": ("flow_path", existing("file")),
    "TPBOT_LOCALES": ("locales_dir", existing("folder")),
    "TPBOT_CALENDAR": ("calendar_path", existing("file")),
    "TPBOT_OPERATORS": ("operators", user_ids),
    "TPBOT_SUPPORT_CHAT_ID": ("support_chat_id", group_id),
    "TPBOT_SUPPORT_GROUP_OPERATORS": ("support_group_operators", boolean),
    "TPBOT_WEBHOOK_URL": ("webhook_url", webhook_url),
    "TPBOT_WEBHOOK_SECRET": ("webhook_secret", webhook_secret),
    "TPBOT_PUBLIC_URL": ("public_url", url),
    "TPBOT_LISTEN": ("listen", listen),
    "TPBOT_PORT": ("port", whole(1, 65535)),
    "TPBOT_CONCURRENT_UPDATES": ("concurrent_updates", whole(1, MAX_CONCURRENT_UPDATES)),
    "TPBOT_TIMEZONE": ("timezone", time_zone),
    "TPBOT_IDLE_DAYS": ("idle_days", whole(1, MAX_IDLE_DAYS, " (days before the first nudge)")),
    "TPBOT_QUIET_HOURS": ("quiet_hours", quiet_hours),
    "TPBOT_HANDOFF_RESUME_DAYS": (
        "handoff_resume_days",
        whole(1, MAX_IDLE_DAYS, " (working days a waiting ticket pauses the nudges)"),
    ),
    "TPBOT_WORKING_HOURS": ("working_hours", working_hours),
    "TPBOT_ESCALATE_AFTER_HOURS": (
        "escalate_after_hours",
        whole(0, 10_000, " (working hours a ticket may wait; 0: never escalated)"),
    ),
    "TPBOT_BROADCAST_RATE": ("broadcast_rate", broadcast_rate),
}
SETTING_NAMES = tuple(RULES)


def read_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The Settings fields of the variables set in ``env``, each checked; every fault at once
    in one :class:`ConfigError`."""
    values: dict[str, Any] = {}
    faults: list[str] = []
    for name, (field_name, parse) in RULES.items():
        raw = env.get(name)
        if raw is None:
            continue
        raw = raw.strip()
        if not raw:
            if name == "TPBOT_QUIET_HOURS":
                values[field_name] = ""
            continue
        try:
            values[field_name] = parse(name, raw)
        except ConfigError as fault:
            faults.append(str(fault))
    official = urlsplit(values.get("api_base_url", OFFICIAL_API)).hostname == "api.telegram.org"
    if official and "webhook_url" in values:
        refused = official_webhook("TPBOT_WEBHOOK_URL", values["webhook_url"])
        if refused is not None:
            faults.append(refused)
    if faults:
        raise ConfigError("\n".join(faults))
    return values
