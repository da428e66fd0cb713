"""Rejected audits by reason, per audit step: how often each of the flow's reasons was given
(in the chat or by an operator in the console), and how often none was ("other / not
stated", which also counts rejections recorded before the flow had reasons)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from bot.services.flow.flow_spec import FlowSpec
from bot.services.flow.reasons_spec import OTHER, REJECTED
from bot.storage import events


@dataclass(frozen=True)
class ReasonCount:
    reason_id: str  # a reason of the step, or OTHER
    label: str  # its Fluent id (OTHER: "reject-other")
    count: int


@dataclass(frozen=True)
class StepRejections:
    step_id: str
    total: int
    reasons: tuple[ReasonCount, ...]  # in the flow's order, "other" last; every reason listed


def rejections(db: Database, spec: FlowSpec) -> tuple[StepRejections, ...]:
    """Every audit step of the flow with a "rejected" answer, in the flow's order."""
    counts: dict[tuple[str, str], int] = {}
    for step_id, reason, count in events.rejections_by_reason(db, REJECTED):
        step = spec.steps.get(step_id)
        if step is None:
            continue
        known = reason is not None and any(r.id == reason for r in step.rejection_reasons)
        key = (step_id, reason if known and reason is not None else OTHER)
        counts[key] = counts.get(key, 0) + count
    result = []
    for step in spec.steps.values():
        if step.kind != "audit" or step.answer(REJECTED) is None:
            continue
        rows = [
            ReasonCount(r.id, r.label, counts.get((step.id, r.id), 0))
            for r in step.rejection_reasons
        ]
        rows.append(ReasonCount(OTHER, "reject-other", counts.get((step.id, OTHER), 0)))
        result.append(StepRejections(step.id, sum(r.count for r in rows), tuple(rows)))
    return tuple(result)
