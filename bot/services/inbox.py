"""Nothing acknowledged is lost: updates are kept in SQLite before Telegram hears they arrived.

:meth:`InboxService.keep` stores a batch in one transaction (the caller acknowledges only
after it returns); the handler side reports each update it finished with
:meth:`mark_handled`; :meth:`prune` then deletes what was handled, a bounded batch at a time.
After a crash, :meth:`pending` gives back everything still kept, oldest first: the bot handles
it again, and its handled-once check makes a second delivery of the same update harmless.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence

from sqlite_utils import Database

from bot.services.clock import Clock, iso
from bot.storage import inbox, meta
from bot.storage.sql import transaction

PRUNE_BATCH = 5_000
WEBHOOK_SECRET_KEY = "webhook.secret"


class InboxService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._handled_through = -1  # the newest id handled
        self._unhandled: set[int] = set()  # kept (or replayed), not handled yet

    def keep(self, updates: Sequence[tuple[int, str]]) -> list[int]:
        """Store (update id, JSON) pairs; returns the ids not kept before (to be handled)."""
        if not updates:
            return []
        at = iso(self.clock())
        with transaction(self.db):
            new = inbox.keep(self.db, [(update_id, body, at) for update_id, body in updates])
        self._unhandled.update(new)
        return new

    def pending(self, page: int = 1_000) -> Iterator[tuple[int, str]]:
        """Everything still kept (handled or not: a crash may have come in between)."""
        after = -1
        while rows := inbox.kept(self.db, after, page):
            self._unhandled.update(row.update_id for row in rows)
            yield from rows
            after = rows[-1].update_id

    def next_offset(self) -> int | None:
        """Where ``getUpdates`` goes on: after the newest update kept (None: Telegram's own)."""
        newest = inbox.newest(self.db)
        return newest + 1 if newest is not None else None

    def mark_handled(self, update_id: int) -> None:
        self._unhandled.discard(update_id)
        self._handled_through = max(self._handled_through, update_id)

    def prune(self) -> int:
        """Delete handled updates, up to the oldest one not handled yet (updates may arrive
        out of order through a webhook), at most ``PRUNE_BATCH``; returns how many."""
        through = min(self._unhandled) - 1 if self._unhandled else self._handled_through
        if through < 0:
            return 0
        with transaction(self.db):
            return inbox.forget_through(self.db, through, PRUNE_BATCH)

    def webhook_secret(self, configured: str | None) -> str:
        """The secret Telegram must send with every webhook request: the configured one, or
        one generated once and kept (so a restart registers the same)."""
        if configured:
            return configured
        stored = meta.get_meta(self.db, WEBHOOK_SECRET_KEY)
        if stored:
            return stored
        generated = secrets.token_urlsafe(32)  # Telegram allows A-Z a-z 0-9 _ -
        with transaction(self.db):
            meta.set_meta(self.db, WEBHOOK_SECRET_KEY, generated)
        return generated
