"""Request bodies, read with a limit: nobody makes the bot hold a body larger than it expects.

A declared ``Content-Length`` over the limit is refused (413) before a byte is read; a body
without one (chunked) or one that sends more than it declared is read chunk by chunk and
refused as soon as it passes the limit. The 413 closes the connection, so the server does not
go on reading what the client still sends. Until the body is read, uvicorn reads at most its
buffer's worth from the socket (flow control), so an unread body costs no memory either.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request

from bot.callbacks import parse_number


class BodyTooLarge(HTTPException):
    """413: Starlette answers it with this text and ``Connection: close``."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            413, f"The request body is larger than {limit} bytes.", {"Connection": "close"}
        )


async def read_body(request: Request, limit: int) -> bytes:
    """The request's body, at most ``limit`` bytes; :class:`BodyTooLarge` beyond it."""
    declared = request.headers.get("content-length")
    if declared is not None:
        size = parse_number(declared.strip())
        if size is None:
            raise HTTPException(400, "The Content-Length header is not a number.")
        if size > limit:
            raise BodyTooLarge(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge(limit)
    return bytes(body)
