"""The flow as a Mermaid state diagram, drawn by transitions' own diagram support."""

from __future__ import annotations

from transitions.extensions import GraphMachine

from bot.services.engine import FlowEngine
from bot.services.flow_spec import FlowSpec
from bot.services.i18n import Catalog


def mermaid(spec: FlowSpec, catalog: Catalog | None = None, language: str = "ids") -> str:
    """Mermaid source for the flow; states labelled by id, or by their title in a language."""
    if catalog is not None and language in ("en", "zh"):
        states = [
            {"name": step.id, "label": catalog.text(language, step.title)}
            for step in spec.steps.values()
        ]
    else:
        states = [{"name": step.id} for step in spec.steps.values()]
    machine = GraphMachine(
        states=states,
        transitions=FlowEngine.transition_table(spec),
        initial=spec.start,
        auto_transitions=False,
        graph_engine="mermaid",
        show_state_attributes=False,
        title=spec.name,
    )
    source = str(machine.get_graph().draw(None))
    # transitions styles the initial state as "active"; a diagram of the flow has none.
    return "\n".join(
        line for line in source.splitlines()
        if not line.strip().startswith(("Class ", "class ", "classDef "))
    ).rstrip() + "\n"
