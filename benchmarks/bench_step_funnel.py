"""The console's per-step funnel (``bot.services.funnel.step_funnel``) over a large answers log.

Seeds ``--chats`` companies with about ``--events`` logged moves each along the real flow
(answers that keep a step open, loops back, a few blocked chats), written in time order across
chats as the bot writes them (so reading the log chat by chat jumps around the table), then
times ``step_funnel`` against a bare baseline: iterating the same query and doing nothing.
Also shown: the counting alone, over the same rows already in memory, and the whole model
``/stats`` and the console read (``funnel_model``: the step funnel and the chats' counts).

    python -m benchmarks.bench_step_funnel [--chats 100000] [--events 15] [--rounds 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

from bot.config import DEFAULT_CALENDAR, PROJECT_ROOT
from bot.services.calendar.workdays import Calendar
from bot.services.flow.flow_spec import FlowSpec, load_flow
from bot.services.funnel.funnel import funnel_model
from bot.services.funnel.step_funnel import funnel_of_moves, step_funnel
from bot.storage import events
from bot.storage.db import close_database, open_database
from bot.storage.sql import transaction

START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


def main_path(spec: FlowSpec) -> list[str]:
    """The flow's way through when every answer is the first one (yes / passed / TP only)."""
    path, state = [spec.start], spec.start
    while spec.steps[state].answers:
        state = spec.steps[state].answers[0].target(state)
        path.append(state)
    return path


def seed(db_path: Path, spec: FlowSpec, chats: int, per_chat: int) -> int:
    rng = random.Random(9)
    path = main_path(spec)
    rows: list[tuple[int, str, str, int]] = []  # (seconds after START, to_state, kind, chat)
    chat_rows = []
    for chat_id in range(1, chats + 1):
        moves = rng.randint(max(1, per_chat - 5), per_chat + 5)
        place, seconds = 0, rng.randrange(180 * 86400)
        rows.append((seconds, path[0], "start", chat_id))
        for _ in range(moves - 1):
            if place == len(path) - 1:
                break  # finished
            seconds += rng.randrange(1, 3 * 86400)
            roll = rng.random()
            if roll < 0.25:
                pass  # "not yet": the step stays open
            elif roll < 0.30 and place > 0:
                place = max(0, place - rng.randint(1, 3))  # a loop back or /back
            else:
                place += 1
            rows.append((seconds, path[place], "answer", chat_id))
        chat_rows.append(
            (
                chat_id,
                "private",
                "en",
                path[place],
                "[]",
                moves,
                0 if chat_id % 20 == 0 else 1,
                iso_at(0),
                iso_at(seconds),
            )
        )
    rows.sort()
    db = open_database(db_path)
    with transaction(db):
        db.conn.executemany(
            "INSERT INTO chats (id, type, language, state, history, seq, active, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            chat_rows,
        )
        db.conn.executemany(
            "INSERT INTO events (chat_id, kind, to_state, at) VALUES (?, ?, ?, ?)",
            [(chat, kind, to_state, iso_at(seconds)) for seconds, to_state, kind, chat in rows],
        )
    db.execute("ANALYZE")
    close_database(db)
    return len(rows)


def iso_at(seconds: int) -> str:
    return (START + dt.timedelta(seconds=seconds)).isoformat(timespec="seconds")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=15, help="logged moves per chat, about")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.chats, args.rounds = 5_000, 1
    spec = load_flow(PROJECT_ROOT / "flows" / "tmall_tp.yaml")
    calendar = Calendar.load(DEFAULT_CALENDAR)
    now = dt.datetime.now(dt.UTC)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "funnel.sqlite3"
        started = time.perf_counter()
        rows = seed(path, spec, args.chats, args.events)
        print(
            f"step funnel over {args.chats:,} chats, {rows:,} logged moves "
            f"(seeded in {time.perf_counter() - started:.1f} s)"
        )
        db = open_database(path)
        plan = db.execute(
            "EXPLAIN QUERY PLAN SELECT e.chat_id, e.to_state, e.at, c.state, c.active FROM "
            "chats c JOIN events e ON e.chat_id = c.id WHERE e.to_state IS NOT NULL "
            "ORDER BY c.id, e.id"
        ).fetchall()
        print(f"  plan: {' | '.join(str(row[-1]) for row in plan)}")
        bare, full, whole = [], [], []
        result = None
        for _ in range(args.rounds):  # alternated, so drift hits both alike
            t0 = time.perf_counter()
            for _row in events.moves_with_current_step(db):
                pass
            bare.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            result = step_funnel(db, spec, calendar, now)
            full.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            funnel_model(db, spec, calendar, now, 3)
            whole.append(time.perf_counter() - t0)
        rows_in_memory = list(events.moves_with_current_step(db))
        close_database(db)
    counting = []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        funnel_of_moves(rows_in_memory, spec, calendar, now)
        counting.append(time.perf_counter() - t0)
    del rows_in_memory
    assert result is not None
    base, mine = statistics.median(bare), statistics.median(full)
    print(f"  bare query streamed    {base:8.2f} s   ({rows / base:,.0f} rows/s)")
    print(f"  step_funnel            {mine:8.2f} s   ({rows / mine:,.0f} rows/s)")
    print(f"  ratio                  {mine / base:8.2f}x  (median of {args.rounds} rounds)")
    model = statistics.median(whole)
    print(f"  funnel_model           {model:8.2f} s   (/stats and the console: with the counts)")
    alone = statistics.median(counting)
    print(f"  counting alone         {alone:8.2f} s   (the rows already in memory)")
    print(
        f"  started {result.started:,} · finished {result.finished:,} · "
        f"1M chats × {args.events} ≈ {mine * 1_000_000 / args.chats:.0f} s by extrapolation"
    )


if __name__ == "__main__":
    main()
