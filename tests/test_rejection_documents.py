"""A rejection reason that concerns a document sends that document back for a revision: it
counts as missing again, /documents shows it, and the fix says to send it again."""

from __future__ import annotations

from bot.storage.documents import NEEDS_REVISION
from tests.helpers.console import OPERATOR, client_for, post_rejection, signed_in
from tests.helpers.documents import document
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, texts
from tests.helpers.paths import TO_OP_SUBMITTED, go, pick_reason, plain

AT_NICKNAME = 7  # answers of TO_OP_SUBMITTED before the nickname step


async def audit_with_a_contract(harness: BotHarness, user: dict) -> None:
    await go(harness, user, TO_OP_SUBMITTED[:AT_NICKNAME])
    assert harness.state(user["id"]) == "op_nickname"
    await harness.feed(document(harness, user, "contract.pdf", 5000, f"ct{user['id']}"))
    for answer in [*TO_OP_SUBMITTED[AT_NICKNAME:], "yes"]:
        await harness.answer(user, answer)
    assert harness.state(user["id"]) == "op_audit"


def contract_row(harness: BotHarness, chat_id: int) -> tuple[str, int | None, str | None]:
    row = harness.db.execute(
        "SELECT review_state, reviewer, note FROM documents WHERE chat_id = ? "
        "AND document_id = 'shop_contract'",
        [chat_id],
    ).fetchone()
    return (row[0], row[1], row[2])


async def test_the_nickname_mismatch_sends_the_contract_back(harness: BotHarness) -> None:
    await audit_with_a_contract(harness, EN_USER)
    await harness.answer(EN_USER, "rejected")
    calls = await pick_reason(harness, EN_USER, "nickname_mismatch")
    assert harness.state(EN_USER["id"]) == "op_nickname"
    text = plain(texts(calls))
    assert "📎 Please send again: Shop contract." in text
    assert contract_row(harness, EN_USER["id"]) == (
        NEEDS_REVISION,
        EN_USER["id"],
        "🏷️ Shop nickname does not match the contract",
    )
    listing = plain(texts(await harness.command(EN_USER, "/documents")))
    assert "Shop contract: “contract.pdf”" in listing
    assert (  # the contract's step: the file sent back, with the reason as its note
        "needs a revision; please send a new version. Note: 🏷️ Shop nickname does not match"
        " the contract\n0 of 1 document received"
    ) in listing
    # it is owed again: the step does not lead on until a new contract comes
    assert [
        d.id for d in harness.services.evidence.missing_required(EN_USER["id"], "op_nickname")
    ] == ["shop_contract"]
    calls = await harness.feed(document(harness, EN_USER, "contract-v2.pdf", 6000, "ct2"))
    assert "1 of 1 document received" in texts(calls)


async def test_in_chinese_the_note_is_the_reasons_chinese_label(harness: BotHarness) -> None:
    await audit_with_a_contract(harness, ZH_USER)
    await harness.answer(ZH_USER, "rejected")
    calls = await pick_reason(harness, ZH_USER, "nickname_mismatch")
    assert "📎 请重新发送：店铺合同。" in plain(texts(calls))
    state, _, note = contract_row(harness, ZH_USER["id"])
    assert state == NEEDS_REVISION and note is not None and "昵称" in note


async def test_a_reason_without_documents_leaves_the_files_alone(harness: BotHarness) -> None:
    await audit_with_a_contract(harness, EN_USER)
    await harness.answer(EN_USER, "rejected")
    calls = await pick_reason(harness, EN_USER, "info_incomplete")
    assert "Please send again" not in texts(calls)
    assert contract_row(harness, EN_USER["id"]) == ("received", None, None)


async def test_an_operator_recording_the_reason_sends_the_contract_back(
    harness: BotHarness,
) -> None:
    await audit_with_a_contract(harness, EN_USER)
    assert harness.state(EN_USER["id"]) == "op_audit"
    async with client_for(harness) as (client, _):
        csrf = await signed_in(harness, client)
        harness.api.calls.clear()
        response = await post_rejection(harness, client, csrf, EN_USER["id"], "nickname_mismatch")
        assert response.status_code == 303
    state, reviewer, note = contract_row(harness, EN_USER["id"])
    assert (state, reviewer) == (NEEDS_REVISION, OPERATOR["id"])
    assert note == "🏷️ Shop nickname does not match the contract"
    assert "Please send again: Shop contract" in texts(harness.api.calls)
