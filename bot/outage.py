"""Why the Bot API cannot be reached, and for how long, in words for the log.

PTB reports every transport failure as ``NetworkError("httpx.ConnectError: …")``; the cause an
operator can act on (a name that does not resolve, a refused port, a timeout, a certificate)
is further down the exception's chain. :class:`Outage` also remembers when the trouble began,
so each retry line says how long the bot has been trying.
"""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def cause(exc: BaseException, base_url: str) -> str:
    """The reason ``exc`` gives, e.g. "the name api.telegram.org does not resolve (…)"."""
    parts = urlsplit(base_url)
    host = parts.hostname or base_url
    where = f"{host}:{parts.port}" if parts.port else host
    for link in _chain(exc):
        if isinstance(link, socket.gaierror):
            return (
                f"the name {host} does not resolve ({link.strerror or link}): no network, "
                "or no DNS server?"
            )
        if isinstance(link, ConnectionRefusedError):
            return f"{where} refused the connection: nothing listens there"
        if isinstance(link, ssl.SSLCertVerificationError):
            return f"{host}'s certificate is not trusted ({link.verify_message})"
        if isinstance(link, ssl.SSLError):
            return f"the TLS handshake with {host} failed ({link.reason or link})"
        name = type(link).__name__
        if "Timeout" in name or "TimedOut" in name:
            return f"{host} did not answer in time (a firewall or proxy dropping the traffic?)"
        if "Proxy" in name:
            return f"the proxy failed ({link})"
    detail = str(exc).strip()
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def duration(seconds: float) -> str:
    """``"45 s"``, ``"2 min 30 s"``, ``"3 h 5 min"``."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


class Outage:
    """One stretch of failed tries: its cause and how long it has lasted."""

    def __init__(self, base_url: str, clock: Callable[[], float] = time.monotonic) -> None:
        parts = urlsplit(base_url)
        self.base_url = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
        self.clock = clock
        self.since: float | None = None

    def failed(self, exc: BaseException, retry_in: float) -> str:
        """The log line for a failed try: where, why, for how long, when next."""
        now = self.clock()
        if self.since is None:
            self.since = now
            spent = "first try failed"
        else:
            spent = f"trying for {duration(now - self.since)}"
        return (
            f"cannot reach the Bot API at {self.base_url}: {cause(exc, self.base_url)}; "
            f"{spent}, next try in {duration(retry_in)} (it keeps trying until stopped)"
        )

    def recovered(self) -> str | None:
        """The log line once a try succeeds after failures (None if there were none)."""
        if self.since is None:
            return None
        spent, self.since = self.clock() - self.since, None
        return f"the Bot API answers again, after {duration(spent)} out of reach"
