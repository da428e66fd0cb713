"""The evidence locker's tables: documents received (metadata, review) and the download queue.

A document row is written when a file arrives (its bytes are fetched later, off the update
path); ``evidence_downloads`` holds the files still to fetch, so a restart fetches what a
kill interrupted. The schema is the ``tpbot.evidence`` migration set, defined here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sqlite_utils import Database, Migrations

from bot.storage.sql import write

evidence = Migrations("tpbot.evidence")

RECEIVED, APPROVED, NEEDS_REVISION = "received", "approved", "needs_revision"
REVIEW_STATES = (RECEIVED, APPROVED, NEEDS_REVISION)
QUEUED, STORED, FAILED = "queued", "stored", "failed"


@evidence()
def m001_documents(db: Database) -> None:
    db.execute(
        """CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            step TEXT NOT NULL,
            document_id TEXT NOT NULL,
            flow_version INTEGER NOT NULL,
            file_id TEXT NOT NULL,
            file_unique_id TEXT NOT NULL,
            name TEXT NOT NULL,
            mime_type TEXT,
            size INTEGER,
            sha256 TEXT,
            fetch_state TEXT NOT NULL DEFAULT 'queued',
            received_at TEXT NOT NULL,
            user_id INTEGER,
            update_id INTEGER,
            media_group_id TEXT,
            review_state TEXT NOT NULL DEFAULT 'received',
            reviewer INTEGER,
            note TEXT,
            reviewed_at TEXT
        )"""
    )
    db.execute("CREATE UNIQUE INDEX documents_file ON documents (chat_id, file_unique_id)")
    db.execute(
        """CREATE TABLE evidence_downloads (
            document INTEGER PRIMARY KEY REFERENCES documents (id),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_try_at TEXT NOT NULL,
            last_error TEXT
        )"""
    )


@evidence()
def m002_documents_review(db: Database) -> None:
    # The board's "documents to review" / "needs revision" start from the few files in that
    # state (not a probe per chat), and check that each is its document's latest file; both
    # indexes cover what they are asked, so no row of the table is read.
    db.execute(
        "CREATE INDEX documents_review "
        "ON documents (review_state, chat_id, step, document_id, fetch_state)"
    )
    db.execute("CREATE INDEX documents_slot ON documents (chat_id, step, document_id, fetch_state)")


class DocumentRow(NamedTuple):
    id: int
    chat_id: int
    step: str
    document_id: str
    flow_version: int
    file_id: str
    file_unique_id: str
    name: str
    mime_type: str | None
    size: int | None
    sha256: str | None
    fetch_state: str
    received_at: str
    user_id: int | None
    update_id: int | None
    media_group_id: str | None
    review_state: str
    reviewer: int | None
    note: str | None
    reviewed_at: str | None


@dataclass(frozen=True)
class NewDocument:
    chat_id: int
    step: str
    document_id: str
    flow_version: int
    file_id: str
    file_unique_id: str
    name: str
    mime_type: str | None
    size: int | None
    received_at: str
    user_id: int | None
    update_id: int | None
    media_group_id: str | None


_COLUMNS = ", ".join(DocumentRow._fields)
_NEW = ", ".join(NewDocument.__dataclass_fields__)
_MARKS = ", ".join("?" for _ in NewDocument.__dataclass_fields__)


def add_document(db: Database, new: NewDocument) -> int:
    """Inside a transaction: the row and its place in the download queue."""
    values = [getattr(new, name) for name in NewDocument.__dataclass_fields__]
    cursor = write(db, f"INSERT INTO documents ({_NEW}) VALUES ({_MARKS})", values)
    row_id = int(cursor.lastrowid or 0)
    write(
        db,
        "INSERT INTO evidence_downloads (document, next_try_at) VALUES (?, ?)",
        [row_id, new.received_at],
    )
    return row_id


def by_unique_id(db: Database, chat_id: int, file_unique_id: str) -> DocumentRow | None:
    row = db.execute(
        f"SELECT {_COLUMNS} FROM documents WHERE chat_id = ? AND file_unique_id = ?",
        [chat_id, file_unique_id],
    ).fetchone()
    return DocumentRow._make(row) if row else None


def get_document(db: Database, row_id: int) -> DocumentRow | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM documents WHERE id = ?", [row_id]).fetchone()
    return DocumentRow._make(row) if row else None


def of_chat(db: Database, chat_id: int) -> list[DocumentRow]:
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM documents WHERE chat_id = ? ORDER BY id", [chat_id]
    ).fetchall()
    return [DocumentRow._make(row) for row in rows]


def placements(db: Database) -> list[tuple[str, str, int]]:
    """(step, document id, flow version) of every file kept, grouped: for ``check --db``."""
    rows = db.execute(
        "SELECT step, document_id, flow_version, count(*) FROM documents "
        "GROUP BY step, document_id, flow_version"
    ).fetchall()
    return [(str(r[0]), str(r[1]), int(r[2])) for r in rows for _ in range(int(r[3]))]


def of_album(db: Database, chat_id: int, media_group_id: str) -> list[DocumentRow]:
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM documents WHERE chat_id = ? AND media_group_id = ? ORDER BY id",
        [chat_id, media_group_id],
    ).fetchall()
    return [DocumentRow._make(row) for row in rows]


def due_downloads(db: Database, now: str, limit: int = 16) -> list[tuple[DocumentRow, int]]:
    """Documents to fetch now, with the attempts made so far, oldest first."""
    rows = db.execute(
        f"SELECT {', '.join('d.' + c for c in DocumentRow._fields)}, q.attempts "
        "FROM evidence_downloads q JOIN documents d ON d.id = q.document "
        "WHERE q.next_try_at <= ? ORDER BY q.next_try_at, q.document LIMIT ?",
        [now, limit],
    ).fetchall()
    return [(DocumentRow._make(row[:-1]), int(row[-1])) for row in rows]


def queued_count(db: Database) -> int:
    return int(db.execute("SELECT count(*) FROM evidence_downloads").fetchone()[0])


def stored(db: Database, row_id: int, sha256: str, size: int) -> None:
    write(
        db,
        "UPDATE documents SET sha256 = ?, size = ?, fetch_state = 'stored' WHERE id = ?",
        [sha256, size, row_id],
    )
    write(db, "DELETE FROM evidence_downloads WHERE document = ?", [row_id])


def failed(db: Database, row_id: int, error: str) -> None:
    write(db, "UPDATE documents SET fetch_state = 'failed' WHERE id = ?", [row_id])
    write(db, "DELETE FROM evidence_downloads WHERE document = ?", [row_id])
    write(db, "UPDATE documents SET note = coalesce(note, ?) WHERE id = ?", [error, row_id])


def retry_later(db: Database, row_id: int, at: str, error: str) -> None:
    write(
        db,
        "UPDATE evidence_downloads SET attempts = attempts + 1, next_try_at = ?, last_error = ? "
        "WHERE document = ?",
        [at, error, row_id],
    )


def superseded(db: Database, row: DocumentRow) -> bool:
    """Whether a newer file (not failed) came for the same document of the same chat."""
    found = db.execute(
        "SELECT 1 FROM documents WHERE chat_id = ? AND step = ? AND document_id = ? "
        "AND id > ? AND fetch_state != 'failed' LIMIT 1",
        [row.chat_id, row.step, row.document_id, row.id],
    ).fetchone()
    return found is not None


def set_review(
    db: Database, row_id: int, state: str, reviewer: int | None, note: str | None, at: str
) -> bool:
    cursor = write(
        db,
        "UPDATE documents SET review_state = ?, reviewer = ?, note = ?, reviewed_at = ? "
        "WHERE id = ?",
        [state, reviewer, note, at, row_id],
    )
    return cursor.rowcount == 1
