"""What a chat has been through: its checklist (from its progress) and its journey (read
back from its answers log).

The /status checklist follows the path the chat took: a step whose answer led to a detour
(e.g. "not eligible") is not passed, and a step only some paths go through (the deposit) is
listed for the chats whose path went through it. The summary at the finish says when each
stage was completed, each audit's submission and result dates, and how many times the chat
had to go back: an "unqualified store" new application or a rejected audit's resubmission,
the answers that lead back to an earlier step of a certification stage (checking eligibility
again, before stage 1, is neither)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlite_utils import Database

from bot.services.calendar.workdays import china_date
from bot.services.flow.chat_progress import ChatProgress
from bot.services.flow.flow_spec import FlowSpec, Step
from bot.services.flow.reopened import Reopened
from bot.storage import events as log
from bot.storage.event_details import AuditDates


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


def path_of(progress: ChatProgress) -> frozenset[str]:
    """The steps the chat has been at (as far as its history goes back) and is at."""
    return frozenset((progress.state, *progress.history))


def checklist_of(spec: FlowSpec, progress: ChatProgress) -> list[Step]:
    """The chat's checklist: the flow's, with the steps listed only on a path through them
    (``checklist: on_path``) when the chat's path went through them."""
    return spec.checklist(path_of(progress))


def detour_origin(spec: FlowSpec, progress: ChatProgress) -> str | None:
    """At a detour (a step off the checklist, like "not eligible"): the checklist step whose
    answer led there, which the chat therefore has not passed; None elsewhere."""
    step = spec.steps.get(progress.state)
    if step is None or step.checklist:
        return None
    leading = [
        s.id
        for s in spec.steps.values()
        if s.checklist and s.id != step.id and any(a.next == step.id for a in s.answers)
    ]
    for earlier in reversed(progress.history):
        if earlier in leading:
            return earlier
    return leading[0] if leading else None


def step_status(spec: FlowSpec, progress: ChatProgress) -> list[tuple[str, str]]:
    """(step id, "done" | "current" | "failed" | "open") for each step of the chat's
    checklist, in flow order. "failed": the step whose answer led to the detour the chat is
    at (not passed: the steps after it are open). On a rejection's walk of the steps it
    reopened, the steps the walk skips (before its return point) are done."""
    order = {step_id: i for i, step_id in enumerate(spec.steps)}
    checklist = checklist_of(spec, progress)
    here = spec.steps.get(progress.state)
    if here is None:  # a step this flow does not have: nothing can be said to be done
        return [(step.id, "open") for step in checklist]
    finished = here.kind == "finish"
    failed = detour_origin(spec, progress)
    position = order[failed if failed is not None else progress.state]
    result = []
    for step in checklist:
        index = order[step.id]
        if step.kind == "finish":
            status = "done" if finished else "open"
        elif finished or index < position:
            status = "done"
        elif step.id == failed:
            status = "failed"
        elif step.id == progress.state:
            status = "current"
        else:
            status = "open"
        result.append((step.id, status))
    if progress.reopened:  # NULL for every chat not on such a walk: nothing more to do
        return _skipped_as_done(spec, progress, result, order)
    return result


def _skipped_as_done(
    spec: FlowSpec,
    progress: ChatProgress,
    statuses: list[tuple[str, str]],
    order: dict[str, int],
) -> list[tuple[str, str]]:
    """``statuses`` with the steps between the chat's step and the walk's return point that
    the walk does not ask again shown as done (the reopened ones still owed stay open)."""
    record = Reopened.of(progress)
    owed = record.owed(progress.state) if record is not None else ()
    if record is None or not owed or record.back_to not in spec.steps:
        return statuses
    here, back_to = order[progress.state], order[record.back_to]
    skipped = {s for s in order if here < order[s] < back_to and s not in owed}
    return [(s, "done" if status == "open" and s in skipped else status) for s, status in statuses]


def read_journey(db: Database, spec: FlowSpec, chat_id: int) -> Journey:
    """Replay the log since the last reset."""
    events = log.events_of(db, chat_id)
    last_reset = max((i for i, e in enumerate(events) if e.kind == "reset"), default=-1)
    events = events[last_reset + 1 :]
    order = {step_id: i for i, step_id in enumerate(spec.steps)}
    stage_number = {stage.id: stage.number for stage in spec.stages}
    journey = Journey()
    if events:
        journey.started = china_date(events[0].at)
    open_audits: dict[str, AuditRecord] = {}
    for event in events:
        if event.kind != "answer" or event.step is None or event.step not in spec.steps:
            continue
        step, target = event.step, event.to_state
        if target is None or target not in spec.steps:
            continue
        day = china_date(event.at)
        from_stage = spec.steps[step].stage
        if stage_number[spec.steps[target].stage] > stage_number[from_stage]:
            journey.stages_completed[from_stage] = day
        if order[target] < order[step] and stage_number[spec.steps[target].stage] > 0:
            journey.loops += 1
        if isinstance(event.detail, AuditDates) and spec.steps[target].kind == "audit":
            open_audits[target] = AuditRecord(target, event.detail.submitted)
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
