"""Who holds a ticket, and how the user rated it.

An operator *takes* an open ticket (the card's button, or ``/take`` in its topic); another
may take it over; the same one again changes nothing. The holder is kept when the ticket
closes and when it reopens (the same person goes on with the same company), until someone
takes it over. Each take is in the answers log (``ticket-take``, with the operator's id).

When a ticket closes the user may rate it once (1–5): the first tap of a closing counts, a
later one changes nothing; a button of an earlier closing (the ticket reopened since) is
stale. The rating records who held the ticket then (``ticket_ratings``, and ``ticket-rating``
in the answers log).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from sqlite_utils import Database

from bot.services.calendar.clock import Clock, iso
from bot.services.desk.relay import Holder, Topic
from bot.services.desk.ticket import Ticket
from bot.services.flow.progress import ProgressService
from bot.storage import ratings
from bot.storage import tickets as store
from bot.storage.event_details import TicketRated, TicketTaken
from bot.storage.sql import transaction

RATINGS = range(1, 6)


class TakeResult(StrEnum):
    TAKEN = "taken"
    TAKEN_OVER = "taken-over"
    ALREADY = "already"  # this operator holds it already: nothing changes
    CLOSED = "closed"  # a closed ticket is not taken: nothing changes


@dataclass(frozen=True)
class CardEdit:
    """The ticket's latest card, to edit so that it says who took it."""

    support_chat_id: int
    message_id: int
    base_html: str  # the card as posted, before that line
    language: str
    number: int


@dataclass(frozen=True)
class Take:
    result: TakeResult
    ticket: Ticket
    previous: Holder | None  # who held it before (taken over from them)
    card: CardEdit | None  # None: no card we can edit (none posted yet, or another group's)
    topic: Topic | None  # its topic to rename (None: no topic)


class RateResult(StrEnum):
    RATED = "rated"
    ALREADY = "already"  # this closing was rated before: the first rating stands
    STALE = "stale"  # the ticket reopened (or closed again) since the button was sent
    UNKNOWN = "unknown"  # not a ticket of this chat, or not a rating: a forged button


@dataclass(frozen=True)
class Rate:
    result: RateResult
    rating: int | None  # the rating that stands for this closing
    language: str


def holder_of(ticket: Ticket) -> Holder | None:
    if ticket.assignee_id is None:
        return None
    return Holder(ticket.assignee_id, ticket.assignee_name or str(ticket.assignee_id))


class Desk(Protocol):
    """What the assignments use of the ticket service (which builds them)."""

    db: Database
    clock: Clock
    progress: ProgressService
    support_chat_id: int | None

    def get(self, ticket_id: int) -> Ticket | None: ...

    def topic(self, ticket: Ticket) -> Topic | None: ...

    def language_of(self, ticket: Ticket) -> str: ...


class Assignments:
    def __init__(self, tickets: Desk) -> None:
        self.tickets = tickets
        self.db = tickets.db

    def take(self, ticket: Ticket, operator: Holder) -> Take:
        """``operator`` takes ``ticket`` (or takes it over from whoever held it)."""
        log = self.tickets.progress.log
        with transaction(self.db):
            current = self.tickets.get(ticket.id) or ticket
            previous = holder_of(current)
            if not current.is_open:
                result = TakeResult.CLOSED
            elif previous is not None and previous.user_id == operator.user_id:
                result = TakeResult.ALREADY
            else:
                result = TakeResult.TAKEN if previous is None else TakeResult.TAKEN_OVER
                now = iso(self.tickets.clock())
                after = store.last_message_id(self.db, current.id)
                store.update_ticket(
                    self.db,
                    current.id,
                    {
                        "assignee_id": operator.user_id,
                        "assignee_name": operator.name,
                        "assigned_at": now,
                        "assigned_after": after,
                        "updated_at": now,
                    },
                )
                detail = TicketTaken(
                    current.id, operator.name, previous.user_id if previous else None
                )
                log.write(
                    current.chat_id, "ticket-take", now, user_id=operator.user_id, detail=detail
                )
                current.assignee_id, current.assignee_name = operator.user_id, operator.name
                current.assigned_at, current.assigned_after = now, after
        changed = result in (TakeResult.TAKEN, TakeResult.TAKEN_OVER)
        return Take(
            result,
            current,
            previous if result is TakeResult.TAKEN_OVER else None,
            self.card_of(current) if changed else None,
            self.tickets.topic(current) if changed else None,
        )

    def card_of(self, ticket: Ticket) -> CardEdit | None:
        support = self.tickets.support_chat_id
        if (
            support is None
            or ticket.support_chat_id != support
            or ticket.header_message_id is None
            or ticket.card_html is None
        ):
            return None
        return CardEdit(
            support,
            ticket.header_message_id,
            ticket.card_html,
            self.tickets.language_of(ticket),
            ticket.id,
        )

    def mention(self, ticket: Ticket) -> Holder | None:
        """Whom a new message of the user's should notify in the support group: the holder,
        on the user's first message since the holder took the ticket or last answered."""
        holder = holder_of(ticket)
        if holder is None:
            return None
        last = store.last_relayed(self.db, ticket.id)
        if last is None or last[1] != "in":
            return holder
        return holder if last[0] <= (ticket.assigned_after or 0) else None

    # -- ratings --------------------------------------------------------------------------------
    def rate(
        self, ticket_id: int, closing: int, chat_id: int, rating: int, user_id: int | None
    ) -> Rate:
        """A tap on a closed ticket's rating button, in the ticket's chat."""
        with transaction(self.db):
            ticket = self.tickets.get(ticket_id)
            if ticket is None or ticket.chat_id != chat_id or rating not in RATINGS:
                return Rate(RateResult.UNKNOWN, None, "en")
            language = self.tickets.language_of(ticket)
            if ticket.is_open or ticket.opened_count != closing:
                return Rate(RateResult.STALE, None, language)
            now = iso(self.tickets.clock())
            added = ratings.add_rating(
                self.db,
                ratings.NewRating(
                    ticket.id,
                    closing,
                    chat_id,
                    rating,
                    ticket.assignee_id,
                    ticket.assignee_name,
                    user_id,
                    now,
                ),
            )
            if not added:
                stands = ratings.rating_of(self.db, ticket.id, closing)
                return Rate(RateResult.ALREADY, stands, language)
            detail = TicketRated(ticket.id, rating, ticket.assignee_id)
            self.tickets.progress.log.write(
                chat_id, "ticket-rating", now, user_id=user_id, detail=detail
            )
        return Rate(RateResult.RATED, rating, language)
