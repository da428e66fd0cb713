"""What an operator changes for a company from the console, each change in the answers log
with the operator's id: move it to another step (a correction, with a reason), mute or unmute
its reminders, and the messages sent to it.

A move is the progress service's :meth:`~bot.services.flow.progress.ProgressService.move_to`: it
follows the flow's rules (a step one of the current step's answers leads to, or one the chat
has been at before) unless the operator explicitly overrides them, and is one transaction:
the chat's row and its log entry, or nothing. Mutes and messages move nothing; they are
written to the same answers log, by its one writer.
"""

from __future__ import annotations

from bot.services.flow.chat_progress import ChatProgress
from bot.services.flow.event_log import EventLog
from bot.services.flow.moves import Moved, MoveRefused
from bot.services.flow.progress import ProgressService
from bot.services.reminders.reminders import ReminderService
from bot.storage.event_details import OperatorMessage

MESSAGE_LIMIT = 4000  # Telegram's message limit is 4096 characters


class Corrections:
    def __init__(
        self, progress: ProgressService, reminders: ReminderService, log: EventLog
    ) -> None:
        self.progress = progress
        self.reminders = reminders
        self.log = log

    def by_the_rules(self, current: ChatProgress) -> list[str]:
        """The steps the flow lets the chat go to from where it is: its answers' next steps,
        then the steps it has been at (newest first)."""
        return self.progress.by_the_rules(current)

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
        return self.progress.move_to(
            chat_id, to_step, by=operator_id, reason=reason, override=override, seq=seq
        )

    def set_muted(self, chat_id: int, muted: bool, *, operator_id: int) -> bool:
        """Mute or unmute the chat's reminders; False if it already was (nothing logged)."""
        changed = self.reminders.mute(chat_id) if muted else self.reminders.unmute(chat_id)
        if changed:
            kind = "operator-mute" if muted else "operator-unmute"
            self.log.note(chat_id, kind, by=operator_id)
        return changed

    def message_sent(
        self, chat_id: int, text: str, *, operator_id: int, reply: str | None = None
    ) -> None:
        """Log a message an operator sent the company from the console (its text too, and the
        canned reply's name if it was one)."""
        detail = OperatorMessage(text[:MESSAGE_LIMIT], reply)
        self.log.note(chat_id, "operator-message", by=operator_id, detail=detail)
