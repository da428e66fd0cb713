"""What a chat has been through, read back from its answers log.

Used for /status (which steps are done) and for the summary at the finish: when each stage
was completed, each audit's submission and result dates, and how many times the chat had to
go back: an "unqualified store" new application or a rejected audit's resubmission, the
answers that lead back to an earlier step of a certification stage (checking eligibility
again, before stage 1, is neither).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlite_utils import Database

from bot.services.chat_progress import ChatProgress
from bot.services.flow_spec import FlowSpec
from bot.services.workdays import CALENDAR_ZONE
from bot.storage import events as log


@dataclass
class AuditRecord:
    step: str
    submitted: dt.date
    passed: dt.date | None = None


@dataclass
class Journey:
    started: dt.date | None = None
    finished: dt.date | None = None
    stages_completed: dict[str, dt.date] = field(default_factory=dict)
    audits: list[AuditRecord] = field(default_factory=list)
    loops: int = 0  # new applications and resubmissions: back to an earlier stage-1+ step


def _calendar_date(stamp: str) -> dt.date:
    return dt.datetime.fromisoformat(stamp).astimezone(CALENDAR_ZONE).date()


def step_status(spec: FlowSpec, progress: ChatProgress) -> list[tuple[str, str]]:
    """(step id, "done" | "current" | "open") for each checklist step, in flow order."""
    order = list(spec.steps)
    position = order.index(progress.state) if progress.state in order else 0
    finished = spec.steps[progress.state].kind == "finish"
    result = []
    for step in spec.checklist():
        index = order.index(step.id)
        if step.kind == "finish":
            status = "done" if finished else "open"
        elif finished or index < position:
            status = "done"
        elif step.id == progress.state:
            status = "current"
        else:
            status = "open"
        result.append((step.id, status))
    return result


def read_journey(db: Database, spec: FlowSpec, chat_id: int) -> Journey:
    """Replay the log since the last reset."""
    events = log.events_of(db, chat_id)
    last_reset = max((i for i, e in enumerate(events) if e.kind == "reset"), default=-1)
    events = events[last_reset + 1 :]
    order = {step_id: i for i, step_id in enumerate(spec.steps)}
    stage_number = {stage.id: stage.number for stage in spec.stages}
    journey = Journey()
    if events:
        journey.started = _calendar_date(events[0].at)
    open_audits: dict[str, AuditRecord] = {}
    for event in events:
        if event.kind != "answer" or event.step is None or event.step not in spec.steps:
            continue
        step, target = event.step, event.to_state
        if target is None or target not in spec.steps:
            continue
        day = _calendar_date(event.at)
        from_stage = spec.steps[step].stage
        if stage_number[spec.steps[target].stage] > stage_number[from_stage]:
            journey.stages_completed[from_stage] = day
        if order[target] < order[step] and stage_number[spec.steps[target].stage] > 0:
            journey.loops += 1
        if event.detail and spec.steps[target].kind == "audit":
            detail = json.loads(event.detail)
            record = AuditRecord(target, dt.date.fromisoformat(detail["submitted"]))
            open_audits[target] = record
        elif spec.steps[step].kind == "audit" and target != step:
            record_open = open_audits.pop(step, None)
            if record_open is not None and order[target] > order[step]:
                record_open.passed = day
                journey.audits.append(record_open)
        if spec.steps[target].kind == "finish":
            journey.finished = day
            journey.stages_completed[spec.steps[target].stage] = day
    return journey


def last_answer_by(db: Database, chat_id: int) -> int | None:
    """Who gave the answer that /back would undo now (None: nothing to undo, or unknown)."""
    movers: list[int | None] = []
    for event in log.events_of(db, chat_id):
        if event.kind in ("answer", "operator-move") and event.to_state != event.step:
            movers.append(event.user_id)
        elif event.kind == "back" and movers:
            movers.pop()
        elif event.kind == "reset":
            movers.clear()
    return movers[-1] if movers else None
