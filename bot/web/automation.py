"""The handoff in the console: an operator pauses or resumes a company's automatic nudges
(idle nudges, audit follow-ups). A form post with the session's CSRF token, from a signed-in
operator (checked every time), logged in the answers log with the operator's id."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.callbacks import parse_chat_id
from bot.web.console import Console, Handler, Operator, checked_form, operators_only

log = logging.getLogger(__name__)


def automation_routes(console: Console) -> list[Route]:
    services = console.services

    async def pause(request: Request, operator: Operator) -> Response:
        form = await checked_form(request, operator)
        chat_id = parse_chat_id(request.path_params["chat_id"])
        if form is None:
            return console.page("error.html", operator, status=403, reason="console-bad-form")
        if chat_id is None or services.progress.get(chat_id) is None:
            return console.page("error.html", operator, status=404, reason="console-no-company")
        paused = request.url.path.endswith("/pause")
        changed = services.pause.set_paused(chat_id, paused, operator_id=operator.user_id)
        if changed:
            verb = "paused" if paused else "resumed"
            log.info("console: operator %s %s chat %s's nudges", operator.user_id, verb, chat_id)
        notice = ("paused" if paused else "resumed") if changed else "unchanged"
        return RedirectResponse(f"/console/company/{chat_id}?notice={notice}", status_code=303)

    def only(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        return operators_only(console, handler)

    return [
        Route("/console/company/{chat_id}/pause", only(pause), methods=["POST"]),
        Route("/console/company/{chat_id}/resume", only(pause), methods=["POST"]),
    ]
