"""What a move of a chat changes, worked out from the flow and the calendar (no SQLite).

:class:`~bot.services.flow.progress.ProgressService` writes what this works out: the columns an
answer, a correction or an undo sets, the steps an operator may move a chat to by the flow's
rules, and why a correction is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from bot.services.calendar.workdays import Calendar
from bot.services.flow.chat_progress import ChatProgress
from bot.services.flow.engine import FlowEngine
from bot.services.flow.flow_spec import FlowSpec, Step
from bot.storage.chats import NO_AUDIT, ChatChanges
from bot.storage.event_details import AuditDates

REASON_LIMIT = 500


class MoveRefused(Enum):
    UNKNOWN_CHAT = "unknown-chat"
    UNKNOWN_STEP = "unknown-step"
    SAME_STEP = "same-step"
    NO_REASON = "no-reason"
    NOT_ALLOWED = "not-allowed"  # outside the flow's rules, and not overridden
    CHANGED = "changed"  # the chat moved meanwhile (its counter is not the one the page saw)


@dataclass(frozen=True)
class Moved:
    progress: ChatProgress
    overridden: bool


class MovePlanner:
    def __init__(self, spec: FlowSpec, calendar: Calendar) -> None:
        self.spec = spec
        self.engine = FlowEngine(spec)
        self.calendar = calendar

    def answer(self, step: Step, new_state: str, now: str) -> ChatChanges:
        """The columns an answer at ``step`` leading to ``new_state`` sets (history apart)."""
        changes: ChatChanges = {
            "state": new_state,
            "updated_at": now,
            "flow_version": self.spec.version,
        }
        moved = new_state != step.id
        if moved:
            changes["step_since"] = now
        target = self.spec.steps[new_state]
        if target.kind == "audit" and moved:
            dates = self.fresh_audit(new_state)
            changes["audit_step"] = new_state
            changes["audit_submitted_on"] = dates.submitted.isoformat()
            changes["audit_due_on"] = dates.due.isoformat()
        elif step.kind == "audit" and moved:
            changes.update(NO_AUDIT)
        if target.kind == "finish":
            changes["finished_at"] = now
        return changes

    def correction(self, current: ChatProgress, to_step: str, now: str) -> ChatChanges:
        """The columns an operator's move of ``current`` to ``to_step`` sets (history apart)."""
        step = self.spec.steps.get(current.state)
        if step is not None:
            changes = self.answer(step, to_step, now)
        else:  # at a step the flow no longer has
            changes = {
                "state": to_step,
                "updated_at": now,
                "step_since": now,
                "flow_version": self.spec.version,
            }
        if self.spec.steps[to_step].kind != "finish":
            changes["finished_at"] = None
        if self.spec.steps[to_step].kind != "audit" and current.audit_step:
            changes.update(NO_AUDIT)
        if current.reopened is not None:  # a correction ends a rejection's walk
            changes["reopened"] = None
        return changes

    def by_the_rules(self, current: ChatProgress) -> list[str]:
        """The steps the flow lets the chat go to from where it is: its answers' next steps,
        then the steps it has been at (newest first)."""
        step = self.spec.steps.get(current.state)
        targets: list[str] = []
        if step is not None:
            for answer in step.answers:
                target = self.engine.allowed(current.state, answer.id)
                if target and target != current.state and target not in targets:
                    targets.append(target)
        for earlier in reversed(current.history):
            if earlier in self.spec.steps and earlier != current.state and earlier not in targets:
                targets.append(earlier)
        return targets

    def fresh_audit(self, audit_step: str) -> AuditDates:
        """The dates of an audit at ``audit_step`` submitted today."""
        today = self.calendar.today()
        due = self.calendar.add_working_days(today, self.spec.steps[audit_step].working_days)
        return AuditDates(today, due)


def audit_dates(changes: ChatChanges) -> AuditDates | None:
    """The audit dates ``changes`` enter, for the answers log (None: no audit entered)."""
    submitted, due = changes.get("audit_submitted_on"), changes.get("audit_due_on")
    if not submitted or not due:
        return None
    return AuditDates(dt.date.fromisoformat(submitted), dt.date.fromisoformat(due))
