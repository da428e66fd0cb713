"""The company's documents in the console over plain HTTP: the download (an attachment, never
inline, only with a session and only the company's own stored files), the review form's
refusals (no session, a forged form, another company's file, a revision without a note), the
review in the answers log, and the board's document filters."""

from __future__ import annotations

import re

from bot.storage.event_details import DocumentReview
from bot.storage.events import events_of
from tests.helpers.console import client_for, signed_in
from tests.helpers.documents import at_licence_step, document, stored_licence
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness

PDF = b"%PDF-1.4 the licence"


def seq_of(harness: BotHarness, chat_id: int) -> str:
    progress = harness.services.progress.get(chat_id)
    assert progress is not None
    return str(progress.seq)


async def test_download_is_an_attachment_with_a_session_only(harness: BotHarness) -> None:
    file = await stored_licence(harness, ZH_USER, "营业执照 2026.pdf", "dl1", PDF)
    url = f"/console/company/{ZH_USER['id']}/documents/{file}"
    async with client_for(harness) as (client, _console):
        refused = await client.get(url)
        assert refused.status_code == 401 and PDF not in refused.content
        await signed_in(harness, client)
        page = await client.get(f"/console/company/{ZH_USER['id']}")
        assert f'href="{url}"' in page.text and "营业执照 2026.pdf" in page.text
        response = await client.get(url)
    assert response.status_code == 200 and response.content == PDF
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["x-content-type-options"] == "nosniff"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; ")
    assert "filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%202026.pdf" in disposition


async def test_another_companys_or_a_missing_file_is_not_found(harness: BotHarness) -> None:
    file = await stored_licence(harness, EN_USER, 'a"b\r\nX-Evil: 1.pdf', "dl2", PDF)
    await stored_licence(harness, ZH_USER, "other.pdf", "dl3", b"other")
    async with client_for(harness) as (client, _console):
        await signed_in(harness, client)
        other = await client.get(f"/console/company/{ZH_USER['id']}/documents/{file}")
        assert other.status_code == 404 and PDF not in other.content
        none = await client.get(f"/console/company/{EN_USER['id']}/documents/{file + 99}")
        assert none.status_code == 404
        odd = await client.get(f"/console/company/{EN_USER['id']}/documents/²")
        assert odd.status_code == 404
        own = await client.get(f"/console/company/{EN_USER['id']}/documents/{file}")
    assert own.status_code == 200
    assert "\n" not in own.headers["content-disposition"]
    assert "x-evil" not in own.headers


async def test_a_review_is_refused_without_session_csrf_or_note(harness: BotHarness) -> None:
    file = await stored_licence(harness, EN_USER, "licence.pdf", "rv1", PDF)
    chat = EN_USER["id"]
    url = f"/console/company/{chat}/documents/{file}/review"
    form = {"verdict": "approved", "seq": seq_of(harness, chat)}
    state = "SELECT review_state FROM documents WHERE id = ?"
    async with client_for(harness) as (client, _console):
        assert (await client.post(url, data=form)).status_code == 401
        csrf = await signed_in(harness, client)
        assert (await client.post(url, data=form)).status_code == 403  # no token
        forged = await client.post(url, data={**form, "csrf": "forged"})
        assert forged.status_code == 403
        other = await client.post(
            f"/console/company/{ZH_USER['id']}/documents/{file}/review",
            data={**form, "csrf": csrf},
        )
        assert other.status_code in (303, 404)
        assert harness.db.execute(state, [file]).fetchone()[0] == "received"
        bare = {**form, "csrf": csrf, "verdict": "needs_revision", "note": "  "}
        response = await client.post(url, data=bare)
        assert response.status_code == 303 and "review-no-note" in response.headers["location"]
        stale = await client.post(url, data={**form, "csrf": csrf, "seq": "0"})
        assert "review-stale" in stale.headers["location"]
        assert harness.db.execute(state, [file]).fetchone()[0] == "received"
        done = await client.post(url, data={**form, "csrf": csrf})
        assert "review-approved" in done.headers["location"]
        page = await client.get(done.headers["location"])
    assert harness.db.execute(state, [file]).fetchone()[0] == "approved"
    assert "The file is approved." in page.text
    assert re.search(r"Operator 900 reviewed a file.*licence\.pdf", page.text, re.S)
    last = events_of(harness.db, chat)[-1]
    assert last.kind == "document-review" and last.user_id == 900
    assert last.detail == DocumentReview(file, "business_licence", "licence.pdf", "approved")


async def test_the_board_filters_documents_to_review_and_needing_revision(
    harness: BotHarness,
) -> None:
    first = await stored_licence(harness, EN_USER, "licence.pdf", "bf1", PDF)
    await stored_licence(harness, ZH_USER, "执照.pdf", "bf2", b"zh")
    async with client_for(harness) as (client, _console):
        csrf = await signed_in(harness, client)
        to_review = await client.get("/console/?documents=review")
        assert "Alice" in to_review.text and "王伟" in to_review.text
        harness.api.take()
        await client.post(
            f"/console/company/{EN_USER['id']}/documents/{first}/review",
            data={
                "csrf": csrf,
                "seq": seq_of(harness, EN_USER["id"]),
                "verdict": "needs_revision",
                "note": "The scan is blurred",
            },
        )
        [told] = [c for c in harness.api.take() if c.method == "sendMessage"]
        to_review = await client.get("/console/?documents=review")
        revision = await client.get("/console/?documents=revision")
        unknown = await client.get("/console/?documents=x")
    assert "王伟" in to_review.text and "Alice" not in to_review.text
    assert "Alice" in revision.text and "王伟" not in revision.text
    assert "Alice" in unknown.text and "王伟" in unknown.text
    assert told.chat_id == EN_USER["id"]
    assert "Business licence (your file “licence.pdf”) needs a revision" in told.text
    assert "<blockquote>The scan is blurred</blockquote>" in told.text


async def test_a_revision_to_a_chat_that_blocked_the_bot_says_so(harness: BotHarness) -> None:
    file = await stored_licence(harness, EN_USER, "licence.pdf", "bl1", PDF)
    chat = EN_USER["id"]
    async with client_for(harness) as (client, _console):
        csrf = await signed_in(harness, client)
        harness.api.fail("sendMessage", 403, chat_id=chat)
        response = await client.post(
            f"/console/company/{chat}/documents/{file}/review",
            data={
                "csrf": csrf,
                "seq": seq_of(harness, chat),
                "verdict": "needs_revision",
                "note": "Wrong company name",
            },
        )
        page = await client.get(response.headers["location"])
    assert "review-revision-unsent" in response.headers["location"]
    assert "could not be reached" in page.text
    row = harness.db.execute("SELECT review_state, note FROM documents WHERE id = ?", [file])
    assert row.fetchone() == ("needs_revision", "Wrong company name")


async def test_a_file_not_downloaded_yet_is_not_found_and_not_reviewed(
    harness: BotHarness,
) -> None:
    await at_licence_step(harness, EN_USER)
    await harness.feed(document(harness, EN_USER, "queued.pdf", 10, "q1"))  # still queued
    file = harness.db.execute("SELECT id FROM documents").fetchone()[0]
    chat = EN_USER["id"]
    async with client_for(harness) as (client, _console):
        csrf = await signed_in(harness, client)
        page = await client.get(f"/console/company/{chat}")
        assert "queued.pdf" in page.text and "being downloaded from Telegram" in page.text
        assert f"/documents/{file}" not in page.text  # no link, no review form yet
        response = await client.get(f"/console/company/{chat}/documents/{file}")
        assert response.status_code == 404
        review = await client.post(
            f"/console/company/{chat}/documents/{file}/review",
            data={"csrf": csrf, "seq": seq_of(harness, chat), "verdict": "approved"},
        )
    assert "review-not-stored" in review.headers["location"]
