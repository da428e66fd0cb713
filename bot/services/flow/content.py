"""The flow and its texts, checked together: every fault in one run, each in its own file.

A Fluent syntax error is reported in its ``.ftl`` file and line with Fluent's own message (not
as a text "missing" from the flow); a flow fault in the flow file with its step; a text whose
placeables the code does not pass (``{ $dew }`` for ``{ $due }``) in its ``.ftl`` file, naming
what the step does pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from bot.services.flow.flow_spec import FlowError, FlowSpec, load_flow, problems
from bot.services.i18n import Catalog

# What the renderer passes to a step's text and its answers' help (``Renderer.step_args``).
STEP_VARIABLES = frozenset({"deposit", "working_days"})
AUDIT_VARIABLES = STEP_VARIABLES | {"submitted", "due", "remaining"}


class ContentError(FlowError):
    """Faults in the flow file and the locales; each line names its own file."""

    def __init__(self, faults: list[str]) -> None:
        self.path = ""
        self.faults = faults
        lines = "\n".join(f"  - {fault}" for fault in faults)
        ValueError.__init__(self, f"{problems(len(faults))} in the flow and its texts:\n{lines}")


def flow_variables(spec: FlowSpec) -> dict[str, tuple[frozenset[str], str]]:
    """Message id → (the variables the code passes it, who uses it), for the flow's texts."""
    passed: dict[str, tuple[frozenset[str], str]] = {}
    for stage in spec.stages:
        passed[stage.title] = (frozenset(), f"stage '{stage.id}' (a title)")
    for step in spec.steps.values():
        variables = AUDIT_VARIABLES if step.kind == "audit" else STEP_VARIABLES
        who = f"step '{step.id}' ({step.kind})"
        passed[step.text] = (variables, who)
        passed[step.title] = (frozenset(), f"step '{step.id}' (its title)")
        passed[step.name] = (frozenset(), f"step '{step.id}' (its name)")
        for answer in step.answers:
            passed[answer.label] = (frozenset(), f"step '{step.id}', answer '{answer.id}'")
            if answer.help:
                passed[answer.help] = (variables, f"{who}, answer '{answer.id}'")
    return passed


def variable_faults(spec: FlowSpec, catalog: Catalog) -> list[str]:
    faults = []
    for message_id, (passed, who) in flow_variables(spec).items():
        for messages in catalog.messages.values():
            info = messages.get(message_id)
            if info is None or info.variables <= passed:
                continue
            unknown = ", ".join(f"${name}" for name in sorted(info.variables - passed))
            offered = ", ".join(f"${name}" for name in sorted(passed)) or "no variables"
            faults.append(
                f"{info.where}: message '{message_id}' uses {unknown}, which {who} does not "
                f"pass (it passes {offered})"
            )
    return faults


def load_content(
    flow_path: Path,
    locales_dir: Path,
    checks: Sequence[Callable[[Catalog], list[str]]] = (),
) -> tuple[Catalog, FlowSpec]:
    """The catalogs and the flow, validated against each other; raises with every fault.
    ``checks``: more faults of the catalogs (a feature's own texts, e.g. the canned replies)."""
    catalog = Catalog(locales_dir)
    catalog.faults.extend(fault for check in checks for fault in check(catalog))
    known = catalog.message_ids()
    for ids in known.values():
        ids |= catalog.broken_ids  # reported as the syntax error it is, not as missing
    try:
        spec = load_flow(flow_path, known)
    except FlowError as exc:
        if not catalog.faults:
            raise
        raise ContentError(catalog.faults + [f"{exc.path}: {f}" for f in exc.faults]) from None
    faults = catalog.faults + variable_faults(spec, catalog)
    if faults:
        raise ContentError(faults)
    return catalog, spec
