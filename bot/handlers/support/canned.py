"""``/reply NAME`` in a ticket's topic (or replying to a ticket's message in a plain support
group): a canned reply (``bot/services/desk/canned.py``) to the ticket's user, in the user's
language, as the desk's answer. ``/reply`` alone lists the replies.

It takes the path of an operator's typed answer: the operators' checks, the same answers to a
closed ticket, a blocked user or a refused message, and the answer mapped as ``out`` so that
the user's reply to it comes back to the ticket. The command itself is never relayed: the
user gets the reply's text, and the topic a copy of what was sent, under the command.
"""

from __future__ import annotations

from html import escape

from telegram import ReplyParameters, Update
from telegram.constants import MessageLimit
from telegram.error import TelegramError

from bot.handlers.operators.access import is_support_operator, may_act_in_support_group
from bot.handlers.replies import reply
from bot.handlers.support.desk import answer_operator, ticket_here, to_user
from bot.services.desk.canned import ComposedReply, ReplyFacts, ReplyRefused
from bot.services.desk.ticket import Ticket
from bot.services.message_html import visible_length
from bot.wiring import BotContext


async def reply_command(update: Update, context: BotContext) -> None:
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None
    services = context.services
    t, lang = services.catalog.text, context.sender_language
    tickets = services.tickets
    if not (tickets.configured and chat.id == tickets.support_chat_id):
        operator = user is not None and await is_support_operator(context, user.id)
        await reply(update, context, t(lang, "canned-usage" if operator else "canned-not-operator"))
        return
    if not may_act_in_support_group(context, user.id if user else None):
        await answer_operator(update, context, t(lang, "canned-not-operator"))
        return
    ticket = ticket_here(context, message)
    if ticket is None:
        await answer_operator(update, context, t(lang, "support-no-ticket"))
        return
    canned = services.replies
    facts = canned.facts(services.progress.get(ticket.chat_id), ticket.name, ticket.language)
    given = " ".join(context.args or [])
    if not given:
        await answer_operator(update, context, _listing(context, facts, lang, ticket))
        return
    name = canned.find(given)
    if name is None:
        unknown = t(lang, "canned-unknown", reply=escape(given[:64]))
        await answer_operator(
            update, context, f"{unknown}\n\n{_listing(context, facts, lang, ticket)}"
        )
        return
    who = escape(ticket.name or "?")
    if not ticket.is_open:
        await answer_operator(update, context, t(lang, "delivery-closed", number=str(ticket.id)))
        return
    composed = canned.compose(name, facts)
    if isinstance(composed, ReplyRefused):
        refusal = f"canned-needs-{composed.missing.value}"
        await answer_operator(update, context, t(lang, refusal, reply=name, name=who))
        return
    await _send(update, context, ticket, composed)


async def _send(
    update: Update, context: BotContext, ticket: Ticket, composed: ComposedReply
) -> None:
    message = update.effective_message
    assert message is not None
    services = context.services
    t, lang = services.catalog.text, context.sender_language
    tickets = services.tickets
    who = escape(ticket.name or "?")
    sent = await to_user(
        update, context, ticket, lambda: context.bot.send_message(ticket.chat_id, composed.html)
    )
    if sent is None:
        return
    language = t(composed.language, "language-name")
    header = t(lang, "canned-sent", reply=composed.name, name=who, language=language)
    copy_id = message.message_id  # mapped to the copy, else (no copy) to the command
    try:
        copy = await reply(
            update,
            context,
            f"{header}\n<blockquote>{composed.html}</blockquote>",
            reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
        )
        copy_id = copy.message_id
    except TelegramError:
        pass  # the user has it; the desk still sees the command it typed
    tickets.relayed_out(ticket, copy_id, sent.message_id)


def _listing(context: BotContext, facts: ReplyFacts, lang: str, ticket: Ticket) -> str:
    """The replies' names, each with its first line in the operator's language, for this
    company's facts."""
    services = context.services
    t, canned = services.catalog.text, services.replies
    names = canned.names()
    if not names:
        return t(lang, "canned-none")
    language = t(facts.language, "language-name")
    lines = [t(lang, "canned-list", name=escape(ticket.name or "?"), language=language)]
    room = MessageLimit.MAX_TEXT_LENGTH - 200  # the unknown name's line may come above it
    for name in names:
        line = f"• <code>{name}</code> — {escape(canned.preview(name, facts, lang))}"
        if (missing := canned.needs(name, facts)) is not None:
            line += f" <i>({t(lang, f'canned-unavailable-{missing.value}')})</i>"
        room -= visible_length(line) + 1
        if room < 0:  # so many that a preview each would not fit: the names alone
            return "\n".join([lines[0], ", ".join(f"<code>{n}</code>" for n in names)])
        lines.append(line)
    return "\n".join(lines)
