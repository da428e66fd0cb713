"""A ticket waiting too long is escalated to the support group, once per wait.

The wait is counted in working hours (``bot.services.calendar.working_hours``): a ticket that
has waited ``limit_hours`` of them since the first of the user's messages not answered yet is
due. Marking it escalated is tied to that wait (its ``waiting_since``): an answer ends the wait
and the next wait may be escalated again; one that ended while the message was being sent is
not marked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlite_utils import Database

from bot.services.calendar.clock import Clock, iso
from bot.services.calendar.workdays import Calendar
from bot.services.calendar.working_hours import WorkingHours, working_hours
from bot.services.desk.relay import Holder
from bot.storage import tickets, waiting
from bot.storage.sql import transaction
from bot.storage.waiting import Waiting


@dataclass(frozen=True)
class CardWait:
    """A ticket's card as posted, and the waits to show on it now (working hours)."""

    support_chat_id: int
    message_id: int
    card_html: str
    language: str
    first_answer_hours: float | None  # this opening's first answer, once given
    wait_hours: float | None  # the current wait, if one
    escalated: bool
    ticket_id: int = 0
    holder: Holder | None = None  # who took the ticket (the card names them)


@dataclass(frozen=True)
class DueEscalation:
    ticket: Waiting
    hours: float  # working hours waited so far


class Escalations:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        calendar: Calendar,
        hours: WorkingHours,
        limit_hours: int,
    ) -> None:
        self.db = db
        self.clock = clock
        self.calendar = calendar
        self.hours = hours
        self.limit_hours = limit_hours

    def due(self, limit: int = 100) -> list[DueEscalation]:
        """The waits over the limit that were not escalated yet (none if the limit is 0)."""
        if self.limit_hours <= 0:
            return []
        now = self.clock()
        # A working hour is at least an hour: a wait shorter than the limit cannot be over it.
        earliest = iso(now - dt.timedelta(hours=self.limit_hours))
        due = []
        for ticket in waiting.unescalated(self.db, earliest, limit):
            since = dt.datetime.fromisoformat(ticket.waiting_since)
            waited = working_hours(since, now, self.hours, self.calendar.is_working_day)
            if waited >= self.limit_hours:
                due.append(DueEscalation(ticket, waited))
        return due

    def card_wait(self, ticket_id: int) -> CardWait | None:
        """What the ticket's card shows of its waits now; None if its card is not known (posted
        before the bot kept cards, or not posted)."""
        row = tickets.get_ticket(self.db, ticket_id)
        if row is None or row.card_html is None or row.header_message_id is None:
            return None
        if row.support_chat_id is None:
            return None
        now = self.clock()

        def hours(start: str | None, end: dt.datetime | None) -> float | None:
            if start is None or end is None:
                return None
            since = dt.datetime.fromisoformat(start)
            return working_hours(since, end, self.hours, self.calendar.is_working_day)

        answered = (
            dt.datetime.fromisoformat(row.first_answered_at) if row.first_answered_at else None
        )
        waiting = row.waiting_since if row.status == tickets.OPEN else None
        return CardWait(
            support_chat_id=row.support_chat_id,
            message_id=row.header_message_id,
            card_html=row.card_html,
            language=row.language or "en",
            first_answer_hours=hours(row.asked_at, answered),
            wait_hours=hours(waiting, now),
            escalated=row.escalated_at is not None and waiting is not None,
            ticket_id=row.id,
            holder=(
                Holder(row.assignee_id, row.assignee_name or str(row.assignee_id))
                if row.assignee_id is not None
                else None
            ),
        )

    def cards_to_refresh(self) -> list[int]:
        return waiting.cards_to_refresh(self.db)

    def card_refreshed(self, ticket_id: int) -> None:
        with transaction(self.db):
            waiting.card_refreshed(self.db, ticket_id)

    def mark(self, escalation: DueEscalation) -> bool:
        """Record the escalation; False if the wait ended (or was escalated) meanwhile."""
        ticket = escalation.ticket
        with transaction(self.db):
            return waiting.mark_escalated(
                self.db, ticket.ticket_id, ticket.waiting_since, iso(self.clock())
            )
