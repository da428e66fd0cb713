"""The documents a step asks for (``documents:`` on a step of the flow file), validated.

Each entry names a document: its ``id`` (unique within the step), a Fluent ``title``, the
accepted ``types`` (file kinds from :data:`FILE_TYPES`), a ``max_mb`` size limit, whether it
is ``required`` and a Fluent ``hint``. A migration may rename documents too
(``documents: {old_step.old_id: new_step.new_id}``), so a file received under an older flow
is still counted where the document is now. Faults name the file, the step and what is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MEGABYTE = 1_000_000  # as Telegram counts its limits (telegram.constants.FileSizeLimit)
# File kind → (MIME types, file name extensions). A photo (Telegram recompresses it) is JPEG.
FILE_TYPES: Mapping[str, tuple[frozenset[str], frozenset[str]]] = {
    "pdf": (frozenset({"application/pdf"}), frozenset({".pdf"})),
    "jpg": (frozenset({"image/jpeg"}), frozenset({".jpg", ".jpeg"})),
    "png": (frozenset({"image/png"}), frozenset({".png"})),
    "doc": (frozenset({"application/msword"}), frozenset({".doc"})),
    "docx": (
        frozenset({"application/vnd.openxmlformats-officedocument.wordprocessingml.document"}),
        frozenset({".docx"}),
    ),
    "ppt": (frozenset({"application/vnd.ms-powerpoint"}), frozenset({".ppt"})),
    "pptx": (
        frozenset({"application/vnd.openxmlformats-officedocument.presentationml.presentation"}),
        frozenset({".pptx"}),
    ),
    "xlsx": (
        frozenset({"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
        frozenset({".xlsx"}),
    ),
}
MAX_LIMIT_MB = 2000  # a self-hosted Bot API server's own upper bound


@dataclass(frozen=True)
class DocumentSpec:
    id: str
    step: str
    title: str  # Fluent id
    types: tuple[str, ...]
    max_bytes: int
    required: bool
    hint: str | None  # Fluent id

    def accepts(self, mime_type: str | None, file_name: str | None) -> bool:
        """Whether a file of this MIME type or name (either one is enough) is of a kind the
        document takes."""
        suffix = "." + file_name.rsplit(".", 1)[1].lower() if file_name and "." in file_name else ""
        for kind in self.types:
            mimes, suffixes = FILE_TYPES[kind]
            if (mime_type or "").lower() in mimes or suffix in suffixes:
                return True
        return False


@dataclass(frozen=True)
class FlowDocuments:
    """Every step's documents, and the documents' renames by flow version."""

    by_step: Mapping[str, tuple[DocumentSpec, ...]]
    renames: Mapping[int, Mapping[tuple[str, str], tuple[str, str]]]

    def of(self, step: str) -> tuple[DocumentSpec, ...]:
        return self.by_step.get(step, ())

    def find(self, step: str, document_id: str) -> DocumentSpec | None:
        return next((d for d in self.of(step) if d.id == document_id), None)

    def message_ids(self) -> set[str]:
        ids: set[str] = set()
        for documents in self.by_step.values():
            for document in documents:
                ids.add(document.title)
                if document.hint:
                    ids.add(document.hint)
        return ids

    def current(self, step: str, document_id: str, from_version: int) -> tuple[str, str]:
        """Where a document received at ``step`` under ``from_version`` is in this flow, by
        the later versions' renames (a step's own move is the flow's migration, applied by
        the caller)."""
        key = (step, document_id)
        for version in sorted(self.renames):
            if version > from_version:
                key = self.renames[version].get(key, key)
        return key


def parse_documents(
    raw: Any,
    migrations: Any,
    steps: Iterable[str],
    locales: Mapping[str, Iterable[str]] | None,
    faults: list[str],
) -> FlowDocuments:
    """``raw`` is the flow file's ``steps`` list; faults are appended, each naming the step."""
    by_step: dict[str, tuple[DocumentSpec, ...]] = {}
    known = {lang: set(ids) for lang, ids in (locales or {}).items()}
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict) or "documents" not in item:
            continue
        step_id = str(item.get("id"))
        where = f"step '{step_id}'"
        entries = item["documents"]
        if not isinstance(entries, list) or not entries:
            faults.append(f"{where}: 'documents' must be a non-empty list")
            continue
        documents: list[DocumentSpec] = []
        for number, entry in enumerate(entries):
            document = _parse_document(entry, f"{where}, document #{number + 1}", step_id, faults)
            if document is None:
                continue
            if any(d.id == document.id for d in documents):
                faults.append(f"{where}, document '{document.id}': defined twice")
                continue
            for lang, ids in known.items():
                for key in (document.title, document.hint):
                    if key is not None and key not in ids:
                        faults.append(
                            f"{where}, document '{document.id}': text '{key}' missing in "
                            f"locale '{lang}'"
                        )
            documents.append(document)
        by_step[step_id] = tuple(documents)
    renames = _parse_renames(migrations, set(steps), by_step, faults)
    return FlowDocuments(by_step, renames)


def _parse_document(entry: Any, where: str, step_id: str, faults: list[str]) -> DocumentSpec | None:
    if not isinstance(entry, dict) or "id" not in entry:
        faults.append(f"{where}: needs an 'id'")
        return None
    document_id = str(entry["id"])
    where = where.rsplit(",", 1)[0] + f", document '{document_id}'"
    ok = True
    if not document_id.replace("_", "").isalnum() or not document_id.isascii():
        faults.append(f"{where}: the id may use only letters, digits and _")
        ok = False
    if not entry.get("title"):
        faults.append(f"{where}: missing 'title' (a Fluent message id)")
        ok = False
    types = entry.get("types")
    if not isinstance(types, list) or not types:
        faults.append(f"{where}: 'types' must be a non-empty list (of {', '.join(FILE_TYPES)})")
        ok = False
        types = []
    for kind in types:
        if str(kind) not in FILE_TYPES:
            faults.append(f"{where}: unknown type '{kind}' (one of {', '.join(FILE_TYPES)})")
            ok = False
    limit = entry.get("max_mb")
    if isinstance(limit, bool) or not isinstance(limit, int | float) or not limit > 0:
        faults.append(f"{where}: 'max_mb' must be a positive number of megabytes")
        ok = False
    elif limit > MAX_LIMIT_MB:
        faults.append(f"{where}: 'max_mb' {limit} is above {MAX_LIMIT_MB}")
        ok = False
    required = entry.get("required", True)
    if not isinstance(required, bool):
        faults.append(f"{where}: 'required' must be true or false")
        ok = False
    if not ok:
        return None
    hint = entry.get("hint")
    return DocumentSpec(
        id=document_id,
        step=step_id,
        title=str(entry["title"]),
        types=tuple(str(kind) for kind in types),
        max_bytes=int(float(entry["max_mb"]) * MEGABYTE),
        required=bool(required),
        hint=None if hint is None else str(hint),
    )


def _parse_renames(
    raw: Any,
    steps: set[str],
    by_step: Mapping[str, tuple[DocumentSpec, ...]],
    faults: list[str],
) -> dict[int, dict[tuple[str, str], tuple[str, str]]]:
    renames: dict[int, dict[tuple[str, str], tuple[str, str]]] = {}
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict) or "documents" not in item:
            continue
        version, moves = item.get("version"), item["documents"]
        where = f"migrations, version {version}, documents"
        if not isinstance(version, int) or not isinstance(moves, dict):
            faults.append(f"{where}: must map 'old_step.old_id' to 'new_step.new_id'")
            continue
        table = renames.setdefault(version, {})
        for old, new in moves.items():
            old_key, new_key = str(old).partition("."), str(new).partition(".")
            if not old_key[2] or not new_key[2]:
                faults.append(f"{where}: '{old}' → '{new}': write each as step.document")
                continue
            target = by_step.get(new_key[0], ())
            if new_key[0] not in steps or not any(d.id == new_key[2] for d in target):
                faults.append(f"{where}: '{old}' → '{new}': no such document in this flow")
                continue
            table[(old_key[0], old_key[2])] = (new_key[0], new_key[2])
    return renames
