"""The one funnel model behind ``/stats``, the console's funnel page and both charts.

Per step and per stage (reached, there now, left, and the median and p90 of the Chinese working
days spent there) it is :func:`bot.services.funnel.step_funnel.step_funnel`, over the answers log;
around it, where the chats are now, from ``chats`` in one grouped query: how many there are,
finished, idle, blocked, muted, and by language; and the rejected audits by reason per step
(:mod:`bot.services.funnel.rejections`). Plain values only: the Telegram text and
chart are in :mod:`bot.telegram`, the console's SVG in :mod:`bot.web`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from bot.services.calendar.clock import iso
from bot.services.calendar.workdays import Calendar, china_date
from bot.services.flow.flow_spec import FlowSpec
from bot.services.funnel.rejections import StepRejections, rejections
from bot.services.funnel.step_funnel import StageStat, StepFunnel, StepStat, step_funnel
from bot.storage import chats, reminders
from bot.storage.db import open_reader


@dataclass(frozen=True)
class ChatCounts:
    """Every chat by where it is now (``chats``), log or no log."""

    total: int = 0
    finished: int = 0  # active chats at a finish step
    idle: int = 0  # active, unfinished, no change for ``idle_days``
    blocked: int = 0  # the bot was blocked or removed, finished or not
    muted: int = 0  # chats that turned reminders off
    by_language: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Funnel:
    flow: StepFunnel  # per step and stage, from the log
    chats: ChatCounts
    rejections: tuple[StepRejections, ...] = ()  # per audit step, by reason

    @property
    def day(self) -> dt.date:
        """The day in China it was computed on."""
        return china_date(dt.datetime.fromisoformat(self.flow.computed_at))

    def step(self, step_id: str) -> StepStat:
        return self.flow.step(step_id)

    def stage(self, stage_id: str) -> StageStat:
        return self.flow.stage(stage_id)


def chat_counts(db: Database, now: dt.datetime, idle_days: int) -> ChatCounts:
    total = finished = idle = blocked = 0
    by_language: dict[str, int] = {}
    cutoff = iso(now - dt.timedelta(days=idle_days))
    for _state, language, active, done, stale, count in chats.progress_counts(db, cutoff):
        total += count
        by_language[language] = by_language.get(language, 0) + count
        if not active:
            blocked += count
        elif done:
            finished += count
        elif stale:
            idle += count
    return ChatCounts(total, finished, idle, blocked, reminders.muted_count(db), by_language)


def funnel_model(
    db: Database, spec: FlowSpec, calendar: Calendar, now: dt.datetime, idle_days: int
) -> Funnel:
    """The funnel of every chat in ``db`` as of ``now``."""
    return Funnel(
        step_funnel(db, spec, calendar, now),
        chat_counts(db, now, idle_days),
        rejections(db, spec),
    )


class FunnelService:
    """The funnel of the chats in this database, for ``/stats`` (the console computes the same
    model in its reader threads). Over a large log it takes seconds, so ``/stats`` reads it in a
    worker thread (:meth:`read`), on a read-only connection of its own: the event loop goes on
    answering the other chats meanwhile."""

    def __init__(
        self, db_path: Path | str, spec: FlowSpec, calendar: Calendar, idle_days: int
    ) -> None:
        self.db_path = db_path
        self.spec = spec
        self.calendar = calendar
        self.idle_days = idle_days

    def read(self, now: dt.datetime) -> Funnel:
        """The funnel as of ``now``, from the last committed state (safe in any thread)."""
        db = open_reader(self.db_path)
        try:
            return funnel_model(db, self.spec, self.calendar, now, self.idle_days)
        finally:
            db.close()
