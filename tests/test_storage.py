"""The chat rows on the per-update path: compare-and-set moves and the bounded history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from bot.storage import tickets
from bot.storage.board import recent_events
from bot.storage.chats import ChatRow, NewChat, advance_chat, get_chat, insert_chat, update_chat
from bot.storage.db import open_database
from bot.storage.event_details import ChatMigrated, LanguageSet, OperatorMessage
from bot.storage.sql import OutsideTransaction, transaction


def a_chat(tmp_path: Path, history: list[str]) -> Database:
    db = open_database(tmp_path / "chats.sqlite3")
    with transaction(db):
        insert_chat(db, NewChat(7, "private", None, "en", "s2", 5, "2026-09-01T00:00:00+00:00", 1))
        update_chat(db, 7, {"history": history})
    return db


def move(db: Database, *args: Any, **kwargs: Any) -> ChatRow | None:
    with transaction(db):
        return advance_chat(db, *args, **kwargs)


def test_a_move_applies_only_at_the_expected_step_and_counter(tmp_path: Path) -> None:
    db = a_chat(tmp_path, ["s0", "s1"])
    assert (
        move(db, 7, "s2", 4, {"state": "s3"}, push_history=True, history_limit=100) is None
    )  # an old counter: nothing written
    assert (
        move(db, 7, "s1", 5, {"state": "s3"}, push_history=True, history_limit=100) is None
    )  # another step: nothing written
    assert get_chat(db, 7).state == "s2"
    row = move(db, 7, "s2", 5, {"state": "s3"}, push_history=True, history_limit=100)
    assert row is not None
    assert (row.state, row.seq, list(row.history)) == ("s3", 6, ["s0", "s1", "s2"])
    assert get_chat(db, 7) == row


def test_history_keeps_only_the_newest_states(tmp_path: Path) -> None:
    db = a_chat(tmp_path, [f"old{i}" for i in range(100)])
    row = move(db, 7, "s2", 5, {"state": "s3"}, push_history=True, history_limit=100)
    assert row is not None
    history = list(row.history)
    assert len(history) == 100
    assert history[0] == "old1" and history[-1] == "s2"


def test_staying_on_a_step_leaves_the_history_alone(tmp_path: Path) -> None:
    db = a_chat(tmp_path, ["s0"])
    row = move(db, 7, "s2", 5, {"state": "s2"}, push_history=False, history_limit=100)
    assert row is not None
    assert list(row.history) == ["s0"] and row.seq == 6


def test_a_write_outside_a_transaction_is_refused(tmp_path: Path) -> None:
    db = a_chat(tmp_path, [])
    with pytest.raises(OutsideTransaction):
        advance_chat(db, 7, "s2", 5, {"state": "s3"}, push_history=True, history_limit=100)
    assert get_chat(db, 7).state == "s2"
    assert not db.conn.in_transaction  # nothing left open that other connections cannot see


def test_a_timeline_gets_each_entrys_detail_as_its_typed_value(tmp_path: Path) -> None:
    """JSON is read in storage: each kind's detail comes back as its value, none as None."""
    db = a_chat(tmp_path, [])
    details = [
        ("language", '{"language": "zh"}'),
        ("migrate", '{"from": 5}'),
        ("operator-message", '{"text": "你好"}'),
        ("answer", None),
    ]
    with transaction(db):
        for kind, detail in details:
            db.execute(
                "INSERT INTO events (chat_id, user_id, kind, detail, at, flow_version) "
                "VALUES (7, 42, ?, ?, '2026-09-01T00:00:00+00:00', 3)",
                [kind, detail],
            )
    entries = recent_events(db, 7)
    assert [e.detail for e in entries] == [
        LanguageSet("zh"),
        ChatMigrated(5),
        OperatorMessage("你好"),
        None,
    ]
    assert (entries[0].user_id, entries[0].flow_version, entries[0].step) == (42, 3, None)


def test_storage_keeps_the_history_as_json_and_hands_out_values(tmp_path: Path) -> None:
    db = open_database(tmp_path / "chats.sqlite3")
    at = "2026-09-01T00:00:00+00:00"
    with transaction(db):
        insert_chat(db, NewChat(8, "group", "Acme", "zh", "s0", 0, at, 4))
    fresh = get_chat(db, 8)
    assert fresh == ChatRow(
        8, "group", "Acme", "zh", "s0", (), 0, None, None, None, 1, at, at, None, 4, at
    )
    with transaction(db):
        update_chat(db, 8, {"history": ["s0", "步骤"], "audit_step": None, "title": None})
    stored = db.execute("SELECT history, title FROM chats WHERE id = 8").fetchone()
    assert json.loads(stored[0]) == ["s0", "步骤"] and stored[1] is None
    assert get_chat(db, 8).history == ("s0", "步骤")


def test_tickets_are_written_from_values(tmp_path: Path) -> None:
    db = open_database(tmp_path / "chats.sqlite3")
    at = "2026-09-01T00:00:00+00:00"
    with transaction(db):
        number = tickets.insert_ticket(db, tickets.NewTicket(8, "private", 42, "Olga", "zh", at))
        tickets.add_message(db, tickets.RelayedMessage(number, -100, 555, 77, "in", at))
        tickets.update_ticket(db, number, {"status": tickets.CLOSED, "relaying": 0})
    ticket = tickets.ticket_of_support_message(db, -100, 555)
    assert ticket is not None and ticket == tickets.get_ticket(db, number)
    assert (ticket.chat_id, ticket.user_id, ticket.name, ticket.language) == (8, 42, "Olga", "zh")
    assert (ticket.status, ticket.relaying, ticket.card_pending, ticket.blocked) == (
        "closed",
        0,
        1,
        0,
    )
    assert (ticket.opened_count, ticket.created_at, ticket.updated_at) == (1, at, at)
    assert tickets.is_operator_copy(db, number, 77) is False  # the user's message, not ours
