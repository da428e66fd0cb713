"""Chats the bot is in: membership (removed / re-added, blocked), migration, who is an admin.

A group keeps one progress like a private chat does; what is particular to groups is that the
bot can be removed and re-added (the progress is kept, the chat only marked inactive), and a
group can become a supergroup with a new id (the progress, its answers log and its ticket
follow the new id in one transaction, idempotently).
"""

from __future__ import annotations

import logging

from sqlite_utils import Database

from bot.services.cache import TtlCache
from bot.services.calendar.clock import Clock, iso
from bot.storage import chats, events, tickets
from bot.storage.event_details import ChatMigrated
from bot.storage.sql import transaction

log = logging.getLogger(__name__)


class GroupService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.admins: TtlCache[tuple[int, int], bool] = TtlCache(clock)

    def set_active(self, chat_id: int, active: bool) -> bool:
        """Mark a chat (in)active: the bot was removed or blocked, or came back. Progress stays."""
        with transaction(self.db):
            if chats.get_chat(self.db, chat_id) is None:
                return False
            chats.set_active(self.db, chat_id, active)
        return True

    def migrate(self, old_id: int, new_id: int, new_type: str, *, user_id: int | None) -> bool:
        """Give the chat's progress, answers log and ticket the supergroup's id; True if moved.

        Telegram announces a migration twice (in the old group and in the new supergroup);
        the second call finds nothing under the old id and does nothing.
        """
        with transaction(self.db):
            if chats.get_chat(self.db, old_id) is None:
                return False
            if chats.get_chat(self.db, new_id) is not None:
                log.warning(
                    "chat %s migrated to %s, which already has a progress: kept both",
                    old_id,
                    new_id,
                )
                return False
            chats.move_chat(self.db, old_id, new_id, new_type)
            events.move_events(self.db, old_id, new_id)
            tickets.move_tickets(self.db, old_id, new_id, new_type)
            moved = ChatMigrated(old_id)
            at = iso(self.clock())
            events.append(self.db, events.Event(new_id, "migrate", at, user_id, detail=moved))
        return True
