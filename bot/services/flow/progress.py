"""A chat's progress through the flow: restore, advance, undo, reset — each change atomic.

Every change is one SQLite transaction holding the claim of its update in the update ledger (so
a redelivered update is recognised, and a reply the change owes is known even after a crash),
the chat's new state and the answers-log entry. If anything fails, nothing of it is written,
and the chat stays exactly where it was.

It moves chats and nothing else: what a move changes comes from :mod:`bot.services.flow.moves`,
whether an update was handled from the ledger, the log entry goes through the one
:class:`~bot.services.flow.event_log.EventLog`. An operator's correction is a move too
(:meth:`ProgressService.move_to`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from sqlite_utils import Database

from bot.services.calendar.clock import Clock, iso, utc_now
from bot.services.calendar.workdays import Calendar
from bot.services.flow import journey
from bot.services.flow.chat_progress import ChatProgress, parse_date
from bot.services.flow.event_log import EventLog
from bot.services.flow.flow_spec import Answer, FlowSpec, Step
from bot.services.flow.moves import REASON_LIMIT, Moved, MovePlanner, MoveRefused, audit_dates
from bot.services.flow.reopened import ReopenedWalk
from bot.services.ledger import UpdateLedger
from bot.storage import chats, events
from bot.storage.chats import ChatChanges, NewChat
from bot.storage.event_details import EventDetail, LanguageSet, OperatorMove
from bot.storage.sql import transaction

HISTORY_LIMIT = 100


class Outcome(Enum):
    MOVED = "moved"  # the answer was taken (the step may be the same one, e.g. "not yet")
    STALE = "stale"  # a button of a step that is no longer current
    INVALID = "invalid"  # the flow does not allow this answer here
    DUPLICATE = "duplicate"  # this update was handled already
    NO_PROGRESS = "no_progress"  # the chat has not started (e.g. its progress was migrated)


@dataclass
class AnswerResult:
    outcome: Outcome
    progress: ChatProgress | None = None
    step: Step | None = None  # the step that was answered
    answer: Answer | None = None


class ProgressService:
    def __init__(
        self,
        db: Database,
        spec: FlowSpec,
        ledger: UpdateLedger,
        calendar: Calendar,
        log: EventLog,
        clock: Clock = utc_now,
    ) -> None:
        self.db = db
        self.spec = spec
        self.ledger = ledger
        self.plan = MovePlanner(spec, calendar)
        self.reopened = ReopenedWalk(db, spec, self.plan)
        self.calendar = calendar
        self.log = log
        self.clock = clock

    # -- reading ------------------------------------------------------------------------
    def get(self, chat_id: int) -> ChatProgress | None:
        row = chats.get_chat(self.db, chat_id)
        return ChatProgress.from_row(row) if row else None

    # -- changes ------------------------------------------------------------------------------
    def start(
        self,
        chat_id: int,
        chat_type: str,
        language: str,
        *,
        title: str | None = None,
        user_id: int | None = None,
        update_id: int | None = None,
    ) -> tuple[ChatProgress, bool]:
        """The chat's progress, created at the flow's start if new; (progress, created).

        The lookup and the insert share one transaction (one round of locks, not two)."""
        now = self._now()
        with transaction(self.db):
            row = chats.get_chat(self.db, chat_id)
            if row is not None:
                existing = ChatProgress.from_row(row)
                if title and title != existing.title:
                    chats.update_chat(self.db, chat_id, {"title": title})
                    existing.title = title
                return existing, False
            progress = ChatProgress(
                chat_id=chat_id,
                chat_type=chat_type,
                title=title,
                language=language,
                state=self.spec.start,
                created_at=now,
                updated_at=now,
                step_since=now,
            )
            self.ledger.claim_change(update_id, chat_id)
            chats.insert_chat(
                self.db,
                NewChat(
                    chat_id,
                    chat_type,
                    title,
                    language,
                    progress.state,
                    progress.seq,
                    now,
                    self.spec.version,
                ),
            )
            self._log(chat_id, user_id, update_id, "start", now, to_state=progress.state)
        return progress, True

    def press(
        self,
        chat_id: int,
        step_id: str,
        answer_id: str,
        seq: int,
        *,
        user_id: int | None = None,
        update_id: int | None = None,
    ) -> AnswerResult:
        """Apply a button press; only the current step's current buttons change anything.

        A button names the step and the chat's change counter (``seq``) it was made for, so
        the move is worked out from the button, and written by one compare-and-set UPDATE
        that matches only while the chat is still at that step and counter. Only a press that
        does not match reads the chat, to tell why (stale, redelivered, not started).

        The press claims its update in the same transaction: once the press has moved the
        chat its button is stale, so a redelivery cannot match again, and the ledger tells it
        apart from a stale press (DUPLICATE, answered by no one).
        """
        step = self.spec.steps.get(step_id)
        answer = step.answer(answer_id) if step else None
        new_state = self.plan.engine.allowed(step_id, answer_id)
        now = self._now()
        changes: ChatChanges = {}
        if step is not None and new_state is not None:
            changes = self.plan.answer(step, new_state, now)
        with transaction(self.db):
            row = None
            if changes:
                row = chats.advance_chat(
                    self.db,
                    chat_id,
                    step_id,
                    seq,
                    changes,
                    push_history=new_state != step_id,
                    history_limit=HISTORY_LIMIT,
                )
            if row is None:
                return self._refused_press(chat_id, step_id, seq, update_id)
            if row.reopened is not None and step and new_state and new_state != step_id:
                row, new_state, changes = self.reopened.walk_on(row, step, new_state, changes, now)
            self.ledger.claim_change(update_id, chat_id)
            self._log(
                chat_id,
                user_id,
                update_id,
                "answer",
                now,
                step=step_id,
                answer=answer_id,
                to_state=new_state,
                detail=audit_dates(changes),  # entering an audit: its dates go in the log
            )
        assert step is not None and answer is not None
        return AnswerResult(Outcome.MOVED, ChatProgress.from_row(row), step, answer)

    def _refused_press(
        self, chat_id: int, step_id: str, seq: int, update_id: int | None
    ) -> AnswerResult:
        row = chats.get_chat(self.db, chat_id)
        if row is None:
            return AnswerResult(Outcome.NO_PROGRESS)
        progress = ChatProgress.from_row(row)
        if step_id == progress.state and seq == progress.seq:
            return AnswerResult(Outcome.INVALID, progress)  # a current button, a forged answer
        if self.ledger.redelivered(update_id):
            return AnswerResult(Outcome.DUPLICATE, progress)
        return AnswerResult(Outcome.STALE, progress)

    def last_answer_by(self, chat_id: int) -> int | None:
        """Who gave the answer that /back would undo now."""
        return journey.last_answer_by(self.db, chat_id)

    def back(
        self, progress: ChatProgress, *, user_id: int | None = None, update_id: int | None = None
    ) -> ChatProgress | None:
        """Undo the last answer that moved the chat; None if there is nothing to undo.

        A history entry at a step a newer flow removed goes where its migrations say, or is
        skipped if they say nothing."""
        history = list(progress.history)
        previous = None
        while history and previous is None:
            previous = self.spec.migrate(history.pop(), 0)
        if previous is None:
            return None
        changes: ChatChanges = {
            "state": previous,
            "history": history,
            "finished_at": None,
            "step_since": self._now(),
        }
        if progress.audit_step and previous != progress.audit_step:
            changes.update(chats.NO_AUDIT)
        if self.spec.steps[previous].kind == "audit" and previous != progress.audit_step:
            changes.update(self._last_submission(progress.chat_id, previous))
        changes.update(self.reopened.after_back(progress, previous))
        now = self._now()
        with transaction(self.db):
            if not self.ledger.claim_change(update_id, progress.chat_id):
                return None
            updated = self._apply(progress, changes, now)
            self._log(progress.chat_id, user_id, update_id, "back", now, to_state=previous)
        return updated

    def reset(
        self, progress: ChatProgress, *, user_id: int | None = None, update_id: int | None = None
    ) -> ChatProgress | None:
        changes: ChatChanges = {
            "state": self.spec.start,
            "history": [],
            "audit_step": None,
            "audit_submitted_on": None,
            "audit_due_on": None,
            "finished_at": None,
            "reopened": None,
        }
        now = changes["step_since"] = self._now()
        with transaction(self.db):
            if not self.ledger.claim_change(update_id, progress.chat_id):
                return None
            updated = self._apply(progress, changes, now)
            self._log(progress.chat_id, user_id, update_id, "reset", now, to_state=self.spec.start)
        return updated

    def set_language(
        self,
        progress: ChatProgress,
        language: str,
        *,
        user_id: int | None = None,
        update_id: int | None = None,
    ) -> ChatProgress | None:
        now = self._now()
        with transaction(self.db):
            if not self.ledger.claim_change(update_id, progress.chat_id):
                return None
            # The step is shown again with new buttons, so the old ones become stale.
            updated = self._apply(progress, ChatChanges(language=language), now)
            self._log(
                progress.chat_id, user_id, update_id, "language", now, detail=LanguageSet(language)
            )
        return updated

    def by_the_rules(self, current: ChatProgress) -> list[str]:
        """The steps an operator may move the chat to without overriding the flow's rules."""
        return self.plan.by_the_rules(current)

    def move_to(
        self,
        chat_id: int,
        to_step: str,
        *,
        by: int,
        reason: str,
        override: bool,
        seq: int | None = None,
    ) -> Moved | MoveRefused:
        """An operator's correction: move the chat to ``to_step``, with a reason.

        By the flow's rules (a step one of the current step's answers leads to, or one the
        chat has been at before) unless ``override``; ``seq``, the counter the operator saw,
        refuses the move if the chat changed meanwhile. Written like an answer: one
        compare-and-set UPDATE on the chat's step and counter, and its log entry."""
        current = self.get(chat_id)
        if current is None:
            return MoveRefused.UNKNOWN_CHAT
        if seq is not None and seq != current.seq:
            return MoveRefused.CHANGED
        if to_step not in self.spec.steps:
            return MoveRefused.UNKNOWN_STEP
        if to_step == current.state:
            return MoveRefused.SAME_STEP
        reason = reason.strip()[:REASON_LIMIT]
        if not reason:
            return MoveRefused.NO_REASON
        by_rules = to_step in self.plan.by_the_rules(current)
        if not by_rules and not override:
            return MoveRefused.NOT_ALLOWED
        now = self._now()
        changes = self.plan.correction(current, to_step, now)
        detail = OperatorMove(reason, not by_rules, audit_dates(changes))
        with transaction(self.db):
            row = chats.advance_chat(
                self.db,
                chat_id,
                current.state,
                current.seq,
                changes,
                push_history=True,
                history_limit=HISTORY_LIMIT,
            )
            if row is None:
                return MoveRefused.CHANGED
            self._log(
                chat_id,
                by,
                None,
                "operator-move",
                now,
                step=current.state,
                to_state=to_step,
                detail=detail,
            )
        return Moved(ChatProgress.from_row(row), overridden=not by_rules)

    # -- internals ------------------------------------------------------------------------
    def _last_submission(self, chat_id: int, audit_step: str) -> ChatChanges:
        """The audit dates recorded when ``audit_step`` was last entered (for /back)."""
        dates = events.last_audit_dates(self.db, chat_id, audit_step)
        if dates is None:
            dates = self.plan.fresh_audit(audit_step)
        return {
            "audit_step": audit_step,
            "audit_submitted_on": dates.submitted.isoformat(),
            "audit_due_on": dates.due.isoformat(),
        }

    def _apply(self, progress: ChatProgress, changes: ChatChanges, now: str) -> ChatProgress:
        """Write ``changes`` and return the progress as it now is."""
        changes = {**changes, "seq": progress.seq + 1, "updated_at": now}
        if changes.get("state", progress.state) in self.spec.steps:
            # A chat left at a step the flow does not have keeps its version: the migration
            # that will move it is written for that version.
            changes["flow_version"] = self.spec.version
        chats.update_chat(self.db, progress.chat_id, changes)
        fields: dict[str, Any] = dict(changes)
        if "history" in changes:
            fields["history"] = list(changes["history"])
        if "audit_submitted_on" in changes:
            fields["audit_submitted_on"] = parse_date(changes["audit_submitted_on"])
        if "audit_due_on" in changes:
            fields["audit_due_on"] = parse_date(changes["audit_due_on"])
        return replace(progress, **fields)

    def _log(
        self,
        chat_id: int,
        user_id: int | None,
        update_id: int | None,
        kind: str,
        at: str,
        *,
        step: str | None = None,
        answer: str | None = None,
        to_state: str | None = None,
        detail: EventDetail | None = None,
    ) -> None:
        self.log.write(
            chat_id,
            kind,
            at,
            user_id=user_id,
            update_id=update_id,
            step=step,
            answer=answer,
            to_state=to_state,
            detail=detail,
        )

    def _now(self) -> str:
        return iso(self.clock())
