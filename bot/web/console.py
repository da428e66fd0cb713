"""The operators' console: what its pages share, and who may see them.

Every request is checked: a session cookie that the database knows and that has not expired,
AND its user listed in ``TPBOT_OPERATORS`` now (an operator removed from the list is out at
the next click, whatever their cookie says). Anything else gets the sign-in page and no data.
Every form post carries the session's CSRF token; the cookie is HttpOnly and SameSite.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from jinja2 import Environment
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from bot.services.console.console_auth import Session, SignIn
from bot.services.console.corrections import Corrections
from bot.services.console.handoff_view import DeskTiming
from bot.services.console.portfolio import Portfolio
from bot.services.console.readers import ReadPool
from bot.services.desk.canned import Missing
from bot.services.evidence.review import ReviewRefused
from bot.services.flow.moves import MoveRefused
from bot.services.flow.rejections import RejectionRefused
from bot.services.i18n import LANGUAGES, language_from_code
from bot.web.body import read_body
from bot.web.signin_guard import SignInGuard
from bot.web.templating import make_environment, render
from bot.wiring import BotApplication, Services

COOKIE = "tpbot_console"
# The largest form an operator sends: a broadcast's two texts of 4,096 characters, urlencoded
# (a Chinese character takes nine bytes) — about 74 KB.
MAX_FORM_BYTES = 128 * 1024
EXPORT_THREADS = 2  # board.csv downloads read at once (each operator one at a time)

# ``?notice=<code>`` after an action: the codes a page knows and their Fluent messages (an
# unknown code shows nothing, so a link cannot put words on the page).
COMPANY_NOTICES = {
    code: f"console-notice-{code}"
    for code in (
        "moved",
        *(f"move-{refused.value}" for refused in MoveRefused),
        "rejected",
        *(f"reject-{refused.value}" for refused in RejectionRefused),
        *(f"message-{status}" for status in ("sent", "empty", "long", "blocked", "failed")),
        "message-unknown",
        *(f"reply-{code}" for code in ("sent", "none", "blocked", "failed", "unknown")),
        *(f"reply-needs-{missing.value}" for missing in Missing),
        "muted",
        "unmuted",
        "paused",
        "resumed",
        "unchanged",
        "review-approved",
        "review-revision",
        "review-revision-unsent",
        *(f"review-{refused.value}" for refused in ReviewRefused),
    )
}
BROADCAST_NOTICES = {
    "created": "console-notice-created",
    "held": "console-notice-held",
    "cancelled": "console-notice-cancelled",
    "not-cancelled": "console-notice-not",
}


@dataclass
class Operator:
    user_id: int
    session: Session
    secret: str
    lang: str


@dataclass
class Console:
    application: BotApplication
    token: str
    public_url: str
    env: Environment
    readers: ReadPool[Portfolio]
    exports: ReadPool[Portfolio]  # threads of their own: a long download holds up no page
    corrections: Corrections
    signin: SignIn
    guard: SignInGuard = field(default_factory=SignInGuard)
    exporting: set[int] = field(default_factory=set)  # operators whose export is under way
    cache: dict[str, tuple[dt.datetime, Any]] = field(default_factory=dict)
    funnel_task: asyncio.Task[None] | None = None  # the funnel being worked out, if it is

    @property
    def services(self) -> Services:
        return self.application.bot_data.services

    @property
    def secure(self) -> bool:
        return self.public_url.startswith("https://")

    @classmethod
    def of(cls, application: BotApplication, token: str) -> Console:
        services = application.bot_data.services
        settings = services.settings
        calendar = services.calendar
        spec = services.spec

        timing = DeskTiming.of(settings.working_hours, settings.handoff_resume_days)

        def portfolio(db: Any) -> Portfolio:
            return Portfolio(db, spec, calendar, settings.support_chat_id, timing)

        return cls(
            application=application,
            token=token,
            public_url=settings.public_base_url().rstrip("/"),
            env=make_environment(services.catalog),
            readers=ReadPool(settings.db_path, portfolio),
            exports=ReadPool(settings.db_path, portfolio, EXPORT_THREADS, "console-export"),
            corrections=Corrections(services.progress, services.reminders, services.event_log),
            signin=services.signin,
            cache={},
        )

    def close(self) -> None:
        if self.funnel_task is not None:
            self.funnel_task.cancel()
        self.guard.close()
        self.exports.close()
        self.readers.close()

    def is_operator(self, user_id: int) -> bool:
        return user_id in self.services.roster  # as it is now: a removed operator is out

    def page(
        self, name: str, operator: Operator | None, status: int = 200, **values: Any
    ) -> Response:
        lang = operator.lang if operator else values.pop("lang", "en")
        html = render(
            self.env,
            name,
            lang=lang,
            operator=operator,
            csrf=operator.session.csrf if operator else "",
            languages=LANGUAGES,
            **values,
        )
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)

    def operator_of(self, request: Request) -> Operator | None:
        secret = request.cookies.get(COOKIE)
        session = self.signin.session(secret)
        if secret is None or session is None or not self.is_operator(session.user_id):
            return None
        lang = session.language if session.language in LANGUAGES else "en"
        return Operator(session.user_id, session, secret, lang)

    def refused(self, request: Request) -> Response:
        lang = language_from_code(request.headers.get("accept-language", "")[:2])
        return self.page("signin.html", None, status=401, lang=lang, reason="console-need-signin")

    def set_cookie(self, response: Response, secret: str) -> None:
        response.set_cookie(
            COOKIE,
            secret,
            max_age=12 * 3600,
            path="/console",
            httponly=True,
            secure=self.secure,
            samesite="none" if self.secure else "lax",
        )


SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; base-uri 'none'; frame-ancestors https://web.telegram.org 'self'; "
        "script-src 'unsafe-inline'; connect-src 'self'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}

Handler = Callable[[Request, Operator], Awaitable[Response]]


def operators_only(console: Console, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """The route for ``handler``: signed-in operators only, every time."""

    async def route(request: Request) -> Response:
        operator = console.operator_of(request)
        if operator is None:
            return console.refused(request)
        return await handler(request, operator)

    return route


def notice_of(request: Request, notices: dict[str, str]) -> str | None:
    """The Fluent id of the page's ``?notice=`` code, if it is one of ``notices``."""
    return notices.get(request.query_params.get("notice", ""))


async def form_of(request: Request) -> dict[str, str] | None:
    """A urlencoded form post, or None if it is not one; a body over :data:`MAX_FORM_BYTES`
    is refused (413) without being read whole."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return None
    body = await read_body(request, MAX_FORM_BYTES)
    try:
        return dict(parse_qsl(body.decode(), keep_blank_values=True))
    except (UnicodeDecodeError, ValueError):
        return None


async def checked_form(request: Request, operator: Operator) -> dict[str, str] | None:
    """The posted form if it carries this session's CSRF token, else None."""
    form = await form_of(request)
    if form is None:
        return None
    given = form.get("csrf", "")
    if not hmac.compare_digest(given.encode(), operator.session.csrf.encode()):
        return None
    return form
