"""The Bot API out of reach: the cause from the exception's chain, and how long it has lasted."""

from __future__ import annotations

import pytest
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest

from bot.outage import Outage, cause, duration


async def _real_failure(url: str) -> NetworkError:
    """What PTB's own transport raises for ``url``."""
    request = HTTPXRequest(connect_timeout=5)
    await request.initialize()
    try:
        await request.post(url)
    except NetworkError as exc:
        return exc
    finally:
        await request.shutdown()
    raise AssertionError("reached it")


async def test_a_name_that_does_not_resolve_is_named_as_such() -> None:
    exc = await _real_failure("http://api.telegram.invalid/bot123:SECRET/getMe")
    assert str(exc).startswith("httpx.ConnectError")  # all PTB says by itself
    because = cause(exc, "http://api.telegram.invalid/bot")
    assert because.startswith("the name api.telegram.invalid does not resolve (")
    assert because.endswith("): no network, or no DNS server?")


def test_other_causes_and_the_fallback() -> None:
    refused = NetworkError("httpx.ConnectError: [Errno 111] Connection refused")
    refused.__cause__ = ConnectionRefusedError(111, "Connection refused")
    assert cause(refused, "http://127.0.0.1:8081/bot") == (
        "127.0.0.1:8081 refused the connection: nothing listens there"
    )
    assert cause(TimedOut(), "https://api.telegram.org/bot").startswith(
        "api.telegram.org did not answer in time"
    )
    assert cause(NetworkError("Bad Gateway"), "https://x.test/bot") == "NetworkError: Bad Gateway"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (45.9, "45 s"),
        (60, "1 min"),
        (150, "2 min 30 s"),
        (3600, "1 h"),
        (11100, "3 h 5 min"),
    ],
)
def test_durations_read_as_a_person_says_them(seconds: float, text: str) -> None:
    assert duration(seconds) == text


def test_each_line_says_how_long_it_has_been_trying_until_it_answers_again() -> None:
    now = [1000.0]
    outage = Outage("https://user:pw@api.telegram.org/bot", clock=lambda: now[0])
    failure = NetworkError("httpx.ConnectError: [Errno -3] Temporary failure in name resolution")
    assert outage.recovered() is None  # nothing failed: nothing to say
    first = outage.failed(failure, 1)
    assert first.startswith("cannot reach the Bot API at https://api.telegram.org/bot: ")
    assert "pw" not in first and first.endswith(
        "; first try failed, next try in 1 s (it keeps trying until stopped)"
    )
    now[0] += 150
    assert "; trying for 2 min 30 s, next try in 30 s" in outage.failed(failure, 30)
    now[0] += 30
    assert outage.recovered() == "the Bot API answers again, after 3 min out of reach"
    assert "first try failed" in outage.failed(failure, 1)  # a new outage starts afresh
