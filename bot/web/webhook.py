"""The webhook endpoint: Telegram posts an update; it is kept, and only then answered 200.

Every request must carry the secret registered with ``setWebhook``
(``X-Telegram-Bot-Api-Secret-Token``); without it, or with another, the answer is 403 and
nothing is read. ``GET /healthz`` says whether the bot's loop is alive.
"""

from __future__ import annotations

import hmac
import json
import logging

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.intake import Intake
from bot.services.errors import Busy

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1_000_000  # bytes; Telegram's updates are far smaller


def webhook_app(intake: Intake, path: str, secret: str) -> Starlette:
    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return Response(status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY:
            return Response(status_code=413)
        try:
            text = body.decode()
            update_id = int(json.loads(text)["update_id"])
        except (ValueError, KeyError, TypeError):
            return Response(status_code=400)
        try:
            intake.accept([(update_id, text)])
        except Busy:  # not kept: Telegram sends it again
            return Response(status_code=503)
        return Response(status_code=200)

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "queued": intake.queue.qsize()})

    return Starlette(
        routes=[
            Route(f"/{path.strip('/')}", receive, methods=["POST"]),
            Route("/healthz", health, methods=["GET"]),
        ]
    )
