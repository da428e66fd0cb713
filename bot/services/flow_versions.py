"""A changed flow and the chats stored under an older one: who moves where, or who is stranded.

The flow file carries a ``version``; every chat records the version it was last moved under.
When a new version removes or renames steps, its ``migrations`` say where chats at those steps
go (``old_step: new_step``). :func:`plan` works out, from the database, how many chats at each
step would move where, and which would be stranded at a step the flow no longer has;
:func:`apply` moves them in one transaction and writes each move to the chat's answers log
("moved from X to Y by flow version N"). ``tmall-tp-bot check --db`` shows the plan; ``run``
applies it on start, and refuses to start while any chat would be stranded.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from bot.services.clock import Clock, iso
from bot.services.flow_spec import FlowError, FlowSpec
from bot.storage import chats, events
from bot.storage.sql import transaction


@dataclass(frozen=True)
class Move:
    step: str  # where the chats are
    version: int  # the flow version they were moved under
    chats: int
    target: str | None  # where they go; None: stranded (the flow says nothing)


class StrandedChats(FlowError):
    """Chats at steps the flow no longer has, and no migration that says where they go."""

    def __init__(self, spec: FlowSpec, stranded: list[Move]) -> None:
        self.stranded = stranded
        lines = [
            f"  - {m.chats} chat(s) at step '{m.step}' (flow version {m.version}): the flow has "
            f"no such step; add '{m.step}: <new step>' to a migration of version {spec.version}"
            for m in stranded
        ]
        self.path = spec.path
        self.faults = lines
        ValueError.__init__(
            self, f"{spec.path}: version {spec.version} would strand chats:\n" + "\n".join(lines)
        )


def plan(db: Database, spec: FlowSpec) -> list[Move]:
    """Every group of chats moved under an older flow version that must move now (or cannot).
    (A chat at an unknown step under this very version, a database edited by hand, is not
    stranded by a flow change: the handlers offer it a way on.)"""
    moves = []
    for state, version, count in chats.states_below_version(db, spec.version):
        target = spec.migrate(state, version)
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


def apply(db: Database, spec: FlowSpec, clock: Clock) -> list[Move]:
    """Move the chats the flow's migrations move, in one transaction; returns the moves.
    Raises :class:`StrandedChats` (and moves nothing) if any would be stranded."""
    moves = plan(db, spec)
    stranded = [m for m in moves if m.target is None]
    if stranded:
        raise StrandedChats(spec, stranded)
    at = iso(clock())
    with transaction(db):
        for move in moves:
            assert move.target is not None
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
