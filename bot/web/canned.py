"""The console's canned replies: the company page lists them (each with its text as the company
would read it), and a POST sends one as the support desk's answer, as ``/reply`` does in the
ticket's topic: in the company's language, mapped to its ticket (a copy in the topic) so that
the company's reply to it comes back to the desk; logged in the answers log with the
operator's id and the reply's name.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.callbacks import parse_chat_id
from bot.services.broadcasts.delivery import Payload
from bot.services.desk.canned import CannedReplies, ReplyRefused
from bot.services.flow.chat_progress import ChatProgress
from bot.web.actions import copy_to_ticket
from bot.web.console import Console, Handler, Operator, checked_form, operators_only

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReplyChoice:
    """One canned reply on the company page."""

    name: str
    first_line: str  # shortened
    text: str  # as the company would read it, plain
    missing: str | None  # the fact it needs and the company lacks ("audit-date", "step")


def back_to_company(chat_id: int, notice: str) -> Response:
    return RedirectResponse(f"/console/company/{chat_id}?notice={quote(notice)}", status_code=303)


def reply_choices(replies: CannedReplies, progress: ChatProgress) -> list[ReplyChoice]:
    """The company page's list (no database: from the progress the page read)."""
    facts = replies.facts(progress, "", progress.language)
    choices = []
    for name in replies.names():
        missing = replies.needs(name, facts)
        text = replies.plain_text(name, facts)
        first = replies.preview(name, facts, facts.language)
        choices.append(ReplyChoice(name, first, text, missing.value if missing else None))
    return choices


def canned_routes(console: Console) -> list[Route]:
    services = console.services

    async def send_reply(request: Request, operator: Operator) -> Response:
        form = await checked_form(request, operator)
        chat_id = parse_chat_id(request.path_params["chat_id"])
        if form is None:
            return console.page("error.html", operator, status=403, reason="console-bad-form")
        progress = services.progress.get(chat_id) if chat_id is not None else None
        if chat_id is None or progress is None:
            return console.page("error.html", operator, status=404, reason="console-no-company")
        replies = services.replies
        name = replies.find(form.get("reply", ""))
        if name is None:
            return back_to_company(chat_id, "reply-none")
        ticket = services.tickets.of_chat(chat_id)
        facts = replies.facts(progress, ticket.name if ticket else "", progress.language)
        composed = replies.compose(name, facts)
        if isinstance(composed, ReplyRefused):
            return back_to_company(chat_id, f"reply-needs-{composed.missing.value}")
        sent = await services.delivery.send(chat_id, Payload(html=composed.html))
        if sent.status != "sent":
            return back_to_company(chat_id, f"reply-{sent.status}")
        text = replies.plain_text(name, facts)
        console.corrections.message_sent(chat_id, text, operator_id=operator.user_id, reply=name)
        catalog = services.catalog

        def note(lang: str) -> str:
            return catalog.text(
                lang,
                "console-reply-copy",
                operator=str(operator.user_id),
                reply=composed.name,
                text=text,
            )

        await copy_to_ticket(console, chat_id, note, sent.message_id)
        log.info(
            "console: operator %s sent canned reply %s to chat %s", operator.user_id, name, chat_id
        )
        return back_to_company(chat_id, "reply-sent")

    def only(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        return operators_only(console, handler)

    return [Route("/console/company/{chat_id}/reply", only(send_reply), methods=["POST"])]
