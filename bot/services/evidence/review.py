"""An operator's review of a file from the console: approved, or sent back for a revision with
a note (the document then counts as missing again: the checklist, /documents and reminders
ask for it). The review and its answers-log entry (with the operator's id) are one
transaction."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.services.calendar.clock import iso
from bot.services.evidence.evidence import EvidenceService
from bot.services.flow.documents_spec import DocumentSpec
from bot.services.flow.event_log import EventLog
from bot.services.flow.progress import ProgressService
from bot.storage import documents as store
from bot.storage.documents import APPROVED, NEEDS_REVISION, STORED, DocumentRow
from bot.storage.event_details import DocumentReview
from bot.storage.sql import transaction

NOTE_LIMIT = 1000  # the note goes to the user inside a message of at most 4,096 characters
VERDICTS = (APPROVED, NEEDS_REVISION)


class ReviewRefused(enum.Enum):
    NO_FILE = "no-file"  # no such file of this company
    NOT_STORED = "not-stored"  # not downloaded yet (or Telegram refused it): nothing to see
    STALE = "stale"  # the company moved, or a newer file came, since the page was read
    NO_NOTE = "no-note"  # a revision needs a note
    LONG_NOTE = "long-note"
    BAD_VERDICT = "bad-verdict"


@dataclass(frozen=True)
class Reviewed:
    row: DocumentRow
    spec: DocumentSpec | None
    state: str
    note: str | None
    language: str


class Reviews:
    def __init__(self, evidence: EvidenceService, log: EventLog, progress: ProgressService) -> None:
        self.evidence = evidence
        self.log = log
        self.progress = progress

    def review(
        self, chat_id: int, file: int, verdict: str, note: str, *, by: int, seq: int | None
    ) -> Reviewed | ReviewRefused:
        if verdict not in VERDICTS:
            return ReviewRefused.BAD_VERDICT
        row = self.evidence.document(file)
        current = self.progress.get(chat_id)
        if row is None or row.chat_id != chat_id or current is None:
            return ReviewRefused.NO_FILE
        if row.fetch_state != STORED:
            return ReviewRefused.NOT_STORED
        if seq is None or seq != current.seq or self.evidence.superseded(row):
            return ReviewRefused.STALE
        text = note.strip()
        if verdict == NEEDS_REVISION and not text:
            return ReviewRefused.NO_NOTE
        if len(text) > NOTE_LIMIT:
            return ReviewRefused.LONG_NOTE
        kept = text or None
        db = self.evidence.db
        at = iso(self.evidence.clock())
        detail = DocumentReview(row.id, row.document_id, row.name, verdict, kept)
        with transaction(db):
            store.set_review(db, row.id, verdict, by, kept, at)
            self.log.write(chat_id, "document-review", at, user_id=by, step=row.step, detail=detail)
        spec = self.evidence.spec.documents.find(row.step, row.document_id)
        return Reviewed(row, spec, verdict, kept, current.language)
