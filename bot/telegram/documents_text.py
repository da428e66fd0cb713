"""The evidence locker's texts: what a step asks for, a file's receipt, /documents."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from html import escape

from bot.services.evidence.evidence import DocumentState, Receipt, Verdict
from bot.services.flow.documents_spec import DocumentSpec
from bot.services.flow.flow_spec import FlowSpec
from bot.services.i18n import Catalog, format_date, format_size


class DocumentTexts:
    def __init__(self, catalog: Catalog, spec: FlowSpec, download_limit: int) -> None:
        self.catalog = catalog
        self.spec = spec
        self.download_limit = download_limit

    def t(self, lang: str, message_id: str, **args: object) -> str:
        return self.catalog.text(lang, message_id, **args)

    def types(self, document: DocumentSpec) -> str:
        return ", ".join(kind.upper() for kind in document.types)

    def title(self, lang: str, document: DocumentSpec) -> str:
        return self.t(lang, document.title)

    def count(self, lang: str, states: Sequence[DocumentState]) -> str:
        return self._count(lang, sum(1 for s in states if s.received), len(states))

    def _count(self, lang: str, received: int, total: int) -> str:
        return self.t(lang, "doc-count", received=received, total=total)

    def ask(self, lang: str, states: Sequence[DocumentState]) -> str:
        """Below a step that asks for files: each document, and how many are here."""
        return self._ask(lang, tuple((state.spec, state.received) for state in states))

    @functools.lru_cache(maxsize=256)  # noqa: B019 (one instance for the process's life)
    def _ask(self, lang: str, documents: tuple[tuple[DocumentSpec, bool], ...]) -> str:
        """The same documents with the same ones received read the same: formatted once."""
        lines = [escape(self.t(lang, "doc-ask-title"))]
        for document, received in documents:
            title = escape(self.title(lang, document))
            if received:
                lines.append(self.t(lang, "doc-ask-done", document=title))
                continue
            lines.append(
                self.t(
                    lang,
                    "doc-ask-line",
                    document=title,
                    types=self.types(document),
                    limit=format_size(min(document.max_bytes, self.download_limit), lang),
                    required="yes" if document.required else "no",
                    hint=escape(self.t(lang, document.hint)) if document.hint else "",
                )
            )
        received_count = sum(1 for _, received in documents if received)
        lines.append(escape(self._count(lang, received_count, len(documents))))
        return "\n".join(lines)

    def receipt(self, lang: str, receipt: Receipt, step: str) -> str:
        """One line: the file confirmed by name and size, or why it was refused."""
        file = receipt.file
        name = escape(file.name)
        size = format_size(file.size, lang) if file.size is not None else "?"
        document = escape(self.title(lang, receipt.document)) if receipt.document else ""
        verdict = receipt.verdict
        if verdict is Verdict.ACCEPTED:
            return self.t(lang, "doc-received", name=name, size=size, document=document)
        if verdict is Verdict.DUPLICATE:
            return self.t(lang, "doc-duplicate", name=name, document=document)
        if verdict is Verdict.OVER_DOWNLOAD_LIMIT:
            limit = format_size(self.download_limit, lang)
            return self.t(lang, "doc-over-download", name=name, size=size, limit=limit)
        if verdict is Verdict.TOO_LARGE:
            assert receipt.document is not None
            limit = format_size(receipt.document.max_bytes, lang)
            return self.t(
                lang, "doc-too-large", name=name, size=size, limit=limit, document=document
            )
        step_documents = self.spec.documents.of(step) or receipt.wanted
        kinds = sorted({k.upper() for d in step_documents for k in d.types})
        return self.t(lang, "doc-wrong-type", name=name, types=", ".join(kinds))

    def elsewhere(self, lang: str, name: str) -> str:
        """A file at a step that asks for none: where files are collected."""
        places = []
        for step, documents in self.spec.documents.by_step.items():
            if step in self.spec.steps:
                titles = ", ".join(self.title(lang, d) for d in documents)
                places.append(f"{self.t(lang, self.spec.steps[step].name)} ({titles})")
        where = "; ".join(places)
        return self.t(lang, "doc-no-documents", name=escape(name), where=escape(where))

    def still_owed(self, lang: str, missing: Sequence[DocumentSpec]) -> str:
        names = ", ".join(self.title(lang, d) for d in missing)
        return escape(self.t(lang, "doc-still-owed", missing=names, count=len(missing)))

    def revision_notice(
        self, lang: str, document: DocumentSpec | None, name: str, note: str
    ) -> str:
        """An operator sent a file back: what to change, the note framed as a quote."""
        title = self.title(lang, document) if document is not None else name
        head = escape(self.t(lang, "doc-revision-notice", document=title, name=name))
        tail = escape(self.t(lang, "doc-revision-send"))
        return f"{head}\n<blockquote>{escape(note)}</blockquote>\n{tail}"

    def listing(self, lang: str, states: dict[str, list[DocumentState]]) -> str:
        """/documents: by step, each document sent (with its review state) or missing."""
        if not states:
            return self.t(lang, "doc-list-none")
        lines = [f"<b>{escape(self.t(lang, 'doc-list-title'))}</b>"]
        for step, documents in states.items():
            if step not in self.spec.steps:
                continue
            lines.append(f"\n<b>{escape(self.t(lang, self.spec.steps[step].name))}</b>")
            for state in documents:
                title = escape(self.title(lang, state.spec))
                row = state.latest
                revision = state.revision
                if revision is not None:
                    lines.append(
                        self.t(
                            lang,
                            "doc-list-revision",
                            document=title,
                            name=escape(revision.name),
                            note=escape(revision.note or ""),
                        )
                    )
                    continue
                if row is None or not state.received:
                    required = "yes" if state.spec.required else "no"
                    lines.append(
                        self.t(lang, "doc-list-missing", document=title, required=required)
                    )
                    continue
                day = dt.datetime.fromisoformat(row.received_at).date()
                lines.append(
                    self.t(
                        lang,
                        "doc-list-received",
                        document=title,
                        name=escape(row.name),
                        size=format_size(row.size, lang) if row.size is not None else "?",
                        date=format_date(day, lang),
                        state=self.t(lang, f"doc-state-{row.review_state}"),
                    )
                )
            lines.append(escape(self.count(lang, documents)))
        return "\n".join(lines)
