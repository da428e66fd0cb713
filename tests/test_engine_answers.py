"""The flow engine asks the ``transitions`` machine once per (step, answer) and answers the
same as the machine every time after."""

from __future__ import annotations

from bot.config import PROJECT_ROOT
from bot.services.flow.engine import FlowEngine, InvalidAnswer
from bot.services.flow.flow_spec import load_flow

FLOW = PROJECT_ROOT / "flows" / "tmall_tp.yaml"


def _machine_says(engine: FlowEngine, state: str, answer: str) -> str | None:
    try:
        return engine.advance(state, answer)
    except InvalidAnswer:
        return None


def test_every_pair_is_answered_as_the_machine_decides() -> None:
    engine = FlowEngine(load_flow(FLOW))
    answers = list(engine.machine.events)
    for state in engine.spec.steps:
        for answer in answers:
            expected = _machine_says(engine, state, answer)
            assert engine.allowed(state, answer) == expected
            assert engine.allowed(state, answer) == expected  # from memory, the same


def test_the_machine_is_asked_once_per_pair_and_forgeries_are_not_kept() -> None:
    engine = FlowEngine(load_flow(FLOW))
    step = next(iter(engine.spec.steps.values()))
    answer = step.answers[0].id
    event = engine.machine.events[answer]
    asked = []
    trigger = event.trigger

    def counting(model: object, *args: object, **kwargs: object) -> bool:
        asked.append(model)
        return trigger(model, *args, **kwargs)

    event.trigger = counting  # type: ignore[method-assign]
    for _ in range(3):
        assert engine.allowed(step.id, answer) == step.answers[0].target(step.id)
    assert len(asked) == 1
    kept = len(engine._answers)
    for n in range(50):
        assert engine.allowed(f"forged-{n}", answer) is None
        assert engine.allowed(step.id, f"forged-{n}") is None
    assert len(engine._answers) == kept
