"""A chat's progress as the services see it: where it stands in the flow, restored from its
``chats`` row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.storage.chats import ChatRow


def parse_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@dataclass(slots=True)
class ChatProgress:
    chat_id: int
    chat_type: str
    language: str
    state: str
    seq: int = 0
    title: str | None = None
    history: list[str] = field(default_factory=list)
    audit_step: str | None = None
    audit_submitted_on: dt.date | None = None
    audit_due_on: dt.date | None = None
    created_at: str = ""
    updated_at: str = ""
    finished_at: str | None = None
    active: bool = True
    flow_version: int = 1
    step_since: str | None = None
    reopened: str | None = None  # a rejection's walk of the steps it reopened (flow.reopened)

    @classmethod
    def from_row(cls, row: ChatRow) -> ChatProgress:
        return cls(
            chat_id=row.id,
            chat_type=row.type,
            language=row.language,
            state=row.state,
            seq=row.seq,
            title=row.title,
            history=list(row.history),
            audit_step=row.audit_step,
            audit_submitted_on=parse_date(row.audit_submitted_on),
            audit_due_on=parse_date(row.audit_due_on),
            created_at=row.created_at or "",
            updated_at=row.updated_at or "",
            finished_at=row.finished_at,
            active=bool(row.active),
            flow_version=row.flow_version,
            step_since=row.step_since,
            reopened=row.reopened,
        )
