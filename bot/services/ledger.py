"""The update ledger: the one record of whether an update was handled, and of replies owed.

Nothing acknowledged is lost: :meth:`UpdateLedger.keep` stores a batch in one transaction
before the caller acknowledges it. A change claims its update with :meth:`claim`, in the
change's own transaction, so "handled" and "changed" are one fact: a redelivery, a replay after
a crash or a second press can never apply it twice. When the update's handling ends,
:meth:`finish` records it done; a reply that did not get through is recorded as owed
(:meth:`owe`) and made good later (:meth:`settle`), including after a crash: an update whose
change was saved and whose reply was never confirmed is still ``owed`` in SQLite.

While the bot handles updates, an update's done mark shares the commit of the changes made
beside it (see below), so a crash after a reply does not show that step once more. Elsewhere
done marks are written in batches (with the next kept batch, or a few dozen at a time, or when
the bot goes idle): a crash in between at worst shows a step once more, or answers a
``/status`` twice; it never loses or repeats a change.

While updates are handled (:meth:`handling`), their changes share one commit per turn of the
event loop (``bot.storage.group_commit``); :meth:`saved` waits for it.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext

from sqlite_utils import Database

from bot.services.calendar.clock import Clock, iso
from bot.storage import inbox, meta
from bot.storage.group_commit import GroupCommit
from bot.storage.sql import joined, joining_group, transaction

KEEP_FOR = dt.timedelta(days=2)  # Telegram redelivers only recent updates
PRUNE_BATCH = 2_000
FINISH_BATCH = 32  # done marks written together
FINISH_WITHIN = 0.25  # seconds a done mark may wait for others
WEBHOOK_SECRET_KEY = "webhook.secret"


class UpdateLedger:
    def __init__(self, db: Database, clock: Clock, group: GroupCommit | None = None) -> None:
        self.db = db
        self.clock = clock
        self.group = group
        self._unhandled: set[int] = set()  # kept (or replayed) as new, not finished yet
        self._claimed: set[int] = set()  # claimed by a change in this process, not finished
        self._owed: dict[int, list[int]] = {}  # chat → its updates whose reply is owed
        self._owed_updates: set[int] = set()
        self._to_finish: list[int] = []
        self._finishing_since = 0.0
        self._marks_for_commit: list[int] = []  # done marks the group's next commit writes

    # -- kept before acknowledged ---------------------------------------------------------
    def keep(self, updates: Sequence[tuple[int, str]]) -> list[int]:
        """Store (update id, JSON) pairs; returns the ids not recorded before (to be
        handled). Done marks waiting to be written go in the same transaction."""
        if not updates:
            return []
        at = iso(self.clock())
        with transaction(self.db):
            new = inbox.keep(self.db, [(update_id, body, at) for update_id, body in updates])
            self._write_finished(at)
        self._unhandled.update(new)
        return new

    def pending(self, page: int = 1_000) -> Iterator[tuple[int, str]]:
        """Every kept update not handled yet (after a restart), oldest first."""
        after = -1
        while rows := inbox.unhandled(self.db, after, page):
            self._unhandled.update(row.update_id for row in rows)
            yield from rows
            after = rows[-1].update_id

    def next_offset(self) -> int | None:
        """Where ``getUpdates`` goes on: after the newest update recorded (None: Telegram's)."""
        newest = inbox.newest(self.db)
        return newest + 1 if newest is not None else None

    def newest_update_id(self) -> int:
        """The highest update id recorded (0 if none): the demo numbers its updates on."""
        return inbox.newest(self.db) or 0

    # -- saved together ------------------------------------------------------------------
    def handling(self) -> AbstractContextManager[None]:
        """Around an update's handlers: their changes join the group commit."""
        return joining_group() if self.group is not None else nullcontext()

    async def saved(self) -> None:
        """Wait until the changes made so far are committed (raises what the commit raised:
        then they were undone, and the updates that made them are handled again)."""
        if self.group is not None:
            await self.group.durable()

    # -- handled once ---------------------------------------------------------------------
    def seen(self, update_id: int) -> bool:
        """Whether the update was handled already (or is being handled)."""
        if update_id in self._unhandled:
            return False
        if (
            update_id in self._claimed
            or update_id in self._owed_updates
            or update_id in self._to_finish
            or update_id in self._marks_for_commit
        ):
            return True
        status = inbox.status_of(self.db, update_id)
        return status is not None and status != inbox.NEW

    def claim(self, update_id: int, chat_id: int) -> bool:
        """Inside the caller's transaction: this update changes ``chat_id``; False if it was
        handled already (then the caller changes nothing)."""
        if not inbox.claim(self.db, update_id, chat_id, iso(self.clock())):
            return False
        self._claimed.add(update_id)
        return True

    def claim_change(self, update_id: int | None, chat_id: int) -> bool:
        """:meth:`claim` for a change that may come from no update (the console, a tool): then
        there is nothing to record, and the change goes ahead."""
        return update_id is None or self.claim(update_id, chat_id)

    def redelivered(self, update_id: int | None) -> bool:
        """:meth:`seen`, for an update that may be none (then it is not)."""
        return update_id is not None and self.seen(update_id)

    def finish(self, update_id: int) -> None:
        """The update's handling ended (and its reply, if any, went out or is owed)."""
        self._unhandled.discard(update_id)
        self._claimed.discard(update_id)
        if update_id in self._owed_updates:
            return
        waiting = joined()
        if self.group is not None and waiting is not None:
            # Sharing the group's commit costs no commit (nor statement) of its own, and a
            # crash after the reply no longer shows the step once more.
            self._marks_for_commit.append(update_id)
            waiting.wait_for(self.group.at_commit(self._write_marks_for_commit))
            return
        self.finish_later(update_id)
        if (
            len(self._to_finish) >= FINISH_BATCH
            or time.monotonic() - self._finishing_since > FINISH_WITHIN
        ):
            self.flush()

    def _write_marks_for_commit(self) -> None:
        """In the group's transaction, right before it commits (if that commit fails, each
        update waiting for it hears so, and its mark goes to :meth:`finish_later`)."""
        marks, self._marks_for_commit = self._marks_for_commit, []
        inbox.mark_done(self.db, marks, iso(self.clock()))

    def finish_later(self, update_id: int) -> None:
        """The update's done mark goes with the next batch (or could not be written now)."""
        if update_id not in self._to_finish and update_id not in self._owed_updates:
            if not self._to_finish:
                self._finishing_since = time.monotonic()
            self._to_finish.append(update_id)

    @property
    def unwritten(self) -> bool:
        """Whether done marks wait to be written."""
        return bool(self._to_finish)

    def flush(self) -> None:
        """Write the done marks that wait (when the bot goes idle, and at shutdown)."""
        if self._to_finish:
            with transaction(self.db):
                self._write_finished(iso(self.clock()))

    def _write_finished(self, at: str) -> None:
        if self._to_finish:
            inbox.mark_done(self.db, self._to_finish, at)
            self._to_finish = []

    # -- replies owed ---------------------------------------------------------------------
    def load_owed(self) -> dict[int, list[str]]:
        """At start: the chats a crash left without the reply to a saved change, each with
        the updates (as Telegram sent them) whose reply it owes."""
        bodies: dict[int, list[str]] = {}
        for row in inbox.owed(self.db):
            self.owe(row.chat_id, row.update_id)
            bodies.setdefault(row.chat_id, [])
            if row.body is not None:
                bodies[row.chat_id].append(row.body)
        return bodies

    def owe(self, chat_id: int, update_id: int) -> None:
        """The update's change was saved but the reply showing it did not get through."""
        self._owed.setdefault(chat_id, []).append(update_id)
        self._owed_updates.add(update_id)

    def owes(self, chat_id: int) -> bool:
        return chat_id in self._owed

    def settle(self, chat_id: int) -> None:
        """The chat was shown its current step: every reply owed to it is made good."""
        for update_id in self._owed.pop(chat_id, ()):
            self._owed_updates.discard(update_id)
            if update_id not in self._claimed:  # a claim still running finishes itself
                self._to_finish.append(update_id)

    # -- upkeep ---------------------------------------------------------------------------
    def prune(self) -> int:
        """Forget updates received long ago, a bounded batch at a time; returns how many."""
        cutoff = iso(self.clock() - KEEP_FOR)
        with transaction(self.db):
            self._write_finished(iso(self.clock()))
            return inbox.forget_before(self.db, cutoff, PRUNE_BATCH)

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
