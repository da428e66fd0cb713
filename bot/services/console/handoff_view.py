"""What the board and a company's page show of the handoff: whose move it is, whether the
company's nudges are paused (and why), and its ticket's waits in working hours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.services.calendar.workdays import Calendar
from bot.services.calendar.working_hours import WorkingHours, working_hours
from bot.services.reminders.pause import DEFAULT_RESUME_DAYS, PauseState, pause_state
from bot.storage.automation import AutomationRow
from bot.storage.chat_query import CompanyRow


@dataclass(frozen=True)
class DeskTiming:
    """The settings the handoff's figures use (TPBOT_WORKING_HOURS, TPBOT_HANDOFF_RESUME_DAYS)."""

    hours: WorkingHours = field(default_factory=lambda: WorkingHours.parse("09:00-18:00"))
    resume_days: int = DEFAULT_RESUME_DAYS

    @classmethod
    def of(cls, working_hours: str, resume_days: int) -> DeskTiming:
        return cls(WorkingHours.parse(working_hours), resume_days)


@dataclass(frozen=True)
class Handoff:
    move: str | None  # client / audit / ours; None once certified
    pause: PauseState | None
    wait_hours: float | None  # working hours the ticket has waited for us, now
    first_answer_hours: float | None  # working hours to the first answer of this opening


def handoff_of(
    row: CompanyRow, calendar: Calendar, timing: DeskTiming, now: dt.datetime
) -> Handoff:
    waiting = row.waiting_since is not None
    at_audit = row.audit_step is not None and row.audit_step == row.state
    if row.finished_at is not None:
        move = "ours" if waiting or row.to_review else None
    elif waiting or row.to_review:
        move = "ours"
    else:
        move = "audit" if at_audit else "client"
    operator = (
        AutomationRow(row.id, row.paused, row.paused_by, row.paused_at)
        if row.paused is not None and row.paused_at is not None
        else None
    )
    pause = pause_state(
        calendar, timing.resume_days, operator, row.waiting_since, row.ticket_status == "open"
    )

    def hours(start: str | None, end: dt.datetime | str | None) -> float | None:
        if start is None or end is None:
            return None
        finish = dt.datetime.fromisoformat(end) if isinstance(end, str) else end
        return working_hours(
            dt.datetime.fromisoformat(start), finish, timing.hours, calendar.is_working_day
        )

    return Handoff(
        move=move,
        pause=pause,
        wait_hours=hours(row.waiting_since, now) if waiting else None,
        first_answer_hours=hours(row.asked_at, row.first_answered_at),
    )
