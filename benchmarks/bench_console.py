"""The operators' console over 100,000 and 1,000,000 companies: server time of its pages, and
the bot's update throughput while the console is being loaded.

Each size gets a database seeded in bulk, in one transaction, after ``open_database`` made its
schema: companies spread over every step of the real flow (more at the early steps: a share
drops off at each step), their answers log written in time order across chats as the bot
writes it (11 entries a chat on average, up to 70, over the last six months: answers that
keep a step open, loops back, /back, language changes, resets), ``step_since`` and the audit
dates as the bot sets them, both languages, private chats and groups, some blocked the bot
(inactive), some muted, a few thousand support tickets with their relayed messages (some
waiting for an operator), and a few broadcasts with their deliveries. The files are kept
(``--keep``) so a rerun does not seed again.

Pages are requested through the real HTTP stack: the console's Starlette app
(``console_routes``) over a real ``Application`` (``build_application`` on the offline Bot
API), through ``httpx.ASGITransport``, signed in with the session cookie the real ``/console``
link gives. Each page is requested ``--requests`` times, the pages taking turns; printed per
size: median and p95 in milliseconds, and the ratio of the median to a baseline from the same
run: one full scan of ``chats`` in a reader thread (``SELECT MAX(updated_at)``). A trivial page
through the same stack (the signed-out page) is shown too.

The funnel is worked out in the background (the page waits a few seconds for it, then says it
is on its way): "computed afresh" is the time until it is done, "the page meanwhile" that first
page's time, "cached" a page within its two minutes.

Then the bot's throughput (``bench_updates``' stream: new chats, a /start and four presses,
through the inbox and ``process_update``) in pairs of rounds, one without console load and one
while a task keeps requesting board and company pages back to back on the same event loop
(their reads in the console's reader threads); which goes first alternates, and the ratio is
the median of the pairs'.

    python -m benchmarks.bench_console                    # 100,000 and 1,000,000 (~10 min
                                                          #   the first time, seeding included)
    python -m benchmarks.bench_console --sizes 100000 --requests 50
    python -m benchmarks.bench_console --quick            # seconds, a smoke test
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import heapq
import itertools
import json
import math
import os
import random
import re
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
from sqlite_utils import Database
from starlette.applications import Starlette

from benchmarks import bench_updates
from benchmarks.bench_latency import NetworkLikeAPI
from benchmarks.bench_updates import PRESSES, build_stream, run_stream
from bot.app import build_application
from bot.config import DEFAULT_CALENDAR, PROJECT_ROOT, Settings
from bot.demo.updates import UpdateFactory
from bot.jobs import housekeeping
from bot.services.calendar.workdays import Calendar
from bot.services.console.portfolio import BoardFilter, Portfolio
from bot.services.flow.flow_spec import FlowSpec, load_flow
from bot.storage import waiting
from bot.storage.db import close_database, open_database
from bot.storage.event_details import LanguageSet, encode
from bot.storage.sql import transaction, write
from bot.web.console import Console
from bot.web.routes import console_routes

SEED_VERSION = 2  # bump when the seeded data changes: cached files are seeded again
OPERATOR_ID = 900
OPERATOR = {"id": OPERATOR_ID, "is_bot": False, "first_name": "Olga", "language_code": "en"}
SUPPORT_CHAT_ID = -1009999999999
DAYS = 182  # the log covers about six months
BENCH_CHAT = 9_000_000_000  # the throughput phase's new chats (removed afterwards)
BENCH_UPDATE = 900_000_000
SEARCH = "Trading"  # in about one English group name in ten

# -- seeding ------------------------------------------------------------------------------------
DROP = {"welcome": 0.12, "not_eligible": 0.5}  # giving up on arriving at a step (else 0.07)
DROP_DEFAULT = 0.07
STAY = 0.25  # an answer that keeps the step open ("not yet", "still waiting")
SIDE = {"no": 0.06, "unqualified": 0.15, "rejected": 0.2, "also_tmall": 0.3}
BACK, LANGUAGE, RESET = 0.02, 0.008, 0.003

FIRST_NAMES_EN = ["Alice", "Ben", "Chloe", "David", "Emma", "Frank", "Grace", "Henry", "Ivy"]
LAST_NAMES_EN = ["Wang", "Smith", "Chen", "Brown", "Li", "Taylor", "Zhang", "Lee", "Liu"]
NAMES_ZH = ["王伟", "李娜", "张敏", "刘洋", "陈静", "杨磊", "赵丽", "黄勇", "周杰", "吴霞"]
CITIES = ["Hangzhou", "Shenzhen", "Ningbo", "Yiwu", "Guangzhou", "Shanghai", "Suzhou", "Xiamen"]
WORDS = ["Yifan", "Huamei", "Jinhe", "Longxing", "Mingyue", "Ruifeng", "Tianyu", "Xinda"]
KINDS = [SEARCH, "E-commerce", "Commerce", "Supply Chain", "Import", "Brand", "Retail"]
KINDS += ["Digital", "Technology", "Media"]
CITIES_ZH = ["杭州", "深圳", "宁波", "义乌", "广州", "上海", "苏州", "厦门"]
WORDS_ZH = ["易凡", "华美", "金禾", "龙兴", "明月", "瑞丰", "天宇", "鑫达"]
KINDS_ZH = ["贸易", "电子商务", "供应链", "品牌管理", "网络科技"]


@dataclass
class Flow:
    """The real flow as numbers, and each step's answers as the simulation picks them."""

    ids: list[str]
    start: int
    audit: list[bool]
    finish: list[bool]
    choices: list[list[tuple[float, str, int]]]  # (cumulative weight, answer id, target)
    drop: list[float]
    working_days: list[int]

    @classmethod
    def of(cls, spec: FlowSpec) -> Flow:
        ids = list(spec.steps)
        index = {step_id: i for i, step_id in enumerate(ids)}
        choices = []
        for step_id in ids:
            step = spec.steps[step_id]
            weighted: list[tuple[float, str, int]] = []
            stays = [a for a in step.answers if a.stay]
            sides = [a for a in step.answers if not a.stay][1:]
            main_weight = 1.0 - (STAY if stays else 0.0) - sum(SIDE.get(a.id, 0.1) for a in sides)
            for answer in step.answers:
                if answer.stay:
                    weight = STAY / len(stays)
                elif answer in sides:
                    weight = SIDE.get(answer.id, 0.1)
                else:
                    weight = main_weight
                weighted.append((weight, answer.id, index[answer.target(step_id)]))
            total, running = sum(w for w, _, _ in weighted), 0.0
            cumulative = []
            for weight, answer_id, target in weighted:
                running += weight / total
                cumulative.append((running, answer_id, target))
            choices.append(cumulative)
        return cls(
            ids=ids,
            start=index[spec.start],
            audit=[spec.steps[s].kind == "audit" for s in ids],
            finish=[spec.steps[s].kind == "finish" for s in ids],
            choices=choices,
            drop=[DROP.get(s, DROP_DEFAULT) for s in ids],
            working_days=[spec.steps[s].working_days or 0 for s in ids],
        )


@dataclass
class Chat:
    id: int
    type: str
    title: str
    language: str
    user_ids: tuple[int, ...]
    created: int  # epoch seconds
    state: int = 0
    history: list[int] = field(default_factory=list)
    seq: int = 0
    step_since: int = 0
    updated: int = 0
    audit: tuple[int, str, str] | None = None  # (step, submitted on, due on)
    finished: int | None = None


class Stamps:
    """Epoch seconds as the stored UTC ISO text, and China's date of them, quickly."""

    def __init__(self) -> None:
        self.days: dict[int, str] = {}
        self.tod = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00:00" for s in range(86400)]
        self.china: dict[int, dt.date] = {}

    def iso(self, seconds: int) -> str:
        day, rest = divmod(seconds, 86400)
        prefix = self.days.get(day)
        if prefix is None:
            prefix = self.days[day] = f"{dt.date(1970, 1, 1) + dt.timedelta(days=day)}T"
        return prefix + self.tod[rest]

    def china_date(self, seconds: int) -> dt.date:
        day = (seconds + 8 * 3600) // 86400  # China keeps UTC+8 all year
        found = self.china.get(day)
        if found is None:
            found = self.china[day] = dt.date(1970, 1, 1) + dt.timedelta(days=day)
        return found


def make_chats(rng: random.Random, count: int, now: int) -> list[Chat]:
    chats = []
    for n in range(count):
        language = "zh" if rng.random() < 0.6 else "en"
        roll = rng.random()
        if roll < 0.8:
            chat_id = 100_000_000 + n * 7
            kind, users = "private", tuple[int, ...]((chat_id,))
            if language == "zh":
                title = rng.choice(NAMES_ZH)
            else:
                title = f"{rng.choice(FIRST_NAMES_EN)} {rng.choice(LAST_NAMES_EN)}"
        else:
            chat_id = -(1_001_000_000_000 + n)
            kind = "group" if roll < 0.85 else "supergroup"
            users = tuple(500_000_000 + n * 4 + k for k in range(rng.randint(1, 3)))
            if language == "zh":
                title = (
                    f"{rng.choice(CITIES_ZH)}{rng.choice(WORDS_ZH)}{rng.choice(KINDS_ZH)}有限公司"
                )
            else:
                title = f"{rng.choice(CITIES)} {rng.choice(WORDS)} {rng.choice(KINDS)} Co."
        created = now - rng.randrange(DAYS * 86400)
        chats.append(Chat(chat_id, kind, title, language, users, created))
    return chats


def gap(rng: random.Random, audit: bool, stayed: bool) -> int:
    """Seconds until the chat's next change."""
    if audit:
        return rng.randrange(86400, 7 * 86400)
    if stayed:
        return rng.randrange(86400, 6 * 86400)
    if rng.random() < 0.5:
        return rng.randrange(20, 900)  # clicking through
    return min(int(rng.expovariate(1 / (2.5 * 86400))) + 60, 40 * 86400)


class Simulation:
    """Every chat's history, generated in time order across chats (a heap of next changes)."""

    def __init__(self, flow: Flow, chats: list[Chat], now: int, seed: int) -> None:
        self.flow = flow
        self.chats = chats
        self.now = now
        self.rng = random.Random(seed)
        self.stamps = Stamps()
        self.calendar = Calendar.load(DEFAULT_CALENDAR)
        self.due: dict[tuple[dt.date, int], dt.date] = {}
        self.events = 0

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """(chat_id, user_id, update_id, kind, step, answer, to_state, detail, at, version)."""
        flow, chats, rng, now, stamps = self.flow, self.chats, self.rng, self.now, self.stamps
        ids, choices = flow.ids, flow.choices
        heap = [(chat.created, n) for n, chat in enumerate(chats)]
        heapq.heapify(heap)
        update_id = 1000
        while heap:
            at, n = heap[0]
            if at > now:
                break
            chat = chats[n]
            update_id += 1
            user = chat.user_ids[0] if len(chat.user_ids) == 1 else rng.choice(chat.user_ids)
            when = stamps.iso(at)
            stayed = moved = False
            if chat.updated == 0:  # /start
                chat.state, chat.step_since, chat.updated = flow.start, at, at
                yield (chat.id, user, update_id, "start", None, None, ids[flow.start], None,
                       when, 1)  # fmt: skip
                moved = True
            else:
                chat.seq += 1
                chat.updated = at
                roll = rng.random()
                state = chat.state
                if roll < BACK and chat.history and not flow.audit[chat.history[-1]]:
                    back = chat.history.pop()
                    if chat.audit is not None:
                        chat.audit = None
                    chat.state, chat.step_since, chat.finished = back, at, None
                    yield (chat.id, user, update_id, "back", None, None, ids[back], None, when, 1)
                    moved = True
                elif roll < BACK + LANGUAGE:
                    chat.language = "en" if chat.language == "zh" else "zh"
                    yield (chat.id, user, update_id, "language", None, None, None,
                           encode(LanguageSet(chat.language)), when, 1)  # fmt: skip
                    stayed = True
                elif roll < BACK + LANGUAGE + RESET:
                    chat.state, chat.history, chat.audit = flow.start, [], None
                    chat.step_since = at
                    yield (chat.id, user, update_id, "reset", None, None, ids[flow.start], None,
                           when, 1)  # fmt: skip
                    moved = True
                else:
                    pick = rng.random()
                    answer, target = next((a, t) for w, a, t in choices[state] if pick <= w)
                    detail = None
                    if target == state:
                        stayed = True
                    else:
                        moved = True
                        chat.history.append(state)
                        chat.state, chat.step_since = target, at
                        if flow.audit[target]:
                            submitted = stamps.china_date(at)
                            due = self._due(submitted, flow.working_days[target])
                            chat.audit = (target, submitted.isoformat(), due.isoformat())
                            detail = json.dumps({"submitted": chat.audit[1], "due": chat.audit[2]})
                        elif flow.audit[state]:
                            chat.audit = None
                        if flow.finish[target]:
                            chat.finished = at
                    yield (chat.id, user, update_id, "answer", ids[state], answer, ids[target],
                           detail, when, 1)  # fmt: skip
            self.events += 1
            state = chat.state
            if flow.finish[state] or (moved and rng.random() < flow.drop[state]):
                heapq.heappop(heap)  # finished, or gave up here
            elif stayed and rng.random() < 0.05:
                heapq.heappop(heap)
            else:
                heapq.heapreplace(heap, (at + gap(rng, flow.audit[state], stayed), n))

    def _due(self, submitted: dt.date, days: int) -> dt.date:
        key = (submitted, days)
        found = self.due.get(key)
        if found is None:
            found = self.due[key] = self.calendar.add_working_days(submitted, days)
        return found


def chat_rows(sim: Simulation, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    ids, iso, now = sim.flow.ids, sim.stamps.iso, sim.now
    for chat in sim.chats:
        idle_days = (now - chat.updated) / 86400
        active = 0 if rng.random() < (0.15 if idle_days > 14 and not chat.finished else 0.02) else 1
        audit = chat.audit if chat.audit is not None and chat.audit[0] == chat.state else None
        yield (
            chat.id,
            chat.type,
            chat.title,
            chat.language,
            ids[chat.state],
            json.dumps([ids[s] for s in chat.history[-100:]]),
            chat.seq,
            ids[audit[0]] if audit else None,
            audit[1] if audit else None,
            audit[2] if audit else None,
            active,
            iso(chat.created),
            iso(chat.updated),
            iso(chat.finished) if chat.finished else None,
            1,
            iso(chat.step_since),
        )


def ticket_rows(
    sim: Simulation, rng: random.Random, count: int
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    iso, now = sim.stamps.iso, sim.now
    tickets, messages = [], []
    support_message = 10_000
    for ticket_id, chat in enumerate(rng.sample(sim.chats, count), start=1):
        at = rng.randrange(chat.created, max(chat.created + 1, chat.updated + 86400))
        at = min(at, now - 3600)
        status = "open" if rng.random() < 0.35 else "closed"
        waiting = status == "open" and rng.random() < 0.5
        size = rng.randint(2, 12)
        directions = ["card"] + [rng.choice(("in", "out")) for _ in range(size - 1)]
        if status == "open":
            directions[-1] = "in" if waiting else "out"
        created = at
        for direction in directions:
            support_message += 1
            messages.append(
                (
                    ticket_id,
                    SUPPORT_CHAT_ID,
                    support_message,
                    None if direction == "card" else rng.randrange(1, 10_000),
                    direction,
                    iso(at),
                )
            )
            at = min(at + rng.randrange(60, 2 * 86400), now - 60)
        tickets.append(
            (
                ticket_id,
                chat.id,
                chat.type,
                chat.user_ids[0],
                chat.title,
                chat.language,
                status,
                int(status == "open"),
                0,
                SUPPORT_CHAT_ID,
                ticket_id + 1,  # a forum topic per ticket
                support_message - size + 1,
                0,
                rng.choice((1, 1, 1, 2)),
                iso(created),
                iso(at),
                None if status == "open" else iso(at),
            )
        )
    return tickets, messages


BROADCASTS = [  # (days ago, audience, which chats: SQL on chats)
    (150, "all", "created_at < :at"),
    (90, "stage:tmall_operator", "created_at < :at AND state IN ({tmall_operator})"),
    (30, "all", "created_at < :at"),
    (4, "language:zh", "created_at < :at AND language = 'zh'"),
]


def seed(path: Path, spec: FlowSpec, count: int) -> dict[str, float]:
    """Seed ``count`` companies (one transaction); returns what was made and how long it took."""
    started = time.perf_counter()
    now = int(time.time())
    db = open_database(path)  # the schema, by the migrations
    close_database(db)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=DELETE")  # one big write: no log of it, then WAL again
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-4000000")
    rng = random.Random(count)
    flow = Flow.of(spec)
    sim = Simulation(flow, make_chats(rng, count, now), now, seed=count + 1)
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO events (chat_id, user_id, update_id, kind, step, answer, to_state, detail, "
        "at, flow_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        sim.rows(),
    )
    conn.executemany(
        "INSERT INTO chats (id, type, title, language, state, history, seq, audit_step, "
        "audit_submitted_on, audit_due_on, active, created_at, updated_at, finished_at, "
        "flow_version, step_since) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        chat_rows(sim, rng),
    )
    tickets, messages = ticket_rows(sim, rng, max(50, min(count // 25, 6000)))
    conn.executemany(
        "INSERT INTO tickets (id, chat_id, chat_type, user_id, name, language, status, relaying, "
        "card_pending, support_chat_id, thread_id, header_message_id, blocked, opened_count, "
        "created_at, updated_at, closed_at) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        tickets,
    )
    conn.executemany(
        "INSERT INTO ticket_messages (ticket_id, support_chat_id, support_message_id, "
        "user_message_id, direction, at) VALUES (?, ?, ?, ?, ?, ?)",
        messages,
    )
    waiting.backfill(Database(conn))  # the waits the bot keeps as it records messages
    muted = [(c.id, sim.stamps.iso(c.updated)) for c in sim.chats if rng.random() < 0.03]
    conn.executemany("INSERT INTO muted_chats (chat_id, muted_at) VALUES (?, ?)", muted)
    stage_steps = ", ".join(
        f"'{s}'" for s, step in spec.steps.items() if step.stage == "tmall_operator"
    )
    for number, (days_ago, audience, where) in enumerate(BROADCASTS, start=1):
        at = sim.stamps.iso(now - days_ago * 86400)
        done = sim.stamps.iso(now - days_ago * 86400 + 3 * 3600)
        conn.execute(
            "INSERT INTO broadcasts (id, created_by, status, audience, content, total, "
            "created_at, started_at, finished_at) VALUES (?, ?, 'done', ?, ?, 0, ?, ?, ?)",
            [
                number,
                OPERATOR_ID,
                audience,
                '{"en": {"kind": "text", "html": "News"}}',
                at,
                at,
                done,
            ],
        )
        conn.execute(
            "INSERT INTO deliveries (broadcast_id, chat_id, status, error, message_id, attempts, "
            "updated_at) SELECT :id, id, CASE WHEN active THEN 'sent' ELSE 'blocked' END, "
            "CASE WHEN active THEN NULL ELSE 'Forbidden: bot was blocked by the user' END, "
            f"CASE WHEN active THEN abs(id) % 100000 END, 1, :done FROM chats "
            f"WHERE {where.format(tmall_operator=stage_steps)}",
            {"id": number, "at": at, "done": done},
        )
        conn.execute(
            "UPDATE broadcasts SET total = (SELECT COUNT(*) FROM deliveries WHERE broadcast_id = ?)"
            " WHERE id = ?",
            [number, number],
        )
    conn.execute(
        "INSERT OR REPLACE INTO operator_meta (key, value) VALUES ('bench_console.seed', ?)",
        [json.dumps({"version": SEED_VERSION, "chats": count, "at": now})],
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    return {
        "seconds": time.perf_counter() - started,
        "events": sim.events,
        "tickets": len(tickets),
        "messages": len(messages),
        "muted": len(muted),
    }


def seeded(path: Path, count: int) -> bool:
    if not path.exists():
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute(
                "SELECT value FROM operator_meta WHERE key = 'bench_console.seed'"
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    if row is None:
        return False
    meta = json.loads(row[0])
    return bool(meta.get("version") == SEED_VERSION and meta.get("chats") == count)


def database_for(keep: Path, spec: FlowSpec, count: int, reseed: bool) -> tuple[Path, str]:
    path = keep / f"console-{count}.sqlite3"
    if not reseed and seeded(path, count):
        return path, "cached"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    made = seed(path, spec, count)
    return path, (
        f"seeded in {made['seconds']:.0f} s: {made['events']:,.0f} log entries, "
        f"{made['tickets']:,.0f} tickets ({made['messages']:,.0f} messages), "
        f"{made['muted']:,.0f} muted"
    )


# -- pages --------------------------------------------------------------------------------------
@dataclass
class Page:
    label: str
    measure: Callable[[], Awaitable[float]]  # one request; its time in ms
    filter: BoardFilter | None = None  # the board's filter, to count its matches
    target: float | None = None  # p95 in ms at 100,000 companies
    target_large: float | None = None  # at 1,000,000
    rounds: int | None = None  # fewer requests than the others (the funnel afresh)
    matches: int | None = None
    times: list[float] = field(default_factory=list)


@dataclass
class Run:
    chats: int
    note: str
    db_mb: float
    pages: list[Page] = field(default_factory=list)
    rates: dict[str, list[float]] = field(default_factory=dict)  # updates/s by load
    pages_per_second: dict[str, list[float]] = field(default_factory=dict)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


class Bench:
    """The bot and its console over one database, with a signed-in client."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # Every Bot API call gives the loop a turn, as real I/O does (else the console's pages
        # would only be served between the bot's batches of updates).
        self.api = NetworkLikeAPI()
        self.app: Any = build_application(settings, request=self.api, manual_checkpoints=True)
        self.console: Console | None = None
        self.client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Bench:
        await self.app.initialize()
        # Its update fetcher and processor, as ``run`` starts them: the throughput phase hands
        # updates to the Application's queue (through the intake) and waits for it to empty.
        await self.app.start()
        self.console = Console.of(self.app, self.settings.token or "")
        web = Starlette(routes=console_routes(self.console))
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=web), base_url=self.console.public_url
        )
        # Signing in as an operator does: /console in the bot, then the link's button.
        factory = UpdateFactory(self.app.bot, first_update_id=BENCH_UPDATE - 10)
        await self.app.process_update(factory.command(OPERATOR, "/console"))
        text = "\n".join(call.text for call in self.api.take())
        found = re.search(r"/console/login/([^\s?<\"]+)", text)
        assert found, text
        self.api.record = False
        response = await self.client.post(
            "/console/login", data={"token": found.group(1), "lang": "en"}
        )
        assert response.status_code == 303, response.text
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.client is not None and self.console is not None
        await self.client.aclose()
        self.console.close()
        await self.app.stop()
        await self.app.shutdown()
        self.app.bot_data.services.maintenance.close()

    async def get(self, path: str) -> float:
        assert self.client is not None
        started = time.perf_counter()
        response = await self.client.get(path)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"GET {path}: {response.status_code}\n{response.text[:500]}")
        return elapsed * 1000


async def measure_pages(bench: Bench, run: Run, requests: int, funnel_runs: int) -> None:
    assert bench.console is not None
    console = bench.console
    db = bench.app.bot_data.services.maintenance.db
    rng = random.Random(5)
    # Company pages: random chats, every third one with a support ticket. Private chats only:
    # /console/company/<id> refuses a group's negative id (bot.callbacks.parse_number).
    ids = [row[0] for row in db.execute(
        "SELECT id FROM chats WHERE id > 0 ORDER BY random() LIMIT 2000"
    )]  # fmt: skip
    with_ticket = [row[0] for row in db.execute(
        "SELECT chat_id FROM tickets WHERE chat_id > 0 ORDER BY random() LIMIT 500"
    )]  # fmt: skip
    picks = (rng.choice(with_ticket if i % 3 == 2 else ids) for i in itertools.count())

    async def scan() -> float:  # the baseline: one full scan of chats, in a reader thread
        started = time.perf_counter()
        await console.readers.run(
            lambda p: p.db.execute("SELECT MAX(updated_at) FROM chats").fetchone()
        )
        return (time.perf_counter() - started) * 1000

    meanwhile: list[float] = []

    async def funnel_first() -> float:
        """The funnel worked out afresh (in the background: the page waits a little for it,
        then says it is being worked out); timed until it is done."""
        console.cache.pop("funnel", None)
        started = time.perf_counter()
        meanwhile.append(await bench.get("/console/funnel"))
        task = getattr(console, "funnel_task", None)
        if task is not None:
            await task
        return (time.perf_counter() - started) * 1000

    def page(path: str) -> Callable[[], Awaitable[float]]:
        return lambda: bench.get(path)

    stage = "tmall_operator"
    pages = [
        Page("baseline: scan of chats", scan),
        Page("trivial page (signed-out)", page("/console/signed-out")),
        Page(
            "board (default: by activity)",
            page("/console/"),
            BoardFilter(),
            target=100.0,
            target_large=300.0,
        ),
        Page(
            f"board: stage {stage}, stuck >= 5 wd",
            page(f"/console/?stage={stage}&stuck=5"),
            BoardFilter(stage=stage, stuck_days=5),
            target=100.0,
            target_large=300.0,
        ),
        Page(
            "board: audit overdue",
            page("/console/?overdue=1"),
            BoardFilter(overdue=True),
            target=100.0,
            target_large=300.0,
        ),
        Page(
            f"board: search '{SEARCH}'",
            page(f"/console/?q={SEARCH}"),
            BoardFilter(search=SEARCH),
            target=100.0,
            target_large=300.0,
        ),
        Page("board: page 50", page("/console/?page=50"), target=100.0, target_large=300.0),
        Page(
            "company page (random chats)",
            lambda: bench.get(f"/console/company/{next(picks)}"),
            target=100.0,
            target_large=300.0,
        ),
    ]
    if funnel_runs:
        pages += [
            Page("funnel: computed afresh", funnel_first, rounds=funnel_runs),
            Page("funnel: the page meanwhile", lambda: asyncio.sleep(0, 0.0), rounds=0),
            Page("funnel: cached", page("/console/funnel")),
        ]
    for one in pages:
        if one.filter is not None:
            wanted = one.filter

            def total(portfolio: Portfolio, wanted: BoardFilter = wanted) -> int:
                return portfolio.board(wanted).total

            one.matches = await console.readers.run(total)
    if funnel_runs:
        pages[-3].times.append(await funnel_first())  # before the cached page is asked for
    for one in pages:  # warm up: statements prepared, pages read
        if one.rounds is None:
            await one.measure()
    gc.collect()
    for i in range(requests):
        for one in pages:
            if one.rounds is None or i + 1 < one.rounds:
                one.times.append(await one.measure())
    if funnel_runs:
        pages[-2].times = meanwhile
    run.pages = pages


# -- throughput under console load --------------------------------------------------------------
LOADS = {"without": None, "back to back": 0.0}  # load -> pages a second (0: no pause)


async def measure_throughput(bench: Bench, run: Run, rounds: int, chats: int, pace: float) -> None:
    """Rounds of the same kind of stream: without console load, with a task requesting pages
    back to back, and with pages at ``pace`` a second (a few operators at work). The kinds take
    turns in a rotating order, so the machine's drift hits them alike; each loaded round's
    rate is compared with the unloaded one of its group."""
    app = bench.app
    rng = random.Random(7)
    ids = [row[0] for row in app.bot_data.services.maintenance.db.execute(
        "SELECT id FROM chats WHERE id > 0 ORDER BY random() LIMIT 2000"
    )]  # fmt: skip
    boards = itertools.cycle(
        [
            "/console/",
            "/console/?stage=tmall_operator&stuck=5",
            "/console/?overdue=1",
            f"/console/?q={SEARCH}",
            "/console/?page=50",
        ]
    )
    paths = (
        next(boards) if i % 2 == 0 else f"/console/company/{rng.choice(ids)}"
        for i in itertools.count()
    )
    loads = {**LOADS, f"{pace:g} pages/s": pace} if pace else dict(LOADS)
    next_chat, next_update = BENCH_CHAT, BENCH_UPDATE
    stop = asyncio.Event()

    async def load(per_second: float, served: list[int]) -> None:  # board, company, board...
        began = time.perf_counter()
        while not stop.is_set():
            await bench.get(next(paths))
            served[0] += 1
            if per_second:  # the next request at its time (or now, if this one was late)
                due = began + served[0] / per_second
                while not stop.is_set() and time.perf_counter() < due:
                    await asyncio.sleep(min(0.01, due - time.perf_counter()))

    async def one_round(per_second: float | None) -> tuple[float, float]:
        nonlocal next_chat, next_update
        stream = build_stream(app.bot, next_chat, chats, len(PRESSES), next_update)
        next_chat, next_update = next_chat + chats, stream[-1].update_id + 1
        # Each round starts from the same state: the log checkpointed (a round with the
        # console loaded leaves more of it, its readers' snapshots holding the checkpoint back).
        await housekeeping(app)
        bench_updates._last_housekeeping[0] = time.perf_counter()
        if per_second is None:
            return await run_stream(app, stream, ours=True), 0.0
        stop.clear()
        served = [0]
        loader = asyncio.create_task(load(per_second, served))
        await asyncio.sleep(0.05)  # its first request under way
        began = time.perf_counter()
        rate = await run_stream(app, stream, ours=True)
        pages = served[0] / (time.perf_counter() - began)
        stop.set()
        await loader  # its last request done before the next round
        return rate, pages

    await one_round(None)  # warm up the bot's path (statements, caches): not measured
    kinds = list(loads)
    for group in range(max(1, rounds // len(kinds))):
        shift = group % len(kinds)
        for kind in kinds[shift:] + kinds[:shift]:
            rate, pages = await one_round(loads[kind])
            run.rates.setdefault(kind, []).append(rate)
            run.pages_per_second.setdefault(kind, []).append(pages)
    # Every update was a real step.
    db = app.bot_data.services.maintenance.db
    logged = db.execute("SELECT COUNT(*) FROM events WHERE chat_id >= ?", [BENCH_CHAT]).fetchone()
    measured = sum(len(rates) for rates in run.rates.values())
    expected = (1 + measured) * chats * (1 + len(PRESSES))
    if logged[0] != expected:
        raise SystemExit(f"the bot logged {logged[0]} steps for {expected} updates")


def forget_runs(path: Path) -> None:
    """Remove what an earlier run added (its chats, updates, sign-in): the file as seeded."""
    db = open_database(path)
    with transaction(db):
        write(db, "DELETE FROM events WHERE chat_id >= ?", [BENCH_CHAT])
        write(db, "DELETE FROM chats WHERE id >= ?", [BENCH_CHAT])
        write(db, "DELETE FROM reminders WHERE chat_id >= ?", [BENCH_CHAT])
        write(db, "DELETE FROM inbox")
        write(db, "DELETE FROM console_links")
        write(db, "DELETE FROM console_sessions")
    close_database(db)


async def measure(path: Path, run: Run, args: argparse.Namespace) -> None:
    settings = replace(
        Settings(),
        token="123:BENCH",
        db_path=path,
        flow_path=PROJECT_ROOT / "flows" / "tmall_tp.yaml",
        locales_dir=PROJECT_ROOT / "locales",
        operators=frozenset({OPERATOR_ID}),
        support_chat_id=SUPPORT_CHAT_ID,
    )
    forget_runs(path)
    async with Bench(settings) as bench:
        await measure_pages(bench, run, args.requests, args.funnel_runs)
        if args.rounds:
            await measure_throughput(bench, run, args.rounds, args.chats, args.pace)
    forget_runs(path)


# -- report -------------------------------------------------------------------------------------
def report(runs: list[Run], args: argparse.Namespace) -> None:
    print(
        f"\nconsole pages: server time through the HTTP stack, ms; {args.requests} requests "
        f"each (the funnel afresh {args.funnel_runs}), pages taking turns; "
        "x scan: median / the baseline's median"
    )
    head = f"  {'page':<40}"
    for run in runs:
        head += f" | {f'{run.chats:,} chats':>34}"
    print(head + " | target p95")
    sub = f"  {'':<40}"
    for _ in runs:
        sub += f" | {'matches':>9} {'median':>8} {'p95':>8} {'x scan':>6}"
    print(sub)
    for i, page in enumerate(runs[0].pages):
        line = f"  {page.label:<40}"
        for run in runs:
            mine = run.pages[i]
            base = statistics.median(run.pages[0].times)
            matches = f"{mine.matches:,}" if mine.matches is not None else ""
            median = statistics.median(mine.times)
            line += (
                f" | {matches:>9} {median:8.1f} {pct(mine.times, 0.95):8.1f} {median / base:5.2f}x"
            )
        if page.target is not None:
            line += f" | <= {page.target:.0f} / {page.target_large:.0f} ms"
        print(line)
    print("  " + "; ".join(f"{run.chats:,}: {run.note}, {run.db_mb:,.0f} MB" for run in runs))
    if not any(run.rates for run in runs):
        return
    print(
        f"\nbot throughput: {args.rounds} rounds of {args.chats} new chats x (/start + "
        f"{len(PRESSES)} presses), the loads taking turns: none, a task requesting board and "
        "company pages back to back, and pages at a steady rate; medians; ratio: each loaded "
        "round against the unloaded one of its group (middle half of the groups)"
    )
    for run in runs:
        without = run.rates["without"]
        line = f"  {run.chats:>9,} chats: without {statistics.median(without):5.0f} updates/s"
        for kind, rates in run.rates.items():
            if kind == "without":
                continue
            ratios = [b / a for a, b in zip(without, rates, strict=False)]
            low, _, high = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
            line += (
                f"; {kind}: {statistics.median(rates):5.0f} updates/s "
                f"({statistics.median(run.pages_per_second[kind]):.1f} pages/s) -> "
                f"{statistics.median(ratios):.2f}x ({low:.2f}-{high:.2f})"
            )
        print(line + "   [target >= 0.9x]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="companies, comma-separated")
    parser.add_argument("--requests", type=int, default=30, help="requests per page")
    parser.add_argument("--funnel-runs", type=int, default=1, help="uncached funnel requests")
    parser.add_argument("--rounds", type=int, default=30, help="throughput rounds (0: none)")
    parser.add_argument("--chats", type=int, default=300, help="new chats per throughput round")
    parser.add_argument(
        "--pace", type=float, default=5.0, help="pages a second of the steady load (0: none)"
    )
    parser.add_argument(
        "--keep",
        type=Path,
        default=Path(os.environ.get("TMPDIR") or tempfile.gettempdir()) / "tpbot-bench-console",
        help="folder for the seeded databases, reused by later runs",
    )
    parser.add_argument("--reseed", action="store_true", help="seed again even if kept")
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke test")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.requests, args.funnel_runs = "2000,10000", 5, 1
        args.rounds, args.chats = 6, 50
    spec = load_flow(PROJECT_ROOT / "flows" / "tmall_tp.yaml")
    args.keep.mkdir(parents=True, exist_ok=True)
    runs = []
    for count in (int(size) for size in args.sizes.split(",")):
        path, note = database_for(args.keep, spec, count, args.reseed)
        run = Run(count, note, path.stat().st_size / 2**20)
        print(f"{count:,} companies: {note} ({path})", flush=True)
        asyncio.run(measure(path, run, args))
        runs.append(run)
    report(runs, args)


if __name__ == "__main__":
    main()
