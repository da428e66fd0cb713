"""Signing in: a one-time link from ``/console`` (browser), or a Mini App's ``initData``.

Opening a link shows a page with a button; only the button's POST uses the link, so a link
preview or a prefetch cannot spend it. A Mini App's ``initData`` signs in once. Failed
attempts are limited per address (:mod:`bot.web.signin_guard`) and summed up in the log once a
minute rather than logged one by one.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.services.console.console_auth import verify_init_data
from bot.services.i18n import LANGUAGES, language_from_code
from bot.web.console import COOKIE, Console, Operator, checked_form, form_of, operators_only
from bot.web.signin_guard import client_address

log = logging.getLogger(__name__)


def signin_routes(console: Console) -> list[Route]:
    async def link_page(request: Request) -> Response:
        token = request.path_params["token"]
        lang = language_from_code(request.query_params.get("lang"))
        return console.page("signin.html", None, lang=lang, token=token)

    def too_many(request: Request) -> Response | None:
        """429 for an address that failed too often lately (nothing it sent is read); else
        None, and the attempt counts until it signs in."""
        wait = console.guard.attempt(client_address(request))
        if wait is None:
            return None
        lang = language_from_code(request.headers.get("accept-language", "")[:2])
        response = console.page(
            "signin.html", None, status=429, lang=lang, reason="console-signin-too-many"
        )
        response.headers["Retry-After"] = str(wait)
        return response

    def refused(request: Request, lang: str, reason: str) -> Response:
        console.guard.failed(client_address(request))
        return console.page("signin.html", None, status=403, lang=lang, reason=reason)

    async def use_link(request: Request) -> Response:
        if (limited := too_many(request)) is not None:
            return limited
        form = await form_of(request)
        lang = language_from_code((form or {}).get("lang"))
        user_id = console.signin.redeem_link(form.get("token", "")) if form else None
        if user_id is None or not console.is_operator(user_id):
            return refused(request, lang, "console-link-refused")
        console.guard.succeeded(client_address(request))
        return _signed_in(console, user_id, lang)

    async def app_page(request: Request) -> Response:
        lang = language_from_code(request.query_params.get("lang"))
        return console.page("webapp.html", None, lang=lang)

    async def app_signin(request: Request) -> Response:
        if (limited := too_many(request)) is not None:
            return limited
        form = await form_of(request)
        init_data = (form or {}).get("init_data", "")
        user = verify_init_data(init_data, console.token, console.services.progress.clock())
        lang = language_from_code(user.language_code if user else None)
        if user is None or not console.is_operator(user.id):
            return refused(request, lang, "console-app-refused")
        if not console.signin.spend_init_data(user):
            return refused(request, lang, "console-app-used")
        console.guard.succeeded(client_address(request))
        return _signed_in(console, user.id, lang)

    async def sign_out(request: Request, operator: Operator) -> Response:
        if await checked_form(request, operator) is None:
            return console.page("error.html", operator, status=403, reason="console-bad-form")
        console.signin.close_session(operator.secret)
        response = RedirectResponse("/console/signed-out", status_code=303)
        response.delete_cookie(COOKIE, path="/console")
        return response

    async def signed_out(request: Request) -> Response:
        lang = language_from_code(request.query_params.get("lang"))
        return console.page("signin.html", None, lang=lang, reason="console-signed-out")

    async def set_language(request: Request, operator: Operator) -> Response:
        form = await checked_form(request, operator)
        if form is None or form.get("lang") not in LANGUAGES:
            return console.page("error.html", operator, status=403, reason="console-bad-form")
        console.signin.set_language(operator.secret, form["lang"])
        back = form.get("back", "/console/")
        return RedirectResponse(back if back.startswith("/console/") else "/console/", 303)

    return [
        Route("/console/login/{token}", link_page, methods=["GET"]),
        Route("/console/login", use_link, methods=["POST"]),
        Route("/console/app", app_page, methods=["GET"]),
        Route("/console/app", app_signin, methods=["POST"]),
        Route("/console/signout", operators_only(console, sign_out), methods=["POST"]),
        Route("/console/signed-out", signed_out, methods=["GET"]),
        Route("/console/language", operators_only(console, set_language), methods=["POST"]),
    ]


def _signed_in(console: Console, user_id: int, lang: str) -> Response:
    secret = console.signin.open_session(user_id, lang)
    log.info("console: operator %s signed in", user_id)
    response = RedirectResponse("/console/", status_code=303)
    console.set_cookie(response, secret)
    return response
