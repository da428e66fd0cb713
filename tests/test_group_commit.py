"""Chats handled side by side share commits, and nothing is said about a change before it is
saved (``bot.storage.group_commit``), through the real path of ``run``: the intake, PTB's
update queue and the bot's lanes, with the network faked."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from typing import Any

import pytest

from bot.demo.updates import UpdateFactory
from bot.intake import Intake
from bot.storage import events
from tests.helpers.harness import BotHarness

CROWD = [UpdateFactory.user(7000 + n, f"User {n}", "en") for n in range(30)]
BEGIN = "a|0|welcome|begin"


def saved_state(harness: BotHarness, chat_id: int) -> tuple[str, int] | None:
    """The chat's step and counter as another connection sees them: what is committed."""
    with sqlite3.connect(harness.settings.db_path) as other:
        row = other.execute("SELECT state, seq FROM chats WHERE id = ?", [chat_id]).fetchone()
    return (str(row[0]), int(row[1])) if row else None


async def started(harness: BotHarness) -> Intake:
    await harness.application.start()
    intake = Intake(harness.application)
    intake.accept_updates([harness.updates.command(user, "/start") for user in CROWD])
    await intake.drain(10)
    return intake


def presses(harness: BotHarness) -> list[Any]:
    return [
        harness.updates.press(user, BEGIN, _step_message(harness, user["id"])) for user in CROWD
    ]


def _step_message(harness: BotHarness, chat_id: int) -> dict[str, Any]:
    sent = [c for c in harness.api.calls if c.chat_id == chat_id and c.buttons()]
    result = sent[-1].result
    assert isinstance(result, dict)
    return result


async def test_presses_of_many_chats_share_commits(harness: BotHarness) -> None:
    intake = await started(harness)
    statements: Counter[str] = Counter()
    harness.db.conn.set_trace_callback(lambda sql: statements.update([sql.split()[0].upper()]))
    try:
        intake.accept_updates(presses(harness))
        await intake.drain(10)
    finally:
        harness.db.conn.set_trace_callback(None)
    assert all(saved_state(harness, u["id"]) == ("owner_separate", 1) for u in CROWD)
    # One commit each before; now the presses handled in the same turn share one.
    assert statements["COMMIT"] <= len(CROWD) // 3, statements


async def test_a_reply_goes_out_only_after_its_change_is_saved(harness: BotHarness) -> None:
    intake = await started(harness)
    seen_when_shown: dict[int, tuple[str, int] | None] = {}

    def edit(params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        seen_when_shown[chat_id] = saved_state(harness, chat_id)
        return {
            "message_id": params["message_id"],
            "date": 0,
            "chat": {"id": chat_id, "type": "private"},
            "text": params["text"],
        }

    harness.api.responders["editMessageText"] = edit
    intake.accept_updates(presses(harness))
    await intake.drain(10)
    assert set(seen_when_shown) == {u["id"] for u in CROWD}
    assert set(seen_when_shown.values()) == {("owner_separate", 1)}


async def test_an_update_that_fails_undoes_only_its_own_change(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    intake = await started(harness)
    unlucky = CROWD[7]["id"]
    append = events.append

    def failing_for_one(db: Any, event: events.Event) -> None:
        append(db, event)
        if event.chat_id == unlucky:
            raise RuntimeError("a bug in the middle of one chat's change")

    monkeypatch.setattr(events, "append", failing_for_one)
    intake.accept_updates(presses(harness))
    await intake.drain(10)
    assert saved_state(harness, unlucky) == ("welcome", 0)  # its half-made change undone
    others = [u["id"] for u in CROWD if u["id"] != unlucky]
    assert all(saved_state(harness, chat_id) == ("owner_separate", 1) for chat_id in others)
    with sqlite3.connect(harness.settings.db_path) as other:
        logged = other.execute(
            "SELECT COUNT(*) FROM events WHERE kind = 'answer' AND chat_id = ?", [unlucky]
        ).fetchone()[0]
    assert logged == 0


class _CommitFailsOnce:
    """The connection, except that a COMMIT (the next, or the one after ``skip`` more) finds
    the disk full (and undoes all)."""

    def __init__(self, conn: sqlite3.Connection, skip: int = 0) -> None:
        self._conn = conn
        self.failed = 0
        self._skip = skip

    def commit(self) -> None:
        if self._skip:
            self._skip -= 1
        elif not self.failed:
            self.failed += 1
            self._conn.rollback()
            error = sqlite3.OperationalError("database or disk is full")
            error.sqlite_errorname = "SQLITE_FULL"  # type: ignore[attr-defined]
            raise error
        self._conn.commit()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


async def test_a_group_whose_commit_fails_is_handled_again_once(harness: BotHarness) -> None:
    intake = await started(harness)
    group = harness.services.ledger.group
    assert group is not None
    failing = _CommitFailsOnce(group.conn)
    group.conn = failing  # type: ignore[assignment]
    pressed = presses(harness)
    harness.api.take()
    intake.accept_updates(pressed)
    await intake.drain(10)
    await asyncio.sleep(0)
    assert failing.failed == 1
    # Every press is applied once (not lost with the undone commit, not twice on the retry).
    assert all(saved_state(harness, u["id"]) == ("owner_separate", 1) for u in CROWD)
    with sqlite3.connect(harness.settings.db_path) as other:
        per_chat = dict(
            other.execute(
                "SELECT chat_id, COUNT(*) FROM events WHERE kind = 'answer' GROUP BY chat_id"
            ).fetchall()
        )
    assert per_chat == {u["id"]: 1 for u in CROWD}
    # And each chat is shown its next step.
    shown = {c.chat_id for c in harness.api.calls if c.method in ("editMessageText", "sendMessage")}
    assert shown >= {u["id"] for u in CROWD}


async def test_a_press_answered_is_recorded_done_with_the_next_commit(harness: BotHarness) -> None:
    """A crash right after the reply must not find the press still owed (and show its step
    once more at the next start)."""
    intake = await started(harness)
    pressed = presses(harness)
    intake.accept_updates(pressed)
    await intake.drain(10)
    for _ in range(3):  # the group's commit comes on the next turn of the loop
        await asyncio.sleep(0)
    with sqlite3.connect(harness.settings.db_path) as other:
        statuses = Counter(
            status
            for (status,) in other.execute(
                f"SELECT status FROM inbox WHERE update_id IN ({','.join('?' * len(pressed))})",
                [u.update_id for u in pressed],
            )
        )
    assert statuses == {"done": len(CROWD)}


async def test_a_done_mark_whose_commit_fails_is_written_a_little_later(
    harness: BotHarness,
) -> None:
    """The press's change is committed, the commit of its done mark fails: the press is not
    handled again, and its done mark is written with the next batch (shortly, on an idle bot)."""
    intake = await started(harness)
    group = harness.services.ledger.group
    assert group is not None
    failing = _CommitFailsOnce(group.conn, skip=1)  # the change's commit goes through
    group.conn = failing  # type: ignore[assignment]
    press = presses(harness)[0]
    harness.api.take()
    intake.accept_updates([press])
    await intake.drain(10)
    assert failing.failed == 1

    def status() -> str:
        with sqlite3.connect(harness.settings.db_path) as other:
            row = other.execute(
                "SELECT status FROM inbox WHERE update_id = ?", [press.update_id]
            ).fetchone()
        return str(row[0])

    for _ in range(100):
        if status() == "done":
            break
        await asyncio.sleep(0.02)
    assert status() == "done"
    user = CROWD[0]["id"]
    assert saved_state(harness, user) == ("owner_separate", 1)
    shown = [c for c in harness.api.take() if c.chat_id == user and c.method == "editMessageText"]
    assert len(shown) == 1
