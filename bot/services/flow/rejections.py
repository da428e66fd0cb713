"""A rejected audit with its reason: the chat goes back to the steps the reason concerns.

The user picks the reason in the chat (or an operator records it in the console); the move is
worked out by the :class:`~bot.services.flow.moves.MovePlanner`, as an operator's correction
is, and written as an answer "rejected" at the audit step (one compare-and-set UPDATE, the
update's claim and its log entry, whose detail is the reason), so the journey, the funnel and
/back see it as the answer it is. "Other / not stated" goes where the answer itself leads.
The steps a reason reopens are walked alone, then the chat returns to the submission
(:mod:`bot.services.flow.reopened`: its record is written by the same UPDATE).
A reason's ``documents`` are sent back for a revision (through the evidence service, in the
same transaction), with the reason's label as the note; those of other steps (``asks``, e.g.
the presentation asked for after the audit) are asked for on the walk (its record names them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from sqlite_utils import Database

from bot.services.calendar.clock import Clock, iso
from bot.services.flow.chat_progress import ChatProgress
from bot.services.flow.documents_spec import DocumentSpec
from bot.services.flow.event_log import EventLog
from bot.services.flow.flow_spec import FlowSpec, Step
from bot.services.flow.moves import MovePlanner
from bot.services.flow.progress import HISTORY_LIMIT
from bot.services.flow.reasons_spec import OTHER, REJECTED, RejectionReason, reason_of
from bot.services.flow.reopened import record_for
from bot.services.ledger import UpdateLedger
from bot.storage import chats
from bot.storage.event_details import AuditRejection
from bot.storage.sql import transaction


class RejectionRefused(Enum):
    UNKNOWN_CHAT = "unknown-chat"
    UNKNOWN_REASON = "unknown-reason"  # no reason of that step (or no such audit step)
    STALE = "stale"  # the chat is not at that step, or changed since
    DUPLICATE = "duplicate"  # this update was handled already


@dataclass(frozen=True)
class Rejected:
    progress: ChatProgress  # where the chat is now
    step: Step  # the audit step that was rejected
    reason: RejectionReason | None  # None: "other / not stated"
    documents: tuple[DocumentSpec, ...] = ()  # the reason's documents: to send again
    asked: tuple[DocumentSpec, ...] = ()  # other steps' documents the walk asks for


# (chat, [(step, document id)], note, by) → files sent back: EvidenceService.reopen
ReopenDocuments = Callable[[int, Sequence[tuple[str, str]], str, int | None], int]


class Rejections:
    def __init__(
        self,
        db: Database,
        spec: FlowSpec,
        ledger: UpdateLedger,
        plan: MovePlanner,
        log: EventLog,
        clock: Clock,
        reopen_documents: ReopenDocuments | None = None,
        text: Callable[[str, str], str] | None = None,  # (language, Fluent id) → the note
    ) -> None:
        self.db = db
        self.spec = spec
        self.ledger = ledger
        self.plan = plan
        self.log = log
        self.clock = clock
        self.reopen_documents = reopen_documents
        self.text = text

    def documents_of(self, reason: RejectionReason | None) -> tuple[DocumentSpec, ...]:
        """The documents a reason concerns, found on the steps it reopens."""
        if reason is None or not reason.documents:
            return ()
        return tuple(
            document
            for step in reason.reopen
            for document in self.spec.documents.of(step)
            if document.id in reason.documents
        )

    def asked_of(self, reason: RejectionReason | None) -> tuple[DocumentSpec, ...]:
        """The documents of other steps a reason has the walk ask for (``step.document``)."""
        if reason is None:
            return ()
        found = (self.spec.documents.find(step, document) for step, document in reason.asks)
        return tuple(d for d in found if d is not None)

    def asks_reason(self, step_id: str, answer_id: str) -> bool:
        """Whether this answer is a rejection that asks for its reason first."""
        step = self.spec.steps.get(step_id)
        return answer_id == REJECTED and step is not None and bool(step.rejection_reasons)

    def target(self, step: Step, reason: RejectionReason | None) -> str:
        if reason is not None:
            return reason.reopen[0]
        answer = step.answer(REJECTED)
        assert answer is not None  # the flow check: a step with reasons has the answer
        return answer.target(step.id)

    def reject(
        self,
        chat_id: int,
        step_id: str,
        reason_id: str,
        seq: int | None,
        *,
        by: int | None,
        update_id: int | None = None,
        operator: bool = False,
    ) -> Rejected | RejectionRefused:
        """Record the rejection of the audit at ``step_id`` for ``reason_id`` and reopen the
        steps it concerns; only while the chat is at that step (with counter ``seq``, if
        given: the one its buttons or the operator's page carry)."""
        step = self.spec.steps.get(step_id)
        if step is None or not step.rejection_reasons:
            return RejectionRefused.UNKNOWN_REASON
        reason = None if reason_id == OTHER else reason_of(step, reason_id)
        if reason is None and reason_id != OTHER:
            return RejectionRefused.UNKNOWN_REASON
        row = chats.get_chat(self.db, chat_id)
        if row is None:
            return RejectionRefused.UNKNOWN_CHAT
        current = ChatProgress.from_row(row)
        if current.state != step_id or (seq is not None and seq != current.seq):
            if self.ledger.redelivered(update_id):
                return RejectionRefused.DUPLICATE
            return RejectionRefused.STALE
        target = self.target(step, reason)
        now = iso(self.clock())
        changes = self.plan.correction(current, target, now)
        asked = self.asked_of(reason)
        record = record_for(self.spec, step_id, reason.reopen, reason.asks) if reason else None
        changes["reopened"] = record.encode() if record is not None else None
        reopened = reason.reopen if reason is not None else (target,)
        detail = AuditRejection(reason_id, reopened, operator)
        documents = self.documents_of(reason)
        with transaction(self.db):
            moved = chats.advance_chat(
                self.db,
                chat_id,
                step_id,
                current.seq,
                changes,
                push_history=True,
                history_limit=HISTORY_LIMIT,
            )
            if moved is None:
                return RejectionRefused.STALE
            self.ledger.claim_change(update_id, chat_id)
            self.log.write(
                chat_id,
                "answer",
                now,
                user_id=by,
                update_id=update_id,
                step=step_id,
                answer=REJECTED,
                to_state=target,
                detail=detail,
            )
            if (documents or asked) and reason is not None and self.reopen_documents is not None:
                note = self.text(current.language, reason.label) if self.text else reason.label
                pairs = [(d.step, d.id) for d in (*documents, *asked)]
                self.reopen_documents(chat_id, pairs, note, by)
        return Rejected(ChatProgress.from_row(moved), step, reason, documents, asked)
