"""The support desk's words in the support group: a ticket's card and its topic's name, from the
values the desk decided (``bot/services/desk/relay.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from telegram.constants import ForumTopicLimit

from bot.services.desk.relay import RelayPlan, TicketCard, TopicName
from bot.services.i18n import Catalog, format_date


@dataclass(frozen=True)
class RelayWords:
    """What a relay plan posts before the message, worded: the new topic's name, the card."""

    topic_name: str | None
    card: str | None


def desk_words(catalog: Catalog, plan: RelayPlan) -> RelayWords:
    return RelayWords(
        topic_name(catalog, plan.new_topic) if plan.new_topic is not None else None,
        card_text(catalog, plan.card) if plan.card is not None else None,
    )


def topic_name(catalog: Catalog, topic: TopicName) -> str:
    text_id = "ticket-topic-name-blocked" if topic.blocked else "ticket-topic-name"
    name = catalog.text(topic.language, text_id, name=topic.name, number=str(topic.number))
    return name[: ForumTopicLimit.MAX_NAME_LENGTH]


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
    return "\n".join(lines)
