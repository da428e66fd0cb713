"""Support tickets: who is asking, whether their messages are relayed, where their topic is.

This is the decision side of the support channel: it says, as plain values
(``bot/services/desk/relay.py``), where a message goes and what must be posted first, and
records what was posted; the Telegram side (copying messages, creating topics) is in
``bot/handlers/support/``, the card's and the topic's wording in ``bot/telegram/desk_card.py``.

A chat has at most one ticket: ``/ask`` opens it (or reopens it after ``/close``) and turns on
*relaying*: the chat's next messages go to the support group until the user presses "Done" or
an operator closes the ticket. While the ticket is open, operators' answers reach the user
whether or not relaying is on, and a user's reply to one of those answers goes back to the
operators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlite_utils import Database

from bot.services.cache import TtlCache
from bot.services.calendar.clock import Clock, iso
from bot.services.desk.assignment import Assignments, holder_of
from bot.services.desk.relay import (
    Asker,
    CardHandoff,
    Closing,
    Finished,
    RelayOutcome,
    RelayPlan,
    TicketCard,
    Topic,
    TopicName,
)
from bot.services.desk.ticket import Ticket
from bot.services.flow.progress import ProgressService
from bot.storage import automation, chats
from bot.storage import tickets as store
from bot.storage.sql import transaction
from bot.storage.tickets import NewTicket, RelayedMessage, TicketChanges, TicketRow

# Whether the support group is a forum: asked once (getChat), then remembered for a while,
# so that turning topics on or off in the support group takes effect without a restart.
FORUM_CACHE_TTL = dt.timedelta(minutes=10)


# A reopened ticket's waits are counted afresh (bot.storage.waiting).
_NEW_OPENING: TicketChanges = {
    "asked_at": None,
    "first_answered_at": None,
    "waiting_since": None,
    "escalated_at": None,
}


def _ticket(row: TicketRow | None) -> Ticket | None:
    return Ticket.from_row(row) if row else None


class TicketService:
    def __init__(
        self,
        db: Database,
        support_chat_id: int | None,
        clock: Clock,
        progress: ProgressService,
        card_handoff: CardHandoff | None = None,
    ) -> None:
        self.card_handoff = card_handoff  # the handoff's lines on the card
        self.db = db
        self.support_chat_id = support_chat_id
        self.clock = clock
        self.progress = progress  # the asking chat's language and step, for the card
        self.operator_cache: TtlCache[int, bool] = TtlCache(clock)
        self.forum_cache: TtlCache[int, bool] = TtlCache(clock, FORUM_CACHE_TTL)
        self.assignments = Assignments(self)  # who took a ticket, and the users' ratings

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
                            **_NEW_OPENING,
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

    def close(self, ticket: Ticket) -> Closing | None:
        """Close an open ticket: whom to tell and which topic to close; None if it was closed
        already."""
        with transaction(self.db):
            current = self.get(ticket.id)
            if current is None or not current.is_open:
                return None
            self._update(
                ticket,
                {
                    "status": store.CLOSED,
                    "relaying": 0,
                    "closed_at": self._now(),
                    "waiting_since": None,  # a closed ticket waits for nobody
                    "escalated_at": None,
                },
            )
        ticket.status, ticket.relaying = store.CLOSED, False
        return Closing(self._language(ticket), self.topic(ticket))

    def finished(self, chat_id: int, asker: Asker | None, today: dt.date) -> Finished | None:
        """The chat finished the certification (``asker`` pressed the last answer): its ticket
        closes (if open; the user is not told: the finish says it all); the card to mark and
        the topic to close."""
        ticket = self.of_chat(chat_id)
        support = self.support_chat_id
        if ticket is None or support is None or ticket.support_chat_id != support:
            return None
        if asker is not None and asker.user_id != ticket.user_id:
            asker = None  # a team member who finished it: the card names who asked, or no one
        if asker is None and ticket.chat_type == "private" and ticket.user_id is not None:
            asker = Asker(ticket.user_id, ticket.name or "?", None)  # moved from the console
        if ticket.is_open:
            self._update(ticket, {"status": store.CLOSED, "relaying": 0, "closed_at": self._now()})
            ticket.status, ticket.relaying = store.CLOSED, False
        topic = self.topic(ticket)
        card = replace(self._card(ticket, topic is not None, asker), finished_on=today)
        return Finished(support, ticket.header_message_id, card, topic)

    # -- relaying a message to the support group ------------------------------------------------
    def plan_relay(self, ticket: Ticket, forum: bool, asker: Asker | None) -> RelayPlan:
        """Where the ticket's next message goes. A new or reopened ticket, or one whose support
        group changed or became a forum, gets its card first, and in a forum its topic: a new
        one if it has none in this group, its own one (reopened) otherwise."""
        support = self.support_chat_id
        assert support is not None
        moved = ticket.support_chat_id != support
        has_topic = ticket.thread_id is not None
        if not (ticket.card_pending or moved or ticket.header_message_id is None) and (
            has_topic or not forum
        ):
            if forum:
                return RelayPlan(ticket, support, forum, asker, thread_id=ticket.thread_id)
            return RelayPlan(ticket, support, forum, asker, reply_to=ticket.header_message_id)
        card = self._card(ticket, forum, asker)
        if not forum:
            return RelayPlan(ticket, support, forum, asker, card=card)
        if not has_topic or moved:
            return RelayPlan(ticket, support, forum, asker, new_topic=self._name(ticket), card=card)
        return RelayPlan(
            ticket,
            support,
            forum,
            asker,
            reopen_topic=ticket.opened_count > 1,
            card=card,
            thread_id=ticket.thread_id,
        )

    def relayed(
        self, plan: RelayPlan, outcome: RelayOutcome, user_message_id: int
    ) -> RelayPlan | None:
        """Record what carrying out ``plan`` posted (all of it, or as far as it got). If
        operators deleted the ticket's topic (of an open ticket, or of a closed one being
        reopened), the plan to try once more: a new topic and its card."""
        ticket, support, now = plan.ticket, plan.support_chat_id, self._now()
        changes: TicketChanges = {}
        posted: list[RelayedMessage] = []
        if outcome.thread_id is not None:
            changes["support_chat_id"], changes["thread_id"] = support, outcome.thread_id
        if outcome.card_message_id is not None:
            changes["support_chat_id"] = support
            changes["header_message_id"], changes["card_pending"] = outcome.card_message_id, 0
            changes["card_html"] = outcome.card_html
            if not plan.forum:
                changes["thread_id"] = None
            posted.append(
                RelayedMessage(ticket.id, support, outcome.card_message_id, None, "card", now)
            )
        if outcome.message_id is not None:
            posted.append(
                RelayedMessage(ticket.id, support, outcome.message_id, user_message_id, "in", now)
            )
        posted += [RelayedMessage(ticket.id, support, *pair, "in", now) for pair in outcome.album]
        again = outcome.topic_gone and plan.forum and not plan.again
        if again:
            changes["thread_id"], changes["card_pending"] = None, 1
        if changes:
            changes["updated_at"] = now
        if changes or posted:
            with transaction(self.db):
                store.record_posts(self.db, ticket.id, changes, posted)
        ticket.support_chat_id = changes.get("support_chat_id", ticket.support_chat_id)
        ticket.thread_id = changes.get("thread_id", ticket.thread_id)
        ticket.header_message_id = changes.get("header_message_id", ticket.header_message_id)
        ticket.card_pending = bool(changes.get("card_pending", ticket.card_pending))
        ticket.card_html = changes.get("card_html", ticket.card_html)
        if not again:
            return None
        return replace(self.plan_relay(ticket, plan.forum, plan.asker), again=True)

    def relayed_out(self, ticket: Ticket, support_message_id: int, user_message_id: int) -> None:
        with transaction(self.db):
            self._map(ticket, support_message_id, user_message_id, "out")

    def relayed_album_out(self, ticket: Ticket, pairs: list[tuple[int, int]]) -> None:
        """An operator's album delivered: (their message, its copy in the user's chat) each."""
        with transaction(self.db):
            for support_message_id, user_message_id in pairs:
                self._map(ticket, support_message_id, user_message_id, "out")

    # -- edits, carried over to the copy ----------------------------------------------------------
    def support_copy(self, ticket: Ticket, user_message_id: int) -> int | None:
        """Where the user's message ``user_message_id`` was copied in the support group."""
        return store.support_copy_of(self.db, ticket.id, user_message_id)

    def user_copy(self, support_message_id: int) -> tuple[Ticket, int] | None:
        """The ticket an operator's message went to, and its copy in the user's chat."""
        if self.support_chat_id is None:
            return None
        found = store.user_copy_of(self.db, self.support_chat_id, support_message_id)
        return (Ticket.from_row(found[0]), found[1]) if found is not None else None

    # -- the ticket's topic ---------------------------------------------------------------------
    def topic(self, ticket: Ticket) -> Topic | None:
        """The ticket's forum topic in the current support group, if it has one."""
        support = self.support_chat_id
        if support is None or ticket.thread_id is None or ticket.support_chat_id != support:
            return None
        return Topic(support, ticket.thread_id, self._name(ticket))

    def topic_deleted(self, topic: Topic) -> None:
        """Telegram says ``topic`` is gone (an operator deleted it): its ticket's next message
        opens a new one, with a fresh card."""
        row = store.ticket_of_thread(self.db, topic.support_chat_id, topic.thread_id)
        if row is not None:
            self._update(Ticket.from_row(row), {"thread_id": None, "card_pending": 1})

    def set_blocked(self, ticket: Ticket, blocked: bool) -> Topic | None:
        """The user blocked the bot (or came back): marked on the ticket and on their chat; the
        topic to rename, if it has one (its name shows it)."""
        with transaction(self.db):
            self._update(ticket, {"blocked": int(blocked)})
            if ticket.chat_type == "private":
                chats.set_active(self.db, ticket.chat_id, not blocked)
        ticket.blocked = blocked
        return self.topic(ticket)

    def chat_blocked(self, chat_id: int, blocked: bool) -> Topic | None:
        """Telegram reported the user (un)blocked the bot: the topic to rename, if the ticket's
        mark changed and it has one."""
        ticket = self.of_chat(chat_id)
        if ticket is None or ticket.blocked == blocked:
            return None
        return self.set_blocked(ticket, blocked)

    # -- internals ------------------------------------------------------------------------------
    def language_of(self, ticket: Ticket) -> str:
        return self._language(ticket)

    def _language(self, ticket: Ticket) -> str:
        """The chat's language now (its progress), else when it last asked."""
        progress = self.progress.get(ticket.chat_id)
        return progress.language if progress else ticket.language

    def _name(self, ticket: Ticket) -> TopicName:
        holder = holder_of(ticket)
        return TopicName(
            self._language(ticket),
            ticket.name or "?",
            ticket.id,
            ticket.blocked,
            holder.name if holder is not None else None,
        )

    def _card(self, ticket: Ticket, forum: bool, asker: Asker | None) -> TicketCard:
        progress = self.progress.get(ticket.chat_id)
        steps = self.progress.spec.steps
        known = progress is not None and progress.state in steps
        audit = None
        if known and progress and progress.audit_submitted_on and progress.audit_due_on:
            audit = (progress.audit_submitted_on, progress.audit_due_on)
        return TicketCard(
            number=ticket.id,
            language=progress.language if progress else ticket.language,
            reopened=ticket.opened_count > 1,
            group_title=None if ticket.chat_type == "private" else ticket.name,
            chat_id=ticket.chat_id,
            asker=asker,
            step_name=steps[progress.state].name if known and progress else None,
            unknown_step=progress.state if progress and not known else None,
            audit=audit,
            forum=forum,
            holder=holder_of(ticket),
            handoff=self._card_handoff(ticket.chat_id),
        )

    def _card_handoff(self, chat_id: int) -> CardHandoff | None:
        if self.card_handoff is None:
            return None
        paused = automation.get(self.db, chat_id)
        return replace(self.card_handoff, paused_by_operator=bool(paused and paused.paused))

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
