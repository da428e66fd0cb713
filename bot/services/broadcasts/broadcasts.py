"""Broadcasts: audiences, and sending to each chat exactly once, resumable after a crash.

A broadcast's audience is fixed when it starts: one ``pending`` delivery row per chat, in
the same transaction that marks the broadcast ``running``. Each send is recorded twice:
``sending`` is committed *before* the Bot API call, the outcome (``sent`` / ``blocked`` /
``failed`` / ``unknown``: no answer came, it may have arrived) after it. A process that stops
in between leaves at most ``Limits.concurrency`` rows (4 by default) in ``sending``: on resume
they become ``unknown``. Unknown deliveries are **not** sent again (at most once) unless the
operator asks for it (:meth:`BroadcastService.resend_unknown`); everything still ``pending``
is sent. A lease (``runner`` = host:pid:tag, plus a heartbeat every ``HEARTBEAT``) makes sure
one process at a time sends a broadcast — the bot or the command line. It is taken over at
once when its holder is a process of this host that no longer exists, else once it has not
been renewed for ``LEASE_STALE`` (that is how a crashed run resumes).

Audiences are parsed and resolved in :mod:`bot.services.broadcasts.audience`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlite_utils import Database

from bot.callbacks import parse_number
from bot.services.broadcasts.audience import Audience, chat_filter, parse_audience
from bot.services.broadcasts.delivery import Delivery, Payload
from bot.services.calendar.clock import Clock, iso
from bot.services.flow.flow_spec import FlowSpec
from bot.services.i18n import LANGUAGES
from bot.storage import broadcasts as store
from bot.storage import chat_query, chats
from bot.storage.broadcasts import BroadcastRow, PendingDelivery
from bot.storage.sql import transaction

HEARTBEAT = 3.0  # seconds, at most, between two renewals of the lease
LEASE_STALE = dt.timedelta(seconds=10)  # a few missed heartbeats: the holder is gone
PAGE = 500


def new_runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def holder_is_gone(runner: str | None) -> bool:
    """True if ``runner`` names a process of this host that no longer exists."""
    parts = (runner or "").rsplit(":", 2)
    if os.name != "posix" or len(parts) != 3 or parts[0] != socket.gethostname():
        return False  # (on Windows, os.kill would terminate the process)
    pid = parse_number(parts[1])
    if pid is None or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # PermissionError: it exists, it is someone else's
        return False
    return False


@dataclass
class Report:
    """Where a broadcast stands: counts by delivery status, and an estimated finish."""

    broadcast_id: int
    status: str
    total: int = 0
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    unknown: int = 0
    cancelled: int = 0  # not sent: still pending when the broadcast was cancelled
    left: int = 0
    eta_seconds: float | None = None
    final: bool = False
    busy: bool = False  # another process holds the lease

    @classmethod
    def from_counts(cls, broadcast_id: int, status: str, counts: dict[str, int]) -> Report:
        return cls(
            broadcast_id,
            status,
            total=sum(counts.values()),
            sent=counts.get("sent", 0),
            blocked=counts.get("blocked", 0),
            failed=counts.get("failed", 0),
            unknown=counts.get("unknown", 0),
            cancelled=counts.get("cancelled", 0),
            left=counts.get("pending", 0) + counts.get("sending", 0),
        )

    @classmethod
    def of(cls, broadcast_id: int, status: str, counts: dict[str, int]) -> Report:
        """As the operator reads it: a scheduled one has nothing due yet."""
        report = cls.from_counts(broadcast_id, status, counts)
        if status == "scheduled":
            report.total = report.left = 0
        return report


ProgressSink = Callable[[Report], Awaitable[None]]


@dataclass(frozen=True)
class AudienceSize:
    """How many chats an audience reaches now, and how many it leaves out because they
    muted the bot's messages (``/mute``)."""

    chats: int
    muted: int


def content_payloads(content_json: str) -> dict[str, Payload]:
    """Language → what to send; chats in a language without a variant get the main one."""
    content = json.loads(content_json or "{}")
    payloads = {
        lang: Payload(kind=v.get("kind", "text"), html=v.get("html", ""), file_id=v.get("file_id"))
        for lang, v in content.items()
        if v
    }
    main = payloads.get("en") or next(iter(payloads.values()), Payload())
    return {lang: payloads.get(lang, main) for lang in LANGUAGES}


@dataclass
class BroadcastService:
    db: Database
    spec: FlowSpec
    clock: Clock
    progress_every: float = 3.0  # seconds between live progress reports (heartbeats: ≤ 3 s)
    runner: str = field(default_factory=new_runner_id)

    def now(self) -> str:
        return iso(self.clock())

    # -- composing --------------------------------------------------------------------------
    def count(self, audience: Audience) -> int:
        return chat_query.count(self.db, chat_filter(audience, self.spec, self.clock()))

    def size(self, audience: Audience) -> AudienceSize:
        where = chat_filter(audience, self.spec, self.clock())
        muted = replace(where, muted=True)
        return AudienceSize(chat_query.count(self.db, where), chat_query.count(self.db, muted))

    def pending_like(self, audience: Audience, content: dict[str, Any]) -> list[BroadcastRow]:
        """Scheduled or running broadcasts of this very content to this audience."""
        return store.pending_like(self.db, audience.text, json.dumps(content, ensure_ascii=False))

    def create(
        self,
        audience: Audience,
        content: dict[str, Any],
        *,
        created_by: int = 0,
        send_at: dt.datetime | None = None,
        operator_chat_id: int | None = None,
        operator_language: str = "en",
        status: str = "scheduled",
    ) -> int:
        with transaction(self.db):
            return store.insert_broadcast(
                self.db,
                {
                    "created_by": created_by,
                    "operator_chat_id": operator_chat_id,
                    "operator_language": operator_language,
                    "status": status,
                    "audience": audience.text,
                    "content": json.dumps(content, ensure_ascii=False),
                    "send_at": iso(send_at) if send_at else None,
                    "created_at": self.now(),
                },
            )

    def get(self, broadcast_id: int) -> BroadcastRow | None:
        return store.get_broadcast(self.db, broadcast_id)

    def recent(self, limit: int = 10) -> list[BroadcastRow]:
        """The newest broadcasts that were sent, scheduled or cancelled (not drafts)."""
        return store.recent_broadcasts(self.db, limit)

    def cancel(self, broadcast_id: int) -> bool:
        """Stop a scheduled or running broadcast: a run (of any process) sends to no further
        chat, and what was still pending is recorded as ``cancelled``."""
        with transaction(self.db):
            return store.cancel(self.db, broadcast_id, self.now())

    def report(self, broadcast_id: int) -> Report | None:
        row = store.get_broadcast(self.db, broadcast_id)
        if row is None:
            return None
        return Report.of(broadcast_id, row.status, store.delivery_counts(self.db, broadcast_id))

    def due(self, *, quiet: bool = False) -> list[int]:
        """Broadcasts to (re)start now: scheduled ones due, running ones whose runner died.
        ``quiet`` (within quiet hours): of the scheduled ones only those confirmed to go at
        once; one with a time waits for the end of quiet hours."""
        now = self.clock()
        stale = iso(now - LEASE_STALE)
        due = set(store.broadcasts_to_run(self.db, iso(now), stale, timed=not quiet))
        due.update(r.id for r in store.running_broadcasts(self.db) if holder_is_gone(r.runner))
        return sorted(due)

    def let_go(self, broadcast_id: int) -> None:
        """After a run of ours stopped with an error: another sender may take it at once (what
        was in flight becomes ``unknown`` then, as after a crash)."""
        with transaction(self.db):
            store.let_go(self.db, broadcast_id, self.runner)

    def show_progress_in(self, broadcast_id: int, message_id: int) -> None:
        """Remember the operator's message that shows the live progress (edited later)."""
        with transaction(self.db):
            store.update_broadcast(self.db, broadcast_id, {"progress_message_id": message_id})

    def resend_unknown(self, broadcast_id: int) -> int | None:
        """Make the next run send again what may or may not have arrived (including sends in
        flight when the previous sender stopped): the operator accepts that some chats may get
        it twice. Reopens a finished broadcast and takes its lease, so that no other process's
        run can miss them. How many; None if another live process holds the lease."""
        now = self.clock()
        row = store.get_broadcast(self.db, broadcast_id)
        if row is None or row.status not in ("running", "done"):
            return 0
        if row.status == "done" and not store.delivery_counts(self.db, broadcast_id).get("unknown"):
            return 0
        with transaction(self.db):
            if row.status == "done":
                taken = store.reopen(self.db, broadcast_id, self.runner, iso(now))
            else:
                taken = self._take_lease(broadcast_id, row.runner, now)
            if not taken:
                return None
            store.mark_in_flight_unknown(self.db, broadcast_id, iso(now))
            return store.resend_unknown(self.db, broadcast_id, iso(now))

    # -- sending ----------------------------------------------------------------------------
    def _take_lease(self, broadcast_id: int, holder: str | None, now: dt.datetime) -> bool:
        """Within a transaction; ``holder`` as read before it (the UPDATE re-checks it)."""
        gone = holder if holder_is_gone(holder) else None
        stale = iso(now - LEASE_STALE)
        return store.take_lease(self.db, broadcast_id, self.runner, iso(now), stale, gone)

    def _begin(self, broadcast_id: int) -> tuple[BroadcastRow, int] | None:
        """Take the lease, fix the audience if new; (row, in-flight sends now unknown)."""
        now = self.clock()
        before = store.get_broadcast(self.db, broadcast_id)
        with transaction(self.db):
            if before is None or not self._take_lease(broadcast_id, before.runner, now):
                return None
            row = store.get_broadcast(self.db, broadcast_id)
            assert row is not None
            if row.status == "scheduled":
                audience = parse_audience(row.audience, self.spec)
                where = chat_filter(audience, self.spec, now)
                total = store.add_deliveries(self.db, broadcast_id, where, iso(now))
                store.update_broadcast(
                    self.db,
                    broadcast_id,
                    {"status": "running", "total": total, "started_at": iso(now)},
                )
                row = row._replace(status="running", total=total)
            unknown = store.mark_in_flight_unknown(self.db, broadcast_id, iso(now))
        return row, unknown

    async def run(
        self, broadcast_id: int, delivery: Delivery, on_progress: ProgressSink | None = None
    ) -> Report:
        """Send the broadcast's pending deliveries; returns the final report.

        Safe to call on a broadcast that was interrupted: it continues where it stopped.
        Returns a report with ``busy`` set if another live process is sending it.
        """
        begun = self._begin(broadcast_id)
        if begun is None:
            report = self.report(broadcast_id) or Report(broadcast_id, "missing")
            report.busy = True
            return report
        row, _unknown = begun
        payloads = content_payloads(row.content)
        concurrency = max(1, delivery.limits.concurrency)
        queue: asyncio.Queue[PendingDelivery | None] = asyncio.Queue(maxsize=concurrency * 4)
        state = {"stop": False, "done": 0}
        started = time.monotonic()

        async def produce() -> None:
            after = -(2**63)
            while not state["stop"]:
                page = store.pending_deliveries(self.db, broadcast_id, after, PAGE)
                if not page:
                    break
                for item in page:
                    if state["stop"]:
                        break
                    await queue.put(item)
                after = page[-1][0]
            for _ in range(concurrency):
                await queue.put(None)

        async def work() -> None:
            while (item := await queue.get()) is not None:
                if state["stop"]:
                    continue
                chat_id, language = item
                with transaction(self.db):
                    claimed = store.claim_delivery(self.db, broadcast_id, chat_id, self.now())
                if not claimed:
                    continue
                result = await delivery.send(chat_id, payloads.get(language, payloads["en"]))
                blocked = result.status == "blocked"
                with transaction(self.db):
                    store.finish_delivery(
                        self.db,
                        broadcast_id,
                        chat_id,
                        result.status,
                        result.error,
                        None if blocked else result.message_id,
                        self.now(),
                    )
                    if blocked:
                        chats.set_active(self.db, chat_id, False)
                state["done"] += 1

        def current(final: bool = False) -> Report:
            status = store.get_broadcast(self.db, broadcast_id)
            report = Report.from_counts(
                broadcast_id,
                status.status if status else "missing",
                store.delivery_counts(self.db, broadcast_id),
            )
            elapsed = time.monotonic() - started
            if state["done"] and elapsed > 0 and report.left:
                report.eta_seconds = report.left / (state["done"] / elapsed)
            report.final = final
            return report

        async def monitor() -> None:
            beat = min(self.progress_every, HEARTBEAT)
            report_every = max(1, round(self.progress_every / beat))
            for beats in itertools.count(1):
                await asyncio.sleep(beat)
                with transaction(self.db):
                    status = store.heartbeat(self.db, broadcast_id, self.runner, self.now())
                if status != "running":  # cancelled, or the lease was taken over
                    state["stop"] = True
                    return
                if on_progress is not None and beats % report_every == 0:
                    await on_progress(current())

        if on_progress is not None:
            await on_progress(current())
        workers = [asyncio.ensure_future(work()) for _ in range(concurrency)]
        watcher = asyncio.ensure_future(monitor())
        try:
            await asyncio.gather(produce(), *workers)
        finally:
            # On a crash (cancellation) nothing more is written: the lease simply goes stale.
            watcher.cancel()
            for task in workers:
                task.cancel()
        with transaction(self.db):
            store.release(self.db, broadcast_id, self.runner, self.now())
        report = current(final=True)
        report.eta_seconds = None
        if on_progress is not None:
            await on_progress(report)
        return report
