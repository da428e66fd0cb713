"""The support desk's words in the support group: a ticket's card and its topic's name, from the
values the desk decided (``bot/services/desk/relay.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ForumTopicLimit

from bot.callbacks import RateButton, TakeButton
from bot.services.desk.relay import Holder, RelayPlan, TicketCard, TopicName
from bot.services.i18n import Catalog, format_date


@dataclass(frozen=True)
class RelayWords:
    """What a relay plan posts before the message, worded: the new topic's name, the card."""

    topic_name: str | None
    card: str | None  # as posted: with the line saying who took it, if someone did
    card_base: str | None = None  # without that line (kept, to edit when it is taken)
    card_keyboard: InlineKeyboardMarkup | None = None  # the "Take" button


def desk_words(catalog: Catalog, plan: RelayPlan) -> RelayWords:
    name = topic_name(catalog, plan.new_topic) if plan.new_topic is not None else None
    card = plan.card
    if card is None:
        return RelayWords(name, None)
    base = card_text(catalog, card)
    return RelayWords(
        name,
        held_card(catalog, base, card.language, card.holder),
        base,
        take_keyboard(catalog, card.language, card.number, card.holder is not None),
    )


# A long holder's name is cut to this many characters in a topic's name, so that the asker's
# name (which tells operators the topic apart) keeps most of the room.
HOLDER_IN_TOPIC = 32


def topic_name(catalog: Catalog, topic: TopicName) -> str:
    """The topic's name within Telegram's limit: the asker's name is shortened (with an
    ellipsis) rather than the ticket's number or who took it."""
    limit = ForumTopicLimit.MAX_NAME_LENGTH
    text_id = "ticket-topic-name-blocked" if topic.blocked else "ticket-topic-name"

    def worded(name: str) -> str:
        text = catalog.text(topic.language, text_id, name=name, number=str(topic.number))
        if topic.holder is None:
            return text
        holder = _shortened(topic.holder, HOLDER_IN_TOPIC)
        return catalog.text(topic.language, "ticket-topic-held", topic=text, holder=holder)

    full = worded(topic.name)
    over = len(full) - limit
    if over <= 0:
        return full
    return worded(_shortened(topic.name, max(1, len(topic.name) - over)))[:limit]


def _shortened(text: str, most: int) -> str:
    return text if len(text) <= most else text[: max(0, most - 1)] + "…"


def mention_html(holder: Holder) -> str:
    """A mention by user id: the operator is notified though they may have no username."""
    return f'<a href="tg://user?id={holder.user_id}">{escape(holder.name)}</a>'


def held_card(
    catalog: Catalog,
    base: str,
    language: str,
    holder: Holder | None,
    previous: Holder | None = None,
) -> str:
    """The card with the line saying who took the ticket (from whom, if taken over)."""
    if holder is None:
        return base
    if previous is not None:
        line = catalog.text(
            language,
            "card-taken-over",
            operator=mention_html(holder),
            previous=escape(previous.name),
        )
    else:
        line = catalog.text(language, "card-taken", operator=mention_html(holder))
    return f"{base}\n\n{line}"


def take_keyboard(catalog: Catalog, language: str, number: int, held: bool) -> InlineKeyboardMarkup:
    label = catalog.text(language, "btn-take-over" if held else "btn-take")
    data = TakeButton(number).encode()
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])


def mention_text(catalog: Catalog, language: str, holder: Holder, number: int) -> str:
    return catalog.text(
        language, "ticket-mention", operator=mention_html(holder), number=str(number)
    )


def rating_keyboard(
    catalog: Catalog, language: str, number: int, closing: int
) -> InlineKeyboardMarkup:
    """One tap: 1 to 5, in one row."""
    row = [
        InlineKeyboardButton(
            catalog.text(language, "rate-button", rating=str(rating)),
            callback_data=RateButton(number, closing, rating).encode(),
        )
        for rating in range(1, 6)
    ]
    return InlineKeyboardMarkup([row])


def card_text(catalog: Catalog, card: TicketCard) -> str:
    """Who asks, in which language, at which step, and the expected audit date if any (HTML)."""
    lang, t = card.language, catalog.text
    lines = [t(lang, "card-reopened" if card.reopened else "card-new", number=str(card.number))]
    if card.group_title is not None:
        lines.append(t(lang, "card-group", title=escape(card.group_title), id=str(card.chat_id)))
    asker = card.asker
    if asker is not None:
        name = escape(asker.full_name)
        if asker.username:
            lines.append(
                t(
                    lang,
                    "card-username",
                    name=name,
                    username=escape(asker.username),
                    id=str(asker.user_id),
                )
            )
        else:
            lines.append(t(lang, "card-user", name=name, id=str(asker.user_id)))
    lines.append(t(lang, "card-language", language=t(lang, "language-name")))
    if card.unknown_step is not None:
        lines.append(t(lang, "card-step-unknown", step=escape(card.unknown_step)))
    elif card.step_name is None:
        lines.append(t(lang, "card-step-none"))
    else:
        lines.append(t(lang, "card-step", step=escape(t(lang, card.step_name))))
        if card.audit is not None:
            submitted, due = card.audit
            lines.append(
                t(
                    lang,
                    "card-audit",
                    submitted=format_date(submitted, lang),
                    due=format_date(due, lang),
                )
            )
    handoff = card.handoff
    if handoff is not None:
        if handoff.paused_by_operator:
            lines.append(t(lang, "card-paused-operator"))
        else:
            lines.append(t(lang, "card-paused", days=str(handoff.pause_days)))
        if handoff.escalate_after > 0:
            hours, limit = handoff.working_hours, str(handoff.escalate_after)
            lines.append(t(lang, "card-waiting-rule", hours=hours, limit=limit))
    lines.append("\n" + t(lang, "card-hint-forum" if card.forum else "card-hint-plain"))
    if card.finished_on is not None:
        lines.append(t(lang, "card-finished", date=format_date(card.finished_on, lang)))
    return "\n".join(lines)
