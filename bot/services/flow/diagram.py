"""The flow as a Mermaid state diagram, drawn by transitions' own diagram support."""

from __future__ import annotations

from transitions.extensions import GraphMachine

from bot.services.flow.engine import FlowEngine
from bot.services.flow.flow_spec import FlowSpec
from bot.services.i18n import Catalog


def mermaid(spec: FlowSpec, catalog: Catalog | None = None, language: str = "ids") -> str:
    """Mermaid source for the flow; states labelled by id, or by their name in a language."""
    machine = GraphMachine(
        states=list(spec.steps),
        transitions=FlowEngine.transition_table(spec),
        initial=spec.start,
        auto_transitions=False,
        graph_engine="mermaid",
        show_state_attributes=False,
        title=spec.name,
    )
    lines = []
    drawn = str(machine.get_graph().draw(None)).splitlines()
    if len(drawn) > 2 and drawn[0] == "---" and drawn[2] == "---" and ":" not in drawn[1]:
        drawn[1] = f"title: {drawn[1].strip()}"  # Mermaid's front matter wants the key
    for line in drawn:
        # transitions styles the initial state as "active"; a diagram of the flow has none.
        if line.strip().startswith(("Class ", "class ", "classDef ")):
            continue
        if catalog is not None and language in ("en", "zh"):
            for step in spec.steps.values():
                if line.strip() == f'state "{step.id}" as {step.id}':
                    title = catalog.text(language, step.name).replace('"', "'")
                    line = line.replace(f'"{step.id}"', f'"{title}"')
            line = _edge_labels(line, spec, catalog, language)
        lines.append(line)
    return "\n".join(lines).rstrip() + "\n"


def _edge_labels(line: str, spec: FlowSpec, catalog: Catalog, language: str) -> str:
    """``a --> b: yes | not_yet`` with the answers' button labels in ``language``."""
    edge, colon, triggers = line.partition(": ")
    if not colon or " --> " not in edge:
        return line
    source = spec.steps.get(edge.split(" --> ")[0].strip())
    if source is None:
        return line
    labels = []
    for trigger in triggers.split(" | "):
        answer = source.answer(trigger.strip())
        labels.append(catalog.text(language, answer.label) if answer else trigger)
    return f"{edge}: {' / '.join(label.replace(':', '：') for label in labels)}"
