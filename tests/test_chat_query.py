"""One query for chats: each condition of :class:`ChatQuery` alone and combined selects the
same chats on the board (every page, both ways it finds a page), in its CSV and ``/export``,
and in a broadcast audience (its count and the deliveries it fixes) — and exactly the chats
the condition describes, worked out here in Python over the seeded rows."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from sqlite_utils import Database

from bot.cli_operators import cmd_export
from bot.services.broadcasts.audience import chat_filter, parse_audience
from bot.storage import board, chat_query, waiting
from bot.storage.broadcasts import add_deliveries
from bot.storage.chat_query import ChatQuery
from bot.storage.db import open_database
from bot.storage.sql import transaction
from tests.helpers.broadcasts import deliveries_of, seed_chats
from tests.helpers.console import client_for, signed_in
from tests.helpers.harness import BotHarness

STATES = ("welcome", "company_type", "audit_wait", "done")
TITLES = ("Acme Trading", "50%_off Store", "acme & co", None, "Wang Wei Ltd", "back\\slash")


class Seeded(NamedTuple):
    id: int
    title: str | None
    language: str
    state: str
    updated_at: str
    step_since: str | None
    finished_at: str | None
    audit_step: str | None
    audit_due_on: str | None
    active: int
    muted: bool
    waiting: bool


def _day(n: int) -> str:
    return f"2026-09-{1 + n % 28:02}T0{n % 10}:00:00+00:00"


def _seed(db: Database) -> list[Seeded]:
    rows: list[Seeded] = []
    for n in range(48):
        state = STATES[n % len(STATES)]
        audit = "audit_wait" if n % 3 else None  # some keep an audit of a step they left
        rows.append(
            Seeded(
                id=1000 + n,
                title=TITLES[n % len(TITLES)],
                language="zh" if n % 5 in (1, 3) else "en",
                state=state,
                updated_at=_day(n * 7),
                step_since=None if n % 11 == 0 else _day(n * 5),
                finished_at=_day(n) if state == "done" else None,
                audit_step=audit,
                audit_due_on=f"2026-09-{1 + n % 20:02}" if audit else None,
                active=0 if n % 7 == 3 else 1,
                muted=n % 6 == 1,
                waiting=n % 8 == 2,
            )
        )
    with transaction(db):
        for row in rows:
            db.execute(
                "INSERT INTO chats (id, type, title, language, state, history, seq, audit_step, "
                "audit_due_on, active, created_at, updated_at, finished_at, flow_version, "
                "step_since) VALUES (?, 'private', ?, ?, ?, '[]', 1, ?, ?, ?, ?, ?, ?, 1, ?)",
                [
                    *(row.id, row.title, row.language, row.state, row.audit_step),
                    *(row.audit_due_on, row.active, "2026-08-01T00:00:00+00:00"),
                    *(row.updated_at, row.finished_at, row.step_since),
                ],
            )
            if row.muted:
                db.execute(
                    "INSERT INTO muted_chats (chat_id, muted_at) VALUES (?, ?)", [row.id, ""]
                )
        # Tickets: waiting ones (the user spoke last), answered ones, closed ones.
        for n, row in enumerate(rows):
            if n % 4 != 2:
                continue
            status = "open" if row.waiting or n % 3 else "closed"
            last = "in" if row.waiting else "out"
            ticket = db.execute(
                "INSERT INTO tickets (chat_id, status, relaying, card_pending, blocked, "
                "opened_count) VALUES (?, ?, 0, 0, 0, 1)",
                [row.id, status],
            ).lastrowid
            for direction in ("card", "in", last):
                db.execute(
                    "INSERT INTO ticket_messages (ticket_id, direction, at) VALUES (?, ?, ?)",
                    [ticket, direction, row.updated_at],
                )
        waiting.backfill(db)  # the waits the bot keeps as it records messages
        db.execute(
            "INSERT INTO broadcasts (id, status, audience, content, created_at) "
            "VALUES (1, 'running', 'all', '{}', '2026-09-30T00:00:00+00:00')"
        )
        # The answers log, in time order, as the bot writes it (the board's newest-first path).
        for row in sorted(rows, key=lambda r: (r.updated_at, r.id)):
            db.execute(
                "INSERT INTO events (chat_id, kind, at) VALUES (?, 'answer', ?)",
                [row.id, row.updated_at],
            )
    return rows


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, list[Seeded]]]:
    db = open_database(Path(tmp_path_factory.mktemp("query")) / "chats.sqlite3")
    rows = _seed(db)
    yield db, rows
    db.close()


Condition = tuple[dict[str, Any], Callable[[Seeded], bool]]

CONDITIONS: dict[str, Condition] = {
    "states": (
        {"states": ("company_type", "audit_wait")},
        lambda r: r.state in ("company_type", "audit_wait"),
    ),
    "no states": ({"states": ()}, lambda r: False),
    "language": ({"language": "zh"}, lambda r: r.language == "zh"),
    "updated_before": (
        {"updated_before": _day(14 * 7)},
        lambda r: r.updated_at <= _day(14 * 7),
    ),
    "unfinished": ({"unfinished": True}, lambda r: r.finished_at is None),
    "at_step_before": (
        {"at_step_before": "2026-09-15T00:00:00+00:00"},
        lambda r: (
            r.step_since is not None
            and r.step_since < "2026-09-15T00:00:00+00:00"
            and r.finished_at is None
        ),
    ),
    "audit_due_before": (
        {"audit_due_before": "2026-09-12"},
        lambda r: (
            r.audit_step is not None
            and r.state == r.audit_step
            and r.audit_due_on is not None
            and r.audit_due_on < "2026-09-12"
        ),
    ),
    "waiting": ({"waiting": True}, lambda r: r.waiting),
    "search": ({"search": " acme "}, lambda r: "acme" in (r.title or "").lower()),
    "search literal %_": ({"search": "0%_o"}, lambda r: "0%_o" in (r.title or "")),
    "search backslash": ({"search": "k\\s"}, lambda r: "k\\s" in (r.title or "")),
    "search or id": (
        {"search": "1005", "search_id": 1005},
        lambda r: r.id == 1005 or "1005" in (r.title or ""),
    ),
    "exclude": ({"exclude": 1004}, lambda r: r.id != 1004),
    "active": ({"active": True}, lambda r: r.active == 1),
    "inactive": ({"active": False}, lambda r: r.active == 0),
    "muted": ({"muted": True}, lambda r: r.muted),
    "not muted": ({"muted": False}, lambda r: not r.muted),
}

# Pairs of different fields (a field against itself would only keep the second value).
PAIRS = [
    (a, b)
    for a, b in itertools.combinations(CONDITIONS, 2)
    if not set(CONDITIONS[a][0]) & set(CONDITIONS[b][0])
]


def _combined(names: tuple[str, ...]) -> tuple[ChatQuery, Callable[[Seeded], bool]]:
    fields: dict[str, Any] = {}
    tests = []
    for name in names:
        fields.update(CONDITIONS[name][0])
        tests.append(CONDITIONS[name][1])
    return ChatQuery(**fields), lambda row: all(test(row) for test in tests)


def _every_page(db: Database, query: ChatQuery, sort: str, descending: bool) -> list[int]:
    ids: list[int] = []
    page = 1
    while True:  # every page, as the board shows them
        total, shown, rows = board.board_page(db, query, sort, descending, 7, page)
        if shown != page:
            break
        ids += [row.id for row in rows]
        if len(rows) < 7:
            break
        page += 1
    assert total == len(ids), (sort, descending)
    return ids


def _every_door(db: Database, query: ChatQuery) -> dict[str, list[int]]:
    """The chat ids ``query`` selects at each door, in the order each gives them."""
    doors: dict[str, list[int]] = {}
    for sort, descending in (("activity", True), ("id", False), ("name", False)):
        doors[f"board by {sort}"] = _every_page(db, query, sort, descending)
        doors[f"board.csv by {sort}"] = [
            row.id for row in board.board_all(db, query, sort, descending)
        ]
    with pytest.MonkeyPatch.context() as patch:  # pages found from the log's newest entries
        patch.setattr(board, "WALK_FIRST", 4)
        doors["board by activity, from the log"] = _every_page(db, query, "activity", True)
    assert doors["board by activity, from the log"] == doors["board by activity"]
    doors["board count"] = list(range(board.board_count(db, query)))
    doors["companies"] = [row.id for row in chat_query.companies(db, query)]
    doors["audience count"] = list(range(chat_query.count(db, query)))
    with transaction(db):
        fixed = add_deliveries(db, 1, query, "2026-09-30T00:00:00+00:00")
        delivered = [
            int(row[0])
            for row in db.execute(
                "SELECT chat_id FROM deliveries WHERE broadcast_id = 1 ORDER BY 1"
            )
        ]
        db.execute("DELETE FROM deliveries")
    assert fixed == len(delivered)
    doors["audience deliveries"] = delivered
    return doors


def _check(db: Database, rows: list[Seeded], names: tuple[str, ...]) -> None:
    query, wanted = _combined(names)
    expected = sorted(row.id for row in rows if wanted(row))
    for door, ids in _every_door(db, query).items():
        if door.endswith("count"):
            assert len(ids) == len(expected), (names, door)
        else:
            assert sorted(ids) == expected, (names, door)
            assert len(set(ids)) == len(ids), (names, door)  # a chat once, on one page


@pytest.mark.parametrize("name", list(CONDITIONS))
def test_each_condition_alone_selects_the_same_chats_at_every_door(
    seeded: tuple[Database, list[Seeded]], name: str
) -> None:
    db, rows = seeded
    _check(db, rows, (name,))


@pytest.mark.parametrize("names", PAIRS, ids=["+".join(pair) for pair in PAIRS])
def test_conditions_combined_select_the_same_chats_at_every_door(
    seeded: tuple[Database, list[Seeded]], names: tuple[str, str]
) -> None:
    db, rows = seeded
    _check(db, rows, names)


def test_no_condition_selects_every_chat_and_the_seeded_cases_are_not_trivial(
    seeded: tuple[Database, list[Seeded]],
) -> None:
    db, rows = seeded
    _check(db, rows, ())
    _check(db, rows, ("language", "unfinished", "active", "not muted", "states", "exclude"))
    for name, (_, wanted) in CONDITIONS.items():
        selected = sum(1 for row in rows if wanted(row))
        if name != "no states":  # each condition keeps some chats and drops others
            assert 0 < selected < len(rows), name


def test_the_export_and_the_board_read_one_projection(
    seeded: tuple[Database, list[Seeded]],
) -> None:
    db, rows = seeded
    exported = list(chat_query.companies(db, ChatQuery()))
    assert [row.id for row in exported] == sorted(row.id for row in rows)
    by_id = {row.id: row for row in rows}
    for row in exported:
        seeded_row = by_id[row.id]
        assert bool(row.muted) == seeded_row.muted
        assert bool(row.waiting) == seeded_row.waiting
        assert row.created_at == "2026-08-01T00:00:00+00:00"
        assert chat_query.company(db, row.id) == row
    assert chat_query.company(db, 1) is None
    assert dataclasses.fields(ChatQuery)  # a frozen value, hashable as a cache key
    assert hash(ChatQuery(states=("a",))) == hash(ChatQuery(states=("a",)))


# -- the doors through the real app -----------------------------------------------------------
async def test_board_exports_and_audiences_of_the_real_app_select_the_same_companies(
    harness: BotHarness,
) -> None:
    """The console's board (its page count and its CSV), ``/export`` and a broadcast audience
    (its preview and the deliveries it fixes), for the same stage, step and language: the same
    companies, except that an audience leaves out chats that blocked the bot or muted it."""
    ids = seed_chats(harness, 40)
    db, spec = harness.db, harness.services.spec
    blocked, muted = ids[3], ids[6]  # Chinese ones
    with transaction(db):
        db.execute("UPDATE chats SET active = 0 WHERE id = ?", [blocked])
        db.execute("INSERT INTO muted_chats (chat_id, muted_at) VALUES (?, '')", [muted])
    stage = spec.stage_of("op_apply")
    views = [
        ({"stage": stage.id}, f"stage:{stage.number}", lambda c: spec.stage_of(c[1]) == stage),
        ({"step": "welcome"}, "step:welcome", lambda c: c[1] == "welcome"),
        ({"language": "zh"}, "lang:zh", lambda c: c[2] == "zh"),
        (
            {"stage": stage.id, "language": "zh"},
            f"lang:zh,stage:{stage.number}",
            lambda c: spec.stage_of(c[1]) == stage and c[2] == "zh",
        ),
    ]
    rows = [
        (int(r[0]), str(r[1]), str(r[2]))
        for r in db.execute("SELECT id, state, language FROM chats")
    ]
    export_file = harness.settings.db_path.parent / "export.csv"  # tmall-tp-bot export
    assert cmd_export(argparse.Namespace(output=export_file), harness.settings) == 0
    text = export_file.read_text(encoding="utf-8").lstrip("\ufeff")
    exported = {int(line["chat_id"]): line for line in csv.DictReader(io.StringIO(text))}
    left_out: set[int] = set()
    async with client_for(harness) as (client, _):
        await signed_in(harness, client)
        for params, text, wanted in views:
            expected = {chat_id for chat_id, *_ in rows if wanted((chat_id, *_))}
            assert expected and expected != set(ids), text  # a real selection
            got = await client.get("/console/board.csv", params=params)
            lines = list(csv.DictReader(io.StringIO(got.text.lstrip("\ufeff"))))
            assert {int(line["chat_id"]) for line in lines} == expected, text
            assert {
                i for i, line in exported.items() if wanted((i, line["step"], line["language"]))
            } == expected
            page = await client.get("/console/", params=params)
            assert f'id="total">{len(expected)} companies<' in page.text, text
            audience = parse_audience(text, spec)
            reachable = expected - {blocked, muted}
            left_out |= expected - reachable
            size = harness.services.broadcasts.size(audience)
            assert (size.chats, size.muted) == (len(reachable), int(muted in expected)), text
            query = chat_filter(audience, spec, harness.clock())
            with transaction(db):
                db.execute(
                    "INSERT INTO broadcasts (id, status, audience, content, created_at) "
                    "VALUES (99, 'running', ?, '{}', '2026-09-30T00:00:00+00:00')",
                    [text],
                )
                add_deliveries(db, 99, query, "2026-09-30T00:00:00+00:00")
            assert {d.chat_id for d in deliveries_of(db, 99)} == reachable, text
            with transaction(db):
                db.execute("DELETE FROM deliveries")
                db.execute("DELETE FROM broadcasts")
    assert left_out == {blocked, muted}  # each view's audience left out the ones it held
