"""Signing operators in to the console without passwords.

Two ways in, both ending in a session (a random secret in an HttpOnly cookie):

* inside Telegram, the console is a Mini App: Telegram signs the ``initData`` it hands the page
  with a key derived from the bot's token (HMAC-SHA256 of the token under ``"WebAppData"``),
  so a valid signature proves who the user is; ``auth_date`` older than :data:`INIT_DATA_AGE`
  or more than :data:`FUTURE_SKEW` ahead of our clock is refused, and each ``initData`` signs
  in once (the hash of its signature is kept until it is too old anyway), so a captured one
  cannot be replayed;
* in an ordinary browser, ``/console`` in the operator's private chat sends a one-time link
  that expires in :data:`LINK_MINUTES` minutes.

Whether the user is an operator is not decided here: the web layer asks on every request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from sqlite_utils import Database

from bot.services.calendar.clock import iso
from bot.storage import console as store
from bot.storage.sql import transaction

LINK_MINUTES = 10
SESSION_HOURS = 12
INIT_DATA_AGE = dt.timedelta(hours=1)
FUTURE_SKEW = dt.timedelta(seconds=5)  # how far Telegram's clock may be ahead of ours


@dataclass(frozen=True)
class TelegramUser:
    id: int
    first_name: str
    language_code: str | None
    signature: str = ""  # the initData's hash: what makes it single-use
    signed_at: dt.datetime | None = None


def verify_init_data(
    init_data: str, token: str, now: dt.datetime, max_age: dt.timedelta = INIT_DATA_AGE
) -> TelegramUser | None:
    """The user a Mini App's ``initData`` names, if Telegram signed it for this bot recently."""
    try:
        fields = dict(parse_qsl(init_data, keep_blank_values=True, strict_parsing=True))
    except ValueError:
        return None
    given = fields.pop("hash", "")
    check = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    key = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, check.encode(), hashlib.sha256).hexdigest()
    if not given or not hmac.compare_digest(expected, given):
        return None
    try:
        signed_at = dt.datetime.fromtimestamp(int(fields["auth_date"]), dt.UTC)
        user = json.loads(fields["user"])
        user_id = int(user["id"])
    except (KeyError, ValueError, TypeError, OverflowError):
        return None
    if not -FUTURE_SKEW <= now - signed_at <= max_age:
        return None
    return TelegramUser(
        user_id, str(user.get("first_name", "")), user.get("language_code"), given, signed_at
    )


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    user_id: int
    csrf: str
    language: str | None


class SignIn:
    """One-time links and sessions, kept (as hashes) in the database."""

    def __init__(self, db: Database, clock: Callable[[], dt.datetime]) -> None:
        self.db = db
        self.clock = clock

    def issue_link(self, user_id: int) -> str:
        """A fresh one-time secret for ``user_id``; good for :data:`LINK_MINUTES` minutes."""
        token = secrets.token_urlsafe(24)
        now = self.clock()
        with transaction(self.db):
            store.add_link(
                self.db,
                _hash(token),
                user_id,
                iso(now),
                iso(now + dt.timedelta(minutes=LINK_MINUTES)),
            )
        return token

    def redeem_link(self, token: str) -> int | None:
        """The user the link signs in, once; None for a used, expired or unknown link."""
        with transaction(self.db):
            return store.use_link(self.db, _hash(token), iso(self.clock()))

    def spend_init_data(self, user: TelegramUser) -> bool:
        """Whether this is the first sign-in with that ``initData`` (False: a replay)."""
        assert user.signed_at is not None
        expires = user.signed_at + INIT_DATA_AGE
        with transaction(self.db):
            return store.spend_init_data(self.db, _hash(user.signature), iso(expires))

    def open_session(self, user_id: int, language: str) -> str:
        """A new session for ``user_id``; returns the secret for the cookie."""
        secret = secrets.token_urlsafe(32)
        now = self.clock()
        with transaction(self.db):
            store.add_session(
                self.db,
                _hash(secret),
                user_id,
                secrets.token_urlsafe(24),
                language,
                iso(now),
                iso(now + dt.timedelta(hours=SESSION_HOURS)),
            )
        return secret

    def session(self, secret: str | None) -> Session | None:
        if not secret:
            return None
        row = store.get_session(self.db, _hash(secret), iso(self.clock()))
        return Session(row.user_id, row.csrf, row.language) if row is not None else None

    def set_language(self, secret: str, language: str) -> None:
        with transaction(self.db):
            store.set_session_language(self.db, _hash(secret), language)

    def close_session(self, secret: str) -> None:
        with transaction(self.db):
            store.delete_session(self.db, _hash(secret))

    def prune(self) -> int:
        with transaction(self.db):
            return store.prune(self.db, iso(self.clock()))
