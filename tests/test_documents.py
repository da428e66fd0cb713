"""The evidence locker in the chat: files received, refused, albums, /documents, the queue."""

from __future__ import annotations

import asyncio
import hashlib

import pytest

from bot.handlers import documents as documents_handler
from bot.jobs import downloads_of
from bot.storage.documents import APPROVED, NEEDS_REVISION
from tests.helpers.documents import at_licence_step, document, photo
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, texts


async def test_the_step_asks_for_its_documents(harness: BotHarness) -> None:
    await harness.command(EN_USER, "/start")
    for answer in ["begin", "yes"]:
        await harness.answer(EN_USER, answer)
    calls = await harness.answer(EN_USER, "yes")
    shown = texts(calls)
    assert "Please send these files here" in shown
    assert "Business licence</b> (PDF, JPG, PNG, up to 10 MB)" in shown
    assert "0 of 1 document received" in shown


async def test_a_document_is_confirmed_by_name_and_size_and_queued(harness: BotHarness) -> None:
    await at_licence_step(harness, EN_USER)
    calls = await harness.feed(document(harness, EN_USER, "licence.pdf", 1_500_000, "u1"))
    assert texts(calls) == (
        "✅ Received “licence.pdf” (1.5 MB) as Business licence.\n1 of 1 document received"
    )
    assert harness.services.evidence.queued() == 1
    row = harness.db.execute("SELECT step, document_id, review_state FROM documents").fetchone()
    assert row == ("taobao_corporate", "business_licence", "received")


async def test_a_photo_counts_in_chinese(harness: BotHarness) -> None:
    await at_licence_step(harness, ZH_USER)
    calls = await harness.feed(photo(harness, ZH_USER, "p9", 850_000))
    assert "✅ 已收到“photo-" in texts(calls) and "（850 kB），作为营业执照。" in texts(calls)
    assert "已收到 1 份文件，共 1 份" in texts(calls)


@pytest.mark.parametrize(
    ("name", "size", "mime", "expected"),
    [
        ("licence.zip", 1000, "application/zip", "is not a kind of file this step takes"),
        ("licence.pdf", 12_000_000, "application/pdf", "is 12 MB, over the 10 MB limit"),
        ("licence.pdf", 25_000_000, "application/pdf", "Telegram lets bots fetch files of up"),
    ],
)
async def test_a_refused_file_gets_one_line_and_nothing_is_kept(
    harness: BotHarness, name: str, size: int, mime: str, expected: str
) -> None:
    await at_licence_step(harness, EN_USER)
    calls = await harness.feed(document(harness, EN_USER, name, size, "bad", mime))
    assert expected in texts(calls) and "0 of 1 document received" in texts(calls)
    assert harness.services.evidence.queued() == 0


async def test_the_same_file_twice_is_recognised(harness: BotHarness) -> None:
    await at_licence_step(harness, EN_USER)
    await harness.feed(document(harness, EN_USER, "licence.pdf", 1000, "same"))
    calls = await harness.feed(document(harness, EN_USER, "copy.pdf", 1000, "same"))
    assert "is already here (as Business licence): no need to send it again" in texts(calls)
    assert harness.services.evidence.queued() == 1


async def test_an_album_is_answered_once(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(documents_handler, "ALBUM_WAIT", 0.05)
    chat = harness.updates.chat(-100500, "supergroup")
    await at_licence_step(harness, EN_USER, chat)
    other = harness.updates.user(1003, "Bob", "en")  # any member may send
    first = document(harness, EN_USER, "a.pdf", 1000, "al1", chat=chat, media_group_id="g1")
    second = document(
        harness, other, "b.zip", 1000, "al2", "application/zip", chat=chat, media_group_id="g1"
    )
    assert texts(await harness.feed(first)) == ""
    assert texts(await harness.feed(second)) == ""
    await asyncio.sleep(0.2)
    calls = harness.api.take()
    assert len(calls) == 1
    shown = texts(calls)
    assert "Received “a.pdf”" in shown and "“b.zip” is not a kind of file" in shown
    assert shown.endswith("1 of 1 document received")


async def test_a_file_at_a_step_without_documents_is_told_where_files_go(
    harness: BotHarness,
) -> None:
    await harness.command(EN_USER, "/start")
    calls = await harness.feed(document(harness, EN_USER, "deck.pdf", 1000, "early"))
    shown = texts(calls)
    assert "this step asks for no files, so “deck.pdf” was not kept" in shown
    assert "Business licence" in shown and "Company presentation" in shown
    assert calls[-1].buttons()  # the step, with its buttons


async def test_documents_lists_sent_and_missing_in_both_languages(harness: BotHarness) -> None:
    await at_licence_step(harness, EN_USER)
    await harness.feed(document(harness, EN_USER, "licence.pdf", 2_000_000, "l1"))
    shown = texts(await harness.command(EN_USER, "/documents"))
    assert "✅ Business licence: “licence.pdf” (2 MB, September 28, 2026), received, not" in shown
    assert "⬜ Shop contract: missing" in shown and "⬜ Company introduction: missing" in shown
    await at_licence_step(harness, ZH_USER)
    shown = texts(await harness.command(ZH_USER, "/documents"))
    assert "⬜ 营业执照：缺少" in shown and "已收到 0 份文件，共 1 份" in shown


async def test_the_checklist_counts_documents(harness: BotHarness) -> None:
    await at_licence_step(harness, EN_USER)
    await harness.feed(document(harness, EN_USER, "licence.pdf", 1000, "c1"))
    shown = texts(await harness.command(EN_USER, "/status"))
    assert "Corporate Taobao account" in shown or "Taobao" in shown
    assert "📎 1 of 1 document received" in shown
    assert "📎 0 of 2 documents received" in shown


async def test_leaving_the_step_without_the_file_says_it_is_still_owed(
    harness: BotHarness,
) -> None:
    await at_licence_step(harness, EN_USER)
    calls = await harness.answer(EN_USER, "yes")
    assert "Still to send: Business licence" in texts(calls)
    assert harness.state(EN_USER["id"]) == "alipay_corporate"
    calls = await harness.feed(document(harness, EN_USER, "licence.pdf", 1000, "late"))
    assert "Received “licence.pdf” (1 kB) as Business licence" in texts(calls)


async def test_getfile_and_the_download_keep_the_bytes_by_hash(harness: BotHarness) -> None:
    await at_licence_step(harness, EN_USER)
    content = b"%PDF-1.7 the licence"
    harness.api.stored_files["id-dl"] = content
    await harness.feed(document(harness, EN_USER, "licence.pdf", len(content), "dl"))
    assert await downloads_of(harness.application).run_once() == 1
    digest = hashlib.sha256(content).hexdigest()
    kept = harness.services.locker.path_of(digest)
    assert kept.read_bytes() == content
    assert kept.is_relative_to(harness.settings.db_path.parent / "evidence")
    assert harness.services.evidence.queued() == 0
    sha = harness.db.execute("SELECT sha256, fetch_state FROM documents").fetchone()
    assert sha == (digest, "stored")


async def test_a_forged_file_id_is_told_and_kept_as_failed(harness: BotHarness) -> None:
    await at_licence_step(harness, EN_USER)
    await harness.feed(document(harness, EN_USER, "forged.pdf", 1000, "forged"))
    harness.api.take()
    assert await downloads_of(harness.application).run_once() == 0
    calls = harness.api.take()
    assert "I could not fetch “forged.pdf” from Telegram. Please send it again." in texts(calls)
    assert harness.db.execute("SELECT fetch_state FROM documents").fetchone() == ("failed",)
    shown = texts(await harness.command(EN_USER, "/documents"))
    assert "⬜ Business licence: missing" in shown


async def test_a_network_error_backs_off_and_keeps_the_file_queued(harness: BotHarness) -> None:
    await at_licence_step(harness, EN_USER)
    harness.api.stored_files["id-net"] = b"bytes"
    await harness.feed(document(harness, EN_USER, "licence.pdf", 5, "net"))
    harness.api.fail("getFile", 502, times=1)
    assert await downloads_of(harness.application).run_once() == 0
    assert harness.services.evidence.queued() == 1
    assert await downloads_of(harness.application).run_once() == 0  # not due yet
    harness.clock.advance(seconds=3)
    assert await downloads_of(harness.application).run_once() == 1


async def test_a_review_is_set_at_the_service(harness: BotHarness) -> None:
    await at_licence_step(harness, EN_USER)
    await harness.feed(document(harness, EN_USER, "licence.pdf", 1000, "rv"))
    row_id = harness.db.execute("SELECT id FROM documents").fetchone()[0]
    evidence = harness.services.evidence
    assert evidence.set_review(row_id, NEEDS_REVISION, 900, "Scan is blurred")
    assert "needs a revision" in texts(await harness.command(EN_USER, "/documents"))
    assert evidence.set_review(row_id, APPROVED, 900)
    assert not evidence.set_review(row_id + 99, APPROVED, 900)
    with pytest.raises(ValueError):
        evidence.set_review(row_id, "lost", 900)
