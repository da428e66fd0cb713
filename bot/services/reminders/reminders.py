"""Automatic follow-ups: the audit follow-up and the idle nudge, planned in SQLite.

Each chat has at most one planned reminder (table ``reminders``), kept in step with its
progress by :meth:`ReminderService.sync`, which reads only the chats changed since the last
sync (pages of the answers log, which records every change of progress). A periodic job then
asks for what is due (:meth:`due`: the partial index on pending ``due_at``) and sends it through the
shared rate-limited :class:`~bot.services.broadcasts.delivery.Delivery`.

* **Audit follow-up.** A chat at an audit step is asked on the expected result date (counted
  in Chinese working days by the core) at ``FOLLOWUP_TIME`` local time whether the audit
  passed, with the step's own buttons. Pressing "still waiting" (the audit step's ``stay``
  answer) after a follow-up snoozes it one working day; after ``AUDIT_FOLLOWUPS`` follow-ups,
  the next "still waiting" gets one last message offering to ask an operator (``/ask``).
* **Idle nudge.** A chat idle at an unfinished, non-audit step for ``idle_days`` gets a
  reminder of its step; then again after 2× and 4× that interval (``IDLE_STEPS``), no more.
* **The handoff** (``pause.py``): while a ticket waits for us, or an operator paused the
  company, its due reminder is held (still planned) and goes out once the pause ends.
* **Quiet hours** shift every due time out of the quiet window, and the job sends nothing
  while it is quiet. ``/mute`` removes the chat's reminder; ``/unmute`` plans it again.

A reminder is marked ``sending`` before the send and its outcome after; one left ``sending``
by a crash is not sent again (at most once).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlite_utils import Database

from bot.services.calendar.clock import Clock, iso
from bot.services.calendar.quiet_hours import QuietHours
from bot.services.calendar.workdays import Calendar
from bot.services.flow.flow_spec import FlowSpec
from bot.services.reminders.pause import DEFAULT_RESUME_DAYS, waiting_cutoff
from bot.storage import chats, events, meta
from bot.storage import reminders as store
from bot.storage.chats import ChatRow
from bot.storage.reminders import ReminderRow
from bot.storage.sql import transaction

AUDIT_FOLLOWUPS = 3  # on the due date, then at most 2 snoozes of one working day
IDLE_STEPS = (1, 2, 4)  # nudges after idle_days × 1, then × 2 more, then × 4 more
FOLLOWUP_TIME = dt.time(10, 0)  # local time of audit follow-ups
SYNC_CURSOR = "reminders.sync_event"  # the last answers-log id the sync has looked at
SYNC_PAGE = 5000  # answers-log entries per page
OLD_SYNC_CURSOR = "reminders.sync_cursor"  # an updated_at, from before the log was the feed


@dataclass(frozen=True)
class DueReminder:
    chat_id: int
    kind: str  # audit / audit_ask / idle
    count: int  # follow-ups of this kind sent before this one
    seq: int


@dataclass
class ReminderService:
    db: Database
    spec: FlowSpec
    clock: Clock
    quiet: QuietHours
    calendar: Calendar
    idle_days: int = 3
    resume_days: int = DEFAULT_RESUME_DAYS  # the handoff's longest pause (see pause.py)

    # -- planning ---------------------------------------------------------------------------
    def sync(self, max_chats: int = 5_000, max_pages: int = 8) -> int:
        """Re-plan the reminders of every chat changed since the last sync; returns how many.

        The answers log is the change feed: each run reads the entries after the last one it
        looked at. At most about ``max_chats`` chats and ``max_pages`` pages per call, so that
        a backlog is caught up over a few ticks instead of stalling the event loop.
        """
        after = self._cursor()
        seen = 0
        for _ in range(max_pages):
            if seen >= max_chats:
                break
            upper = min(after + SYNC_PAGE, events.newest_event(self.db))
            if upper <= after:
                break
            page = chats.changed_between_events(self.db, after, upper)
            with transaction(self.db):
                for chat in page:
                    self._plan(chat)
                meta.set_meta(self.db, SYNC_CURSOR, str(upper))
            after = upper
            seen += len(page)
        return seen

    def _cursor(self) -> int:
        cursor = meta.get_meta(self.db, SYNC_CURSOR)
        if cursor is not None:
            return int(cursor)
        # A database whose sync followed ``chats.updated_at`` (before 2026-11): go on from
        # the first log entry at or after that cursor instead of planning everything again.
        old = meta.get_meta(self.db, OLD_SYNC_CURSOR)
        after = events.first_event_at_or_after(self.db, old) - 1 if old else 0
        with transaction(self.db):  # that search scans the log: once
            meta.set_meta(self.db, SYNC_CURSOR, str(after))
        return after

    def replan(self, chat_id: int) -> None:
        """Plan a chat's reminder afresh (after /unmute): idle counting restarts now."""
        chat = chats.get_chat(self.db, chat_id)
        if chat is None:
            return
        with transaction(self.db):
            store.delete_reminder(self.db, chat_id)
            self._plan(chat, idle_from=self.clock())

    def _plan(self, chat: ChatRow, idle_from: dt.datetime | None = None) -> None:
        chat_id = chat.id
        current = store.get_reminder(self.db, chat_id)
        if current is not None and current.seq == chat.seq:
            return
        step = self.spec.steps.get(chat.state)
        if (
            step is None
            or not chat.active
            or chat.finished_at
            or step.kind == "finish"
            or store.is_muted(self.db, chat_id)
        ):
            if current is not None:
                store.delete_reminder(self.db, chat_id)
            return
        if step.kind == "audit" and chat.audit_due_on:
            self._plan_audit(chat, current)
            return
        start = idle_from or dt.datetime.fromisoformat(chat.updated_at or iso(self.clock()))
        self._put(chat, "idle", start + dt.timedelta(days=self.idle_days * IDLE_STEPS[0]), 0)

    def _plan_audit(self, chat: ChatRow, current: ReminderRow | None) -> None:
        key = f"{chat.audit_step}@{chat.audit_submitted_on}"
        if current is None or current.audit_key != key or current.kind == "idle":
            assert chat.audit_due_on is not None
            due_day = dt.date.fromisoformat(chat.audit_due_on)
            self._put(chat, "audit", self._at_followup_time(due_day), 0, key)
            return
        waited = self._waiting_pressed(chat.id, chat.state, current.sent_at)
        if current.status == "sent" and current.kind == "audit" and waited:
            kind = "audit" if current.followups < AUDIT_FOLLOWUPS else "audit_ask"
            next_day = self.calendar.add_working_days(waited, 1)  # one working day after the press
            self._put(chat, kind, self._at_followup_time(next_day), current.followups, key)
            return
        # Same audit, nothing to react to (e.g. a language switch): keep the plan, new seq.
        store.set_reminder_seq(self.db, chat.id, chat.seq)

    def _waiting_pressed(self, chat_id: int, state: str, since: str | None) -> dt.date | None:
        """The local day of a "still waiting" press at the chat's audit step, if that is its
        latest event and came after the last follow-up; else None."""
        latest = events.latest_event(self.db, chat_id)
        if (
            latest is None
            or latest.kind != "answer"
            or latest.step != state
            or latest.answer is None
            or (since and latest.at < since)
        ):
            return None
        answer = self.spec.steps[state].answer(latest.answer)
        if answer is None or not answer.stay:
            return None
        return dt.datetime.fromisoformat(latest.at).astimezone(self.quiet.tz).date()

    def _put(
        self,
        chat: ChatRow,
        kind: str,
        due: dt.datetime,
        count: int,
        audit_key: str | None = None,
    ) -> None:
        store.put_reminder(
            self.db,
            chat.id,
            kind,
            iso(self.quiet.next_allowed(due)),
            count,
            chat.seq,
            audit_key,
        )

    def _at_followup_time(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, FOLLOWUP_TIME, tzinfo=self.quiet.tz)

    # -- sending ----------------------------------------------------------------------------
    def due(self, limit: int = 200) -> list[DueReminder]:
        """Reminders due now (nothing during quiet hours), but for the chats whose nudges are
        paused (the handoff, bot.services.reminders.pause): theirs wait, still planned."""
        now = self.clock()
        if self.quiet.is_quiet(now):
            return []
        cutoff = waiting_cutoff(self.calendar, self.resume_days)
        return [
            DueReminder(r.chat_id, r.kind, r.followups, r.seq)
            for r in store.due_reminders(self.db, iso(now), limit, cutoff)
        ]

    def drop(self, reminder: DueReminder) -> None:
        """Forget a due reminder that cannot be sent (its chat is at a step the flow does not
        have); the sync plans the chat again when it changes."""
        with transaction(self.db):
            store.delete_reminder(self.db, reminder.chat_id)

    def claim(self, reminder: DueReminder) -> bool:
        """Mark as being sent, if still pending and planned for the chat's current seq."""
        with transaction(self.db):
            return store.claim_reminder(self.db, reminder.chat_id, reminder.seq, iso(self.clock()))

    def record(self, reminder: DueReminder, status: str, error: str | None = None) -> None:
        """The send's outcome; plans the next idle nudge, if there is one."""
        now = self.clock()
        count = reminder.count + 1
        with transaction(self.db):
            if status == "blocked":
                chats.set_active(self.db, reminder.chat_id, False)
                store.delete_reminder(self.db, reminder.chat_id)
                return
            if status == "sent" and reminder.kind == "idle" and count < len(IDLE_STEPS):
                due = now + dt.timedelta(days=self.idle_days * IDLE_STEPS[count])
                store.plan_again(
                    self.db, reminder.chat_id, count, iso(self.quiet.next_allowed(due))
                )
                return
            outcome = "sent" if status == "sent" else "failed"
            store.finish_reminder(self.db, reminder.chat_id, outcome, count, error)

    # -- mute -----------------------------------------------------------------------------
    def mute(self, chat_id: int) -> bool:
        """Stop reminders for the chat; False if it was muted already."""
        if store.is_muted(self.db, chat_id):
            return False
        with transaction(self.db):
            store.set_muted(self.db, chat_id, iso(self.clock()))
            store.delete_reminder(self.db, chat_id)
        return True

    def unmute(self, chat_id: int) -> bool:
        if not store.is_muted(self.db, chat_id):
            return False
        with transaction(self.db):
            store.set_muted(self.db, chat_id, None)
            self.replan(chat_id)
        return True
