"""Taking a ticket (the card's button, or ``/take`` in its topic or in reply to its card) and
the user's rating of a closed ticket (one tap, 1–5).

Who may take: an operator for tickets (``may_act_in_support_group``: a member of the support
group, unless ``TPBOT_SUPPORT_GROUP_OPERATORS`` is off; then the listed operators), checked at
every press and command. Taken, the card is edited to say who (with a mention of them) and
the topic is renamed; taken over, the topic is told, mentioning whom it was taken from.
"""

from __future__ import annotations

import logging
from html import escape

from telegram import ReplyParameters, Update
from telegram.error import BadRequest, TelegramError

from bot.callbacks import RateButton, TakeButton
from bot.handlers.operators.access import is_support_operator, may_act_in_support_group
from bot.handlers.replies import reply
from bot.handlers.support.desk import name_topic, ticket_here
from bot.services.desk.assignment import RateResult, Take, TakeResult
from bot.services.desk.relay import Holder
from bot.telegram.desk_card import held_card, mention_html, take_keyboard
from bot.telegram.escalation import card_with_wait
from bot.wiring import BotContext

log = logging.getLogger(__name__)

_TAKE_ANSWERS = {
    TakeResult.TAKEN: "take-done",
    TakeResult.TAKEN_OVER: "take-over-done",
    TakeResult.ALREADY: "take-already",
    TakeResult.CLOSED: "take-closed",
}


async def take(update: Update, context: BotContext) -> None:
    """/take in a ticket's topic (or in reply to one of its messages in a plain group)."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None
    tickets = context.services.tickets
    t = context.services.catalog.text
    lang = context.sender_language
    here = tickets.configured and chat.id == tickets.support_chat_id
    if (
        user is None
        or user.is_bot
        or not (  # an anonymous admin cannot be mentioned
            may_act_in_support_group(context, user.id)
            if here
            else await is_support_operator(context, user.id)
        )
    ):
        await reply(update, context, t(context.language, "take-not-operator"))
        return
    ticket = ticket_here(context, message) if here else None
    if ticket is None:
        await reply(update, context, t(lang, "support-no-ticket" if here else "take-where"))
        return
    taken = tickets.assignments.take(ticket, Holder(user.id, user.full_name))
    await _show(context, taken)
    await reply(
        update,
        context,
        _answer(context, taken, lang),
        reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
    )


async def take_button(update: Update, context: BotContext) -> None:
    """The card's "Take" button: only on the ticket's latest card, only for operators."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and query.data is not None
    tickets = context.services.tickets
    t = context.services.catalog.text
    lang = context.sender_language
    button = TakeButton.parse(query.data)
    card = query.message
    ticket = tickets.get(button.ticket_id) if button is not None else None
    if (
        ticket is None
        or card is None
        or user is None
        or not tickets.configured
        or card.chat.id != tickets.support_chat_id
    ):
        await query.answer(t(lang, "button-unknown"), show_alert=True)
        return
    if not may_act_in_support_group(context, user.id):
        await query.answer(t(lang, "take-not-operator"), show_alert=True)
        return
    if card.message_id != ticket.header_message_id or ticket.support_chat_id != card.chat.id:
        await query.answer(t(lang, "take-stale"), show_alert=True)
        return
    taken = tickets.assignments.take(ticket, Holder(user.id, user.full_name))
    await query.answer(_answer(context, taken, lang, notice=False))
    await _show(context, taken)
    if taken.result is TakeResult.TAKEN_OVER:
        await context.bot.send_message(
            card.chat.id,
            _answer(context, taken, lang),
            message_thread_id=taken.ticket.thread_id if taken.topic is not None else None,
            reply_parameters=ReplyParameters(card.message_id, allow_sending_without_reply=True),
        )


def _answer(context: BotContext, taken: Take, lang: str, notice: bool = True) -> str:
    t = context.services.catalog.text
    ticket, previous = taken.ticket, taken.previous
    number, name = str(ticket.id), escape(ticket.name or "?")
    if taken.result is TakeResult.TAKEN_OVER and previous is not None and notice:
        holder = Holder(ticket.assignee_id or 0, ticket.assignee_name or "?")
        return t(
            lang,
            "take-over-notice",
            operator=escape(holder.name),
            previous=mention_html(previous),
            number=number,
        )
    previous_name = escape(previous.name) if previous is not None else ""
    return t(lang, _TAKE_ANSWERS[taken.result], number=number, name=name, previous=previous_name)


def _card_text(context: BotContext, taken: Take, holder: Holder) -> str:
    """The card naming its holder, and still showing the ticket's waits if it did."""
    catalog, card = context.services.catalog, taken.card
    assert card is not None
    wait = context.services.escalations.card_wait(taken.ticket.id)
    if wait is not None and (wait.first_answer_hours is not None or wait.escalated):
        return card_with_wait(catalog, wait, taken.previous)
    return held_card(catalog, card.base_html, card.language, holder, taken.previous)


async def _show(context: BotContext, taken: Take) -> None:
    """The card says who took the ticket, and so does the topic's name."""
    if taken.result not in (TakeResult.TAKEN, TakeResult.TAKEN_OVER):
        return
    catalog, ticket = context.services.catalog, taken.ticket
    holder = Holder(ticket.assignee_id or 0, ticket.assignee_name or "?")
    card = taken.card
    if card is not None:
        try:
            await context.bot.edit_message_text(
                _card_text(context, taken, holder),
                chat_id=card.support_chat_id,
                message_id=card.message_id,
                reply_markup=take_keyboard(catalog, card.language, card.number, held=True),
            )
        except TelegramError as exc:  # e.g. the card was deleted: the take stands
            log.info("ticket %s: card not edited: %r", ticket.id, exc)
    await name_topic(context, taken.topic)


# -- the user's rating ------------------------------------------------------------------------
_RATE_ANSWERS = {
    RateResult.ALREADY: "rate-already",
    RateResult.STALE: "rate-stale",
    RateResult.UNKNOWN: "button-unknown",
}


async def rate_button(update: Update, context: BotContext) -> None:
    """A tap on the closing notice's rating: the first of a closing counts."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    assert query is not None and query.data is not None
    t = context.services.catalog.text
    button = RateButton.parse(query.data)
    if button is None or chat is None:
        await query.answer(t(context.language, "button-unknown"), show_alert=True)
        return
    assignments = context.services.tickets.assignments
    rated = assignments.rate(
        button.ticket_id, button.closing, chat.id, button.rating, user.id if user else None
    )
    lang = rated.language if rated.result is not RateResult.UNKNOWN else context.language
    if rated.result is not RateResult.RATED:
        rating = str(rated.rating or "")
        await query.answer(t(lang, _RATE_ANSWERS[rated.result], rating=rating), show_alert=True)
        if rated.result is RateResult.UNKNOWN:
            return
    else:
        await query.answer(t(lang, "rate-thanks", rating=str(rated.rating)))
    closed = t(lang, "ticket-closed-user", number=str(button.ticket_id))
    stands = rated.rating
    text = f"{closed}\n\n{t(lang, 'rate-done', rating=str(stands))}" if stands else closed
    try:  # the buttons go: the rating (or the reopening) has settled them
        await query.edit_message_text(text)
    except BadRequest as exc:
        log.info("ticket %s: rating message not edited: %r", button.ticket_id, exc)
