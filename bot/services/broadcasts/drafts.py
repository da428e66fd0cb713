"""Broadcasts being composed in an operator's private chat (``/broadcast``).

A draft is a ``broadcasts`` row with status ``draft``; its state in the dialog (declared in
:mod:`bot.services.broadcasts.compose_dialog`) is in its ``awaiting`` column, so the conversation
survives a restart. Each operator's state is also kept in memory, so telling whether an
operator's message is a draft's input needs no query while PTB matches handlers (drafts are
only made in the bot's own process).
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from bot.services.broadcasts.compose_dialog import (
    CONFIRMED,
    CONTENT,
    DISCARDED,
    WAITS_FOR_MESSAGE,
    ComposeDialog,
    state_of,
)
from bot.services.calendar.clock import Clock, iso
from bot.storage import broadcasts as store
from bot.storage.broadcasts import BroadcastRow
from bot.storage.sql import transaction

Draft = BroadcastRow  # a broadcast being composed (status ``draft``)


class DraftService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.dialog = ComposeDialog()
        self._states: dict[int, str] = store.drafts_awaiting_input(db)

    def awaiting(self, user_id: int) -> str | None:
        """The state of the operator's draft if it waits for a typed message (from memory)."""
        state = self._states.get(user_id)
        return state if state in WAITS_FOR_MESSAGE else None

    def state(self, draft: Draft) -> str:
        return state_of(draft.awaiting)

    def allows(self, draft: Draft, trigger: str) -> bool:
        """Whether the dialog allows ``trigger`` from the draft's state."""
        return self.dialog.next(self.state(draft), trigger) is not None

    def start(self, user_id: int, chat_id: int, language: str) -> int:
        """A new draft (any older one of this operator is discarded), waiting for content."""
        with transaction(self.db):
            store.discard_drafts(self.db, user_id)
            draft_id = store.insert_broadcast(
                self.db,
                {
                    "created_by": user_id,
                    "operator_chat_id": chat_id,
                    "operator_language": language,
                    "status": "draft",
                    "awaiting": CONTENT,
                    "audience": "all",
                    "content": "{}",
                    "created_at": iso(self.clock()),
                },
            )
        self._states[user_id] = CONTENT
        return draft_id

    def get(self, draft_id: int) -> Draft | None:
        return store.get_broadcast(self.db, draft_id)

    def of(self, user_id: int) -> Draft | None:
        return store.draft_of(self.db, user_id)

    def move(self, draft: Draft, trigger: str, **changes: Any) -> Draft | None:
        """Take the dialog's ``trigger`` (with the draft's ``changes``: content, audience,
        send_at); the draft as it is now, or None if its state does not allow the trigger.
        ``confirm`` is :meth:`confirm`'s."""
        dest = self.dialog.next(self.state(draft), trigger)
        if dest is None or dest == CONFIRMED:
            return None
        if dest == DISCARDED:
            changes.update(status="discarded", awaiting=None)
        else:
            changes["awaiting"] = dest
        with transaction(self.db):
            store.update_broadcast(self.db, draft.id, changes)
        if dest == DISCARDED:
            self._forget(draft.created_by, draft.id)
        else:
            self._states[draft.created_by] = dest
        return draft._replace(**changes)

    @staticmethod
    def with_variant(draft: Draft, language: str, content: dict[str, Any]) -> str:
        """The draft's content JSON with the message for chats in ``language`` (en: main)."""
        stored = json.loads(draft.content or "{}")
        stored[language] = content
        return json.dumps(stored, ensure_ascii=False)

    def set_send_at(self, draft: Draft, send_at: str | None) -> None:
        """When it goes (held until the end of quiet hours), as it is confirmed."""
        with transaction(self.db):
            store.update_broadcast(self.db, draft.id, {"send_at": send_at})

    def confirm(self, draft: Draft) -> bool:
        """The draft is scheduled (to go now or at its time); False if it already was, or its
        state does not allow it."""
        if self.dialog.next(self.state(draft), "confirm") != CONFIRMED:
            return False
        with transaction(self.db):
            confirmed = store.confirm_draft(self.db, draft.id)
        self._forget(draft.created_by, draft.id)
        return confirmed

    def _forget(self, user_id: int, draft_id: int) -> None:
        newest = store.draft_of(self.db, user_id)
        if newest is None or newest.id == draft_id:
            self._states.pop(user_id, None)
