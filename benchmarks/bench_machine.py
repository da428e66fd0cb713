"""What one chat costs in ``transitions``, per pattern, on the real flow (flows/tmall_tp.yaml).

(a) a ``Machine`` per chat (build it for every update, or keep one per chat alive),
(b) ``add_model`` of each chat on one shared machine,
(c) what the bot does: one shared ``Machine(model=None, auto_transitions=False)`` and
    ``machine.events[answer].trigger(cursor)`` on a reusable object holding the chat's state.

    python benchmarks/bench_machine.py
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from collections.abc import Callable

from transitions import Machine

from bot.config import PROJECT_ROOT
from bot.services.flow.engine import FlowEngine
from bot.services.flow.flow_spec import load_flow


def per_call(fn: Callable[[], object], repeat: int) -> float:
    gc.collect()
    started = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - started) / repeat


def main() -> None:
    spec = load_flow(PROJECT_ROOT / "flows" / "tmall_tp.yaml")
    table = FlowEngine.transition_table(spec)
    states = list(spec.steps)

    class Chat:
        pass

    def build() -> Machine:
        return Machine(
            model=Chat(),
            states=states,
            transitions=table,
            initial=spec.start,
            auto_transitions=False,
        )

    build_s = per_call(build, 200)
    tracemalloc.start()
    keep = [build() for _ in range(100)]
    per_machine = tracemalloc.get_traced_memory()[0] / len(keep)
    tracemalloc.stop()
    del keep

    shared = Machine(
        model=None, states=states, transitions=table, initial=spec.start, auto_transitions=False
    )
    models = [Chat() for _ in range(2000)]
    started = time.perf_counter()
    for model in models:
        shared.add_model(model)
    add_model_s = (time.perf_counter() - started) / len(models)

    engine = FlowEngine(spec)
    trigger_s = per_call(lambda: engine.advance("op_assessment", "unqualified"), 20_000)

    print(f"flow: {len(states)} states, {len(table)} transitions (transitions library)")
    print(
        f"  (a) build a Machine per chat        {build_s * 1e3:8.2f} ms, "
        f"{per_machine / 1024:6.1f} KB each if kept alive"
    )
    print(f"      -> 100,000 chats kept alive     {per_machine * 100_000 / 2**30:8.2f} GB")
    print(f"  (b) add_model on a shared machine   {add_model_s * 1e3:8.3f} ms per chat")
    print(
        f"  (c) shared machine, trigger only    {trigger_s * 1e6:8.1f} us per answer, "
        f"0 bytes per chat"
    )
    print(f"  (c) vs (a): {build_s / trigger_s:,.0f}x cheaper per update")


if __name__ == "__main__":
    main()
