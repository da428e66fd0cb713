"""Support tickets: who is asking, whether their messages are relayed, where their topic is.

This is the decision side of the support channel; the Telegram side (copying messages,
creating topics) is in ``bot/handlers/support/``. A chat has at most one ticket: ``/ask``
opens it (or reopens it after ``/close``) and turns on *relaying*: the chat's next messages go
to the support group until the user presses "Done" or an operator closes the ticket. While the
ticket is open, operators' answers reach the user whether or not relaying is on, and a user's
reply to one of those answers goes back to the operators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlite_utils import Database

from bot.services.cache import TtlCache
from bot.services.calendar.clock import Clock, iso
from bot.storage import chats
from bot.storage import tickets as store
from bot.storage.sql import transaction
from bot.storage.tickets import NewTicket, RelayedMessage, TicketChanges, TicketRow

# Whether the support group is a forum: asked once (getChat), then remembered for a while,
# so that turning topics on or off in the support group takes effect without a restart.
FORUM_CACHE_TTL = dt.timedelta(minutes=10)


@dataclass
class Ticket:
    id: int
    chat_id: int
    chat_type: str
    user_id: int | None
    name: str
    language: str
    status: str
    relaying: bool
    card_pending: bool
    support_chat_id: int | None
    thread_id: int | None
    header_message_id: int | None
    blocked: bool
    opened_count: int

    @property
    def is_open(self) -> bool:
        return self.status == store.OPEN

    @classmethod
    def from_row(cls, row: TicketRow) -> Ticket:
        return cls(
            id=row.id,
            chat_id=row.chat_id,
            chat_type=row.chat_type or "private",
            user_id=row.user_id,
            name=row.name or "",
            language=row.language or "en",
            status=row.status,
            relaying=bool(row.relaying),
            card_pending=bool(row.card_pending),
            support_chat_id=row.support_chat_id,
            thread_id=row.thread_id,
            header_message_id=row.header_message_id,
            blocked=bool(row.blocked),
            opened_count=row.opened_count,
        )


def _ticket(row: TicketRow | None) -> Ticket | None:
    return Ticket.from_row(row) if row else None


class TicketService:
    def __init__(self, db: Database, support_chat_id: int | None, clock: Clock) -> None:
        self.db = db
        self.support_chat_id = support_chat_id
        self.clock = clock
        self.operator_cache: TtlCache[int, bool] = TtlCache(clock)
        self.forum_cache: TtlCache[int, bool] = TtlCache(clock, FORUM_CACHE_TTL)

    @property
    def configured(self) -> bool:
        return self.support_chat_id is not None

    # -- finding a ticket -------------------------------------------------------------------
    def get(self, ticket_id: int) -> Ticket | None:
        return _ticket(store.get_ticket(self.db, ticket_id))

    def of_chat(self, chat_id: int) -> Ticket | None:
        return _ticket(store.ticket_of_chat(self.db, chat_id))

    def in_support(self, thread_id: int | None, reply_to_id: int | None) -> Ticket | None:
        """The ticket an operator's message in the support group belongs to, if any.

        In a forum, the topic says it; in a plain group, the message it replies to (a card or a
        copy the bot posted) does. Anything else in the support group is not a ticket.
        """
        if self.support_chat_id is None:
            return None
        if thread_id is not None:
            found = store.ticket_of_thread(self.db, self.support_chat_id, thread_id)
            if found is not None:
                return Ticket.from_row(found)
        if reply_to_id is not None:
            return _ticket(
                store.ticket_of_support_message(self.db, self.support_chat_id, reply_to_id)
            )
        return None

    def should_relay(self, chat_id: int, reply_to_id: int | None) -> bool:
        """Whether a message in ``chat_id`` goes to the support group: only from a ticket's chat,
        while it is open, and either in "ask" mode or answering an operator's message."""
        if self.support_chat_id is None or chat_id == self.support_chat_id:
            return False
        ticket = self.of_chat(chat_id)
        if ticket is None or not ticket.is_open:
            return False
        if ticket.relaying:
            return True
        return reply_to_id is not None and store.is_operator_copy(self.db, ticket.id, reply_to_id)

    # -- changes --------------------------------------------------------------------------------
    def ask(
        self, chat_id: int, chat_type: str, user_id: int | None, name: str, language: str
    ) -> Ticket:
        """Open the chat's ticket (or reopen a closed one) and relay its messages.

        The card is posted with the first message that follows.
        """
        now = self._now()
        with transaction(self.db):
            existing = self.of_chat(chat_id)
            if existing is None:
                store.insert_ticket(
                    self.db, NewTicket(chat_id, chat_type, user_id, name, language, now)
                )
            else:
                changes: TicketChanges = {
                    "user_id": user_id,
                    "name": name,
                    "language": language,
                    "relaying": 1,
                    "blocked": 0,
                    "updated_at": now,
                }
                if not existing.is_open:
                    changes.update(
                        {
                            "status": store.OPEN,
                            "card_pending": 1,
                            "closed_at": None,
                            "opened_count": existing.opened_count + 1,
                        }
                    )
                store.update_ticket(self.db, existing.id, changes)
        ticket = self.of_chat(chat_id)
        assert ticket is not None
        return ticket

    def stop_relaying(self, chat_id: int) -> Ticket | None:
        ticket = self.of_chat(chat_id)
        if ticket is not None and ticket.relaying:
            self._update(ticket, {"relaying": 0})
            ticket.relaying = False
        return ticket

    def close(self, ticket: Ticket) -> bool:
        """Close an open ticket; False if it was closed already."""
        with transaction(self.db):
            current = self.get(ticket.id)
            if current is None or not current.is_open:
                return False
            self._update(ticket, {"status": store.CLOSED, "relaying": 0, "closed_at": self._now()})
        ticket.status, ticket.relaying = store.CLOSED, False
        return True

    def needs_destination(self, ticket: Ticket, forum: bool) -> bool:
        """Whether the card (and, in a forum, the topic) must be posted before relaying: a new
        or reopened ticket, or one whose support group changed or became a forum."""
        return (
            ticket.card_pending
            or ticket.support_chat_id != self.support_chat_id
            or ticket.header_message_id is None
            or (forum and ticket.thread_id is None)
        )

    def lost_topic(self, ticket: Ticket) -> None:
        """Operators deleted the ticket's topic: the next message opens a new one."""
        self._update(ticket, {"thread_id": None, "card_pending": 1})
        ticket.thread_id, ticket.card_pending = None, True

    def set_thread(self, ticket: Ticket, thread_id: int | None) -> None:
        self._update(ticket, {"support_chat_id": self.support_chat_id, "thread_id": thread_id})
        ticket.support_chat_id, ticket.thread_id = self.support_chat_id, thread_id

    def card_posted(self, ticket: Ticket, message_id: int) -> None:
        with transaction(self.db):
            self._update(
                ticket,
                {
                    "support_chat_id": self.support_chat_id,
                    "header_message_id": message_id,
                    "card_pending": 0,
                },
            )
            self._map(ticket, message_id, None, "card")
        ticket.support_chat_id, ticket.header_message_id = self.support_chat_id, message_id
        ticket.card_pending = False

    def relayed_in(self, ticket: Ticket, support_message_id: int, user_message_id: int) -> None:
        with transaction(self.db):
            self._map(ticket, support_message_id, user_message_id, "in")

    def relayed_out(self, ticket: Ticket, support_message_id: int, user_message_id: int) -> None:
        with transaction(self.db):
            self._map(ticket, support_message_id, user_message_id, "out")

    def set_blocked(self, ticket: Ticket, blocked: bool) -> None:
        """The user blocked the bot (or came back): marked on the ticket and on their chat."""
        with transaction(self.db):
            self._update(ticket, {"blocked": int(blocked)})
            if ticket.chat_type == "private":
                chats.set_active(self.db, ticket.chat_id, not blocked)
        ticket.blocked = blocked

    def chat_blocked(self, chat_id: int, blocked: bool) -> Ticket | None:
        """Telegram reported the user (un)blocked the bot: the ticket, if its mark changed."""
        ticket = self.of_chat(chat_id)
        if ticket is None or ticket.blocked == blocked:
            return None
        self.set_blocked(ticket, blocked)
        return ticket

    # -- internals ------------------------------------------------------------------------------
    def _update(self, ticket: Ticket, changes: TicketChanges) -> None:
        with transaction(self.db):
            store.update_ticket(self.db, ticket.id, {**changes, "updated_at": self._now()})

    def _map(
        self, ticket: Ticket, support_message_id: int, user_message_id: int | None, direction: str
    ) -> None:
        store.add_message(
            self.db,
            RelayedMessage(
                ticket.id,
                self.support_chat_id,
                support_message_id,
                user_message_id,
                direction,
                self._now(),
            ),
        )

    def _now(self) -> str:
        return iso(self.clock())
