"""The answers log's one writer for the services: each entry with its typed detail, stamped
with the flow version in force. Built once in the composition root and shared by the progress
service (the moves) and the corrections (an operator's notes that move nothing)."""

from __future__ import annotations

from sqlite_utils import Database

from bot.services.calendar.clock import Clock, iso
from bot.storage import events
from bot.storage.event_details import EventDetail
from bot.storage.sql import transaction


class EventLog:
    def __init__(self, db: Database, flow_version: int, clock: Clock) -> None:
        self.db = db
        self.flow_version = flow_version
        self.clock = clock

    def write(
        self,
        chat_id: int,
        kind: str,
        at: str,
        *,
        user_id: int | None = None,
        update_id: int | None = None,
        step: str | None = None,
        answer: str | None = None,
        to_state: str | None = None,
        detail: EventDetail | None = None,
    ) -> None:
        """Append one entry, inside the caller's transaction (the change it records)."""
        event = events.Event(
            chat_id, kind, at, user_id, update_id, step, answer, to_state, detail, self.flow_version
        )
        events.append(self.db, event)

    def note(self, chat_id: int, kind: str, *, by: int, detail: EventDetail | None = None) -> None:
        """An entry that records no change of the chat's row (an operator's mute or message),
        now, in a transaction of its own."""
        with transaction(self.db):
            self.write(chat_id, kind, iso(self.clock()), user_id=by, detail=detail)
