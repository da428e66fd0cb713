"""A support ticket as the desk's services and doors see it, restored from its row."""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage import tickets as store
from bot.storage.tickets import TicketRow


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
    assignee_id: int | None = None  # the operator who took it
    assignee_name: str | None = None
    assigned_at: str | None = None
    assigned_after: int | None = None  # the latest relayed message (its id) when it was taken
    card_html: str | None = None  # the latest card as posted (without who took it)

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
            assignee_id=row.assignee_id,
            assignee_name=row.assignee_name,
            assigned_at=row.assigned_at,
            assigned_after=row.assigned_after,
            card_html=row.card_html,
        )
