"""One broadcast composer for every door: the chat's ``/broadcast``, the console's compose page
and the ``broadcast`` command. Each door gathers what the operator wants in its own way, then
takes the same steps here:

* :meth:`BroadcastComposer.check`: the content as Telegram will take it: something to say, a
  text or caption within Telegram's limit (counted as Telegram counts it: the text a reader
  sees, see :func:`~bot.services.message_html.visible_length`), HTML that Telegram accepts;
* :meth:`~BroadcastComposer.when`: the one quiet-hours rule (held until they end, unless sent
  now anyway);
* :meth:`~BroadcastComposer.schedule` (console, command line) or
  :meth:`~BroadcastComposer.confirm` (a chat's draft): the broadcast is scheduled, to go now
  (the door starts the run) or at its time (the bot's tick starts it);
* :meth:`~BroadcastComposer.cancel`: the same at every door: a running broadcast sends to no
  further chat, whichever process sends it, and what was still pending is recorded as
  cancelled;
* :meth:`~BroadcastComposer.listing`: the newest broadcasts with their reports, in one query.

The limits are Telegram's (``telegram.constants``), handed in by the composition root
(``bot.telegram.limits``): services know no Telegram object.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from bot.services.broadcasts.audience import Audience
from bot.services.broadcasts.broadcasts import BroadcastService, Report
from bot.services.broadcasts.drafts import Draft, DraftService
from bot.services.calendar.clock import iso
from bot.services.calendar.quiet_hours import QuietHours
from bot.services.message_html import html_faults, visible_length
from bot.storage import broadcasts as store
from bot.storage.broadcasts import BroadcastRow

Content = dict[str, dict[str, Any]]  # language → {"kind", "html", "file_id"}


@dataclass(frozen=True)
class TextLimits:
    text: int  # a text message
    caption: int  # a photo's or document's caption


@dataclass(frozen=True)
class Fault:
    """Why a variant cannot be sent: ``empty``, ``too-long`` (``length`` > ``limit``) or
    ``html`` (``detail`` says what Telegram would refuse, with its line)."""

    language: str
    kind: str
    limit: int = 0
    length: int = 0
    detail: str = ""


@dataclass(frozen=True)
class Scheduled:
    """A broadcast made to go: at once (``send_at`` None: the door starts its run), or at
    ``send_at``; ``held``: within quiet hours it waits for their end."""

    broadcast_id: int
    send_at: dt.datetime | None
    held: bool = False


@dataclass(frozen=True)
class Listed:
    row: BroadcastRow
    report: Report


class BroadcastComposer:
    def __init__(
        self,
        broadcasts: BroadcastService,
        drafts: DraftService | None,
        quiet: QuietHours,
        limits: TextLimits,
    ) -> None:
        self.broadcasts = broadcasts
        self.drafts = drafts  # None at the command line (drafts are the chat's)
        self.quiet = quiet
        self.limits = limits

    # -- validate ---------------------------------------------------------------------------
    def faults(self, language: str, variant: dict[str, Any]) -> list[Fault]:
        """What Telegram would refuse in one variant (``language``: en for the main one)."""
        kind = variant.get("kind", "text")
        html = str(variant.get("html") or "")
        if kind == "text" and not html.strip():
            return [Fault(language, "empty")]
        limit = self.limits.text if kind == "text" else self.limits.caption
        length = visible_length(html)
        found = [Fault(language, "too-long", limit, length)] if length > limit else []
        found.extend(Fault(language, "html", detail=fault) for fault in html_faults(html))
        return found

    def check(self, content: Content) -> list[Fault]:
        """Every variant's faults; a broadcast with no variant at all is ``empty``."""
        if not content:
            return [Fault("en", "empty")]
        return [fault for lang, variant in content.items() for fault in self.faults(lang, variant)]

    # -- when -------------------------------------------------------------------------------
    def parse_time(self, raw: str) -> dt.datetime | None:
        """'YYYY-MM-DD HH:MM' or 'HH:MM' (the next such time) in the operators' zone, as UTC;
        None unless it is a future time."""
        tz = self.quiet.tz
        now = self.broadcasts.clock()
        raw = raw.strip()
        try:
            if len(raw) <= 5:
                clock_time = dt.time.fromisoformat(raw.zfill(5))
                local_now = now.astimezone(tz)
                moment = dt.datetime.combine(local_now.date(), clock_time, tzinfo=tz)
                if moment <= local_now:
                    moment += dt.timedelta(days=1)
            else:
                moment = dt.datetime.strptime(raw, "%Y-%m-%d %H:%M").replace(tzinfo=tz)
        except ValueError:
            return None
        return moment.astimezone(dt.UTC) if moment > now else None

    def when(self, *, anyway: bool = False) -> dt.datetime | None:
        """Asked to go now: None (at once), or the end of quiet hours it is held until."""
        return self.quiet.when_to_send(self.broadcasts.clock(), anyway=anyway)

    # -- schedule or cancel -----------------------------------------------------------------
    def schedule(
        self,
        audience: Audience,
        content: Content,
        *,
        created_by: int = 0,
        operator_language: str = "en",
        operator_chat_id: int | None = None,
        send_at: dt.datetime | None = None,
        anyway: bool = False,
    ) -> Scheduled:
        """Make it go at ``send_at`` or now (held within quiet hours unless ``anyway``).
        The content must have passed :meth:`check`."""
        if self.check(content):
            raise ValueError("a broadcast with faults is not scheduled")
        held = False
        if send_at is None:
            send_at = self.when(anyway=anyway)
            held = send_at is not None
        broadcast_id = self.broadcasts.create(
            audience,
            content,
            created_by=created_by,
            send_at=send_at,
            operator_chat_id=operator_chat_id,
            operator_language=operator_language,
        )
        return Scheduled(broadcast_id, send_at, held)

    def confirm(self, draft: Draft, *, anyway: bool = False) -> Scheduled | None:
        """The chat's draft goes, by the same rule; None if it was confirmed already."""
        assert self.drafts is not None
        send_at = dt.datetime.fromisoformat(draft.send_at) if draft.send_at else None
        held = False
        if send_at is None:
            send_at = self.when(anyway=anyway)
            if send_at is not None:
                held = True
                self.drafts.set_send_at(draft, iso(send_at))
        if not self.drafts.confirm(draft):
            return None
        return Scheduled(draft.id, send_at, held)

    def cancel(self, broadcast_id: int) -> bool:
        """Stop a scheduled or running broadcast (see the module's docstring); False if it
        was neither."""
        return self.broadcasts.cancel(broadcast_id)

    # -- the list ---------------------------------------------------------------------------
    def listing(self, limit: int = 10) -> list[Listed]:
        """The newest broadcasts (not drafts), each with its report: one query."""
        return listing(self.broadcasts.db, limit)


def listing(db: Database, limit: int) -> list[Listed]:
    """:meth:`BroadcastComposer.listing` on a connection of one's own (the console's readers)."""
    return [
        Listed(row, Report.of(row.id, row.status, counts))
        for row, counts in store.recent_with_counts(db, limit)
    ]


def with_primary(audience: str, primary: str) -> str:
    """The audience ``primary`` (all, stage:N...), keeping "unfinished only" if it was on."""
    unfinished = "unfinished" in audience.split(",")
    return f"{primary},unfinished" if unfinished else primary


def toggle_unfinished(audience: str) -> str:
    terms = [term for term in audience.split(",") if term and term != "all"]
    if "unfinished" in terms:
        terms.remove("unfinished")
    else:
        terms.append("unfinished")
    return ",".join(terms) or "all"
