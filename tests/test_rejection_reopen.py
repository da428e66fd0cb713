"""A rejected audit reopens only the steps its reason concerns: the chat walks those, then
returns to the submission step (not every step in between), through the real Application."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from sqlite_utils import Database

from bot.services.flow.moves import Moved
from bot.services.flow.reopened import Reopened
from bot.storage import migrations
from bot.storage.events import events_of
from tests.helpers.console import client_for, post_rejection, signed_in
from tests.helpers.flows import new_flow
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock, bot_settings, texts
from tests.helpers.paths import TO_OP_SUBMITTED, go, pick_reason, plain


async def rejected(harness: BotHarness, user: dict, reason: str) -> str:
    """Walk ``user`` to the audit, reject it for ``reason``; the text the chat was shown."""
    await go(harness, user, [*TO_OP_SUBMITTED, "yes"])
    assert harness.state(user["id"]) == "op_audit"
    await harness.answer(user, "rejected")
    return plain(texts(await pick_reason(harness, user, reason)))


def record(harness: BotHarness, chat_id: int) -> Reopened | None:
    progress = harness.services.progress.get(chat_id)
    assert progress is not None
    return Reopened.of(progress)


def raw_record(db: Database, chat_id: int) -> str | None:
    row = db.execute("SELECT reopened FROM chats WHERE id = ?", [chat_id]).fetchone()
    return None if row is None else row[0]


async def test_nickname_mismatch_walks_the_nickname_then_the_submission(
    harness: BotHarness,
) -> None:
    chat = EN_USER["id"]
    text = await rejected(harness, EN_USER, "nickname_mismatch")
    assert harness.state(chat) == "op_nickname"
    assert record(harness, chat) == Reopened(("op_nickname",), "op_submitted")
    assert "Tmall asked to fix this: 1 step to redo, then back to “Submitting for quotation" in text
    calls = await harness.answer(EN_USER, "yes")
    assert harness.state(chat) == "op_submitted"  # not op_assessment
    assert record(harness, chat) is None  # the return point ends the walk
    assert "Submitting for quotation and second audit" in plain(texts(calls))
    assert "Tmall asked to fix this" not in texts(calls)
    last = events_of(harness.db, chat)[-1]
    assert (last.step, last.answer, last.to_state) == ("op_nickname", "yes", "op_submitted")
    harness.clock.advance(days=1)
    await harness.answer(EN_USER, "yes")
    progress = harness.services.progress.get(chat)
    assert progress is not None and progress.state == "op_audit"
    assert progress.audit_submitted_on is not None
    assert progress.audit_submitted_on.isoformat() == "2026-09-29"  # fresh audit dates
    assert progress.history[-3:] == ["op_audit", "op_nickname", "op_submitted"]


async def test_status_shows_the_skipped_steps_as_done(harness: BotHarness) -> None:
    await rejected(harness, EN_USER, "nickname_mismatch")
    status = texts(await harness.command(EN_USER, "/status"))
    assert "▶️ Shop nickname and contract" in status
    all_lines = [line for line in status.splitlines() if line.strip()]
    here = next(i for i, line in enumerate(all_lines) if line.startswith("▶️ Shop nickname"))
    lines = all_lines[here + 1 :]  # its line also counts its documents
    # the assessment and the information are not asked again: shown as done; the submission
    # and the audit are still to do
    assert lines[0].startswith("✅") and lines[1].startswith("✅"), lines
    assert lines[2].startswith("⬜") and lines[3].startswith("⬜"), lines


def two_steps(data: dict) -> None:
    audit = next(s for s in data["steps"] if s["id"] == "op_audit")
    reason = next(r for r in audit["rejection_reasons"] if r["id"] == "nickname_mismatch")
    reason["reopen"] = ["op_nickname", "op_info_complete"]


async def test_a_reason_reopening_two_steps_walks_exactly_those(
    tmp_path: Path, clock: FrozenClock
) -> None:
    settings = replace(bot_settings(tmp_path), flow_path=new_flow(tmp_path, two_steps, version=1))
    harness = BotHarness(settings, clock)
    await harness.start()
    try:
        chat = EN_USER["id"]
        text = await rejected(harness, EN_USER, "nickname_mismatch")
        assert "2 steps to redo" in text
        calls = await harness.answer(EN_USER, "not_yet")  # a stay keeps the walk
        assert harness.state(chat) == "op_nickname"
        assert "1 step to redo" not in texts(calls)
        assert record(harness, chat) == Reopened(
            ("op_nickname", "op_info_complete"), "op_submitted"
        )
        calls = await harness.answer(EN_USER, "yes")
        assert harness.state(chat) == "op_info_complete"  # the assessment is skipped
        assert "1 step to redo" in plain(texts(calls))
        await harness.answer(EN_USER, "not_yet")
        assert harness.state(chat) == "op_info_complete" and record(harness, chat) is not None
        await harness.answer(EN_USER, "yes")
        assert harness.state(chat) == "op_submitted" and record(harness, chat) is None
        walked = [(e.step, e.to_state) for e in events_of(harness.db, chat)[-4:]]
        assert walked == [
            ("op_nickname", "op_nickname"),
            ("op_nickname", "op_info_complete"),
            ("op_info_complete", "op_info_complete"),
            ("op_info_complete", "op_submitted"),
        ]
    finally:
        await harness.stop()


async def test_an_unqualified_store_takes_the_normal_flow(harness: BotHarness) -> None:
    chat = EN_USER["id"]
    text = await rejected(harness, EN_USER, "store_unqualified")
    assert harness.state(chat) == "op_apply"
    assert "4 steps to redo" in text
    for answer, state in [("yes", "op_nickname"), ("yes", "op_assessment")]:
        await harness.answer(EN_USER, answer)
        assert harness.state(chat) == state
    await harness.answer(EN_USER, "unqualified")  # leads back: the walk ends there
    assert harness.state(chat) == "op_apply" and record(harness, chat) is None
    for answer, state in [
        ("yes", "op_nickname"),
        ("yes", "op_assessment"),
        ("passed", "op_info_complete"),
        ("yes", "op_submitted"),
    ]:
        calls = await harness.answer(EN_USER, answer)
        assert harness.state(chat) == state
        assert "Tmall asked to fix this" not in texts(calls)


async def test_the_walk_survives_a_restart(harness: BotHarness) -> None:
    await rejected(harness, ZH_USER, "nickname_mismatch")
    await harness.restart()
    calls = await harness.command(ZH_USER, "/start")
    assert "天猫要求修改这里：还需重做 1 个步骤，然后回到“提交报价及二审”重新提交。" in plain(
        texts(calls)
    )
    await harness.answer(ZH_USER, "yes")
    assert harness.state(ZH_USER["id"]) == "op_submitted"


async def test_an_operators_move_ends_the_walk(harness: BotHarness) -> None:
    chat = EN_USER["id"]
    await rejected(harness, EN_USER, "nickname_mismatch")
    moved = harness.services.progress.move_to(
        chat, "op_assessment", by=900, reason="checked by phone", override=True
    )
    assert isinstance(moved, Moved) and harness.state(chat) == "op_assessment"
    assert record(harness, chat) is None
    await harness.command(EN_USER, "/start")
    await harness.answer(EN_USER, "passed")
    assert harness.state(chat) == "op_info_complete"  # the normal flow


async def test_reset_clears_the_record(harness: BotHarness) -> None:
    chat = EN_USER["id"]
    await rejected(harness, EN_USER, "nickname_mismatch")
    assert raw_record(harness.db, chat) is not None
    calls = await harness.command(EN_USER, "/reset")
    yes = next(data for _, data in calls[0].buttons() if data.endswith("|yes"))
    await harness.press(EN_USER, yes, message=calls[0].result)
    assert harness.state(chat) == "welcome"
    assert raw_record(harness.db, chat) is None


async def test_back_keeps_the_record_consistent(harness: BotHarness) -> None:
    chat = EN_USER["id"]
    await rejected(harness, EN_USER, "nickname_mismatch")
    await harness.answer(EN_USER, "yes")
    assert harness.state(chat) == "op_submitted" and record(harness, chat) is None
    calls = await harness.command(EN_USER, "/back")  # undoes the answer that returned
    assert harness.state(chat) == "op_nickname"
    assert record(harness, chat) == Reopened(("op_nickname",), "op_submitted")
    assert "Tmall asked to fix this" in plain(texts(calls))
    await harness.answer(EN_USER, "yes")
    assert harness.state(chat) == "op_submitted"
    await harness.command(EN_USER, "/back")
    await harness.command(EN_USER, "/back")  # undoes the rejection: at the audit again
    assert harness.state(chat) == "op_audit" and record(harness, chat) is None
    await harness.answer(EN_USER, "passed")
    assert harness.state(chat) == "op_deposit"


async def test_a_redelivered_press_is_applied_once(harness: BotHarness) -> None:
    chat = EN_USER["id"]
    await rejected(harness, EN_USER, "nickname_mismatch")
    message = harness.last_buttons_message[chat]
    update = harness.updates.press(EN_USER, harness.answer_data(chat, "yes"), message, None)
    await harness.feed(update)
    count = len(events_of(harness.db, chat))
    calls = await harness.feed(update)  # Telegram delivers it again
    assert calls == [] and len(events_of(harness.db, chat)) == count
    assert harness.state(chat) == "op_submitted"


async def test_the_console_rejection_walks_the_same(harness: BotHarness) -> None:
    chat = EN_USER["id"]
    await go(harness, EN_USER, [*TO_OP_SUBMITTED, "yes"])
    assert harness.state(chat) == "op_audit"
    async with client_for(harness) as (client, _):
        csrf = await signed_in(harness, client)
        harness.api.calls.clear()
        response = await post_rejection(harness, client, csrf, chat, "nickname_mismatch")
        assert response.status_code == 303
        assert "Tmall asked to fix this: 1 step to redo" in plain(texts(harness.api.calls))
        sent = [c for c in harness.api.calls if c.chat_id == chat and c.buttons()]
    assert record(harness, chat) == Reopened(("op_nickname",), "op_submitted")
    # The step the console's rejection showed the user: its "yes" goes straight back.
    yes = next(d for _, d in sent[-1].buttons() if d.startswith("a|") and d.endswith("|yes"))
    await harness.press(EN_USER, yes)
    assert harness.state(chat) == "op_submitted"


OLD_CHAT = (
    "INSERT INTO chats (id, type, title, language, state, history, seq, active, created_at, "
    "updated_at, flow_version, step_since) VALUES (?, 'private', 'Alice', 'en', 'op_nickname', "
    "'[\"welcome\"]', 3, 1, ?, ?, 1, ?)"
)


async def test_a_database_made_before_m009_still_works(tmp_path: Path, clock: FrozenClock) -> None:
    settings = bot_settings(tmp_path)
    old = Database(sqlite3.connect(settings.db_path))
    for migration_set in migrations.all_sets():
        stop = "m009_reopened_steps" if migration_set is migrations.core else None
        migration_set.apply(old, stop_before=stop)
    assert "reopened" not in old.table("chats").columns_dict
    at = "2026-09-27T02:00:00+00:00"
    with old.conn:
        old.execute(OLD_CHAT, [EN_USER["id"], at, at, at])
    old.conn.close()
    harness = BotHarness(settings, clock)
    await harness.start()
    try:
        assert raw_record(harness.db, EN_USER["id"]) is None  # the new column, NULL
        await harness.command(EN_USER, "/start")
        await harness.answer(EN_USER, "yes")
        assert harness.state(EN_USER["id"]) == "op_assessment"  # as before
        for answer in ["passed", "yes", "yes", "rejected"]:
            await harness.answer(EN_USER, answer)
        await pick_reason(harness, EN_USER, "nickname_mismatch")
        await harness.answer(EN_USER, "yes")
        assert harness.state(EN_USER["id"]) == "op_submitted"
    finally:
        await harness.stop()
