"""A rejected audit's walk through only the steps its reason reopened, then back to the
submission.

A rejection whose reason reopens steps (``rejection_reasons`` in the flow file) leaves a
record on the chat's row (the ``chats.reopened`` column, NULL for every other chat): the
steps it reopened, in the flow's order, and the step to return to once they are done — the
return point, the step whose answer leads to the audit ("submitted again?"), so the user
confirms the resubmission and the audit is entered with fresh dates, as at any submission.

The record also names the documents of other steps the rejection's reason asks for (e.g. the
presentation, a step after the audit): each reopened step asks for them and takes them.

An answer that moves forward from a reopened step goes to the next reopened step, or to the
return point when none is left (the steps between are not asked again). A "stay" answer (not
yet) keeps the record; reaching the return point or the audit, an answer leading back to an
earlier step or off the checklist (an unqualified store: the normal flow takes over), an
operator's move and /reset end it. /back keeps it while it returns to a reopened step, ends
it when it goes elsewhere (e.g. undoing the rejection), and brings it back when it undoes
the answer that reached the return point.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from bot.services.flow.chat_progress import ChatProgress
from bot.services.flow.flow_spec import FlowSpec, Step
from bot.services.flow.moves import MovePlanner
from bot.services.flow.reasons_spec import OTHER, reason_of
from bot.storage import chats, events
from bot.storage.chats import NO_AUDIT, ChatChanges, ChatRow
from bot.storage.event_details import AuditRejection

_MOVES = ("answer", "back", "reset", "operator-move", "migrate", "start")  # the log's moves


@dataclass(frozen=True, slots=True)
class Reopened:
    steps: tuple[str, ...]  # the steps the rejection reopened, in the flow's order
    back_to: str  # the return point
    documents: tuple[tuple[str, str], ...] = ()  # (step, document) of other steps to ask for

    def encode(self) -> str:
        data: dict[str, object] = {"steps": list(self.steps), "back_to": self.back_to}
        if self.documents:
            data["documents"] = [list(pair) for pair in self.documents]
        return json.dumps(data)

    @classmethod
    def decode(cls, text: str | None) -> Reopened | None:
        if not text:
            return None
        try:
            data = json.loads(text)
            documents = tuple((str(s), str(d)) for s, d in data.get("documents", ()))
            return cls(tuple(str(s) for s in data["steps"]), str(data["back_to"]), documents)
        except (ValueError, KeyError, TypeError, AttributeError):  # a hand-edited row: no walk
            return None

    @classmethod
    def of(cls, progress: ChatProgress) -> Reopened | None:
        return cls.decode(progress.reopened)

    def asks_at(self, state: str) -> tuple[tuple[str, str], ...]:
        """The other steps' documents the chat is asked for at ``state`` (a reopened step)."""
        return self.documents if state in self.steps else ()

    def owed(self, state: str) -> tuple[str, ...]:
        """The reopened steps still to answer when the chat is at ``state`` (this one and the
        later ones); none when the chat is not at one of them."""
        if state not in self.steps:
            return ()
        return self.steps[self.steps.index(state) :]


def return_point(spec: FlowSpec, audit: str) -> str:
    """The step from which ``audit`` is reached (the latest in the flow's order, if several),
    or the audit itself if none leads there."""
    leading = [
        s.id
        for s in spec.steps.values()
        if s.id != audit and any(a.next == audit for a in s.answers)
    ]
    return leading[-1] if leading else audit


def record_for(
    spec: FlowSpec,
    audit: str,
    reopen: tuple[str, ...],
    documents: Sequence[tuple[str, str]] = (),
) -> Reopened | None:
    """The record a rejection at ``audit`` reopening ``reopen`` (and asking for ``documents``
    of other steps) leaves (None: nothing to walk, e.g. it reopens only the return point)."""
    back_to = return_point(spec, audit)
    order = list(spec.steps)
    if back_to not in order:
        return None
    steps = tuple(s for s in reopen if s in order and order.index(s) < order.index(back_to))
    return Reopened(steps, back_to, tuple(documents)) if steps else None


class ReopenedWalk:
    """Steers the answers of a chat on such a walk (called only for a chat whose row has a
    record), and keeps the record consistent on /back."""

    def __init__(self, db: Database, spec: FlowSpec, plan: MovePlanner) -> None:
        self.db = db
        self.spec = spec
        self.plan = plan
        self.order = {step_id: i for i, step_id in enumerate(spec.steps)}
        audits = [s for s in spec.steps.values() if s.rejection_reasons]
        self._return_points = {return_point(spec, s.id) for s in audits}
        self._reopenable = {x for s in audits for r in s.rejection_reasons for x in r.reopen}

    def target(self, record: Reopened | None, step: str, new_state: str) -> tuple[str, bool]:
        """Where an answer at ``step`` leading to ``new_state`` takes a chat with ``record``,
        and whether the record stays."""
        order = self.order
        if record is None or record.back_to not in order or new_state not in order:
            return new_state, False
        forward = order[new_state] > order[step] and self.spec.steps[new_state].checklist
        if step not in record.steps or not forward:
            return new_state, False  # the normal flow takes over
        later = [s for s in record.steps if s in order and order[s] > order[step]]
        if later:
            return later[0], True
        if order[record.back_to] > order[step]:
            return record.back_to, False
        return new_state, False

    def walk_on(
        self, row: ChatRow, step: Step, new_state: str, changes: ChatChanges, now: str
    ) -> tuple[ChatRow, str, ChatChanges]:
        """After the answer's own UPDATE (same transaction): the chat moved on to the next
        reopened step or the return point, or its record ended; (row, state, all changes)."""
        to, keep = self.target(Reopened.decode(row.reopened), step.id, new_state)
        if keep and to == new_state:
            return row, new_state, changes  # the answer led there anyway: nothing to write
        second: ChatChanges = {} if keep else {"reopened": None}
        if to != new_state:
            second.update(self.plan.answer(step, to, now))
            if self.spec.steps[to].kind != "audit" and changes.get("audit_step"):
                second.update(NO_AUDIT)
        moved = chats.advance_chat(
            self.db, row.id, row.state, row.seq, second, push_history=False, history_limit=0
        )
        if moved is None:  # cannot happen inside the answer's transaction
            raise RuntimeError(f"chat {row.id} changed during its own answer")
        return moved, to, {**changes, **second}

    def after_back(self, progress: ChatProgress, previous: str) -> ChatChanges:
        """The record's change when /back takes the chat from where it is to ``previous``."""
        record = Reopened.of(progress)
        if record is not None:
            return {} if previous in record.steps else {"reopened": None}
        if progress.state not in self._return_points or previous not in self._reopenable:
            return {}  # cheap: most /backs end here, without reading the log
        restored = self._undone_walk(progress, previous)
        return {"reopened": restored.encode()} if restored is not None else {}

    def _undone_walk(self, progress: ChatProgress, previous: str) -> Reopened | None:
        """The record of the walk whose last answer (at ``previous``, to the return point
        the chat is at) /back undoes, if the log shows the walk went on unbroken until it."""
        since = events.since_last_rejection(self.db, progress.chat_id)
        if not since or not isinstance(since[0].detail, AuditRejection) or since[0].step is None:
            return None
        audit = self.spec.steps.get(since[0].step)
        reason = reason_of(audit, since[0].detail.reason) if audit is not None else None
        asks = reason.asks if reason is not None else ()
        record = record_for(self.spec, since[0].step, since[0].detail.reopened, asks)
        if since[0].detail.reason == OTHER or record is None:
            return None
        if previous not in record.steps or record.back_to != progress.state:
            return None
        moves = [e for e in since[1:] if e.kind in _MOVES and e.to_state != e.step]
        kept = {"answer": lambda e: e.step, "back": lambda e: e.to_state}
        if any(e.kind not in kept or kept[e.kind](e) not in record.steps for e in moves):
            return None  # ended meanwhile: an operator's move, a reset, a /back elsewhere...
        last = moves[-1] if moves else None
        if last is None or (last.kind, last.step, last.to_state) != (
            "answer",
            previous,
            progress.state,
        ):
            return None
        return record
