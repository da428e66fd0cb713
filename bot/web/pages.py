"""The console's pages (GET): the board and its CSV, a company, the funnel, the broadcasts.

Reads run in the reader threads (:mod:`bot.services.console.readers`), never on the bot's loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from bot.callbacks import parse_chat_id, parse_number
from bot.services.broadcasts.audience import describe_audience
from bot.services.console.csv_cells import csv_writer
from bot.services.console.portfolio import DOCUMENT_FILTERS, MOVES, SORTS, BoardFilter
from bot.services.console.ratings import rating_summary
from bot.services.console.readers import ReadStream
from bot.services.funnel.funnel import Funnel, funnel_model
from bot.services.i18n import LANGUAGES
from bot.web.canned import reply_choices
from bot.web.console import (
    BROADCAST_NOTICES,
    COMPANY_NOTICES,
    SECURITY_HEADERS,
    Console,
    Handler,
    Operator,
    notice_of,
    operators_only,
)
from bot.web.documents import documents_of
from bot.web.funnel_svg import funnel_svg

FUNNEL_FRESH = dt.timedelta(minutes=2)
FUNNEL_WAIT_SECONDS = 3.0
STUCK_CHOICES = (3, 5, 10, 20)


def board_filter(query: Any, console: Console, operator_id: int | None = None) -> BoardFilter:
    """The board's query string, every value checked (unknown values are ignored); "mine"
    is the tickets ``operator_id`` (the signed-in operator) took."""
    spec = console.services.spec

    def number(name: str, low: int, high: int) -> int | None:
        value = parse_number(query.get(name, ""))
        return value if value is not None and low <= value <= high else None

    stage = query.get("stage")
    step = query.get("step")
    language = query.get("language")
    sort = query.get("sort", "activity")
    documents = query.get("documents")
    move = query.get("move")
    return BoardFilter(
        stage=stage if any(s.id == stage for s in spec.stages) else None,
        step=step if step in spec.steps else None,
        language=language if language in LANGUAGES else None,
        stuck_days=number("stuck", 1, 3650),
        overdue=query.get("overdue") == "1",
        waiting=query.get("waiting") == "1",
        documents=documents if documents in DOCUMENT_FILTERS else None,
        move=move if move in MOVES else None,
        search=query.get("q", "")[:100],
        sort=sort if sort in SORTS else "activity",
        descending=query.get("order", "desc") != "asc",
        page=number("page", 1, 10_000_000) or 1,
        holder=operator_id if query.get("mine") == "1" else None,
        unassigned=query.get("unassigned") == "1",
    )


class Export(StreamingResponse):
    """A streamed download whose reading stops, and whose slot is given back, however the
    response ends: finished, the client gone, or never started."""

    def __init__(self, stream: ReadStream[str], done: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(stream, **kwargs)
        self.stream = stream
        self.done = done

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.stream.stop()
            self.done()


def query_of(wanted: BoardFilter, **changes: Any) -> str:
    """The board's query string for ``wanted`` with ``changes`` (links: pages, sorting)."""
    values: dict[str, Any] = {
        "stage": wanted.stage,
        "step": wanted.step,
        "language": wanted.language,
        "stuck": wanted.stuck_days,
        "overdue": "1" if wanted.overdue else None,
        "waiting": "1" if wanted.waiting else None,
        "documents": wanted.documents,
        "move": wanted.move,
        "q": wanted.search or None,
        "sort": wanted.sort,
        "order": "desc" if wanted.descending else "asc",
        "page": wanted.page,
        "mine": "1" if wanted.holder is not None else None,
        "unassigned": "1" if wanted.unassigned else None,
    }
    values.update(changes)
    return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def page_routes(console: Console) -> list[Route]:
    services = console.services
    catalog, spec = services.catalog, services.spec

    def step_name(lang: str) -> Any:
        return lambda step_id: (
            catalog.text(lang, spec.steps[step_id].name) if step_id in spec.steps else step_id
        )

    async def board(request: Request, operator: Operator) -> Response:
        wanted = board_filter(request.query_params, console, operator.user_id)
        page = await console.readers.run(lambda p: p.board(wanted))
        return console.page(
            "board.html",
            operator,
            board=page,
            spec=spec,
            stuck_choices=STUCK_CHOICES,
            query_of=lambda **c: query_of(page.filter, **c),
            today=services.calendar.today(),
        )

    async def board_csv(request: Request, operator: Operator) -> Response:
        """The view as CSV, streamed from an export thread as it is read; one at a time per
        operator; it stops when the client goes."""
        headers = {
            **SECURITY_HEADERS,
            "Content-Disposition": 'attachment; filename="tmall-tp-companies.csv"',
        }
        if request.method == "HEAD":  # the server sends no body: nothing to read for it
            head = Response(media_type="text/csv; charset=utf-8", headers=headers)
            del head.headers["content-length"]  # as the streamed download's: not known
            return head
        if operator.user_id in console.exporting:
            response = console.page(
                "error.html", operator, status=429, reason="console-export-busy"
            )
            response.headers["Retry-After"] = "10"
            return response
        wanted = board_filter(request.query_params, console, operator.user_id)
        names = step_name(operator.lang)
        stream = console.exports.stream(lambda p: p.csv_chunks(wanted, names))
        console.exporting.add(operator.user_id)
        return Export(
            stream,
            done=lambda: console.exporting.discard(operator.user_id),
            media_type="text/csv; charset=utf-8",
            headers=headers,
        )

    async def company(request: Request, operator: Operator) -> Response:
        chat_id = parse_chat_id(request.path_params["chat_id"])
        found, documents = (
            await console.readers.run(
                lambda p: (p.company_page(chat_id), documents_of(console, p, chat_id))
            )
            if chat_id is not None
            else (None, {})
        )
        if found is None:
            return console.page("error.html", operator, status=404, reason="console-no-company")
        return console.page(
            "company.html",
            operator,
            page=found,
            spec=spec,
            seq=found.progress.seq,
            rule_targets=console.corrections.by_the_rules(found.progress),
            notice=notice_of(request, COMPANY_NOTICES),
            support=services.tickets.configured,
            documents=documents,
            replies=reply_choices(services.replies, found.progress),
        )

    idle_days = services.settings.idle_days

    async def funnel_data() -> Funnel | None:
        """The last funnel computed, refreshed in the background when older than
        :data:`FUNNEL_FRESH` (over a large log it takes a while: a page never waits long)."""
        cached = console.cache.get("funnel")
        now = services.progress.clock()
        stale = cached is None or now - cached[0] >= FUNNEL_FRESH
        if stale and (console.funnel_task is None or console.funnel_task.done()):

            async def compute() -> None:
                result = await console.readers.run(
                    lambda p: funnel_model(p.db, p.spec, p.calendar, now, idle_days)
                )
                console.cache["funnel"] = (now, result)

            console.funnel_task = asyncio.create_task(compute())
        if cached is None and console.funnel_task is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(console.funnel_task), FUNNEL_WAIT_SECONDS)
            cached = console.cache.get("funnel")
        return cached[1] if cached is not None else None

    async def funnel(request: Request, operator: Operator) -> Response:
        data = await funnel_data()
        ratings = await console.readers.run(lambda p: rating_summary(p.db))
        if data is None:  # still being computed: this page looks again in a few seconds
            return console.page(
                "funnel.html", operator, funnel=None, svg="", refresh=True, ratings=ratings
            )
        svg = funnel_svg(data, spec, catalog, operator.lang)
        return console.page(
            "funnel.html", operator, funnel=data, svg=svg, spec=spec, ratings=ratings
        )

    async def funnel_image(request: Request, operator: Operator) -> Response:
        data = await funnel_data()
        if data is None:
            return Response(status_code=503, headers={**SECURITY_HEADERS, "Retry-After": "5"})
        return Response(
            funnel_svg(data, spec, catalog, operator.lang),
            media_type="image/svg+xml",
            headers=SECURITY_HEADERS,
        )

    async def rejections_csv(request: Request, operator: Operator) -> Response:
        """Rejected audits by reason per step, as the funnel page's table shows them."""
        data = await funnel_data()
        if data is None:
            return Response(status_code=503, headers={**SECURITY_HEADERS, "Retry-After": "5"})
        out = io.StringIO()
        writer = csv_writer(out)
        writer.writerow(["step", "step_name", "reason", "reason_label", "rejections"])
        for step in data.rejections:
            name = catalog.text(operator.lang, spec.steps[step.step_id].name)
            for reason in step.reasons:
                label = catalog.text(operator.lang, reason.label)
                writer.writerow([step.step_id, name, reason.reason_id, label, reason.count])
        headers = {
            **SECURITY_HEADERS,
            "Content-Disposition": 'attachment; filename="tmall-tp-rejections.csv"',
        }
        body = "\ufeff" + out.getvalue()  # a BOM, as board.csv has: spreadsheets read UTF-8
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)

    async def broadcasts(request: Request, operator: Operator) -> Response:
        found = await console.readers.run(lambda p: p.broadcasts(50))
        rows = [item.row for item in found]
        running = any(row.status == "running" for row in rows)  # a held one waits for hours
        return console.page(
            "broadcasts.html",
            operator,
            rows=rows,
            reports={item.row.id: item.report for item in found},
            audiences={
                row.id: describe_audience(row.audience, spec, catalog, operator.lang)
                for row in rows
            },
            refresh=running,
            notice=notice_of(request, BROADCAST_NOTICES),
        )

    def only(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        return operators_only(console, handler)

    return [
        Route("/console/", only(board), methods=["GET"]),
        Route("/console/board.csv", only(board_csv), methods=["GET"]),
        Route("/console/company/{chat_id}", only(company), methods=["GET"]),
        Route("/console/funnel", only(funnel), methods=["GET"]),
        Route("/console/funnel.svg", only(funnel_image), methods=["GET"]),
        Route("/console/rejections.csv", only(rejections_csv), methods=["GET"]),
        Route("/console/broadcasts", only(broadcasts), methods=["GET"]),
    ]
