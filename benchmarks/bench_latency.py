"""Per-update latency while housekeeping runs, over 0 / 100,000 / 1,000,000 stored chats.

Each size gets a database seeded in bulk (chats shaped like the ``chats`` table, two log
entries each, and a backlog of update ids older than two days for housekeeping to forget),
then updates arrive at a steady rate as they would from Telegram: kept in the inbox by the
real :class:`bot.intake.Intake`, handled one at a time through ``application.process_update``
(as ``Intake.consume`` does) on an offline Bot API whose every call yields to the event loop
like a network call. Housekeeping (``bot.jobs.housekeeping``) runs every
``HOUSEKEEPING_EVERY``, as the ``run`` command's job does (a run still going is not started
twice, as in APScheduler).

Printed per size, side by side (and as a ratio to the smallest size): an update's latency from
its arrival to the end of its handling (p50 / p99 / p99.9 / max), the longest single step of
housekeeping on the event loop (the time between two of its ``await``s: what it keeps every
update waiting for), and the largest size the WAL file reached.

    python -m benchmarks.bench_latency                 # 0, 100,000, 1,000,000 chats (~4 min)
    python -m benchmarks.bench_latency --sizes 0,1000000 --seconds 60
    python -m benchmarks.bench_latency --quick         # seconds, a smoke test
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import gc
import itertools
import os
import random
import tempfile
import time
from collections.abc import Callable, Coroutine, Generator, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from telegram import Update

from bot.app import build_application
from bot.config import Settings
from bot.demo.offline_api import BOT_USER, OfflineBotAPI
from bot.demo.updates import UpdateFactory
from bot.intake import Intake
from bot.jobs import HOUSEKEEPING_EVERY, housekeeping
from bot.services.calendar.clock import iso
from bot.storage.db import close_database, open_database
from bot.storage.sql import transaction

PRESSES = [
    "a|0|welcome|begin",
    "a|1|owner_separate|yes",
    "a|2|manages_shops|yes",
    "a|3|taobao_corporate|not_yet",
]
STATES = ["welcome", "owner_separate", "manages_shops", "taobao_corporate", "op_apply"]
OLD_UPDATE_IDS = 60_000  # handled more than two days ago: housekeeping forgets a batch a run
FIRST_UPDATE_ID = 10_000_000
BACKLOG = 20  # at "as fast as it goes" (--rate 0): updates kept waiting for the bot


# -- seeding ------------------------------------------------------------------------------------
def _chat_rows(count: int, now: dt.datetime) -> Iterator[tuple[Any, ...]]:
    for chat_id in range(1, count + 1):
        at = iso(now - dt.timedelta(seconds=(chat_id * 104_729) % (30 * 86_400)))
        yield (
            chat_id,
            "private",
            "en" if chat_id % 3 else "zh",
            STATES[chat_id % len(STATES)],
            '["welcome"]',
            chat_id % 4,
            1,
            at,
            at,
        )


def _event_rows(count: int, now: dt.datetime) -> Iterator[tuple[Any, ...]]:
    at = iso(now - dt.timedelta(days=10))
    for chat_id in range(1, count + 1):
        yield (chat_id, chat_id, None, "start", None, None, "welcome", None, at)
        yield (chat_id, chat_id, chat_id, "answer", "welcome", "begin", "owner_separate", None, at)


def seed(path: Path, chats: int) -> float:
    """Bulk-insert ``chats`` chats (and their log) in one transaction; returns seconds taken."""
    started = time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    db = open_database(path)
    old = iso(now - dt.timedelta(days=3))
    with transaction(db):
        db.conn.executemany(
            "INSERT INTO chats (id, type, language, state, history, seq, active, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _chat_rows(chats, now),
        )
        db.conn.executemany(
            "INSERT INTO events (chat_id, user_id, update_id, kind, step, answer, to_state, "
            "detail, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _event_rows(chats, now),
        )
        db.conn.executemany(
            "INSERT INTO inbox (update_id, status, received_at) VALUES (?, 'done', ?)",
            ((update_id, old) for update_id in range(1, OLD_UPDATE_IDS + 1)),
        )
    close_database(db)  # checkpointed: the run starts with an empty log
    return time.perf_counter() - started


# -- the run ------------------------------------------------------------------------------------
class NetworkLikeAPI(OfflineBotAPI):
    """The offline Bot API, but every call gives the event loop a turn, as real I/O does."""

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        await asyncio.sleep(0)
        return await super().do_request(*args, **kwargs)


class _TimedSteps:
    """Awaits a coroutine, timing each stretch it runs on the loop between two suspensions."""

    def __init__(self, coro: Coroutine[Any, Any, None], steps: list[float]) -> None:
        self.coro = coro
        self.steps = steps

    def __await__(self) -> Generator[Any, Any, None]:
        value: Any = None
        error: BaseException | None = None
        while True:
            started = time.perf_counter()
            try:
                yielded = self.coro.throw(error) if error is not None else self.coro.send(value)
            except StopIteration:
                self.steps.append(time.perf_counter() - started)
                return
            self.steps.append(time.perf_counter() - started)
            value, error = None, None
            try:
                value = yield yielded
            except BaseException as exc:  # delivered into the coroutine at its next step
                error = exc


@dataclass(frozen=True)
class Options:
    rate: float  # updates arriving a second; 0: as fast as the bot handles them
    seconds: float  # how long they arrive
    returning: int  # after each new chat's five updates, presses by this many stored chats


@dataclass
class Result:
    chats: int
    seed_seconds: float
    db_mb: float
    latencies: list[float] = field(default_factory=list)
    steps: list[float] = field(default_factory=list)  # housekeeping's stretches on the loop
    runs: int = 0
    skipped: int = 0
    max_wal_mb: float = 0.0
    seconds: float = 0.0
    parts: dict[str, list[float]] = field(default_factory=dict)  # housekeeping's calls, timed
    restarts: int = 0
    longest_update: float = 0.0  # one process_update, from its start
    longest_stall: float = 0.0  # the loop busy without a break (a callback, or a wait)

    def longest(self, part: str) -> float:
        return max(self.parts.get(part, []), default=0.0) * 1000

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _press(factory: UpdateFactory, chat_id: int, data: str) -> Update:
    user = factory.user(chat_id, "Bench", "en")
    message = {
        "message_id": 1000,
        "date": 0,
        "chat": {"id": chat_id, "type": "private"},
        "from": BOT_USER,
        "text": "step",
    }
    return factory.press(user, data, message)


def update_stream(bot: Any, stored: int, returning: int) -> Iterator[Update]:
    """New chats, each a /start then the presses on the bot's step message (as bench_updates);
    after each, ``returning`` presses by stored chats picked at random (each chat once)."""
    # Seeded chats at "welcome" (every fifth): their "begin" press moves them on.
    at_welcome = list(range(5, stored + 1, len(STATES)))
    random.Random(1).shuffle(at_welcome)
    return _updates(UpdateFactory(bot, FIRST_UPDATE_ID), stored + 1, iter(at_welcome), returning)


def _updates(
    factory: UpdateFactory, first_chat: int, olds: Iterator[int], returning: int
) -> Iterator[Update]:
    for chat_id in itertools.count(first_chat):
        yield factory.command(factory.user(chat_id, "Bench", "en"), "/start")
        for data in PRESSES:
            yield _press(factory, chat_id, data)
        for old in itertools.islice(olds, returning):
            yield _press(factory, old, f"a|{old % 4}|welcome|begin")


async def drive(settings: Settings, result: Result, options: Options) -> None:
    """Updates arrive at ``rate`` a second (0: as fast as the bot takes them, a few always
    waiting) for ``seconds``; each is timed from its arrival to the end of its handling."""
    # As ``run`` builds it (manual checkpoints), with the job queue's one job driven below.
    app = build_application(settings, request=NetworkLikeAPI(record=False), manual_checkpoints=True)
    await app.initialize()
    services = app.bot_data.services
    db = services.maintenance.db
    ledger = services.ledger
    ledger.prune = _timed(ledger.prune, result.parts.setdefault("prune", []))  # type: ignore[method-assign]
    events_before = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    rate, seconds = options.rate, options.seconds
    stream = update_stream(app.bot, result.chats, options.returning)
    warm_up = [next(stream) for _ in range(2 * (1 + len(PRESSES) + options.returning))]
    for update in warm_up:  # first statements prepared, first pages read: not measured
        await app.process_update(update)
    intake = Intake(app)
    arrived: collections.deque[float] = collections.deque()  # handled in arrival order
    wal = Path(f"{settings.db_path}-wal")
    gc.collect()
    gc.freeze()  # what was built before (the app, its caches) is not the run's garbage
    started = time.perf_counter()
    produced = asyncio.Event()
    finished = asyncio.Event()
    sent = 0

    async def produce() -> None:  # Telegram's side
        nonlocal sent
        while (now := time.perf_counter()) < started + seconds:
            if rate:
                due = int((now - started) * rate) + 1
                batch = [next(stream) for _ in range(due - sent)]
                arrived.extend(started + (sent + i) / rate for i in range(len(batch)))
            else:
                batch = [next(stream) for _ in range(max(0, BACKLOG - app.update_queue.qsize()))]
                arrived.extend(now for _ in batch)
            if batch:
                intake.accept_updates(batch)  # kept in the update ledger, then queued (as polling)
                sent += len(batch)
            await asyncio.sleep(0.002 if rate else 0)
        produced.set()

    async def consume() -> None:  # one at a time from the Application's queue, timing each
        handled = 0
        while not (produced.is_set() and handled == sent):
            try:
                update = await asyncio.wait_for(app.update_queue.get(), 0.1)
            except TimeoutError:
                continue
            begun = time.perf_counter()
            await app.process_update(update)  # records it done in the ledger itself
            done = time.perf_counter()
            result.latencies.append(done - arrived.popleft())
            result.longest_update = max(result.longest_update, done - begun)
            handled += 1
        result.seconds = time.perf_counter() - started
        finished.set()

    async def keep_house() -> None:  # the job queue's repeating job
        running: asyncio.Task[None] | None = None
        while not finished.is_set():
            await asyncio.sleep(HOUSEKEEPING_EVERY.total_seconds())
            if running is not None and not running.done():
                result.skipped += 1
                continue
            result.runs += 1
            running = asyncio.create_task(_run_timed(housekeeping(app), result.steps))
        if running is not None:
            await running

    async def watch() -> None:  # the WAL file's size, and how late the loop comes back
        while not finished.is_set():
            if wal.exists():
                result.max_wal_mb = max(result.max_wal_mb, wal.stat().st_size / 2**20)
            for _ in range(25):
                asleep = time.perf_counter()
                await asyncio.sleep(0.002)
                late = time.perf_counter() - asleep - 0.002
                result.longest_stall = max(result.longest_stall, late)

    await asyncio.gather(produce(), consume(), keep_house(), watch())
    gc.unfreeze()
    await app.shutdown()
    logged = db.execute("SELECT COUNT(*) FROM events").fetchone()[0] - events_before
    result.restarts = getattr(services.maintenance.checkpointer, "restarts", -1)
    services.maintenance.close()
    if logged != sent + len(warm_up):  # every update must have been a real step
        raise SystemExit(f"the bot logged {logged} steps for {sent + len(warm_up)} updates")


def _timed(function: Callable[[], int], durations: list[float]) -> Callable[[], int]:
    def timed() -> int:
        started = time.perf_counter()
        try:
            return function()
        finally:
            durations.append(time.perf_counter() - started)

    return timed


async def _run_timed(coro: Coroutine[Any, Any, None], steps: list[float]) -> None:
    await _TimedSteps(coro, steps)


def measure(tmp: Path, chats: int, options: Options) -> Result:
    path = tmp / f"latency-{chats}.sqlite3"
    seconds_seeding = seed(path, chats)
    result = Result(chats, seconds_seeding, path.stat().st_size / 2**20)
    asyncio.run(drive(replace(Settings(), db_path=path), result, options))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return result


def report(results: list[Result], options: Options) -> None:
    rate = options.rate
    arrivals = f"at {rate:.0f}/s" if rate else f"as fast as handled ({BACKLOG} waiting)"
    print(
        f"latency: updates arriving {arrivals} for {options.seconds:.0f} s; new chats "
        f"(/start + {len(PRESSES)} presses) and {options.returning} presses by stored chats "
        f"picked at random after each; housekeeping every "
        f"{HOUSEKEEPING_EVERY.total_seconds():.0f} s"
    )
    ms = 1000.0
    rows: list[tuple[str, list[float], bool]] = [
        ("database at start (MB)", [r.db_mb for r in results], False),
        ("seeding (s)", [r.seed_seconds for r in results], False),
        ("updates handled", [len(r.latencies) for r in results], False),
        ("updates/s", [len(r.latencies) / r.seconds for r in results], False),
        ("latency p50 (ms)", [r.pct(0.50) * ms for r in results], True),
        ("latency p99 (ms)", [r.pct(0.99) * ms for r in results], True),
        ("latency p99.9 (ms)", [r.pct(0.999) * ms for r in results], True),
        ("latency max (ms)", [max(r.latencies) * ms for r in results], True),
        ("longest update handling (ms)", [r.longest_update * ms for r in results], True),
        ("longest loop stall, any cause (ms)", [r.longest_stall * ms for r in results], True),
        ("housekeeping runs", [r.runs for r in results], False),
        ("  skipped (previous still running)", [r.skipped for r in results], False),
        ("  longest step on the loop (ms)", [max(r.steps, default=0) * ms for r in results], True),
        ("    longest ledger prune (ms)", [r.longest("prune") for r in results], True),
        ("  log restarts (-1: not counted)", [r.restarts for r in results], False),
        ("largest WAL file seen (MB)", [r.max_wal_mb for r in results], False),
    ]
    print(f"  {'stored chats':<36}" + "".join(f"{r.chats:>13,}" for r in results))
    for label, values, ratio in rows:
        cells = "".join(
            f"{v:>13,.0f}" if v >= 100 or isinstance(v, int) else f"{v:>13.1f}" for v in values
        )
        if ratio and len(results) > 1 and values[0] > 0:
            cells += f"   {values[-1] / values[0]:5.2f}x"
        print(f"  {label:<36}{cells}")
    if len(results) > 1:
        print(f"  (ratios: {results[-1].chats:,} stored chats against {results[0].chats:,})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds each")
    parser.add_argument("--sizes", default="0,100000,1000000", help="stored chats, comma-separated")
    parser.add_argument(
        "--rate", type=float, default=400.0, help="updates arriving a second (0: flat out)"
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="how long updates arrive")
    parser.add_argument(
        "--returning",
        type=int,
        default=5,
        help="after each new chat's 5 updates, presses by this many stored chats (random)",
    )
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.seconds = "0,20000", 6.0
    options = Options(args.rate, args.seconds, args.returning)
    sizes = [int(size) for size in args.sizes.split(",")]
    results = []
    with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR")) as tmp:
        for chats in sizes:
            results.append(measure(Path(tmp), chats, options))
    report(results, options)


if __name__ == "__main__":
    main()
