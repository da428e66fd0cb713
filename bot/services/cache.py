"""Short-lived answers from Telegram (who is an administrator, whether a group is a forum),
remembered for a while instead of asked on every command."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bot.services.calendar.clock import Clock

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# Who is an administrator (or an operator) changes rarely; asking Telegram on every command
# would cost a request each time, remembering it for long would keep a demoted admin's rights.
MEMBER_CACHE_TTL = dt.timedelta(seconds=60)


@dataclass
class TtlCache(Generic[K, V]):
    """A small in-memory cache whose entries expire ``ttl`` after they were stored."""

    clock: Clock
    ttl: dt.timedelta = MEMBER_CACHE_TTL
    _entries: dict[K, tuple[dt.datetime, V]] = field(default_factory=dict)

    def get(self, key: K) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        stored_at, value = entry
        if self.clock() - stored_at >= self.ttl:
            del self._entries[key]
            return None
        return value

    def put(self, key: K, value: V) -> None:
        if len(self._entries) > 10_000:  # never grow without bound
            self._entries.clear()
        self._entries[key] = (self.clock(), value)

    def drop(self, key: K) -> None:
        """Forget ``key`` (its value is known to have changed): the next ``get`` misses."""
        self._entries.pop(key, None)
