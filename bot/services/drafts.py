"""Broadcasts being composed in an operator's private chat (``/broadcast``).

A draft is a ``broadcasts`` row with status ``draft``; which input it waits for (its content,
the Chinese variant, an idle threshold, a time) is in its ``awaiting`` column, so the
conversation survives a restart. Who is being waited for is also kept in memory, so telling
whether an operator's message is a draft's input needs no query while PTB matches handlers
(drafts are only made in the bot's own process).
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from bot.services.clock import Clock, iso
from bot.storage import broadcasts as store
from bot.storage.broadcasts import BroadcastRow
from bot.storage.sql import transaction

Draft = BroadcastRow  # a broadcast being composed (status ``draft``)


class DraftService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._awaiting: dict[int, str] = store.drafts_awaiting_input(db)

    def awaiting(self, user_id: int) -> str | None:
        """What the operator's draft waits for, if it waits for a message."""
        return self._awaiting.get(user_id)

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
                    "awaiting": "content",
                    "audience": "all",
                    "content": "{}",
                    "created_at": iso(self.clock()),
                },
            )
        self._awaiting[user_id] = "content"
        return draft_id

    def get(self, draft_id: int) -> Draft | None:
        return store.get_broadcast(self.db, draft_id)

    def of(self, user_id: int) -> Draft | None:
        return store.draft_of(self.db, user_id)

    def wait_for(self, draft: Draft, awaiting: str | None) -> None:
        self._change(draft, {"awaiting": awaiting})

    def set_variant(self, draft: Draft, language: str, content: dict[str, Any]) -> None:
        """The message for chats in ``language`` (``en``: the main one)."""
        stored = json.loads(draft.content or "{}")
        stored[language] = content
        self._change(draft, {"content": json.dumps(stored, ensure_ascii=False), "awaiting": None})

    def set_audience(self, draft: Draft, audience: str, *, done: bool = True) -> None:
        changes: dict[str, Any] = {"audience": audience}
        if done:
            changes["awaiting"] = None
        self._change(draft, changes)

    def set_send_at(self, draft: Draft, send_at: str | None) -> None:
        self._change(draft, {"send_at": send_at, "awaiting": None})

    def discard(self, draft: Draft) -> None:
        self._change(draft, {"status": "discarded", "awaiting": None})

    def confirm(self, draft: Draft) -> bool:
        """The draft is scheduled (to go now or at its time); False if it already was."""
        with transaction(self.db):
            confirmed = store.confirm_draft(self.db, draft.id)
        self._forget(draft.created_by, draft.id)
        return confirmed

    def _change(self, draft: Draft, changes: dict[str, Any]) -> None:
        with transaction(self.db):
            store.update_broadcast(self.db, draft.id, changes)
        if "awaiting" in changes:
            if changes["awaiting"] and changes.get("status", "draft") == "draft":
                self._awaiting[draft.created_by] = changes["awaiting"]
            else:
                self._forget(draft.created_by, draft.id)

    def _forget(self, user_id: int, draft_id: int) -> None:
        newest = store.draft_of(self.db, user_id)
        if newest is None or newest.id == draft_id:
            self._awaiting.pop(user_id, None)
