"""A broadcast's live progress / final report as a Telegram HTML message (the operator's
chat, and each row of ``/broadcasts``)."""

from __future__ import annotations

from bot.services.broadcasts.broadcasts import Report
from bot.services.i18n import Catalog, format_number


def report_text(catalog: Catalog, lang: str, report: Report) -> str:
    """The live progress / final report of a broadcast, in the operator's language."""
    t = catalog.text

    def n(value: float) -> str:
        return format_number(value, lang)

    status_id = f"bc-status-{report.status}"
    status = t(lang, status_id) if catalog.has(lang, status_id) else report.status
    lines = [
        t(lang, "bc-progress-title", id=report.broadcast_id, status=status),
        t(
            lang,
            "bc-progress-counts",
            sent=n(report.sent),
            blocked=n(report.blocked),
            failed=n(report.failed),
            left=n(report.left),
            total=n(report.total),
        ),
    ]
    if report.unknown:
        lines.append(t(lang, "bc-progress-unknown", count=n(report.unknown)))
    if report.cancelled:
        lines.append(t(lang, "bc-progress-cancelled", count=n(report.cancelled)))
    if report.eta_seconds is not None and not report.final:
        lines.append(t(lang, "bc-progress-eta", minutes=max(1, round(report.eta_seconds / 60))))
    return "\n".join(lines)
