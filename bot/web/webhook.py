"""The webhook endpoint: Telegram posts an update; it is kept, and only then answered 200.

Every request must carry the secret registered with ``setWebhook``
(``X-Telegram-Bot-Api-Secret-Token``); without it, or with another, the answer is 403 and
nothing is read. A body over :data:`MAX_BODY` is refused (413) without being read whole
(:mod:`bot.web.body`). ``GET /healthz`` says whether the bot's loop is alive.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.callbacks import parse_number
from bot.intake import Intake
from bot.services.errors import StoreUnavailable
from bot.web.body import read_body

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1_000_000  # bytes; Telegram's updates are far smaller (a message is at most 4096
# characters, a caption 1024)


def webhook_app(
    intake: Intake | None, path: str | None, secret: str | None, extra: Sequence[BaseRoute] = ()
) -> Starlette:
    """The web server's app: ``/healthz``, the webhook when ``path`` is given (polling mode
    has none), and ``extra`` routes (the operators' console)."""

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        assert secret is not None
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return Response(status_code=403)
        body = await read_body(request, MAX_BODY)
        try:
            text = body.decode()
            update_id = parse_number(str(json.loads(text)["update_id"]))
        except (ValueError, KeyError, TypeError, RecursionError):
            return Response(status_code=400)
        if update_id is None:
            return Response(status_code=400)
        assert intake is not None
        await intake.wait_for_room()
        try:
            intake.accept([(update_id, text)])
        except StoreUnavailable:  # not kept (locked, or the disk is full): Telegram resends
            return Response(status_code=503)
        return Response(status_code=200)

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "queued": intake.queued if intake else 0})

    routes: list[BaseRoute] = [Route("/healthz", health, methods=["GET"]), *extra]
    if path is not None and secret is not None:
        routes.append(Route(f"/{path.strip('/')}", receive, methods=["POST"]))
    return Starlette(routes=routes)
