"""Every route of the operators' console, in one list (the web server adds them)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.web.actions import action_routes
from bot.web.automation import automation_routes
from bot.web.canned import canned_routes
from bot.web.compose import compose_routes
from bot.web.console import Console
from bot.web.documents import document_routes
from bot.web.evidence_pack import evidence_routes
from bot.web.pages import page_routes
from bot.web.signin import signin_routes


def console_routes(console: Console) -> list[BaseRoute]:
    async def to_board(request: Request) -> Response:
        return RedirectResponse("/console/", status_code=307)

    return [
        Route("/console", to_board, methods=["GET"]),
        *signin_routes(console),
        *page_routes(console),
        *evidence_routes(console),
        *action_routes(console),
        *canned_routes(console),
        *automation_routes(console),
        *document_routes(console),
        *compose_routes(console),
    ]
