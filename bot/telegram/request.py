"""The bot's network layer: replies retried on server errors and timeouts; raw updates kept.

PTB's rate limiter retries a 429; this wrapper around the real request (``HTTPXRequest`` in
``run``, the offline API in the demo and tests) also retries a 5xx or a timeout, for the
methods that are safe to repeat (answering a button, editing a message, asking about a chat).
A message sent is not repeated here: after a timeout or a 5xx Telegram may have delivered it
(the delivery service decides for broadcasts; a reply that failed is made good by the handlers).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)

RETRY_DELAYS = (0.2, 0.6)  # seconds before the 2nd and 3rd try
SAFE_TO_REPEAT = frozenset(
    {
        "answerCallbackQuery",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "getMe",
        "getChat",
        "getChatMember",
        "setMyCommands",
        "setWebhook",
        "deleteWebhook",
        "editForumTopic",
        "closeForumTopic",
        "reopenForumTopic",
    }
)


class _Wrapping(BaseRequest):
    """A request layer around another one (the real HTTP client, or the offline API)."""

    def __init__(self, inner: BaseRequest) -> None:
        self.inner = inner

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout


class RetryingRequest(_Wrapping):
    def __init__(
        self, inner: BaseRequest, saved: Callable[[], Awaitable[None]] | None = None
    ) -> None:
        super().__init__(inner)
        self.saved = saved  # waits until the changes made so far are committed

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self.saved is not None:  # nothing is said about a change before it is saved
            await self.saved()
        api_method = url.rsplit("/", 1)[-1]
        tries = len(RETRY_DELAYS) + 1 if api_method in SAFE_TO_REPEAT else 1
        for attempt in range(tries):
            last = attempt == tries - 1
            try:
                code, payload = await self.inner.do_request(
                    url,
                    method,
                    request_data,
                    read_timeout=read_timeout,
                    write_timeout=write_timeout,
                    connect_timeout=connect_timeout,
                    pool_timeout=pool_timeout,
                )
            except TimedOut:
                if last:
                    raise
                log.info("%s timed out; trying again", api_method)
            else:
                if code < 500 or last:
                    return code, payload
                log.info("%s: server error %s; trying again", api_method, code)
            await asyncio.sleep(RETRY_DELAYS[attempt])
        raise AssertionError("unreachable")


class RawUpdatesRequest(_Wrapping):
    """The ``getUpdates`` request, keeping each update's JSON as Telegram sent it, so that
    the update ledger stores it as it came instead of encoding PTB's objects back."""

    def __init__(self, inner: BaseRequest) -> None:
        super().__init__(inner)
        self._bodies: dict[int, str] = {}

    def take(self) -> dict[int, str]:
        """Update id → JSON of the last batch fetched (once)."""
        bodies, self._bodies = self._bodies, {}
        return bodies

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        code, payload = await self.inner.do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        self._bodies = {}
        if code == 200 and url.endswith("/getUpdates"):
            with contextlib.suppress(ValueError, TypeError, KeyError):
                self._bodies = {
                    int(item["update_id"]): json.dumps(item)
                    for item in json.loads(payload)["result"]
                }
        return code, payload
