"""A changed flow and the chats stored under an older one: who moves where, or who is stranded.

The flow file carries a ``version``; every chat records the version it was last moved under.
When a new version removes or renames steps, its ``migrations`` say where chats at those steps
go (``old_step: new_step``). :func:`plan` works out, from the database, how many chats at each
step would move where, and which would be stranded at a step the flow no longer has;
:func:`apply` moves them in one transaction and writes each move to the chat's answers log
("moved from X to Y by flow version N"). ``tmall-tp-bot check --db`` shows the plan; ``run``
applies it on start, and refuses to start while any chat would be stranded, including chats
at a step the flow does not have under its own version (a step renamed without raising the
version), unless told to (``run --allow-stranded``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from bot.services.calendar.clock import Clock, iso
from bot.services.flow.flow_spec import FlowError, FlowSpec
from bot.storage import chats, events
from bot.storage.sql import transaction


@dataclass(frozen=True)
class Move:
    step: str  # where the chats are
    version: int  # the flow version they were moved under
    chats: int
    target: str | None  # where they go; None: stranded (the flow says nothing)


class StrandedChats(FlowError):
    """Chats at steps the flow does not have, and no migration that says where they go."""

    def __init__(self, spec: FlowSpec, stranded: list[Move]) -> None:
        self.stranded = stranded
        lines = [f"  - {_advice(spec, m)}" for m in stranded]
        lines.append(
            "  (`run` refuses to start until then; `run --allow-stranded` starts anyway and "
            "leaves these chats where they are: each is told the team knows, and may /reset)"
        )
        total = sum(m.chats for m in stranded)
        steps = ", ".join(sorted({f"'{m.step}'" for m in stranded}))
        self.path = spec.path
        self.faults = lines
        ValueError.__init__(
            self,
            f"{spec.path}: version {spec.version} would strand {total} chat(s) at step(s) "
            f"it does not have ({steps}):\n" + "\n".join(lines),
        )


def _advice(spec: FlowSpec, move: Move) -> str:
    """What to write in the flow file for one group of stranded chats."""
    at = f"{move.chats} chat(s) at step '{move.step}' (flow version {move.version})"
    if move.version < spec.version:
        return (
            f"{at}: the flow has no such step; add '{move.step}: <new step>' to a migration "
            f"of version {spec.version}"
        )
    # Moved under this very version (or a newer one): the step was renamed or removed without
    # raising the version, and no migration of a version they are already at applies to them.
    bump = max(move.version, spec.version) + 1
    return (
        f"{at}: the flow has no such step, and no migration can move chats already at version "
        f"{move.version} (a step renamed or removed without raising the version?): bump the "
        f"version and add a migration for it (version: {bump}, moves: '{move.step}: <new step>')"
    )


def plan(db: Database, spec: FlowSpec) -> list[Move]:
    """Every group of chats that must move now, or cannot: chats moved under an older flow
    version that its migrations move, and chats at a step the flow does not have whatever
    their version (target None: stranded)."""
    moves = []
    for state, version, count in chats.states_by_version(db):
        if version < spec.version:
            target = spec.migrate(state, version)
        else:
            target = state if state in spec.steps else None
        if target != state:
            moves.append(Move(state, version, count, target))
    return moves


def describe(spec: FlowSpec, moves: list[Move]) -> list[str]:
    """One line per group, for ``check --db`` and the log."""
    return [
        f"{m.chats} chat(s) at '{m.step}' (version {m.version}) → '{m.target}'"
        if m.target is not None
        else f"{m.chats} chat(s) at '{m.step}' (version {m.version}) → stranded"
        for m in moves
    ]


def apply(
    db: Database, spec: FlowSpec, clock: Clock, *, allow_stranded: bool = False
) -> list[Move]:
    """Move the chats the flow's migrations move, in one transaction; returns the plan.
    Raises :class:`StrandedChats` (and moves nothing) if any would be stranded, unless
    ``allow_stranded``: then the others move and the stranded stay where they are."""
    moves = plan(db, spec)
    stranded = [m for m in moves if m.target is None]
    if stranded and not allow_stranded:
        raise StrandedChats(spec, stranded)
    at = iso(clock())
    with transaction(db):
        for move in moves:
            if move.target is None:
                continue
            events.log_state_moves(db, move.step, move.version, move.target, spec.version, at)
            chats.move_state(
                db,
                move.step,
                move.version,
                move.target,
                spec.version,
                at,
                clear_audit=spec.steps[move.target].kind != "audit",
            )
    return moves
