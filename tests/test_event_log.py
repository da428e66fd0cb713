"""The answers log's details: one typed value per kind, JSON of a known shape, read back as
written; old bare-string language entries rewritten by a named migration; operators' moves
through the progress service's ``move_to``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlite_utils import Database

from bot.services.flow.moves import Moved, MoveRefused
from bot.storage import events, migrations
from bot.storage.db import open_database
from bot.storage.event_details import (
    AuditDates,
    ChatMigrated,
    EventDetail,
    FlowMigrated,
    LanguageSet,
    OperatorMessage,
    OperatorMove,
)
from bot.storage.sql import transaction
from tests.helpers.console import client_for, signed_in, walk
from tests.helpers.harness import EN_USER, BotHarness

AT = "2026-10-09T08:00:00+00:00"
DATES = AuditDates(dt.date(2026, 10, 9), dt.date(2026, 10, 14))


def raw_details(db: Database, chat_id: int) -> list[tuple[str, str | None]]:
    rows = db.execute("SELECT kind, detail FROM events WHERE chat_id = ? ORDER BY id", [chat_id])
    return [(kind, detail) for kind, detail in rows.fetchall()]


def test_every_detail_is_stored_in_its_shape_and_read_back_as_written(tmp_path: Path) -> None:
    db = open_database(tmp_path / "bot.sqlite3")
    written: list[tuple[str, EventDetail | None]] = [
        ("start", None),
        ("answer", DATES),
        ("language", LanguageSet("zh")),
        ("migrate", FlowMigrated(3)),
        ("migrate", ChatMigrated(-100)),
        ("operator-move", OperatorMove("called them", override=True, audit=DATES)),
        ("operator-move", OperatorMove("by the rules", override=False)),
        ("operator-message", OperatorMessage("您好，审核已通过")),
    ]
    with transaction(db):
        for kind, detail in written:
            events.append(db, events.Event(1, kind, AT, detail=detail))
    assert [(e.kind, e.detail) for e in events.events_of(db, 1)] == written
    shapes = [(kind, json.loads(text) if text else None) for kind, text in raw_details(db, 1)]
    assert shapes == [
        ("start", None),
        ("answer", {"submitted": "2026-10-09", "due": "2026-10-14"}),
        ("language", {"language": "zh"}),
        ("migrate", {"flow_version": 3}),
        ("migrate", {"from": -100}),
        ("operator-move", {"reason": "called them", "override": True, **DATES.as_json()}),
        ("operator-move", {"reason": "by the rules", "override": False}),
        ("operator-message", {"text": "您好，审核已通过"}),
    ]
    db.close()


def test_old_bare_language_entries_are_rewritten_by_the_migration(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    old = Database(path)
    migrations.core.apply(old, stop_before="m008_language_detail_json")
    old.execute(
        "INSERT INTO events (chat_id, kind, detail, at) VALUES "
        "(1, 'language', 'zh', ?), (1, 'language', NULL, ?), (1, 'answer', NULL, ?)",
        [AT, AT, AT],
    )
    old.conn.commit()
    old.close()
    db = open_database(path)
    assert raw_details(db, 1) == [
        ("language", '{"language":"zh"}'),
        ("language", None),
        ("answer", None),
    ]
    assert [e.detail for e in events.events_of(db, 1)] == [LanguageSet("zh"), None, None]
    db.close()


async def test_a_language_switch_is_logged_typed_and_shown_on_the_company_page(
    harness: BotHarness,
) -> None:
    await walk(harness, EN_USER, ["begin"])
    calls = await harness.command(EN_USER, "/language")
    await harness.press(EN_USER, "l|zh", message=calls[0].result)
    assert raw_details(harness.db, 1001)[-1] == ("language", '{"language": "zh"}')
    async with client_for(harness) as (client, _):
        await signed_in(harness, client)
        page = await client.get("/console/company/1001")
    assert "Language changed zh" in " ".join(page.text.split())


async def test_an_operators_move_into_an_audit_goes_through_move_to(harness: BotHarness) -> None:
    await walk(harness, EN_USER, ["begin"])
    progress = harness.services.progress
    seq = progress.get(1001).seq  # type: ignore[union-attr]
    assert progress.move_to(1001, "op_audit", by=900, reason="x", override=False, seq=seq) is (
        MoveRefused.NOT_ALLOWED
    )
    assert progress.move_to(1001, "op_audit", by=900, reason=" ", override=True) is (
        MoveRefused.NO_REASON
    )
    assert progress.move_to(1001, "op_audit", by=900, reason="x", override=True, seq=seq - 1) is (
        MoveRefused.CHANGED
    )
    moved = progress.move_to(1001, "op_audit", by=900, reason=" phoned ", override=True, seq=seq)
    assert isinstance(moved, Moved) and moved.overridden
    assert moved.progress.state == "op_audit" and moved.progress.seq == seq + 1
    assert moved.progress.audit_submitted_on is not None
    assert moved.progress.audit_due_on is not None
    last = events.latest_event(harness.db, 1001)
    assert last is not None and (last.kind, last.user_id) == ("operator-move", 900)
    dates = AuditDates(moved.progress.audit_submitted_on, moved.progress.audit_due_on)
    assert last.detail == OperatorMove("phoned", override=True, audit=dates)
    # the same counter again: the chat moved meanwhile
    again = progress.move_to(1001, "eligibility", by=900, reason="x", override=True, seq=seq)
    assert again is MoveRefused.CHANGED


def test_the_answers_log_has_one_writer() -> None:
    """Only bot/storage/events.py inserts into ``events`` (``append``, and the flow-version
    moves' set-based INSERT); services write through it, with typed details (a guard: no
    service grows its own writer again)."""
    bot = Path(__file__).resolve().parents[1] / "bot"
    writers = {
        str(path.relative_to(bot.parent))
        for path in bot.rglob("*.py")
        if "INSERT INTO events" in path.read_text(encoding="utf-8")
    }
    assert writers == {"bot/storage/events.py"}
