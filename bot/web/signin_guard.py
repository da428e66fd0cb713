"""How often an address may fail to sign in, and one log line a minute about those who did.

Each address (the connecting peer's, or the forwarding proxy's client when uvicorn trusts the
proxy: ``FORWARDED_ALLOW_IPS``, 127.0.0.1 by default) may fail :data:`LIMIT` times within
:data:`WINDOW` seconds; after that its attempts are answered 429 with ``Retry-After`` until
its oldest failure is a window old, without a look at what it sent. An attempt counts as a
failure from the moment it is let in, before its form is read, and stops counting only when it
signs in: many attempts sent at once, their forms still on the way, cannot all pass.

A refusal is not logged on its own: the first one of a quiet spell starts a minute, at whose
end one WARNING says how many there were, from how many addresses, and how many were over the
limit.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import Callable

from starlette.requests import Request

log = logging.getLogger(__name__)

LIMIT = 10  # failed sign-ins per address
WINDOW = 60.0  # seconds
MOST_ADDRESSES = 10_000  # remembered at once (the oldest are forgotten first)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class SignInGuard:
    def __init__(
        self,
        limit: int = LIMIT,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.failures: dict[str, deque[float]] = {}
        self.refused = 0
        self.over_limit = 0
        self.addresses: set[str] = set()
        self.report_due: asyncio.TimerHandle | None = None

    def retry_after(self, address: str) -> int | None:
        """Seconds until ``address`` may try again (counted as a refusal), or None: go on."""
        recent = self._recent(address)
        if recent is None or len(recent) < self.limit:
            return None
        self.over_limit += 1
        self._count(address)
        return max(1, math.ceil(recent[0] + self.window - self.clock()))

    def attempt(self, address: str) -> int | None:
        """Let an attempt in (None: it now counts against ``address``), or the seconds until
        the address may try again (it is refused, unread)."""
        wait = self.retry_after(address)
        if wait is not None:
            return wait
        recent = self._recent(address)
        if recent is None:
            if len(self.failures) >= MOST_ADDRESSES:
                self._forget_old()
            recent = self.failures[address] = deque()
        recent.append(self.clock())
        return None

    def succeeded(self, address: str) -> None:
        """The attempt signed in: it does not count."""
        recent = self.failures.get(address)
        if recent:
            recent.pop()
            if not recent:
                del self.failures[address]

    def failed(self, address: str) -> None:
        """The attempt was refused (it still counts): for the summary."""
        self._count(address)

    def _recent(self, address: str) -> deque[float] | None:
        recent = self.failures.get(address)
        if recent is None:
            return None
        edge = self.clock() - self.window
        while recent and recent[0] <= edge:
            recent.popleft()
        if not recent:
            del self.failures[address]
            return None
        return recent

    def _forget_old(self) -> None:
        for address in list(self.failures):
            self._recent(address)
        while len(self.failures) >= MOST_ADDRESSES:
            del self.failures[next(iter(self.failures))]

    def _count(self, address: str) -> None:
        self.refused += 1
        if len(self.addresses) < MOST_ADDRESSES:
            self.addresses.add(address)
        if self.report_due is None:
            loop = asyncio.get_running_loop()
            self.report_due = loop.call_later(self.window, self.report)

    def report(self) -> None:
        """The summary of the refusals since the last one (logged if there were any)."""
        self.report_due = None
        if self.refused:
            log.warning(
                "console: %d refused sign-in(s) from %d address(es) in the last minute "
                "(%d of them over the limit of %d a minute)",
                self.refused,
                len(self.addresses),
                self.over_limit,
                self.limit,
            )
        self.refused = self.over_limit = 0
        self.addresses.clear()

    def close(self) -> None:
        if self.report_due is not None:
            self.report_due.cancel()
            self.report()
