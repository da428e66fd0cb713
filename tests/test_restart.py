"""A restart, crash or redeploy loses nothing: a new Application on the same database."""

from __future__ import annotations

from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock, texts
from tests.helpers.paths import TO_OP_SUBMITTED


async def test_a_new_application_continues_every_chat(
    harness: BotHarness, clock: FrozenClock
) -> None:
    clock.set(2026, 9, 30)
    await harness.command(EN_USER, "/start")
    for answer in [*TO_OP_SUBMITTED, "yes"]:
        await harness.answer(EN_USER, answer)
    await harness.command(ZH_USER, "/start")
    for answer in ["begin", "yes", "yes"]:
        await harness.answer(ZH_USER, answer)
    old_zh_message = harness.last_buttons_message[ZH_USER["id"]]

    await harness.restart()

    assert harness.state(EN_USER["id"]) == "op_audit"
    assert harness.state(ZH_USER["id"]) == "taobao_corporate"
    status = texts(await harness.command(EN_USER, "/status"))
    assert "October 10, 2026" in status
    # a button of a message sent before the restart still works: it is the current step
    harness.last_buttons_message[ZH_USER["id"]] = old_zh_message
    calls = await harness.answer(ZH_USER, "yes")
    assert "企业支付宝" in texts(calls)
    calls = await harness.answer(EN_USER, "passed")
    assert harness.state(EN_USER["id"]) == "op_deposit"
    assert "CN¥100,000.00" in texts(calls)
    calls = await harness.command(EN_USER, "/back")
    assert harness.state(EN_USER["id"]) == "op_audit"  # the undo history survived too
    assert "Submitted on September 30, 2026" in texts(calls)  # and the audit's dates
    assert "October 10, 2026" in texts(calls)


async def test_housekeeping_checkpoints_and_forgets_old_update_ids(
    harness: BotHarness, clock: FrozenClock
) -> None:
    from bot.jobs import housekeeping

    await harness.command(EN_USER, "/start")
    await harness.answer(EN_USER, "begin")
    await harness.command(EN_USER, "/status")
    harness.services.ledger.flush()
    db = harness.db
    assert db.execute("SELECT COUNT(*) FROM inbox WHERE status = 'done'").fetchone()[0] == 3
    clock.advance(days=3)
    await harness.command(EN_USER, "/status")
    await housekeeping(harness.application)
    # only the recent update is remembered; the chat's progress is untouched
    assert db.execute("SELECT COUNT(*) FROM inbox").fetchone()[0] == 1
    # and PTB's never-read "to persist" sets no longer grow with every chat seen
    assert not harness.application._chat_ids_to_be_updated_in_persistence
    assert not harness.application._user_ids_to_be_updated_in_persistence
    assert harness.state(EN_USER["id"]) == "owner_separate"


async def test_housekeeping_lets_the_write_ahead_log_start_over(harness: BotHarness) -> None:
    """Checkpoints run from a worker thread on their own connection: they must not keep the
    log from starting over (it would only grow), nor touch anyone's progress."""
    from bot.jobs import housekeeping

    await harness.command(EN_USER, "/start")
    for answer in ["begin", "yes", "yes", "not_yet", "not_yet"]:
        await harness.answer(EN_USER, answer)
    checkpointer = harness.services.maintenance.checkpointer
    long_log = checkpointer.run()  # copies, and says how many frames the log holds
    await housekeeping(harness.application)
    await harness.answer(EN_USER, "not_yet")  # the first commit after a full checkpoint
    short_log = checkpointer.run()
    assert 0 < short_log < long_log
    assert harness.state(EN_USER["id"]) == "taobao_corporate"
