"""What relaying a message to the support group takes, as plain values: the desk decides
(``TicketService.plan_relay``), the chat's doors carry it out with the Bot API and report what
happened in one call (``TicketService.relayed``), and the presentation wing words the card and
the topic's name (``bot/telegram/desk_card.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.services.desk.ticket import Ticket


@dataclass(frozen=True)
class Asker:
    """Who wrote the message that (re)opens a ticket, as the card names them."""

    user_id: int
    full_name: str
    username: str | None


@dataclass(frozen=True)
class Holder:
    """The operator who took a ticket, as the card, the topic name and the mention name them."""

    user_id: int
    name: str


@dataclass(frozen=True)
class TopicName:
    """What a ticket's forum topic is called: the asker's name and the ticket's number, and
    whether the user blocked the bot; in the chat's language."""

    language: str
    name: str
    number: int
    blocked: bool
    holder: str | None = None  # the name of the operator who took it


@dataclass(frozen=True)
class Topic:
    """A ticket's forum topic in the support group."""

    support_chat_id: int
    thread_id: int
    name: TopicName


@dataclass(frozen=True)
class CardHandoff:
    """What the card says of the handoff: the company's nudges pause while the ticket waits
    (at most ``pause_days`` working days), or an operator paused them; and how waits count."""

    pause_days: int
    working_hours: str  # e.g. 09:00-18:00, China's time, working days
    escalate_after: int  # working hours; 0: never escalated
    paused_by_operator: bool = False


@dataclass(frozen=True)
class TicketCard:
    """The card posted when a ticket opens or reopens: who asks, in which language, at which
    step, and the expected audit date if any."""

    number: int
    language: str
    reopened: bool
    group_title: str | None  # the team group's title; None for a private chat
    chat_id: int
    asker: Asker | None
    step_name: str | None  # the step's name (a text id); None: no progress, or unknown_step
    unknown_step: str | None  # a state the flow no longer has (edited without a migration)
    audit: tuple[dt.date, dt.date] | None  # submitted on, expected by
    forum: bool  # which hint: reply in the topic, or reply to the card
    holder: Holder | None = None  # the operator who took it
    finished_on: dt.date | None = None  # the company finished the certification (the last line)
    handoff: CardHandoff | None = None


@dataclass(frozen=True)
class RelayPlan:
    """Where one message goes and what must be posted before it."""

    ticket: Ticket
    support_chat_id: int
    forum: bool
    asker: Asker | None
    new_topic: TopicName | None = None  # open a topic first, called this
    reopen_topic: bool = False  # the ticket's topic was closed with it: open it again
    card: TicketCard | None = None  # post the card first (into the topic, if any)
    thread_id: int | None = None  # the topic to post in (the new one, if new_topic)
    reply_to: int | None = None  # plain group: the card to post under (the new one, if card)
    again: bool = False  # the second try, after the topic was found deleted


@dataclass
class RelayOutcome:
    """What was posted while carrying out a plan, reported whether or not it all went through:
    a topic opened is kept even if its card then failed, so the ticket never gets a second."""

    thread_id: int | None = None  # the topic opened now
    card_message_id: int | None = None
    message_id: int | None = None  # the message relayed
    album: list[tuple[int, int]] = field(default_factory=list)  # (copy, user's part) each
    topic_gone: bool = False  # Telegram said the topic was deleted
    card_html: str | None = None  # the card posted, before the line saying who took it


@dataclass(frozen=True)
class Finished:
    """A company finished the certification: its ticket closed, its card to mark (the message
    to edit, and its new words), its topic (if any) to close."""

    support_chat_id: int
    card_message_id: int | None
    card: TicketCard
    topic: Topic | None


@dataclass(frozen=True)
class Closing:
    """A ticket just closed: the user is told in their language, and its topic (if any) closed."""

    language: str
    topic: Topic | None
