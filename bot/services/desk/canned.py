"""Canned replies: named answers the desk sends a company in its own language.

They are the Fluent messages of ``locales/<lang>/replies.ftl``, each named ``reply-<name>``
(the prefix keeps them apart from the bot's own texts, which share one catalog); ``/reply
<name>`` in a ticket's topic and the console's company page send them. A reply may use the
company's name, its current step, the expected date of its audit and the flow's facts
(``VARIABLES``). A reply that needs a fact the company does not have (an audit date while it
is not at an audit) is refused, not sent with a hole in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from html import escape
from pathlib import Path

from bot.services.calendar.workdays import Calendar
from bot.services.flow.chat_progress import ChatProgress
from bot.services.flow.flow_spec import FlowSpec
from bot.services.i18n import DEFAULT_LANGUAGE, Catalog, format_date, format_money
from bot.services.message_html import plain_preview

REPLIES_FILE = "replies.ftl"
PREFIX = "reply-"
# What a reply may use: the company's facts, and the flow's (as the step texts have them).
VARIABLES = frozenset({"company", "step", "audit_date", "deposit", "working_days"})
PREVIEW_LIMIT = 80
_MISSING = "…"  # a fact a preview cannot fill in


class Missing(Enum):
    AUDIT_DATE = "audit-date"  # not at an audit: no expected date
    STEP = "step"  # not started, or at a step the flow no longer has


@dataclass(frozen=True)
class ReplyFacts:
    """What a reply may say about one company, in its language."""

    company: str
    language: str
    step_name: str | None  # the step's name (a text id); None: no step known
    audit_due: dt.date | None


@dataclass(frozen=True)
class ComposedReply:
    name: str
    language: str
    html: str  # Telegram HTML, the company's facts escaped


@dataclass(frozen=True)
class ReplyRefused:
    name: str
    missing: Missing


def _in_replies_file(where: str) -> bool:
    return Path(where.rsplit(":", 1)[0]).name == REPLIES_FILE


def reply_names(catalog: Catalog) -> list[str]:
    """The canned replies' names (``audit-waiting`` for ``reply-audit-waiting``), sorted."""
    messages = catalog.messages.get(DEFAULT_LANGUAGE, {})
    return sorted(
        message_id.removeprefix(PREFIX)
        for message_id, info in messages.items()
        if message_id.startswith(PREFIX) and _in_replies_file(info.where)
    )


def reply_faults(catalog: Catalog) -> list[str]:
    """What ``check`` reports about the replies files: a message not named ``reply-…``, a
    placeable no reply is given, a reply in one language and not in the other (each with its
    file and line). Syntax errors are the catalog's own faults."""
    faults: list[str] = []
    names: dict[str, dict[str, str]] = {}  # lang → reply id → where
    for lang, messages in catalog.messages.items():
        names[lang] = {}
        for message_id, info in messages.items():
            if not _in_replies_file(info.where):
                continue
            if not message_id.startswith(PREFIX):
                faults.append(
                    f"{info.where}: message '{message_id}' in {REPLIES_FILE} must be named "
                    f"'{PREFIX}<name>' (the name /reply takes)"
                )
                continue
            names[lang][message_id] = info.where
            if unknown := info.variables - VARIABLES:
                faults.append(
                    f"{info.where}: canned reply '{message_id}' uses "
                    f"{', '.join(f'${v}' for v in sorted(unknown))}; a reply is given only "
                    f"{', '.join(f'${v}' for v in sorted(VARIABLES))}"
                )
    for found in names.values():
        for other, theirs in names.items():
            for message_id in sorted(set(found) - set(theirs) - catalog.broken_ids):
                faults.append(
                    f"{found[message_id]}: canned reply '{message_id}' has no '{other}' text "
                    f"(add it to {catalog.directory / other / REPLIES_FILE})"
                )
    return faults


class CannedReplies:
    def __init__(self, catalog: Catalog, spec: FlowSpec, calendar: Calendar) -> None:
        self.catalog = catalog
        self.spec = spec
        self.calendar = calendar
        self._names = reply_names(catalog)

    def names(self) -> list[str]:
        return list(self._names)

    def find(self, given: str) -> str | None:
        """The reply ``given`` names (``audit-waiting``, ``reply-audit-waiting``, any case)."""
        name = given.strip().lower().removeprefix(PREFIX)
        return name if name in self._names else None

    def facts(self, progress: ChatProgress | None, name: str, language: str) -> ReplyFacts:
        """A company's facts from its progress (``name`` and ``language``: its ticket's, for a
        chat without progress)."""
        if progress is None:
            return ReplyFacts(name or "?", language, None, None)
        step = self.spec.steps.get(progress.state)
        return ReplyFacts(
            progress.title or name or str(progress.chat_id),
            progress.language,
            step.name if step else None,
            progress.audit_due_on if progress.audit_step else None,
        )

    def needs(self, name: str, facts: ReplyFacts) -> Missing | None:
        """The fact the reply needs and the company lacks, if any (in any language)."""
        used: set[str] = set()
        for messages in self.catalog.messages.values():
            info = messages.get(PREFIX + name)
            if info is not None:
                used |= info.variables
        if "audit_date" in used and facts.audit_due is None:
            return Missing.AUDIT_DATE
        if "step" in used and facts.step_name is None:
            return Missing.STEP
        return None

    def compose(self, name: str, facts: ReplyFacts) -> ComposedReply | ReplyRefused:
        """The reply in the company's language, its facts filled in; refused if it needs a fact
        the company does not have."""
        missing = self.needs(name, facts)
        if missing is not None:
            return ReplyRefused(name, missing)
        text = self.catalog.text(facts.language, PREFIX + name, **self._args(facts, facts.language))
        return ComposedReply(name, facts.language, text)

    def preview(self, name: str, facts: ReplyFacts, lang: str) -> str:
        """The reply's first line as a reader sees it, in ``lang``, shortened (plain text)."""
        text = self.catalog.text(lang, PREFIX + name, **self._args(facts, lang))
        first = next((line for line in text.splitlines() if line.strip()), "")
        return plain_preview(first, PREVIEW_LIMIT)

    def plain_text(self, name: str, facts: ReplyFacts) -> str:
        """The whole reply as the company would read it (plain text, its facts or ``…``)."""
        text = self.catalog.text(facts.language, PREFIX + name, **self._args(facts, facts.language))
        return plain_preview(text, len(text) + 1)  # tags left out, nothing cut

    def _args(self, facts: ReplyFacts, lang: str) -> dict[str, str]:
        t = self.catalog.text
        due = facts.audit_due
        audit_date = _MISSING
        if due is not None:
            audit_date = format_date(due, lang)
            if self.calendar.is_provisional(due):
                audit_date += t(lang, "date-provisional", year=str(due.year))
        facts_of_flow = self.spec.facts
        return {
            "company": escape(facts.company),
            "step": escape(t(lang, facts.step_name)) if facts.step_name else _MISSING,
            "audit_date": escape(audit_date),
            "deposit": escape(format_money(facts_of_flow.get("tmall_deposit_cny", 0), "CNY", lang)),
            "working_days": str(facts_of_flow.get("audit_working_days", 0)),
        }
