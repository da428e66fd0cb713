"""What an operator changes for a company from the console, each change in the answers log
with the operator's id: move it to another step (a correction, with a reason), mute or unmute
its reminders, and the messages sent to it.

A move follows the flow's rules (a step one of the current step's answers leads to, or one the
chat has been at before) unless the operator explicitly overrides them; either way it is one
transaction: the chat's row and its log entry, or nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

from bot.services.chat_progress import ChatProgress
from bot.services.clock import iso
from bot.services.progress import HISTORY_LIMIT, ProgressService
from bot.services.reminders import ReminderService
from bot.storage import chats, events
from bot.storage.chats import ChatChanges
from bot.storage.sql import transaction

REASON_LIMIT = 500
MESSAGE_LIMIT = 4000  # Telegram's message limit is 4096 characters


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


class Corrections:
    def __init__(self, progress: ProgressService, reminders: ReminderService) -> None:
        self.progress = progress
        self.reminders = reminders
        self.db = progress.db
        self.spec = progress.spec

    def by_the_rules(self, current: ChatProgress) -> list[str]:
        """The steps the flow lets the chat go to from where it is: its answers' next steps,
        then the steps it has been at (newest first)."""
        step = self.spec.steps.get(current.state)
        targets: list[str] = []
        if step is not None:
            for answer in step.answers:
                target = self.progress.engine.allowed(current.state, answer.id)
                if target and target != current.state and target not in targets:
                    targets.append(target)
        for earlier in reversed(current.history):
            if earlier in self.spec.steps and earlier != current.state and earlier not in targets:
                targets.append(earlier)
        return targets

    def move(
        self,
        chat_id: int,
        to_step: str,
        *,
        operator_id: int,
        reason: str,
        override: bool,
        seq: int | None = None,
    ) -> Moved | MoveRefused:
        current = self.progress.get(chat_id)
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
        by_rules = to_step in self.by_the_rules(current)
        if not by_rules and not override:
            return MoveRefused.NOT_ALLOWED
        now = iso(self.progress.clock())
        changes = self._changes(current, to_step, now)
        detail = json.dumps(
            {"reason": reason, "override": not by_rules, **_audit_detail(changes)},
            ensure_ascii=False,
        )
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
            self._log(chat_id, operator_id, "operator-move", now, current.state, to_step, detail)
        return Moved(ChatProgress.from_row(row), overridden=not by_rules)

    def _changes(self, current: ChatProgress, to_step: str, now: str) -> ChatChanges:
        step = self.spec.steps.get(current.state)
        if step is not None:
            changes = self.progress.move_changes(step, to_step, now)
        else:  # at a step the flow no longer has
            changes = {"state": to_step, "updated_at": now, "step_since": now}
            changes["flow_version"] = self.spec.version
        if self.spec.steps[to_step].kind != "finish":
            changes["finished_at"] = None
        if self.spec.steps[to_step].kind != "audit" and current.audit_step:
            changes.update(chats.NO_AUDIT)
        return changes

    def set_muted(self, chat_id: int, muted: bool, *, operator_id: int) -> bool:
        """Mute or unmute the chat's reminders; False if it already was (nothing logged)."""
        changed = self.reminders.mute(chat_id) if muted else self.reminders.unmute(chat_id)
        if changed:
            now = iso(self.progress.clock())
            with transaction(self.db):
                kind = "operator-mute" if muted else "operator-unmute"
                self._log(chat_id, operator_id, kind, now, None, None, None)
        return changed

    def message_sent(self, chat_id: int, text: str, *, operator_id: int) -> None:
        """Log a message an operator sent the company from the console (its text too)."""
        now = iso(self.progress.clock())
        detail = json.dumps({"text": text[:MESSAGE_LIMIT]}, ensure_ascii=False)
        with transaction(self.db):
            self._log(chat_id, operator_id, "operator-message", now, None, None, detail)

    def _log(
        self,
        chat_id: int,
        operator_id: int,
        kind: str,
        at: str,
        step: str | None,
        to_state: str | None,
        detail: str | None,
    ) -> None:
        events.log_event(
            self.db,
            {
                "chat_id": chat_id,
                "user_id": operator_id,
                "kind": kind,
                "step": step,
                "to_state": to_state,
                "detail": detail,
                "at": at,
                "flow_version": self.spec.version,
            },
        )


def _audit_detail(changes: ChatChanges) -> dict[str, Any]:
    if changes.get("audit_due_on"):
        return {"submitted": changes["audit_submitted_on"], "due": changes["audit_due_on"]}
    return {}
