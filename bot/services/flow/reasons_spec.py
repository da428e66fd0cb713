"""Rejection reasons at the flow's audit steps: data in the flow file, checked with it.

An audit step may list ``rejection_reasons:``, each the reason Tmall gave for rejecting the
audit, with its Fluent ``label`` (the button), its Fluent ``fix`` (what to do about it), the
earlier steps it ``reopen``s (the chat goes back to the first of them, in the flow's order)
and, optionally, the ``documents`` it concerns: ids of documents those steps list, or
``step.document`` for a document of another step (e.g. one asked for after the audit), which
the walk of the reopened steps asks for (``asks``). Checked against the steps' documents when
the flow declares any. A flow without reasons loads as before: its "rejected" answer leads
where it always did, with its help.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol, TypeVar, cast

from bot.callbacks import DATA_LIMIT, RejectionButton
from bot.services.flow.documents_spec import FlowDocuments

REJECTED = "rejected"  # the audit step's answer that asks for a reason
OTHER = "other"  # "other / not stated": the answer's own target and help, as before


@dataclass(frozen=True)
class RejectionReason:
    id: str
    label: str  # Fluent id of the button
    fix: str  # Fluent id of the concrete fix
    reopen: tuple[str, ...]  # the earlier steps it concerns, in the flow's order
    documents: tuple[str, ...] = ()  # of the reopened steps: sent back for a revision
    asks: tuple[tuple[str, str], ...] = ()  # (step, document) of other steps: the walk asks


class _Step(Protocol):  # flow_spec's Step, which imports this module
    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def answers(self) -> tuple[Any, ...]: ...
    @property
    def rejection_reasons(self) -> tuple[RejectionReason, ...]: ...
    def answer(self, answer_id: str) -> Any: ...


Step = TypeVar("Step", bound=_Step)


def reason_of(step: _Step, reason_id: str) -> RejectionReason | None:
    return next((r for r in step.rejection_reasons if r.id == reason_id), None)


def reason_message_ids(steps: Iterable[_Step]) -> set[str]:
    return {text for s in steps for r in s.rejection_reasons for text in (r.label, r.fix)}


def attach_reasons(
    raw_steps: Any,
    steps: dict[str, Step],
    locales: Mapping[str, Iterable[str]] | None,
    faults: list[str],
    documents: FlowDocuments | None = None,
) -> dict[str, Step]:
    """``steps`` with each one's ``rejection_reasons`` parsed from ``raw_steps``; a fault
    (naming the step and the reason) for each problem; ``documents``: the steps' documents."""
    if not isinstance(raw_steps, list):
        return steps
    known = {lang: set(ids) for lang, ids in (locales or {}).items()}
    order = list(steps)
    for item in raw_steps:
        if not isinstance(item, dict) or "rejection_reasons" not in item:
            continue
        step = steps.get(str(item.get("id")))
        if step is None:
            continue
        reasons = _parse(item["rejection_reasons"], step, steps, order, known, faults, documents)
        steps[step.id] = replace(cast(Any, step), rejection_reasons=tuple(reasons))
    return steps


def _parse(
    raw: Any,
    step: Step,
    steps: Mapping[str, Step],
    order: list[str],
    known: Mapping[str, set[str]],
    faults: list[str],
    flow_documents: FlowDocuments | None = None,
) -> list[RejectionReason]:
    where = f"step '{step.id}', rejection_reasons"
    if step.kind != "audit" or step.answer(REJECTED) is None:
        faults.append(f"{where}: only an audit step with a '{REJECTED}' answer takes reasons")
        return []
    if not isinstance(raw, list) or not raw:
        faults.append(f"{where}: must be a non-empty list of {{id, label, fix, reopen}}")
        return []
    before = _steps_before(step.id, steps)
    reasons: list[RejectionReason] = []
    for number, entry in enumerate(raw):
        if not isinstance(entry, dict) or "id" not in entry:
            faults.append(f"{where}, reason #{number + 1}: needs an 'id'")
            continue
        reason_id = str(entry["id"])
        here = f"{where}, reason '{reason_id}'"
        if any(r.id == reason_id for r in reasons):
            faults.append(f"{here}: defined twice")
            continue
        if reason_id == OTHER:
            faults.append(f"{here}: '{OTHER}' is the bot's own 'other / not stated' choice")
            continue
        data = RejectionButton(9_999_999, step.id, reason_id).encode()
        if len(data.encode()) > DATA_LIMIT or RejectionButton.parse(data) is None:
            faults.append(f"{here}: ids may use only letters, digits and _ : . - (and be short)")
        for key in ("label", "fix"):
            if not entry.get(key):
                faults.append(f"{here}: missing '{key}' (a Fluent message id)")
            else:
                for lang, ids in known.items():
                    if str(entry[key]) not in ids:
                        faults.append(f"{here}: text '{entry[key]}' missing in locale '{lang}'")
        reopen = _id_list(entry.get("reopen"), f"{here}: 'reopen'", faults)
        if not reopen:
            faults.append(f"{here}: 'reopen' must name at least one earlier step")
        for target in reopen:
            if target not in steps:
                faults.append(f"{here}: reopens unknown step '{target}'")
            elif target not in before:
                faults.append(f"{here}: reopens '{target}', which is not a step before the audit")
        listed = _id_list(entry.get("documents"), f"{here}: 'documents'", faults)
        documents, asks = _documents(here, listed, reopen, steps, flow_documents, faults)
        reasons.append(
            RejectionReason(
                id=reason_id,
                label=str(entry.get("label", "")),
                fix=str(entry.get("fix", "")),
                reopen=tuple(s for s in order if s in reopen),
                documents=documents,
                asks=asks,
            )
        )
    return reasons


def _id_list(raw: Any, where: str, faults: list[str]) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        faults.append(f"{where} must be a list of ids")
        return []
    return list(raw)


def _documents(
    where: str,
    listed: list[str],
    reopen: list[str],
    steps: Mapping[str, _Step],
    flow_documents: FlowDocuments | None,
    faults: list[str],
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """A reason's ``documents``: (the ids of the reopened steps' ones, the (step, id) of other
    steps' ones, written ``step.document``), with a fault for each unknown one. A plain id is
    checked only when the flow declares documents (one without any cannot name them)."""
    by_step = flow_documents.by_step if flow_documents is not None else {}
    own: list[str] = []
    asks: list[tuple[str, str]] = []
    for entry in listed:
        step_id, dot, document = entry.partition(".")
        if not dot:
            if by_step and not any(d.id == entry for s in reopen for d in by_step.get(s, ())):
                faults.append(
                    f"{where}: document '{entry}' is not one of the reopened steps' documents "
                    "(another step's is written step.document)"
                )
            own.append(entry)
        elif step_id not in steps:
            faults.append(f"{where}: document '{entry}' names unknown step '{step_id}'")
        elif not any(d.id == document for d in by_step.get(step_id, ())):
            faults.append(f"{where}: document '{entry}': step '{step_id}' has no such document")
        elif step_id in reopen:
            own.append(document)
        else:
            asks.append((step_id, document))
    return tuple(dict.fromkeys(own)), tuple(dict.fromkeys(asks))


def _steps_before(audit: str, steps: Mapping[str, _Step]) -> set[str]:
    """The steps from which the audit step can be reached (the ones a rejection may reopen)."""
    reverse: dict[str, set[str]] = {sid: set() for sid in steps}
    for sid, s in steps.items():
        for answer in s.answers:
            target = answer.target(sid)
            if target in reverse and target != sid:
                reverse[target].add(sid)
    seen: set[str] = set()
    queue = [audit]
    while queue:
        for source in reverse[queue.pop()]:
            if source not in seen:
                seen.add(source)
                queue.append(source)
    seen.discard(audit)
    return seen
