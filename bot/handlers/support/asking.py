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

from telegram import (
    Bot,
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
from bot.handlers.support.albums import flush as flush_album
from bot.handlers.support.albums import gather as gather_album
from bot.handlers.support.desk import name_topic
from bot.handlers.support.topics import is_topic_gone
from bot.services.desk.relay import Asker, RelayOutcome, RelayPlan
from bot.services.desk.ticket import Ticket
from bot.services.desk.tickets import TicketService
from bot.services.flow.chat_progress import ChatProgress
from bot.telegram.album_media import album_media
from bot.telegram.desk_card import desk_words, mention_text
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
    await flush_album(chat.id)  # an album sent just before goes first (and opens the topic)
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
            await _relay_to_support(context, ticket, [update.message], update, text=question)
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
    """A message from a ticket's chat (the filter let through only those): to the operators;
    an album's parts together, once they are all in."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    if message.media_group_id is not None:

        async def relay_album(parts: list[Message]) -> None:
            await relay_user_messages(update, context, parts)

        await gather_album(update, context, chat.id, message, relay_album)
        return
    await flush_album(chat.id)  # an album still being gathered goes first
    await relay_user_messages(update, context, [message])


async def relay_user_messages(update: Update, context: BotContext, messages: list[Message]) -> None:
    """The user's message (or an album's parts) to their open ticket; a failure is told."""
    chat = update.effective_chat
    assert chat is not None
    tickets = context.services.tickets
    ticket = tickets.of_chat(chat.id)
    if ticket is None or not ticket.is_open:
        return
    t = context.services.catalog.text
    lang = context.language
    try:
        if ticket.blocked:  # they are writing again, so they unblocked the bot
            await name_topic(context, tickets.set_blocked(ticket, False))
        first = await _relay_to_support(context, ticket, messages, update)
    except TelegramError as exc:
        ids = [m.message_id for m in messages]
        log.warning("ticket %s: could not relay message(s) %s: %r", ticket.id, ids, exc)
        await reply(update, context, t(lang, "ask-relay-failed"))
        return
    if first:
        await reply(update, context, t(lang, "ask-sent", number=str(ticket.id)))


async def _relay_to_support(
    context: BotContext,
    ticket: Ticket,
    messages: list[Message],
    update: Update,
    *,
    text: str | None = None,
) -> bool:
    """Copy ``messages`` (one, or an album's parts; or post ``text``, the question given with
    /ask) where the desk says, after its card (and topic) if it says so; True if a card was
    posted (a new or reopened ticket)."""
    user = update.effective_user
    asker = Asker(user.id, user.full_name, user.username) if user is not None else None
    tickets = context.services.tickets
    plan: RelayPlan | None = tickets.plan_relay(ticket, await _support_is_forum(context), asker)
    carded = False
    while plan is not None:
        carded = carded or plan.card is not None
        posted, error = await _carry_out(context, plan, messages, text)
        plan = tickets.relayed(plan, posted, messages[0].message_id)  # a retry: the topic's gone
        if plan is None and error is not None:
            raise error
    return carded


async def _carry_out(
    context: BotContext, plan: RelayPlan, messages: list[Message], text: str | None
) -> tuple[RelayOutcome, TelegramError | None]:
    """Post what ``plan`` says: what was posted, and the error that stopped it, if one did."""
    bot, support = context.bot, plan.support_chat_id
    words = desk_words(context.services.catalog, plan)
    posted = RelayOutcome()
    thread_id, reply_to = plan.thread_id, plan.reply_to
    try:
        if words.topic_name is not None:
            topic = await context.services.topic_queue.create(bot, support, words.topic_name)
            thread_id = posted.thread_id = topic.message_thread_id
        elif plan.reopen_topic and thread_id is not None:
            try:
                await bot.reopen_forum_topic(support, thread_id)
            except TelegramError as exc:  # it was not closed, or we may not manage topics
                log.info("ticket %s: topic not reopened: %r", plan.ticket.id, exc)
        if words.card is not None:
            card = await bot.send_message(
                support, words.card, message_thread_id=thread_id, reply_markup=words.card_keyboard
            )
            posted.card_message_id, posted.card_html = card.message_id, words.card_base
            reply_to = None if plan.forum else card.message_id
        under_card = (
            ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
        )
        relayed: MessageId | Message
        if text is None and len(messages) > 1:
            await _relay_album(bot, support, messages, thread_id, under_card, posted)
            return posted, None
        if text is None:
            message = messages[0]
            relayed = await bot.copy_message(
                support,
                message.chat.id,
                message.message_id,
                message_thread_id=thread_id,
                reply_parameters=under_card,
            )
        else:  # as the user wrote it: no HTML, so it stays within Telegram's length limit
            relayed = await bot.send_message(
                support,
                text,
                parse_mode=None,
                message_thread_id=thread_id,
                reply_parameters=under_card,
            )
    except TelegramError as exc:
        posted.topic_gone = is_topic_gone(exc)
        return posted, exc
    posted.message_id = relayed.message_id
    await _mention_holder(context, plan, thread_id, relayed.message_id)
    return posted, None


async def _mention_holder(
    context: BotContext, plan: RelayPlan, thread_id: int | None, copy_id: int
) -> None:
    """Notify the operator who took the ticket: a short line with a mention by id, replying
    to the copy (any kind of message: a caption would not do for text or a sticker). The
    message itself is relayed already, whatever happens to this line."""
    services = context.services
    holder = services.tickets.assignments.mention(plan.ticket)
    if holder is None or (plan.card is not None and plan.card.holder is not None):
        return  # nobody took it, or the card just posted names (and so notifies) them
    lang = services.tickets.language_of(plan.ticket)
    try:
        await context.bot.send_message(
            plan.support_chat_id,
            mention_text(services.catalog, lang, holder, plan.ticket.id),
            message_thread_id=thread_id,
            reply_parameters=ReplyParameters(copy_id, allow_sending_without_reply=True),
        )
    except TelegramError as exc:
        log.info("ticket %s: holder not mentioned: %r", plan.ticket.id, exc)


async def _relay_album(
    bot: Bot,
    support: int,
    parts: list[Message],
    thread_id: int | None,
    under_card: ReplyParameters | None,
    posted: RelayOutcome,
) -> None:
    """An album as one (``sendMediaGroup`` keeps it an album and, unlike ``copyMessages``,
    replies to the card in a plain group); each copy is kept in ``posted`` as it is made."""
    media = album_media(parts)
    if media is not None:
        sent = await bot.send_media_group(
            support, media, message_thread_id=thread_id, reply_parameters=under_card
        )
        posted.album = [
            (copy.message_id, part.message_id) for copy, part in zip(sent, parts, strict=False)
        ]
        return
    for part in parts:  # not a kind an album holds: one by one
        copied = await bot.copy_message(
            support,
            part.chat.id,
            part.message_id,
            message_thread_id=thread_id,
            reply_parameters=under_card,
        )
        posted.album.append((copied.message_id, part.message_id))


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
