"""Receiving a step's documents, what a chat owes, and the review of each file.

Plain values in and out. A file that arrives is matched to the current step's first
document it fits that is still missing (else the last one it fits: a newer version),
checked (type, the document's limit, the Bot API's download limit) and recorded with its
place in the download queue, in one transaction; the bytes are fetched later
(``bot.telegram.downloads``).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from bot.services.flow.documents_spec import DocumentSpec
from bot.services.flow.flow_spec import FlowSpec
from bot.storage import documents as store
from bot.storage.documents import APPROVED as APPROVED
from bot.storage.documents import FAILED, REVIEW_STATES, NewDocument
from bot.storage.documents import NEEDS_REVISION as NEEDS_REVISION
from bot.storage.documents import RECEIVED as RECEIVED
from bot.storage.documents import STORED as STORED
from bot.storage.documents import DocumentRow as DocumentRow
from bot.storage.sql import transaction


class Verdict(enum.Enum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"  # the same file (file_unique_id) was received before
    WRONG_TYPE = "wrong_type"
    TOO_LARGE = "too_large"  # over the document's own limit
    OVER_DOWNLOAD_LIMIT = "over_download_limit"  # over what the Bot API lets us fetch
    NO_DOCUMENTS = "no_documents"  # the step asks for none


@dataclass(frozen=True)
class IncomingFile:
    file_id: str
    file_unique_id: str
    name: str
    mime_type: str | None
    size: int | None
    media_group_id: str | None = None


@dataclass(frozen=True)
class Receipt:
    verdict: Verdict
    file: IncomingFile
    document: DocumentSpec | None = None
    row: DocumentRow | None = None
    wanted: tuple[DocumentSpec, ...] = ()  # refused for its type: the documents it could be


@dataclass(frozen=True)
class DocumentState:
    """One document of a step, and the latest file received for it (None: missing)."""

    spec: DocumentSpec
    latest: DocumentRow | None

    @property
    def received(self) -> bool:
        """Here and usable: a file an operator sent back for a revision is owed again."""
        latest = self.latest
        return (
            latest is not None
            and latest.fetch_state != FAILED
            and latest.review_state != NEEDS_REVISION
        )

    @property
    def revision(self) -> DocumentRow | None:
        """The file sent back for a revision (with the operator's note), if it is."""
        latest = self.latest
        if latest is not None and latest.review_state == NEEDS_REVISION:
            return latest
        return None


class EvidenceService:
    def __init__(
        self,
        db: Database,
        spec: FlowSpec,
        clock: Callable[[], dt.datetime],
        download_limit: int,
    ) -> None:
        self.db = db
        self.spec = spec
        self.clock = clock
        self.download_limit = download_limit

    def asks(self, step: str) -> bool:
        return bool(self.spec.documents.of(step))

    def states(self, chat_id: int, step: str) -> list[DocumentState]:
        """The step's documents, each with its latest file, counting files received under an
        older flow where the flow's migrations put them now."""
        latest: dict[str, DocumentRow] = {}
        for row in store.of_chat(self.db, chat_id):
            here = self._where_now(row)
            if here is not None and here[0] == step and row.fetch_state != FAILED:
                latest[here[1]] = row
        return [DocumentState(d, latest.get(d.id)) for d in self.spec.documents.of(step)]

    def all_states(self, chat_id: int) -> dict[str, list[DocumentState]]:
        rows = store.of_chat(self.db, chat_id)
        result: dict[str, list[DocumentState]] = {}
        for step, documents in self.spec.documents.by_step.items():
            latest: dict[str, DocumentRow] = {}
            for row in rows:
                here = self._where_now(row)
                if here is not None and here[0] == step and row.fetch_state != FAILED:
                    latest[here[1]] = row
            result[step] = [DocumentState(d, latest.get(d.id)) for d in documents]
        return result

    def counts(self, chat_id: int) -> dict[str, tuple[int, int]]:
        """Step → (documents received, documents asked for), for the checklist."""
        return {
            step: (sum(1 for s in states if s.received), len(states))
            for step, states in self.all_states(chat_id).items()
        }

    def missing_required(self, chat_id: int, step: str) -> list[DocumentSpec]:
        if not self.asks(step):
            return []
        return [s.spec for s in self.states(chat_id, step) if s.spec.required and not s.received]

    def unlisted(self) -> list[tuple[str, str]]:
        """(step, document id) of each kept file that this flow no longer asks for (a
        document removed or renamed without a migration's ``documents:``): kept, not listed."""
        lost = []
        for step, document_id, version in store.placements(self.db):
            moved = self.spec.migrate(step, version)
            here = self.spec.documents.current(moved, document_id, version) if moved else None
            if here is None or self.spec.documents.find(*here) is None:
                lost.append((step, document_id))
        return lost

    def _where_now(self, row: DocumentRow) -> tuple[str, str] | None:
        step = self.spec.migrate(row.step, row.flow_version)
        if step is None:
            return None
        return self.spec.documents.current(step, row.document_id, row.flow_version)

    def receive(
        self,
        chat_id: int,
        step: str,
        file: IncomingFile,
        user_id: int | None,
        update_id: int,
        earlier: Sequence[str] = (),
        asked: Sequence[tuple[str, str]] = (),
    ) -> Receipt:
        """``earlier``: the steps the chat went through; a document they asked for that is
        still missing is taken too, at any later step. ``asked``: (step, document) of other
        steps asked for here (a rejection's walk), taken as the step's own are."""
        before = store.by_unique_id(self.db, chat_id, file.file_unique_id)
        if before is not None:  # the same update again (a redelivery) reads as it did
            verdict = Verdict.ACCEPTED if before.update_id == update_id else Verdict.DUPLICATE
            spec = self.spec.documents.find(before.step, before.document_id)
            return Receipt(verdict, file, spec, before)
        states = self.states(chat_id, step)
        states += [s for s in self._asked_states(chat_id, asked) if s not in states]
        here_states = list(states)  # the step's own and asked: before earlier ones
        for other in dict.fromkeys(earlier):
            if other != step and self.asks(other):
                states += [
                    s for s in self.states(chat_id, other) if not s.received and s not in states
                ]
        if not states:
            return Receipt(Verdict.NO_DOCUMENTS, file)
        fitting = [s for s in states if s.spec.accepts(file.mime_type, file.name)]
        if not fitting:
            return Receipt(Verdict.WRONG_TYPE, file, wanted=tuple(s.spec for s in states))
        here = [s for s in fitting if s in here_states]
        chosen = next((s for s in fitting if not s.received), (here or fitting)[-1])
        document = chosen.spec
        if file.size is not None and file.size > self.download_limit:
            return Receipt(Verdict.OVER_DOWNLOAD_LIMIT, file, document)
        if file.size is not None and file.size > document.max_bytes:
            return Receipt(Verdict.TOO_LARGE, file, document)
        new = NewDocument(
            chat_id=chat_id,
            step=document.step,
            document_id=document.id,
            flow_version=self.spec.version,
            file_id=file.file_id,
            file_unique_id=file.file_unique_id,
            name=file.name,
            mime_type=file.mime_type,
            size=file.size,
            received_at=self.clock().isoformat(timespec="seconds"),
            user_id=user_id,
            update_id=update_id,
            media_group_id=file.media_group_id,
        )
        with transaction(self.db):
            row_id = store.add_document(self.db, new)
        return Receipt(Verdict.ACCEPTED, file, document, store.get_document(self.db, row_id))

    def asked_states(
        self, chat_id: int, step: str, asked: Sequence[tuple[str, str]]
    ) -> list[DocumentState]:
        """The step's own documents and the ``asked`` ones of other steps (a rejection's walk),
        each with its latest file: what the step's message lists."""
        return [*self.states(chat_id, step), *self._asked_states(chat_id, asked)]

    def _asked_states(self, chat_id: int, asked: Sequence[tuple[str, str]]) -> list[DocumentState]:
        wanted: dict[str, list[str]] = {}
        for step, document in asked:
            wanted.setdefault(step, []).append(document)
        return [
            state
            for step, ids in wanted.items()
            for state in self.states(chat_id, step)
            if state.spec.id in ids
        ]

    def owed(self, chat_id: int, path: Sequence[str]) -> list[DocumentSpec]:
        """The required documents of the steps on ``path`` (the chat's steps so far, its
        current one included) that are not here: what reminders name."""
        missing: list[DocumentSpec] = []
        for step in dict.fromkeys(path):
            missing += self.missing_required(chat_id, step)
        return missing

    def document(self, row_id: int) -> DocumentRow | None:
        return store.get_document(self.db, row_id)

    def superseded(self, row: DocumentRow) -> bool:
        return store.superseded(self.db, row)

    def album(self, chat_id: int, media_group_id: str) -> list[DocumentRow]:
        return store.of_album(self.db, chat_id, media_group_id)

    def set_review(self, row_id: int, state: str, reviewer: int, note: str | None = None) -> bool:
        """An operator's review of a file (the console's next door): ``approved`` or
        ``needs_revision`` with a note; False if there is no such file."""
        if state not in REVIEW_STATES:
            raise ValueError(f"unknown review state {state!r}")
        at = self.clock().isoformat(timespec="seconds")
        with transaction(self.db):
            return store.set_review(self.db, row_id, state, reviewer, note, at)

    def reopen(
        self, chat_id: int, documents: Sequence[tuple[str, str]], note: str, by: int | None
    ) -> int:
        """A rejection's reason concerns these (step, document id): each one's latest file
        is set to needs_revision with ``note`` (it counts as missing again); how many. Joins
        the caller's transaction."""
        at = self.clock().isoformat(timespec="seconds")
        reopened = 0
        with transaction(self.db):
            for step, document_id in documents:
                latest = next(
                    (s.latest for s in self.states(chat_id, step) if s.spec.id == document_id),
                    None,
                )
                if latest is not None and latest.review_state != NEEDS_REVISION:
                    store.set_review(self.db, latest.id, NEEDS_REVISION, by, note, at)
                    reopened += 1
        return reopened

    # -- the download queue (bot.telegram.downloads) --------------------------------------
    def due(self, limit: int = 16) -> list[tuple[DocumentRow, int]]:
        return store.due_downloads(self.db, self.clock().isoformat(timespec="seconds"), limit)

    def queued(self) -> int:
        return store.queued_count(self.db)

    def stored(self, row_id: int, sha256: str, size: int) -> None:
        with transaction(self.db):
            store.stored(self.db, row_id, sha256, size)

    def failed(self, row_id: int, error: str) -> None:
        """Telegram will not give the file (a forged or expired file_id): the row is kept,
        marked failed, and no longer counts as received."""
        with transaction(self.db):
            store.failed(self.db, row_id, error)

    def retry_later(self, row_id: int, attempts: int, error: str) -> float:
        """Back off (2 s, 4 s … at most 10 min) after a network error; the delay."""
        delay = float(min(2 ** (attempts + 1), 600))
        at = (self.clock() + dt.timedelta(seconds=delay)).isoformat(timespec="seconds")
        with transaction(self.db):
            store.retry_later(self.db, row_id, at, error)
        return delay
