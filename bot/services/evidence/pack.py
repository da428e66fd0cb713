"""The evidence pack: one company's documents, their manifest and its timeline, as a zip.

Plain values in, a zip written into a file object out (a file, standard output, or the
console's temporary file): ``documents/<step>/<name as sent>``, made safe and unique;
``manifest.json`` (one entry per file received, also those not yet fetched or that Telegram
would not give); ``timeline.csv`` (the answers log, oldest first, spreadsheet-safe cells).
Runs in a worker thread or a command-line tool, over a read-only connection.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlite_utils import Database

from bot.services.console.csv_cells import csv_writer
from bot.services.evidence.locker import Locker
from bot.storage import chats, events
from bot.storage import documents as store
from bot.storage.documents import FAILED, STORED, DocumentRow

TIMELINE_COLUMNS = (
    "at",
    "kind",
    "user_id",
    "step",
    "step_name",
    "answer",
    "to_step",
    "to_step_name",
    "detail",
)
# Kinds whose bytes are compressed already: deflating them again costs time and saves nothing.
COMPRESSED_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".zip", ".rar", ".7z", ".gz", ".mp4"}
)
MAX_NAME = 120  # characters of a sent name kept in an entry's name
_UNSAFE = re.compile(r'[\\/:*?"<>|]')


@dataclass(frozen=True)
class PackSummary:
    chat_id: int
    files: int  # documents in the zip
    not_fetched: int  # listed in the manifest without their bytes


class UnknownChat(LookupError):
    pass


def safe_entry_name(name: str) -> str:
    """A sent file name as one path segment: no folders, no control characters, no leading
    dots (``../../etc/passwd`` → ``etc_passwd``), at most :data:`MAX_NAME` characters."""
    name = unicodedata.normalize("NFC", name)
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = _UNSAFE.sub("_", name).strip().lstrip(".").strip()
    name = re.sub(r"_*\.\.+_*", "_", name)
    name = name.strip("_ ") or "document"
    if len(name) > MAX_NAME:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: MAX_NAME - len(suffix) - 1] + dot + suffix) if dot else name[:MAX_NAME]
    return name


def _unique(path: str, taken: set[str]) -> str:
    folder, _, name = path.rpartition("/")
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        stem, dot, suffix = name, "", ""
    candidate, number = path, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{folder}/{stem} ({number}){dot}{suffix}"
    taken.add(candidate.casefold())
    return candidate


def build_pack(
    db: Database,
    locker: Locker,
    chat_id: int,
    out: IO[bytes],
    step_name: Callable[[str], str] = str,
    now: dt.datetime | None = None,
) -> PackSummary:
    """Write the chat's evidence pack into ``out``; :class:`UnknownChat` if it never started."""
    if chats.get_chat(db, chat_id) is None:
        raise UnknownChat(chat_id)
    rows = store.of_chat(db, chat_id)
    timeline = events.events_of(db, chat_id)
    entries: list[dict[str, Any]] = []
    taken: set[str] = set()
    files = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as pack:
        for row in rows:
            kept = locker.path_of(row.sha256) if row.sha256 else None
            entry_name = None
            fetched = _fetch_state(row, kept)
            if fetched == STORED and kept is not None:
                entry_name = _unique(
                    f"documents/{safe_entry_name(row.step)}/{safe_entry_name(row.name)}", taken
                )
                _copy_into(pack, entry_name, kept, _zip_time(row.received_at))
                files += 1
            entries.append(_manifest_entry(row, entry_name, fetched))
        manifest = {
            "chat_id": chat_id,
            "made_at": (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
            "documents": entries,
        }
        pack.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        pack.writestr("timeline.csv", _timeline_csv(timeline, step_name))
    return PackSummary(chat_id, files, len(entries) - files)


def _fetch_state(row: DocumentRow, kept: Path | None) -> str:
    """stored / queued (not yet fetched) / failed (Telegram would not give it) / missing
    (recorded as stored, but not in the folder)."""
    if row.fetch_state == STORED:
        return STORED if kept is not None and kept.is_file() else "missing"
    return FAILED if row.fetch_state == FAILED else "not_fetched"


def _manifest_entry(row: DocumentRow, entry: str | None, fetched: str) -> dict[str, Any]:
    return {
        "file": entry,
        "name": row.name,
        "document_id": row.document_id,
        "step": row.step,
        "size": row.size,
        "sha256": row.sha256 if fetched == STORED else None,
        "mime_type": row.mime_type,
        "received_at": row.received_at,
        "sent_by": row.user_id,
        "fetched": fetched,
        "review_state": row.review_state,
        "reviewed_by": row.reviewer,
        "reviewed_at": row.reviewed_at,
        "note": row.note,
    }


def _zip_time(at: str) -> tuple[int, int, int, int, int, int]:
    when = dt.datetime.fromisoformat(at)
    return (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)


def _copy_into(pack: zipfile.ZipFile, name: str, path: Path, at: tuple[int, ...]) -> None:
    info = zipfile.ZipInfo(name, date_time=at)  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_STORED if _compressed(name) else zipfile.ZIP_DEFLATED
    with path.open("rb") as source, pack.open(info, "w") as target:
        while chunk := source.read(1 << 16):
            target.write(chunk)


def _compressed(name: str) -> bool:
    return Path(name).suffix.lower() in COMPRESSED_SUFFIXES


def _timeline_csv(timeline: list[events.EventRow], step_name: Callable[[str], str]) -> str:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(TIMELINE_COLUMNS)
    for event in timeline:
        detail = event.detail.as_json() if event.detail is not None else None
        writer.writerow(
            [
                event.at,
                event.kind,
                event.user_id,
                event.step,
                step_name(event.step) if event.step else "",
                event.answer,
                event.to_state,
                step_name(event.to_state) if event.to_state else "",
                json.dumps(detail, ensure_ascii=False) if detail is not None else "",
            ]
        )
    return "\ufeff" + out.getvalue()  # a BOM, as board.csv has: spreadsheets read UTF-8
