"""Broadcast throughput against a rate-enforcing fake Bot API, and the due-reminder query.

1. A broadcast to ``--chats`` chats (10,000 by default) through the real BroadcastService and
   Delivery (every send recorded in SQLite before and after), against a fake Bot API that
   accepts at most ``--limit`` messages in any sliding second and answers 429 beyond it.
   Reported: the achieved rate as a fraction of the limit (target >= 0.95) and the number of
   429s provoked (target 0). The limit is scaled up from Telegram's 30/s to 500/s so the run
   is short (20 s); ``--limit 30 --chats 900 --latency 0.05`` measures the real figure in
   30 s. Much above 500/s the run measures this machine's CPU instead (about 1 ms of CPU per
   send: PTB builds and parses each message, and two SQLite commits record it).
2. The due-reminder query (the one the periodic job runs) with ``--rows`` chats (1,000,000)
   and one planned reminder each, generated with ``executemany`` in one transaction. Target:
   under 10 ms.

    python -m benchmarks.bench_broadcast                 # both parts (~1 minute)
    python -m benchmarks.bench_broadcast --quick         # smaller numbers, a smoke test
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from telegram import Bot

from bot.app import load_catalog_and_flow
from bot.config import Settings
from bot.demo.offline_api import OfflineBotAPI
from bot.services.broadcasts.audience import parse_audience
from bot.services.broadcasts.broadcasts import BroadcastService
from bot.services.broadcasts.delivery import Delivery, Limits
from bot.services.calendar.clock import iso
from bot.storage import broadcasts, chats
from bot.storage import reminders as reminder_store
from bot.storage.db import close_database, open_database
from bot.storage.sql import transaction
from bot.telegram.sender import TelegramSender

SEND_METHODS = {"sendMessage", "sendPhoto", "sendDocument"}


class RateEnforcingAPI(OfflineBotAPI):
    """Answers like Telegram, but at most ``limit`` sends in any sliding second; 429 beyond.

    ``latency`` seconds pass between the request and its answer (the message counts as
    received when the request arrives), so several sends are in flight as with the real API.
    """

    def __init__(self, limit: int, latency: float) -> None:
        super().__init__(record=False)
        self.limit = limit
        self.latency = latency
        self.window: collections.deque[float] = collections.deque()
        self.accepted: list[float] = []
        self.rejected = 0

    async def do_request(
        self, url: str, method: str, request_data: Any = None, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        if api_method in SEND_METHODS:
            now = time.monotonic()
            while self.window and self.window[0] <= now - 1.0:
                self.window.popleft()
            if len(self.window) >= self.limit:
                self.rejected += 1
                self.fail(api_method, 429, retry_after=1)
            else:
                self.window.append(now)
                self.accepted.append(now)
        answer = await super().do_request(url, method, request_data, *args, **kwargs)
        if self.latency:
            await asyncio.sleep(self.latency)
        return answer


def seed_chats(db: Any, count: int, first_id: int = 1) -> None:
    """``count`` chats; their last progress spread over 30 days (as in real life)."""
    start = dt.datetime(2026, 9, 1, 2, 0, tzinfo=dt.UTC)
    rows = [
        (
            chat_id,
            "private",
            "en" if chat_id % 3 else "zh",
            "op_apply",
            "[]",
            1,
            1,
            iso(start),
            iso(start + dt.timedelta(seconds=(chat_id * 104729) % (30 * 86400))),
        )
        for chat_id in range(first_id, first_id + count)
    ]
    with transaction(db):
        db.conn.executemany(
            "INSERT INTO chats (id, type, language, state, history, seq, active, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


async def bench_broadcast(chats: int, limit: int, latency: float, concurrency: int) -> None:
    settings = Settings()
    _, spec = load_catalog_and_flow(settings)
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "bench.sqlite3")
        seed_chats(db, chats)
        api = RateEnforcingAPI(limit, latency)
        bot = Bot("123:BENCH", request=api)
        service = BroadcastService(db, spec, lambda: dt.datetime.now(dt.UTC), progress_every=1.0)
        broadcast_id = service.create(
            parse_audience("all", spec), {"en": {"kind": "text", "html": "<b>Bench</b> notice"}}
        )

        async def show(report: Any) -> None:
            done = report.total - report.left
            print(
                f"\r  {done}/{report.total} sent, {api.rejected} x 429",
                end="",
                file=sys.stderr,
                flush=True,
            )

        async with bot:
            delivery = Delivery(
                TelegramSender(bot), Limits(per_second=limit, concurrency=concurrency)
            )
            started = time.perf_counter()
            report = await service.run(broadcast_id, delivery, show)
            elapsed = time.perf_counter() - started
        print(file=sys.stderr)
        accepted = api.accepted
        span = accepted[-1] - accepted[0] if len(accepted) > 1 else float("nan")
        rate = (len(accepted) - 1) / span
        counts = broadcasts.delivery_counts(db, broadcast_id)
        close_database(db)
    print(
        f"broadcast to {chats:,} chats, fake limit {limit}/s, latency {latency * 1000:.0f} ms,"
        f" concurrency {concurrency}"
    )
    print(f"  delivered             {report.sent:>10,}  (statuses {dict(counts)})")
    print(f"  429s provoked         {api.rejected:>10,}  (target 0)")
    print(f"  achieved rate         {rate:>10.1f} msg/s  (first to last accepted send)")
    print(f"  rate / limit          {rate / limit:>10.3f}    (target >= 0.95)")
    print(f"  wall time             {elapsed:>10.2f} s   (including SQLite writes)")


def bench_due_query(rows: int, repeats: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "due.sqlite3")
        started = time.perf_counter()
        seed_chats(db, rows)
        base = dt.datetime(2026, 10, 1, 2, 0, tzinfo=dt.UTC)
        # One planned reminder per chat, due times spread over 30 days; 1 in 10 already sent.
        reminders = [
            (
                chat_id,
                "idle",
                "sent" if chat_id % 10 == 0 else "pending",
                iso(base + dt.timedelta(seconds=(chat_id * 7919) % (30 * 86400))),
                0,
                1,
            )
            for chat_id in range(1, rows + 1)
        ]
        with transaction(db):
            db.conn.executemany(
                "INSERT INTO reminders (chat_id, kind, status, due_at, count, seq) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                reminders,
            )
        db.execute("ANALYZE")
        print(
            f"due-reminder query with {rows:,} chats and {rows:,} reminders "
            f"(generated in {time.perf_counter() - started:.1f} s)"
        )
        plan = db.execute(
            "EXPLAIN QUERY PLAN SELECT chat_id, kind, due_at, count, seq, audit_key FROM "
            "reminders WHERE status = 'pending' AND due_at <= ? ORDER BY due_at LIMIT ?",
            [iso(base), 300],
        ).fetchall()
        print(f"  plan: {' | '.join(str(row[-1]) for row in plan)}")
        for label, offset in (
            ("early (few due)", dt.timedelta(hours=1)),
            ("mid-month (~half due)", dt.timedelta(days=15)),
        ):
            now = iso(base + offset)
            timings = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                found = reminder_store.due_reminders(db, now, 300)
                timings.append((time.perf_counter() - t0) * 1000)
            print(
                f"  {label:<22} {len(found):>4} rows  median {statistics.median(timings):.3f} "
                f"ms  max {max(timings):.3f} ms  (target < 10 ms)"
            )
        # The reminders sync: chats changed since its cursor, read from the answers log
        # (here: a full page of 5,000 entries behind one answer per chat for every chat).
        with transaction(db):
            db.conn.executemany(
                "INSERT INTO events (chat_id, kind, step, answer, to_state, at) "
                "VALUES (?, 'answer', 'op_apply', 'yes', 'op_apply', ?)",
                [(chat_id, iso(base)) for chat_id in range(1, rows + 1)],
            )
        cursor = rows - 5000
        t0 = time.perf_counter()
        changed = chats.changed_between_events(db, cursor, cursor + 5000)
        print(
            f"  reminders sync page (changed chats) {len(changed):>4} rows  "
            f"{(time.perf_counter() - t0) * 1000:.3f} ms"
        )
        close_database(db)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--limit", type=int, default=500, help="fake API's messages/second")
    parser.add_argument("--latency", type=float, default=0.002, help="fake API answer delay")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.chats, args.rows = 2000, 100_000
    asyncio.run(bench_broadcast(args.chats, args.limit, args.latency, args.concurrency))
    bench_due_query(args.rows, repeats=200)


if __name__ == "__main__":
    main()
