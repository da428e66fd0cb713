"""What an operator does from the console (form posts, CSRF-checked), each logged in the
answers log with their id: move a company to a step, record its audit's rejection with the
reason (the company gets the reason's fix in its language, and the steps it concerns reopen),
message it, mute / unmute it; cancel a broadcast, compose a new one.

A moved company is shown its new step in its chat at once, with that step's buttons; a
message goes to the company as the support desk's answer, and into its ticket's topic in the
support group (when it has one), so the desk sees what the console sent.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from telegram.error import TelegramError

from bot.callbacks import parse_chat_id, parse_number
from bot.services.broadcasts.delivery import Payload
from bot.services.console.corrections import MESSAGE_LIMIT
from bot.services.flow.moves import Moved, MoveRefused
from bot.services.flow.rejections import Rejected, RejectionRefused
from bot.telegram.desk_topics import mark_finished, topic_failed
from bot.telegram.rejection_text import rejection_text
from bot.telegram.step_message import step_message
from bot.web.console import Console, Handler, Operator, checked_form, operators_only

log = logging.getLogger(__name__)


def _back(chat_id: int, notice: str) -> Response:
    return RedirectResponse(f"/console/company/{chat_id}?notice={quote(notice)}", status_code=303)


def action_routes(console: Console) -> list[Route]:
    services = console.services
    t = services.catalog.text

    async def form_and_chat(
        request: Request, operator: Operator
    ) -> tuple[dict[str, str], int] | Response:
        form = await checked_form(request, operator)
        chat_id = parse_chat_id(request.path_params["chat_id"])
        if form is None:
            return console.page("error.html", operator, status=403, reason="console-bad-form")
        if chat_id is None or services.progress.get(chat_id) is None:
            return console.page("error.html", operator, status=404, reason="console-no-company")
        return form, chat_id

    async def move(request: Request, operator: Operator) -> Response:
        checked = await form_and_chat(request, operator)
        if isinstance(checked, Response):
            return checked
        form, chat_id = checked
        result = console.corrections.move(
            chat_id,
            form.get("step", ""),
            operator_id=operator.user_id,
            reason=form.get("reason", ""),
            override=form.get("override") == "1",
            seq=parse_number(form.get("seq", "")),
        )
        if isinstance(result, MoveRefused):
            return _back(chat_id, f"move-{result.value}")
        await _show_new_step(console, result)
        services = console.services
        if services.spec.steps[result.progress.state].kind == "finish":
            await mark_finished(  # its ticket's topic closed, as when the company finishes
                console.application.bot,
                services.tickets,
                services.catalog,
                chat_id,
                None,
                services.calendar.today(),
            )
        log.info(
            "console: operator %s moved chat %s to %s",
            operator.user_id,
            chat_id,
            result.progress.state,
        )
        return _back(chat_id, "moved")

    async def reject(request: Request, operator: Operator) -> Response:
        checked = await form_and_chat(request, operator)
        if isinstance(checked, Response):
            return checked
        form, chat_id = checked
        seq = parse_number(form.get("seq", ""))
        if seq is None:  # the page's counter is what makes a stale page harmless
            return _back(chat_id, f"reject-{RejectionRefused.STALE.value}")
        result = services.rejections.reject(
            chat_id,
            form.get("step", ""),
            form.get("reason", ""),
            seq,
            by=operator.user_id,
            operator=True,
        )
        if isinstance(result, RejectionRefused):
            return _back(chat_id, f"reject-{result.value}")
        await _tell_rejection(console, result)
        log.info(
            "console: operator %s recorded the rejection of chat %s's %s (%s)",
            operator.user_id,
            chat_id,
            result.step.id,
            result.reason.id if result.reason else "other",
        )
        return _back(chat_id, "rejected")

    async def message(request: Request, operator: Operator) -> Response:
        checked = await form_and_chat(request, operator)
        if isinstance(checked, Response):
            return checked
        form, chat_id = checked
        text = form.get("text", "").strip()
        if not text or len(text) > MESSAGE_LIMIT:
            return _back(chat_id, "message-empty" if not text else "message-long")
        progress = services.progress.get(chat_id)
        assert progress is not None
        lang = progress.language
        body = f"<b>{html.escape(t(lang, 'console-message-header'))}</b>\n{html.escape(text)}"
        sent = await services.delivery.send(chat_id, Payload(html=body))
        if sent.status != "sent":
            return _back(chat_id, f"message-{sent.status}")
        console.corrections.message_sent(chat_id, text, operator_id=operator.user_id)

        def note(lang: str) -> str:
            return t(lang, "console-message-copy", operator=str(operator.user_id), text=text)

        await copy_to_ticket(console, chat_id, note, sent.message_id)
        return _back(chat_id, "message-sent")

    async def mute(request: Request, operator: Operator) -> Response:
        checked = await form_and_chat(request, operator)
        if isinstance(checked, Response):
            return checked
        _form, chat_id = checked
        muted = request.url.path.endswith("/mute")
        changed = console.corrections.set_muted(chat_id, muted, operator_id=operator.user_id)
        return _back(chat_id, ("muted" if muted else "unmuted") if changed else "unchanged")

    async def cancel(request: Request, operator: Operator) -> Response:
        form = await checked_form(request, operator)
        broadcast_id = parse_number(request.path_params["broadcast_id"])
        if form is None or broadcast_id is None:
            return console.page("error.html", operator, status=403, reason="console-bad-form")
        cancelled = services.composer.cancel(broadcast_id)  # a run stops at its next chat
        log.info("console: operator %s cancelled broadcast %s", operator.user_id, broadcast_id)
        notice = "cancelled" if cancelled else "not-cancelled"
        return RedirectResponse(f"/console/broadcasts?notice={notice}", status_code=303)

    def only(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        return operators_only(console, handler)

    return [
        Route("/console/company/{chat_id}/move", only(move), methods=["POST"]),
        Route("/console/company/{chat_id}/reject", only(reject), methods=["POST"]),
        Route("/console/company/{chat_id}/message", only(message), methods=["POST"]),
        Route("/console/company/{chat_id}/mute", only(mute), methods=["POST"]),
        Route("/console/company/{chat_id}/unmute", only(mute), methods=["POST"]),
        Route("/console/broadcasts/{broadcast_id}/cancel", only(cancel), methods=["POST"]),
    ]


async def _show_new_step(console: Console, moved: Moved) -> None:
    """The company's chat shows where an operator put it, with the step's own buttons."""
    services = console.services
    progress = moved.progress
    prefix = services.catalog.text(progress.language, "console-moved-notice")
    view = services.views.of(progress)
    payload = step_message(services.renderer, view, progress, above=html.escape(prefix)).payload()
    result = await services.delivery.send(progress.chat_id, payload)
    if result.status != "sent":
        log.warning("console: chat %s was moved but not told (%s)", progress.chat_id, result.status)


async def _tell_rejection(console: Console, rejected: Rejected) -> None:
    """The company's chat gets the reason's fix, in its language, above its reopened step."""
    services = console.services
    progress = rejected.progress
    notice = html.escape(services.catalog.text(progress.language, "console-rejected-notice"))
    above = f"{notice}\n\n{rejection_text(services.renderer, rejected)}"
    view = services.views.of(progress)
    payload = step_message(services.renderer, view, progress, above=above).payload()
    result = await services.delivery.send(progress.chat_id, payload)
    if result.status != "sent":
        log.warning(
            "console: chat %s's rejection was not told (%s)", progress.chat_id, result.status
        )


async def copy_to_ticket(
    console: Console, chat_id: int, note: Callable[[str], str], user_message_id: int | None
) -> None:
    """The desk sees what the console sent in the ticket's topic (or as a reply to its card),
    mapped as the desk's answer; ``note`` words it in the ticket's language."""
    tickets = console.services.tickets
    ticket = tickets.of_chat(chat_id)
    if ticket is None or not tickets.configured or ticket.support_chat_id is None:
        return
    try:
        sent = await console.application.bot.send_message(
            ticket.support_chat_id,
            html.escape(note(ticket.language or "en")),
            message_thread_id=ticket.thread_id,
            reply_to_message_id=None if ticket.thread_id else ticket.header_message_id,
        )
    except Exception as exc:  # the company got it; the copy is a courtesy to the desk
        topic = tickets.topic(ticket)
        if isinstance(exc, TelegramError) and topic is not None:
            topic_failed(tickets, topic, "posted in", exc)  # deleted: the next message opens one
        log.warning("console: could not copy the message to ticket #%s: %r", ticket.id, exc)
        return
    if user_message_id is not None:
        tickets.relayed_out(ticket, sent.message_id, user_message_id)
