"""The escalation's message: a ticket that waited too long, said in its topic (or under its
card in a plain support group), in the ticket's language, as its card is."""

from __future__ import annotations

import logging
from html import escape

from telegram import Bot
from telegram.error import TelegramError

from bot.services.desk.escalation import CardWait, DueEscalation, Escalations
from bot.services.desk.relay import Holder
from bot.services.i18n import Catalog, format_number
from bot.telegram.desk_card import held_card, take_keyboard

log = logging.getLogger(__name__)


def escalation_text(catalog: Catalog, due: DueEscalation, limit_hours: int) -> str:
    ticket = due.ticket
    lang = ticket.language or "en"
    return catalog.text(
        lang,
        "desk-escalation",
        number=str(ticket.ticket_id),
        name=escape(ticket.name or str(ticket.chat_id)),
        hours=format_number(round(due.hours, 1), lang),
        limit=str(limit_hours),
    )


def card_with_wait(catalog: Catalog, wait: CardWait, previous: Holder | None = None) -> str:
    """The card as posted, with who took the ticket (from whom, if ``previous``) and its waits
    in working hours below it."""
    lang, t = wait.language, catalog.text
    lines = []
    if wait.first_answer_hours is not None:
        hours = format_number(round(wait.first_answer_hours, 1), lang)
        lines.append(t(lang, "card-first-answer", hours=hours))
    if wait.wait_hours is not None:
        hours = format_number(round(wait.wait_hours, 1), lang)
        text_id = "card-wait-escalated" if wait.escalated else "card-wait-now"
        lines.append(t(lang, text_id, hours=hours))
    card = held_card(catalog, wait.card_html, lang, wait.holder, previous)
    return card + ("\n\n" + "\n".join(lines) if lines else "")


async def refresh_cards(bot: Bot, escalations: Escalations, catalog: Catalog) -> int:
    """Edit the cards that are to show new waits (a first answer, an escalation); how many."""
    edited = 0
    for ticket_id in escalations.cards_to_refresh():
        wait = escalations.card_wait(ticket_id)
        escalations.card_refreshed(ticket_id)  # once: a card that cannot be edited stays as it is
        if wait is None:
            continue
        try:
            await bot.edit_message_text(
                card_with_wait(catalog, wait),
                chat_id=wait.support_chat_id,
                message_id=wait.message_id,
                reply_markup=take_keyboard(
                    catalog, wait.language, wait.ticket_id, held=wait.holder is not None
                ),
            )
        except TelegramError as exc:  # deleted, unchanged: the card stays as it was
            log.info("ticket #%s: card not updated: %s", ticket_id, exc)
            continue
        edited += 1
    return edited


async def escalate_waits(
    bot: Bot, escalations: Escalations, catalog: Catalog, support_chat_id: int
) -> int:
    """Escalate every wait over the limit, once each; how many were sent. Each is marked
    before it is sent, so a crash in between loses that one message rather than repeating it."""
    sent = 0
    for due in escalations.due():
        if not escalations.mark(due):
            continue
        ticket = due.ticket
        chat_id = ticket.support_chat_id or support_chat_id
        in_topic = ticket.thread_id is not None and chat_id == ticket.support_chat_id
        try:
            await bot.send_message(
                chat_id,
                escalation_text(catalog, due, escalations.limit_hours),
                message_thread_id=ticket.thread_id if in_topic else None,
                reply_to_message_id=None if in_topic else ticket.header_message_id,
                allow_sending_without_reply=True,
            )
        except TelegramError as exc:
            log.warning("could not escalate ticket #%s: %s", ticket.ticket_id, exc)
            continue
        sent += 1
    return sent
