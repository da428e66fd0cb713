"""The flow's state machine: one ``transitions.Machine`` for all chats.

Building a ``Machine`` costs milliseconds and tens of kilobytes, so one per chat would make
memory grow with every chat ever seen. Instead the machine is built once from the flow and
each answer runs ``machine.events[answer].trigger(cursor)`` on a small reusable object that
carries the chat's current state (restored from SQLite). Nothing is registered per chat, and
the machine, not our code, decides whether an answer is allowed from the current state.
"""

from __future__ import annotations

from transitions import Machine, MachineError

from bot.services.flow.flow_spec import FlowSpec


class InvalidAnswer(Exception):
    """The answer is not allowed from the chat's current step."""


class _Cursor:
    """The only thing a trigger touches: the state attribute of a chat, set per update."""

    __slots__ = ("state",)

    def __init__(self) -> None:
        self.state = ""


class FlowEngine:
    def __init__(self, spec: FlowSpec) -> None:
        self.spec = spec
        self.machine = Machine(
            model=None,
            states=list(spec.steps),
            transitions=self.transition_table(spec),
            initial=spec.start,
            auto_transitions=False,
            ignore_invalid_triggers=False,
        )
        self._cursor = _Cursor()
        self._answers: dict[tuple[str, str], str | None] = {}

    @staticmethod
    def transition_table(spec: FlowSpec) -> list[dict[str, str]]:
        """The flow as ``transitions`` data: one trigger per answer id, sourced per step."""
        return [
            {"trigger": answer.id, "source": step.id, "dest": answer.target(step.id)}
            for step in spec.steps.values()
            for answer in step.answers
        ]

    def allowed(self, state: str, answer_id: str) -> str | None:
        """The state an answer leads to from ``state``, or None if the flow does not allow it.

        The machine's transitions have no conditions, so what it decides for a (state,
        answer) never changes: each pair asks it once (a press is answered from the first)."""
        key = (state, answer_id)
        try:
            return self._answers[key]
        except KeyError:
            pass
        try:
            decided: str | None = self.advance(state, answer_id)
        except InvalidAnswer:
            decided = None
        if state in self.spec.steps and answer_id in self.machine.events:  # bounded: no forgeries
            self._answers[key] = decided
        return decided

    def advance(self, state: str, answer_id: str) -> str:
        """The state an answer leads to from ``state``; raises :class:`InvalidAnswer`."""
        event = self.machine.events.get(answer_id)
        if event is None or state not in self.spec.steps:
            raise InvalidAnswer(f"{answer_id!r} from {state!r}")
        cursor = self._cursor
        cursor.state = state
        try:
            event.trigger(cursor)
        except MachineError as exc:
            raise InvalidAnswer(f"{answer_id!r} from {state!r}") from exc
        return cursor.state
