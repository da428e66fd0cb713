"""A rejection reason may name documents of another step (``step.document``): "company
presentation missing" at the qualification audit asks for the presentation's files, which the
flow otherwise asks for only after the audit. The walk of the reopened step says which files to
send and takes them, through the real Application; ``check`` names an unknown one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.services.flow.flow_spec import FlowError, load_flow
from bot.services.flow.reopened import Reopened
from tests.helpers.console import client_for, post_rejection, signed_in
from tests.helpers.documents import document
from tests.helpers.flows import new_flow
from tests.helpers.flows import step as flow_step
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, texts
from tests.helpers.paths import TO_OP_SUBMITTED, go, pick_reason, plain

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
TO_INTL_AUDIT = [*TO_OP_SUBMITTED, "yes", "passed", "tp_only", "yes", "passed", "yes", "yes"]
ASKED = (
    ("intl_presentation", "company_presentation"),
    ("intl_presentation", "company_introduction"),
)


async def presentation_missing(harness: BotHarness, user: dict) -> str:
    await go(harness, user, TO_INTL_AUDIT)
    assert harness.state(user["id"]) == "intl_audit"
    await harness.answer(user, "rejected")
    return plain(texts(await pick_reason(harness, user, "presentation_missing")))


def record(harness: BotHarness, chat_id: int) -> Reopened | None:
    progress = harness.services.progress.get(chat_id)
    assert progress is not None
    return Reopened.of(progress)


def kept(harness: BotHarness, chat_id: int) -> list[tuple[str, str, str]]:
    rows = harness.db.execute(
        "SELECT step, document_id, name FROM documents WHERE chat_id = ? ORDER BY id", [chat_id]
    ).fetchall()
    return [(r[0], r[1], r[2]) for r in rows]


async def test_the_walk_asks_for_the_presentation_and_takes_it(harness: BotHarness) -> None:
    chat = EN_USER["id"]
    text = await presentation_missing(harness, EN_USER)
    assert harness.state(chat) == "intl_info"
    assert record(harness, chat) == Reopened(("intl_info",), "intl_submitted", ASKED)
    assert "📎 Please send here: Company presentation, Company introduction." in text
    # the reopened step's message lists them, as the presentation step would
    assert "📎 Please send these files here" in text
    assert "• Company presentation (PDF, PPT, PPTX, up to 20 MB)" in text
    assert "• Company introduction (PDF, DOC, DOCX, up to 10 MB)" in text
    assert "0 of 2 documents received" in text

    calls = await harness.feed(document(harness, EN_USER, "deck.pptx", 3000, "p1", PPTX))
    reply = plain(texts(calls))
    assert "✅ Received “deck.pptx” (3 kB) as Company presentation." in reply
    assert "1 of 2 documents received" in reply
    calls = await harness.feed(document(harness, EN_USER, "notes.txt", 100, "t1", "text/plain"))
    # what it could be: these two, and the earlier steps' files still missing (the licence)
    assert "this step takes: please send DOC, DOCX, JPG, PDF, PNG, PPT, PPTX." in plain(
        texts(calls)
    )
    # a PDF: the introduction asked for here, before the earlier steps' missing licence
    calls = await harness.feed(document(harness, EN_USER, "about.pdf", 2000, "a1"))
    assert "as Company introduction" in plain(texts(calls))
    assert kept(harness, chat) == [
        ("intl_presentation", "company_presentation", "deck.pptx"),
        ("intl_presentation", "company_introduction", "about.pdf"),
    ]
    listing = plain(texts(await harness.command(EN_USER, "/documents")))
    assert "Company presentation: “deck.pptx”" in listing
    assert "Company introduction: “about.pdf”" in listing

    calls = await harness.command(EN_USER, "/start")  # the step again: both received
    shown = plain(texts(calls))
    assert "✅ Company presentation: received" in shown and "2 of 2 documents" in shown
    await harness.answer(EN_USER, "yes")
    assert harness.state(chat) == "intl_submitted" and record(harness, chat) is None
    calls = await harness.feed(document(harness, EN_USER, "late.pptx", 1000, "l1", PPTX))
    assert "is not a kind of file" in plain(texts(calls))  # the walk is over: not asked here
    await harness.answer(EN_USER, "yes")
    calls = await harness.answer(EN_USER, "passed")
    assert harness.state(chat) == "intl_presentation"
    assert "2 of 2 documents received" in plain(texts(calls))  # nothing to send twice


async def test_in_chinese(harness: BotHarness) -> None:
    text = await presentation_missing(harness, ZH_USER)
    assert "📎 请在此发送：公司介绍演示文稿、" in text
    assert "下方步骤列出了可接受的文件类型" in text
    calls = await harness.feed(document(harness, ZH_USER, "deck.pptx", 3000, "zp", PPTX))
    assert "作为公司介绍演示文稿" in plain(texts(calls))


async def test_the_asked_files_survive_a_restart_and_back(harness: BotHarness) -> None:
    chat = EN_USER["id"]
    await presentation_missing(harness, EN_USER)
    await harness.restart()
    await harness.command(EN_USER, "/start")
    await harness.answer(EN_USER, "yes")
    assert harness.state(chat) == "intl_submitted" and record(harness, chat) is None
    calls = await harness.command(EN_USER, "/back")  # undoes the answer that returned
    assert harness.state(chat) == "intl_info"
    assert record(harness, chat) == Reopened(("intl_info",), "intl_submitted", ASKED)
    assert "• Company presentation (PDF, PPT, PPTX" in plain(texts(calls))
    calls = await harness.feed(document(harness, EN_USER, "deck.pdf", 3000, "b1"))
    assert "as Company presentation" in plain(texts(calls))


async def test_another_reason_asks_for_no_such_files(harness: BotHarness) -> None:
    await go(harness, EN_USER, TO_INTL_AUDIT)
    await harness.answer(EN_USER, "rejected")
    text = plain(texts(await pick_reason(harness, EN_USER, "info_incomplete")))
    assert harness.state(EN_USER["id"]) == "intl_info"
    assert "Please send here" not in text and "Company presentation (PDF" not in text
    calls = await harness.feed(document(harness, EN_USER, "deck.pptx", 3000, "n1", PPTX))
    assert "is not a kind of file" in plain(texts(calls))  # only the earlier missing ones
    assert kept(harness, EN_USER["id"]) == []


def reasons(data: dict[str, Any]) -> list[dict[str, Any]]:
    return flow_step(data, "intl_audit")["rejection_reasons"]


def broken_documents(data: dict[str, Any]) -> None:
    reasons(data)[1]["documents"] = ["intl_presentaton.company_presentation"]  # unknown step
    reasons(data)[2]["documents"] = ["intl_presentation.company_deck"]  # not its document
    reasons(data)[3]["documents"] = ["company_presentation"]  # not a reopened step's


def test_check_names_an_unknown_step_or_document(
    env: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TPBOT_FLOW", str(new_flow(tmp_path, broken_documents, version=1)))
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    where = "step 'intl_audit', rejection_reasons"
    assert (
        f"{where}, reason 'info_not_provider': document 'intl_presentaton.company_presentation'"
        " names unknown step 'intl_presentaton'" in err
    )
    assert (
        f"{where}, reason 'info_incomplete': document 'intl_presentation.company_deck': step"
        " 'intl_presentation' has no such document" in err
    )
    assert (
        f"{where}, reason 'presentation_missing': document 'company_presentation' is not one of"
        " the reopened steps' documents (another step's is written step.document)" in err
    )


def test_the_seeded_flow_and_a_flow_without_documents_load(tmp_path: Path) -> None:
    spec = load_flow(new_flow(tmp_path, lambda data: None, version=1))
    reason = spec.steps["intl_audit"].rejection_reasons[3]
    assert (reason.id, reason.documents, reason.asks) == ("presentation_missing", (), ASKED)
    nickname = spec.steps["op_audit"].rejection_reasons[1]
    assert (nickname.documents, nickname.asks) == (("shop_contract",), ())

    def no_documents(data: dict[str, Any]) -> None:
        for item in data["steps"]:
            item.pop("documents", None)

    with pytest.raises(FlowError) as raised:  # another step's document must exist
        load_flow(new_flow(tmp_path, no_documents, version=1))
    assert any("step 'intl_presentation' has no such document" in f for f in raised.value.faults)

    def plain_ids_only(data: dict[str, Any]) -> None:
        no_documents(data)
        reasons(data)[3].pop("documents")

    loaded = load_flow(new_flow(tmp_path, plain_ids_only, version=1))  # plain ids: unchecked
    assert loaded.steps["op_audit"].rejection_reasons[1].documents == ("shop_contract",)


async def test_an_operators_rejection_asks_the_same(harness: BotHarness) -> None:
    chat = EN_USER["id"]
    await go(harness, EN_USER, TO_INTL_AUDIT)
    async with client_for(harness) as (client, _):
        csrf = await signed_in(harness, client)
        harness.api.calls.clear()
        response = await post_rejection(harness, client, csrf, chat, "presentation_missing")
        assert response.status_code == 303
        sent = plain(texts([c for c in harness.api.calls if c.chat_id == chat]))
    assert "📎 Please send here: Company presentation, Company introduction." in sent
    assert "• Company presentation (PDF, PPT, PPTX" in sent
    assert record(harness, chat) == Reopened(("intl_info",), "intl_submitted", ASKED)
