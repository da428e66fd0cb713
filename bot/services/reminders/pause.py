"""The handoff: a company's automatic nudges (idle nudges, audit follow-ups) pause while a
human has it in hand.

* **A ticket waiting for us** (an open ticket with a message of the user's not answered yet)
  pauses them, for at most ``resume_days`` Chinese working days counted from the first
  unanswered message: after that many working days with no answer from us, they go on even
  though the ticket still waits. An answer or closing the ticket ends the pause at once.
* **An operator** may pause a company's automation from the console, until they resume it.
  Resuming also lifts a pause of a ticket that is waiting at that moment (a later wait pauses
  again).

A nudge is never dropped for a pause: its plan stays pending, and the periodic job sends it
at its next round after the pause ends (if its time came meanwhile), on the usual quiet-hours
rules. Nothing is stored for a waiting ticket's pause: it is read from the tickets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlite_utils import Database

from bot.services.calendar.clock import Clock, iso
from bot.services.calendar.workdays import Calendar, china_date, start_of_china_day
from bot.services.flow.event_log import EventLog
from bot.storage import automation, waiting
from bot.storage.sql import transaction

DEFAULT_RESUME_DAYS = 5


def waiting_cutoff(calendar: Calendar, resume_days: int) -> str:
    """UTC ISO time: a wait that began at or after it still pauses the nudges (fewer than
    ``resume_days`` working days have passed since its day, in China's date)."""
    day, counted = calendar.today(), 0
    while counted < resume_days:
        if calendar.is_working_day(day):
            counted += 1
        day -= dt.timedelta(days=1)
    return iso(start_of_china_day(day + dt.timedelta(days=1)))


def resumes_on(calendar: Calendar, waiting_since: str, resume_days: int) -> dt.date:
    """The day (China's) a wait that began at ``waiting_since`` stops pausing the nudges."""
    return calendar.add_working_days(china_date(waiting_since), resume_days)


@dataclass(frozen=True)
class PauseState:
    """Why a company's nudges are held now: ``operator`` (paused from the console, by whom and
    since when) or ``waiting`` (its ticket waits for us, until ``until`` at the latest)."""

    reason: str  # operator / waiting
    since: dt.datetime
    by: int | None = None
    until: dt.date | None = None


def pause_state(
    calendar: Calendar,
    resume_days: int,
    operator_row: automation.AutomationRow | None,
    waiting_since: str | None,
    ticket_open: bool,
) -> PauseState | None:
    """The pause of one company, from its automation row and its ticket (None: not paused)."""
    if operator_row is not None and operator_row.paused:
        return PauseState("operator", dt.datetime.fromisoformat(operator_row.at), operator_row.by)
    if not ticket_open or waiting_since is None:
        return None
    if operator_row is not None and operator_row.at >= waiting_since:
        return None  # resumed by an operator during this wait
    if waiting_since < waiting_cutoff(calendar, resume_days):
        return None  # waited long enough: the nudges go on
    until = resumes_on(calendar, waiting_since, resume_days)
    return PauseState("waiting", dt.datetime.fromisoformat(waiting_since), until=until)


class AutomationPause:
    """An operator's pause and resume of a company's nudges, each in the answers log."""

    def __init__(self, db: Database, clock: Clock, log: EventLog) -> None:
        self.db = db
        self.clock = clock
        self.log = log

    def paused_by_operator(self, chat_id: int) -> bool:
        row = automation.get(self.db, chat_id)
        return row is not None and bool(row.paused)

    def set_paused(self, chat_id: int, paused: bool, *, operator_id: int) -> bool:
        """Pause or resume; False if that changes nothing (paused already; or nothing to
        resume: not paused by an operator and no ticket waiting), and nothing is logged.
        Resuming a company whose ticket waits lifts that pause."""
        now = iso(self.clock())
        with transaction(self.db):
            row = automation.get(self.db, chat_id)
            if paused and row is not None and row.paused:
                return False
            held = row is not None and row.paused
            if not paused and not held and not waiting.is_waiting(self.db, chat_id):
                return False  # nothing to resume
            automation.put(self.db, chat_id, paused, operator_id, now)
        self.log.note(chat_id, "operator-pause" if paused else "operator-resume", by=operator_id)
        return True
