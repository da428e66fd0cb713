"""Asking a human: ``/ask`` (or the "Ask an operator" button) relays a chat's messages into the
operators' support group as a ticket, and operators' replies go back to that chat only.

In a forum support group each ticket has its own topic (created with the first question,
reused afterwards); in a plain one each (re)opening posts a card that operators reply to, and
the user's messages are posted as replies to it. Messages are relayed with ``copyMessage``, so
an operator's account is never shown to the user. Which support message belongs to which
ticket is stored (by the ticket service), so replies still find their ticket after a
restart. The operators' side is in ``bot.handlers.support.desk``.
"""

from __future__ import annotations

import logging
from html import escape

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageId,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import filters

from bot.callbacks import ASK_BUTTON, DONE_BUTTON, TicketButton
from bot.handlers.replies import chat_title, reply, send_step
from bot.handlers.support.desk import name_topic, ticket_language, topic_name
from bot.services.desk.tickets import Ticket, TicketService
from bot.services.flow.chat_progress import ChatProgress
from bot.services.i18n import format_date
from bot.telegram.render import Renderer
from bot.wiring import BotContext

log = logging.getLogger(__name__)


class AskButtonRow:
    """The "Ask an operator" button under every step (added only if support is set up); built
    once per language (PTB's objects are immutable, and this runs for every step shown)."""

    def __init__(self) -> None:
        self._rows: dict[str, tuple[InlineKeyboardButton, ...]] = {}

    def __call__(
        self, renderer: Renderer, progress: ChatProgress
    ) -> tuple[InlineKeyboardButton, ...]:
        lang = progress.language
        row = self._rows.get(lang)
        if row is None:
            row = self._rows[lang] = (
                InlineKeyboardButton(renderer.t(lang, "btn-ask"), callback_data=ASK_BUTTON),
            )
        return row


async def _support_is_forum(context: BotContext) -> bool:
    tickets = context.services.tickets
    assert tickets.support_chat_id is not None
    known = tickets.forum_cache.get(tickets.support_chat_id)
    if known is None:
        chat = await context.bot.get_chat(tickets.support_chat_id)
        known = bool(chat.is_forum)
        tickets.forum_cache.put(tickets.support_chat_id, known)
    return known


# -- the user's side ----------------------------------------------------------------------------
async def ask(update: Update, context: BotContext) -> None:
    """/ask, or the button: open (or reopen) the chat's ticket and relay what follows."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    tickets = context.services.tickets
    t = context.services.catalog.text
    lang = context.language
    if not tickets.configured:
        await reply(update, context, t(lang, "ask-not-configured"))
        return
    if chat.id == tickets.support_chat_id:
        await reply(update, context, t(context.sender_language, "support-no-ticket"))
        return
    ticket = tickets.ask(
        chat.id, chat.type, user.id if user else None, chat_title(update) or "", lang
    )
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(t(lang, "btn-ask-done"), callback_data=DONE_BUTTON)]]
    )
    question = _question_of(update)
    if question is not None:
        assert update.message is not None
        try:
            await _relay_to_support(context, ticket, update.message, update, text=question)
        except TelegramError as exc:
            log.warning("ticket %s: could not relay the /ask question: %r", ticket.id, exc)
            await reply(update, context, t(lang, "ask-relay-failed"), reply_markup=keyboard)
            return
        await reply(
            update,
            context,
            t(lang, "ask-question-sent", number=str(ticket.id)),
            reply_markup=keyboard,
        )
        return
    text = t(lang, "ask-open")
    if chat.type != ChatType.PRIVATE:
        text += "\n\n" + t(lang, "ask-open-group")
    await reply(update, context, text, reply_markup=keyboard)


def _question_of(update: Update) -> str | None:
    """The text after ``/ask`` (its line breaks kept), if the command came with a question."""
    message = update.message
    if message is None or message.text is None or not message.text.startswith("/"):
        return None
    parts = message.text.split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 and parts[1].strip() else None


async def ask_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    button = TicketButton.parse(query.data)
    if button is None or update.effective_chat is None:
        text = context.services.catalog.text(context.language, "button-unknown")
        await query.answer(text, show_alert=True)
        return
    await query.answer()
    if button.action == "ask":
        await ask(update, context)
    else:
        await done(update, context)


async def done(update: Update, context: BotContext) -> None:
    """ "Done": stop relaying (the ticket stays open for answers) and show the step again."""
    chat, query = update.effective_chat, update.callback_query
    assert chat is not None and query is not None
    context.services.tickets.stop_relaying(chat.id)
    services = context.services
    text = services.catalog.text(context.language, "ask-done")
    try:
        await query.edit_message_text(text)
    except BadRequest:
        await reply(update, context, text)
    progress = services.progress.get(chat.id)
    if progress is not None:
        await send_step(update, context, progress)


async def user_message(update: Update, context: BotContext) -> None:
    """A message from a ticket's chat (the filter let through only those): to the operators."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    tickets = context.services.tickets
    ticket = tickets.of_chat(chat.id)
    if ticket is None or not ticket.is_open:
        return
    t = context.services.catalog.text
    lang = context.language
    try:
        if ticket.blocked:  # they are writing again, so they unblocked the bot
            tickets.set_blocked(ticket, False)
            await name_topic(context, ticket)
        first = await _relay_to_support(context, ticket, message, update)
    except TelegramError as exc:
        log.warning("ticket %s: could not relay message %s: %r", ticket.id, message.message_id, exc)
        await reply(update, context, t(lang, "ask-relay-failed"))
        return
    if first:
        await reply(update, context, t(lang, "ask-sent", number=str(ticket.id)))


# What Telegram answers when a ticket's topic was deleted (by an operator, or with its group).
_TOPIC_GONE = ("thread not found", "topic_deleted", "topic_id_invalid")


async def _relay_to_support(
    context: BotContext,
    ticket: Ticket,
    message: Message,
    update: Update,
    *,
    text: str | None = None,
    retry: bool = True,
) -> bool:
    """Copy ``message`` (or post ``text``, the question given with /ask) into the ticket's
    topic (or under its card); True if the card was posted just now (a new or reopened
    ticket)."""
    tickets = context.services.tickets
    support = tickets.support_chat_id
    assert support is not None
    forum = await _support_is_forum(context)
    first = tickets.needs_destination(ticket, forum)
    try:
        if first:
            await _post_card(context, ticket, forum, update)
        thread_id = ticket.thread_id if forum else None
        under_card = (
            None
            if forum or ticket.header_message_id is None
            else ReplyParameters(ticket.header_message_id, allow_sending_without_reply=True)
        )
        relayed: MessageId | Message
        if text is None:
            relayed = await context.bot.copy_message(
                support,
                message.chat.id,
                message.message_id,
                message_thread_id=thread_id,
                reply_parameters=under_card,
            )
        else:  # as the user wrote it: no HTML, so it stays within Telegram's length limit
            relayed = await context.bot.send_message(
                support,
                text,
                parse_mode=None,
                message_thread_id=thread_id,
                reply_parameters=under_card,
            )
    except BadRequest as exc:
        if forum and retry and any(gone in exc.message.lower() for gone in _TOPIC_GONE):
            # Operators deleted the topic (of an open ticket, or of a closed one being
            # reopened): open a new one and post there.
            tickets.lost_topic(ticket)
            await _relay_to_support(context, ticket, message, update, text=text, retry=False)
            return True
        raise
    tickets.relayed_in(ticket, relayed.message_id, message.message_id)
    return first


async def _post_card(context: BotContext, ticket: Ticket, forum: bool, update: Update) -> None:
    tickets = context.services.tickets
    support = tickets.support_chat_id
    assert support is not None
    if not forum:
        tickets.set_thread(ticket, None)
    elif ticket.thread_id is None or ticket.support_chat_id != support:
        topic = await context.bot.create_forum_topic(support, topic_name(context, ticket))
        tickets.set_thread(ticket, topic.message_thread_id)
    elif ticket.opened_count > 1:
        try:
            await context.bot.reopen_forum_topic(support, ticket.thread_id)
        except TelegramError as exc:  # it was not closed, or we may not manage topics
            log.info("ticket %s: topic not reopened: %r", ticket.id, exc)
    card = await context.bot.send_message(
        support,
        _card_text(context, ticket, forum, update),
        message_thread_id=ticket.thread_id if forum else None,
    )
    tickets.card_posted(ticket, card.message_id)


def _card_text(context: BotContext, ticket: Ticket, forum: bool, update: Update) -> str:
    """Who asks, in which language, at which step, and the expected audit date if any."""
    services = context.services
    lang = ticket_language(context, ticket)
    t = services.catalog.text
    lines = [
        t(lang, "card-reopened" if ticket.opened_count > 1 else "card-new", number=str(ticket.id))
    ]
    if ticket.chat_type != ChatType.PRIVATE:
        lines.append(t(lang, "card-group", title=escape(ticket.name), id=str(ticket.chat_id)))
    user = update.effective_user
    if user is not None:
        name = escape(user.full_name)
        if user.username:
            lines.append(
                t(lang, "card-username", name=name, username=escape(user.username), id=str(user.id))
            )
        else:
            lines.append(t(lang, "card-user", name=name, id=str(user.id)))
    lines.append(t(lang, "card-language", language=t(lang, "language-name")))
    progress = services.progress.get(ticket.chat_id)
    if progress is None:
        lines.append(t(lang, "card-step-none"))
    elif progress.state not in services.spec.steps:  # the flow was edited without a migration
        lines.append(t(lang, "card-step-unknown", step=escape(progress.state)))
    else:
        step = t(lang, services.spec.steps[progress.state].name)
        lines.append(t(lang, "card-step", step=escape(step)))
        if progress.audit_submitted_on and progress.audit_due_on:
            lines.append(
                t(
                    lang,
                    "card-audit",
                    submitted=format_date(progress.audit_submitted_on, lang),
                    due=format_date(progress.audit_due_on, lang),
                )
            )
    lines.append("\n" + t(lang, "card-hint-forum" if forum else "card-hint-plain"))
    return "\n".join(lines)


# -- which messages go to the operators --------------------------------------------------
class RelayFilter(filters.MessageFilter):
    """Messages of a ticket's chat that go to the operators (see ``should_relay``). In a
    group, only replies to the bot's own messages: the rest is the team's own conversation."""

    def __init__(self, tickets: TicketService) -> None:
        super().__init__(name="relay_to_support")
        self.tickets = tickets

    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        if message.chat.type != ChatType.PRIVATE and (
            replied is None
            or replied.from_user is None
            or replied.from_user.id != message.get_bot().id
        ):
            return False
        return self.tickets.should_relay(message.chat.id, replied.message_id if replied else None)
