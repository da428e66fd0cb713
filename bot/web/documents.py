"""A company's documents in the console: each file downloaded (as an attachment, never shown
inline), and reviewed: approved, or sent back for a revision with a note that the company
gets in its chat, in its language. Operators only, checked on every request; a review is a
form post with the session's CSRF token and the page's counter.
"""

from __future__ import annotations

import asyncio
import logging
import unicodedata
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.callbacks import parse_chat_id, parse_number
from bot.services.broadcasts.delivery import Payload
from bot.services.console.portfolio import Portfolio
from bot.services.evidence.evidence import NEEDS_REVISION, STORED, DocumentState, EvidenceService
from bot.services.evidence.review import Reviewed, ReviewRefused, Reviews
from bot.web.console import (
    SECURITY_HEADERS,
    Console,
    Handler,
    Operator,
    checked_form,
    operators_only,
)

log = logging.getLogger(__name__)


def safe_filename(name: str) -> str:
    """``name`` without what a header or a file system could misread (controls, quotes,
    slashes), never empty."""
    kept = "".join("_" if ch in '/\\"' or unicodedata.category(ch)[0] == "C" else ch for ch in name)
    return kept.strip(" .")[:180] or "document"


def attachment(name: str) -> str:
    """Content-Disposition for ``name``: an ASCII fallback and the UTF-8 name (RFC 5987)."""
    clean = safe_filename(name)
    fallback = "".join(ch if " " <= ch <= "~" else "_" for ch in clean)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(clean, safe='')}"


def documents_of(
    console: Console, portfolio: Portfolio, chat_id: int
) -> dict[str, list[DocumentState]]:
    """The company's documents by step (in a reader thread, on its connection)."""
    services = console.services
    evidence = services.evidence
    reader = EvidenceService(portfolio.db, evidence.spec, evidence.clock, evidence.download_limit)
    return {step: states for step, states in reader.all_states(chat_id).items() if states}


def document_routes(console: Console) -> list[Route]:
    services = console.services
    reviews = Reviews(services.evidence, services.event_log, services.progress)

    def back(chat_id: int, notice: str) -> Response:
        return RedirectResponse(
            f"/console/company/{chat_id}?notice=review-{notice}#documents", status_code=303
        )

    async def download(request: Request, operator: Operator) -> Response:
        chat_id = parse_chat_id(request.path_params["chat_id"])
        file = parse_number(request.path_params["file"])
        row = None
        if chat_id is not None and file is not None:
            row = await console.readers.run(
                lambda p: EvidenceService(
                    p.db, services.evidence.spec, services.evidence.clock, 0
                ).document(file)
            )
        path: Path | None = None
        if row is not None and row.chat_id == chat_id and row.fetch_state == STORED and row.sha256:
            path = services.locker.path_of(row.sha256)
        if row is None or path is None or not await asyncio.to_thread(path.is_file):
            return console.page("error.html", operator, status=404, reason="console-no-document")
        log.info(
            "console: operator %s downloaded file %s of chat %s", operator.user_id, file, chat_id
        )
        headers = {**SECURITY_HEADERS, "Content-Disposition": attachment(row.name)}
        return FileResponse(path, media_type="application/octet-stream", headers=headers)

    async def review(request: Request, operator: Operator) -> Response:
        form = await checked_form(request, operator)
        chat_id = parse_chat_id(request.path_params["chat_id"])
        file = parse_number(request.path_params["file"])
        if form is None:
            return console.page("error.html", operator, status=403, reason="console-bad-form")
        if chat_id is None or file is None or services.progress.get(chat_id) is None:
            return console.page("error.html", operator, status=404, reason="console-no-company")
        result = reviews.review(
            chat_id,
            file,
            form.get("verdict", ""),
            form.get("note", ""),
            by=operator.user_id,
            seq=parse_number(form.get("seq", "")),
        )
        if isinstance(result, ReviewRefused):
            return back(chat_id, result.value)
        log.info(
            "console: operator %s reviewed file %s of chat %s: %s",
            operator.user_id,
            file,
            chat_id,
            result.state,
        )
        if result.state == NEEDS_REVISION:
            told = await _tell_revision(console, result)
            return back(chat_id, "revision" if told else "revision-unsent")
        return back(chat_id, "approved")

    def only(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        return operators_only(console, handler)

    return [
        Route("/console/company/{chat_id}/documents/{file}", only(download), methods=["GET"]),
        Route("/console/company/{chat_id}/documents/{file}/review", only(review), methods=["POST"]),
    ]


async def _tell_revision(console: Console, reviewed: Reviewed) -> bool:
    """The company's chat gets the note, framed, in its language; whether it was sent."""
    services = console.services
    text = services.document_texts.revision_notice(
        reviewed.language, reviewed.spec, reviewed.row.name, reviewed.note or ""
    )
    chat_id = reviewed.row.chat_id
    sent = await services.delivery.send(chat_id, Payload(html=text))
    if sent.status != "sent":
        log.warning("console: chat %s's revision note was not delivered (%s)", chat_id, sent.status)
        return False
    return True
