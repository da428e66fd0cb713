"""The ``detail`` of an answers-log entry: one small value per kind of entry, stored as JSON.

Each kind has one known shape, so a reader gets a typed value (or None: a kind that carries
no detail) and never has to guess:

- ``answer`` entering an audit step: :class:`AuditDates` ``{"submitted": d, "due": d}``
- ``answer`` "rejected" at an audit step, with the reason: :class:`AuditRejection`
  ``{"reason": id, "reopened": [step, ...], "operator": bool}`` (``"other"``: not stated)
- ``language``: :class:`LanguageSet` ``{"language": code}`` (entries written before held the
  bare code; the ``tpbot.core`` migration ``m008_language_detail_json`` rewrote them)
- ``migrate``: :class:`FlowMigrated` ``{"flow_version": n}`` (a flow change moved the chat) or
  :class:`ChatMigrated` ``{"from": id}`` (the group became a supergroup)
- ``operator-move``: :class:`OperatorMove` ``{"reason", "override", "submitted"?, "due"?}``
- ``operator-message``: :class:`OperatorMessage` ``{"text": ...}`` (``"reply"``: a canned
  reply's name)
- ``document-review``: :class:`DocumentReview` ``{"file", "document", "name", "state", "note"}``
  (an operator approved a file, or sent it back for a revision with the note)
- ``ticket-take``: :class:`TicketTaken` ``{"ticket", "name", "previous"}`` (an operator took
  the chat's ticket; ``previous``: the operator it was taken over from, if any)
- ``ticket-rating``: :class:`TicketRated` ``{"ticket", "rating", "operator"}`` (the user
  rated the closed ticket; ``operator``: who held it)
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class AuditDates:
    """The audit's dates, logged when the chat enters an audit step (for /back and the
    journey)."""

    submitted: dt.date
    due: dt.date

    def as_json(self) -> dict[str, Any]:
        return {"submitted": self.submitted.isoformat(), "due": self.due.isoformat()}


@dataclass(frozen=True, slots=True)
class AuditRejection:
    """Why an audit was rejected (a reason id of the flow, or ``other``), the steps it
    reopened, and whether an operator recorded it (in the console) rather than the chat."""

    reason: str
    reopened: tuple[str, ...]
    by_operator: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "reason": self.reason,
            "reopened": list(self.reopened),
            "operator": self.by_operator,
        }


@dataclass(frozen=True, slots=True)
class LanguageSet:
    language: str

    def as_json(self) -> dict[str, Any]:
        return {"language": self.language}


@dataclass(frozen=True, slots=True)
class FlowMigrated:
    flow_version: int

    def as_json(self) -> dict[str, Any]:
        return {"flow_version": self.flow_version}


@dataclass(frozen=True, slots=True)
class ChatMigrated:
    from_chat_id: int

    def as_json(self) -> dict[str, Any]:
        return {"from": self.from_chat_id}


@dataclass(frozen=True, slots=True)
class OperatorMove:
    reason: str
    override: bool
    audit: AuditDates | None = None  # the move entered an audit step

    def as_json(self) -> dict[str, Any]:
        dates = self.audit.as_json() if self.audit is not None else {}
        return {"reason": self.reason, "override": self.override, **dates}


@dataclass(frozen=True, slots=True)
class OperatorMessage:
    text: str
    reply: str | None = None  # the canned reply's name, if it was one

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, **({"reply": self.reply} if self.reply else {})}


@dataclass(frozen=True, slots=True)
class DocumentReview:
    file: int  # the documents row
    document: str  # the flow's document id
    name: str
    state: str  # approved / needs_revision
    note: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "document": self.document,
            "name": self.name,
            "state": self.state,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class TicketTaken:
    ticket: int
    name: str  # the operator's name as Telegram gave it
    previous: int | None = None  # taken over from this operator

    def as_json(self) -> dict[str, Any]:
        return {"ticket": self.ticket, "name": self.name, "previous": self.previous}


@dataclass(frozen=True, slots=True)
class TicketRated:
    ticket: int
    rating: int  # 1 to 5
    operator: int | None = None  # who held the ticket when it closed

    def as_json(self) -> dict[str, Any]:
        return {"ticket": self.ticket, "rating": self.rating, "operator": self.operator}


EventDetail = (
    AuditDates
    | AuditRejection
    | LanguageSet
    | FlowMigrated
    | ChatMigrated
    | OperatorMove
    | OperatorMessage
    | DocumentReview
    | TicketTaken
    | TicketRated
)


def encode(detail: EventDetail | None) -> str | None:
    """The ``detail`` column's text for ``detail``."""
    if detail is None:
        return None
    return json.dumps(detail.as_json(), ensure_ascii=False)


def _audit(data: dict[str, Any]) -> AuditDates | None:
    if "due" not in data:
        return None
    return AuditDates(dt.date.fromisoformat(data["submitted"]), dt.date.fromisoformat(data["due"]))


def decode(kind: str, text: str | None) -> EventDetail | None:
    """The typed detail of an entry of ``kind`` from its column (None: the kind has none)."""
    if text is None:
        return None
    if kind == "answer":
        data = json.loads(text)
        if "reason" in data:
            reopened = tuple(str(s) for s in data.get("reopened", ()))
            return AuditRejection(str(data["reason"]), reopened, bool(data.get("operator")))
        return _audit(data)
    if kind == "language":
        return LanguageSet(str(json.loads(text)["language"]))
    if kind == "migrate":
        data = json.loads(text)
        if "from" in data:
            return ChatMigrated(int(data["from"]))
        return FlowMigrated(int(data["flow_version"]))
    if kind == "operator-move":
        data = json.loads(text)
        return OperatorMove(str(data["reason"]), bool(data["override"]), _audit(data))
    if kind == "operator-message":
        data = json.loads(text)
        return OperatorMessage(str(data["text"]), data.get("reply"))
    if kind == "document-review":
        data = json.loads(text)
        note = data.get("note")
        return DocumentReview(
            int(data["file"]),
            str(data["document"]),
            str(data["name"]),
            str(data["state"]),
            None if note is None else str(note),
        )
    if kind == "ticket-take":
        data = json.loads(text)
        previous = data.get("previous")
        return TicketTaken(
            int(data["ticket"]), str(data["name"]), None if previous is None else int(previous)
        )
    if kind == "ticket-rating":
        data = json.loads(text)
        operator = data.get("operator")
        return TicketRated(
            int(data["ticket"]), int(data["rating"]), None if operator is None else int(operator)
        )
    return None
