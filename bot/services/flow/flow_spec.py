"""Load a certification flow from YAML and validate it before anything runs on it.

The flow is data (``flows/*.yaml``): stages, steps, each step's kind and answers, and where
each answer leads. A broken file is refused with every fault found, each naming the file, the
step (and answer) and what is wrong, so that whoever edits the flow can fix it in one pass.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.callbacks import DATA_LIMIT, AnswerButton
from bot.services.flow.documents_spec import FlowDocuments, parse_documents
from bot.services.flow.reasons_spec import RejectionReason, attach_reasons, reason_message_ids

STEP_KINDS = frozenset({"info", "confirm", "choice", "audit", "finish"})


def problems(count: int) -> str:
    return "1 problem" if count == 1 else f"{count} problems"


class FlowError(ValueError):
    """A flow file that cannot be used; ``faults`` lists every problem found."""

    def __init__(self, path: Path | str, faults: list[str]) -> None:
        self.path = str(path)
        self.faults = faults
        lines = "\n".join(f"  - {fault}".replace("\n", "\n    ") for fault in faults)
        super().__init__(f"{self.path}: {problems(len(faults))} in the flow:\n{lines}")


@dataclass(frozen=True)
class Answer:
    id: str
    label: str
    next: str | None
    stay: bool
    help: str | None

    def target(self, step_id: str) -> str:
        return step_id if self.stay or self.next is None else self.next


@dataclass(frozen=True)
class Step:
    id: str
    stage: str
    kind: str
    text: str
    title: str  # the step as done, for the checklist: "Application started"
    name: str  # the step as a place, for "you are at": "Applying for Tmall Operator (New)"
    answers: tuple[Answer, ...]
    checklist: bool = True
    working_days: int = 0
    # Listed in /status and numbered in its stage only on a path that goes through it (a
    # step some companies owe and others skip, like the Tmall operations deposit).
    on_path: bool = False
    rejection_reasons: tuple[RejectionReason, ...] = ()  # an audit step's (reasons_spec)

    def answer(self, answer_id: str) -> Answer | None:
        return next((a for a in self.answers if a.id == answer_id), None)


@dataclass(frozen=True)
class Stage:
    id: str
    title: str
    number: int


@dataclass(frozen=True)
class Migration:
    """Where chats at steps that flow ``version`` removed or renamed go (old → new)."""

    version: int
    moves: Mapping[str, str]


@dataclass(frozen=True)
class FlowSpec:
    name: str
    path: str
    start: str
    stages: tuple[Stage, ...]
    steps: Mapping[str, Step]
    facts: Mapping[str, Any] = field(default_factory=dict)
    version: int = 1
    migrations: tuple[Migration, ...] = ()
    documents: FlowDocuments = field(default_factory=lambda: FlowDocuments({}, {}))

    def migrate(self, state: str, from_version: int) -> str | None:
        """Where a chat at ``state`` under flow ``from_version`` belongs now: its state moved
        by every later version's migrations; None if that is no step of this flow."""
        for migration in self.migrations:
            if migration.version > from_version:
                state = migration.moves.get(state, state)
        return state if state in self.steps else None

    def stage_of(self, step_id: str) -> Stage:
        stage_id = self.steps[step_id].stage
        return next(s for s in self.stages if s.id == stage_id)

    def checklist(self, path: Collection[str] | None = None) -> list[Step]:
        """Steps shown in /status, in the flow's order (detours like "not eligible" left out);
        with ``path`` (the steps a chat has been at, and is at), a step listed only on a path
        through it is listed only if the chat's path went through it."""
        return [
            s
            for s in self.steps.values()
            if s.checklist and (not s.on_path or (path is not None and s.id in path))
        ]

    def message_ids(self) -> set[str]:
        """Every Fluent message id the flow refers to."""
        ids = {stage.title for stage in self.stages}
        for step in self.steps.values():
            ids.update((step.text, step.title, step.name))
            for answer in step.answers:
                ids.add(answer.label)
                if answer.help:
                    ids.add(answer.help)
        return ids | reason_message_ids(self.steps.values())


def load_flow(path: Path | str, locales: Mapping[str, Iterable[str]] | None = None) -> FlowSpec:
    """Read and validate a flow file; ``locales`` maps a language to its known message ids.

    Raises :class:`FlowError` listing every fault: unknown target states, unreachable steps,
    dead ends (steps from which no finish can be reached), texts missing in a locale, and
    malformed entries.
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FlowError(path, ["the file does not exist"]) from None
    except yaml.YAMLError as exc:
        raise FlowError(path, [f"not valid YAML:\n{exc}"]) from None
    return parse_flow(raw, path, locales)


def parse_flow(
    raw: Any, path: Path | str, locales: Mapping[str, Iterable[str]] | None = None
) -> FlowSpec:
    faults: list[str] = []
    if not isinstance(raw, dict):
        raise FlowError(path, ["the top level must be a mapping with 'start', 'stages', 'steps'"])
    for key in ("start", "stages", "steps"):
        if key not in raw:
            faults.append(f"missing top-level key '{key}'")
    if faults:
        raise FlowError(path, faults)

    stages = _parse_stages(raw["stages"], faults)
    steps = _parse_steps(raw["steps"], {s.id for s in stages}, faults)
    documents = parse_documents(raw["steps"], raw.get("migrations"), steps, locales, faults)
    steps = attach_reasons(raw["steps"], steps, locales, faults, documents)
    start = str(raw["start"])
    if steps and start not in steps:
        faults.append(f"'start' names unknown step '{start}'")
    for step in steps.values():
        for answer in step.answers:
            if answer.next is not None and answer.next not in steps:
                faults.append(
                    f"step '{step.id}', answer '{answer.id}': unknown target state '{answer.next}'"
                )
    if steps and start in steps:  # also beside other faults: every one in one run
        faults.extend(_graph_faults(start, steps))
    if locales is not None:
        faults.extend(_locale_faults(stages, steps, locales))
    if faults:
        raise FlowError(path, faults)
    facts = raw.get("facts") or {}
    if not isinstance(facts, dict):
        raise FlowError(path, ["'facts' must be a mapping"])
    version = raw.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise FlowError(path, ["'version' must be a whole number from 1"])
    migrations = _parse_migrations(raw.get("migrations") or [], version, steps, faults)
    if faults:
        raise FlowError(path, faults)
    return FlowSpec(
        name=str(raw.get("flow", Path(path).stem)),
        path=str(path),
        start=start,
        stages=tuple(stages),
        steps=steps,
        facts=facts,
        version=version,
        migrations=tuple(migrations),
        documents=documents,
    )


def _parse_migrations(
    raw: Any, version: int, steps: Mapping[str, Step], faults: list[str]
) -> list[Migration]:
    """``migrations: [{version: N, moves: {old_step: new_step}}]``, versions ascending."""
    if not isinstance(raw, list):
        faults.append("'migrations' must be a list of {version, moves}")
        return []
    migrations: list[Migration] = []
    for item in raw:
        number = item.get("version") if isinstance(item, dict) else None
        where = f"migrations, version {number}"
        moves = item.get("moves") if isinstance(item, dict) else None
        if not isinstance(number, int) or not isinstance(moves, dict):
            faults.append("migrations: each entry needs 'version' (a number) and 'moves'")
            continue
        if not 1 < number <= version:
            faults.append(f"{where}: must be above 1 and at most the flow's version {version}")
        if migrations and number <= migrations[-1].version:
            faults.append(f"{where}: versions must go up")
        migrations.append(Migration(number, {str(k): str(v) for k, v in moves.items()}))
    spec = FlowSpec("", "", "", (), steps, migrations=tuple(migrations))
    for migration in migrations:
        for old, new in migration.moves.items():
            if spec.migrate(new, migration.version) is None:
                faults.append(
                    f"migrations, version {migration.version}: '{old}' → '{new}': '{new}' is no "
                    "step of this flow (nor moved on by a later version)"
                )
    return migrations


def _parse_stages(raw: Any, faults: list[str]) -> list[Stage]:
    if not isinstance(raw, list) or not raw:
        faults.append("'stages' must be a non-empty list")
        return []
    stages: list[Stage] = []
    for number, item in enumerate(raw):
        if not isinstance(item, dict) or "id" not in item or "title" not in item:
            faults.append(f"stage #{number + 1}: needs 'id' and 'title'")
            continue
        if any(s.id == str(item["id"]) for s in stages):
            faults.append(f"stage '{item['id']}': defined twice")
            continue
        stages.append(Stage(id=str(item["id"]), title=str(item["title"]), number=number))
    return stages


def _parse_steps(raw: Any, stage_ids: set[str], faults: list[str]) -> dict[str, Step]:
    if not isinstance(raw, list) or not raw:
        faults.append("'steps' must be a non-empty list")
        return {}
    steps: dict[str, Step] = {}
    for number, item in enumerate(raw):
        where = f"step #{number + 1}"
        if not isinstance(item, dict) or "id" not in item:
            faults.append(f"{where}: needs an 'id'")
            continue
        step_id = str(item["id"])
        where = f"step '{step_id}'"
        if step_id in steps:
            faults.append(f"{where}: defined twice")
            continue
        missing = [k for k in ("stage", "kind", "text", "title", "name") if k not in item]
        if missing:
            faults.append(f"{where}: missing {', '.join(repr(k) for k in missing)}")
            continue
        kind = str(item["kind"])
        if kind not in STEP_KINDS:
            kinds = ", ".join(sorted(STEP_KINDS))
            faults.append(f"{where}: unknown kind '{kind}' (one of {kinds})")
        if str(item["stage"]) not in stage_ids:
            faults.append(f"{where}: unknown stage '{item['stage']}'")
        answers = _parse_answers(item.get("answers") or [], where, step_id, faults)
        if kind == "finish" and answers:
            faults.append(f"{where}: a finish step takes no answers")
        if kind != "finish" and not answers:
            faults.append(f"{where}: a {kind} step needs at least one answer")
        checklist = item.get("checklist", True)
        if checklist not in (True, False, "on_path"):
            faults.append(f"{where}: 'checklist' must be true, false or on_path")
        working_days = item.get("working_days", 0)
        if kind == "audit" and (not isinstance(working_days, int) or working_days <= 0):
            faults.append(f"{where}: an audit step needs 'working_days' (a positive whole number)")
        steps[step_id] = Step(
            id=step_id,
            stage=str(item["stage"]),
            kind=kind,
            text=str(item["text"]),
            title=str(item["title"]),
            name=str(item["name"]),
            answers=tuple(answers),
            checklist=bool(checklist),
            working_days=working_days if isinstance(working_days, int) else 0,
            on_path=checklist == "on_path",
        )
    return steps


def _parse_answers(raw: Any, where: str, step_id: str, faults: list[str]) -> list[Answer]:
    if not isinstance(raw, list):
        faults.append(f"{where}: 'answers' must be a list")
        return []
    answers: list[Answer] = []
    for number, item in enumerate(raw):
        if not isinstance(item, dict) or "id" not in item or "label" not in item:
            faults.append(f"{where}, answer #{number + 1}: needs 'id' and 'label'")
            continue
        answer_id = str(item["id"])
        here = f"{where}, answer '{answer_id}'"
        if any(a.id == answer_id for a in answers):
            faults.append(f"{here}: defined twice")
            continue
        stay = bool(item.get("stay", False))
        target = item.get("next")
        if stay and target is not None:
            faults.append(f"{here}: give either 'next' or 'stay: true', not both")
        if not stay and target is None:
            faults.append(f"{here}: needs 'next' (a step id) or 'stay: true'")
        if stay and not item.get("help"):
            faults.append(f"{here}: an answer that keeps the step open needs 'help'")
        data = AnswerButton.widest(step_id, answer_id)
        if len(data.encode()) > DATA_LIMIT:
            faults.append(f"{here}: step and answer ids too long for Telegram's callback data")
        elif AnswerButton.parse(data) is None:
            faults.append(f"{here}: ids may use only letters, digits and _ : . -")
        answers.append(
            Answer(
                id=answer_id,
                label=str(item["label"]),
                next=None if target is None else str(target),
                stay=stay,
                help=None if item.get("help") is None else str(item["help"]),
            )
        )
    return answers


def _graph_faults(start: str, steps: Mapping[str, Step]) -> list[str]:
    faults: list[str] = []
    # An unknown target (reported on its own) leads nowhere here.
    edges = {
        sid: {a.target(sid) for a in s.answers if a.target(sid) in steps}
        for sid, s in steps.items()
    }
    reachable = _closure([start], edges)
    for step_id in steps:
        if step_id not in reachable:
            faults.append(f"step '{step_id}': unreachable from the start step '{start}'")
    reverse: dict[str, set[str]] = {sid: set() for sid in steps}
    for source, targets in edges.items():
        for target in targets:
            reverse[target].add(source)
    finishes = [sid for sid, s in steps.items() if s.kind == "finish"]
    if not finishes:
        faults.append("no step of kind 'finish': the flow can never end")
        return faults
    can_finish = _closure(finishes, reverse)
    for step_id in steps:
        if step_id in reachable and step_id not in can_finish:
            faults.append(f"step '{step_id}': dead end, no answer leads on to a finish step")
    return faults


def _closure(roots: Iterable[str], edges: Mapping[str, set[str]]) -> set[str]:
    seen = set(roots)
    queue = deque(seen)
    while queue:
        for nxt in edges.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _locale_faults(
    stages: list[Stage], steps: Mapping[str, Step], locales: Mapping[str, Iterable[str]]
) -> list[str]:
    faults: list[str] = []
    known = {lang: set(ids) for lang, ids in locales.items()}
    for stage in stages:
        for lang, ids in known.items():
            if stage.title not in ids:
                faults.append(
                    f"stage '{stage.id}': text '{stage.title}' missing in locale '{lang}'"
                )
    for step in steps.values():
        keys = [step.text, step.title, step.name]
        for answer in step.answers:
            keys.append(answer.label)
            if answer.help:
                keys.append(answer.help)
        for key in keys:
            for lang, ids in known.items():
                if key not in ids:
                    faults.append(f"step '{step.id}': text '{key}' missing in locale '{lang}'")
    return faults
