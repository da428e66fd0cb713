"""The company page's evidence pack: a download for a signed-in operator only."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from bot.jobs import downloads_of
from tests.helpers.console import client_for, signed_in
from tests.helpers.documents import at_licence_step, document
from tests.helpers.harness import EN_USER, BotHarness

LICENCE = b"%PDF-1.4 licence for the console"


async def with_a_licence(harness: BotHarness) -> None:
    await at_licence_step(harness, EN_USER)
    harness.api.stored_files["id-c1"] = LICENCE
    await harness.feed(document(harness, EN_USER, "licence.pdf", len(LICENCE), "c1"))
    assert await downloads_of(harness.application).run_once() == 1


async def test_the_company_page_downloads_the_evidence_pack(harness: BotHarness) -> None:
    await with_a_licence(harness)
    chat = EN_USER["id"]
    async with client_for(harness) as (client, _):
        await signed_in(harness, client)
        page = await client.get(f"/console/company/{chat}")
        assert f'href="/console/company/{chat}/evidence.zip"' in page.text
        assert "Download the evidence pack" in page.text
        response = await client.get(f"/console/company/{chat}/evidence.zip")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/zip"
        assert response.headers["content-disposition"] == (
            f'attachment; filename="tmall-tp-evidence-{chat}.zip"'
        )
        assert response.headers["x-content-type-options"] == "nosniff"
        with zipfile.ZipFile(io.BytesIO(response.content)) as pack:
            assert pack.read("documents/taobao_corporate/licence.pdf") == LICENCE
            [entry] = json.loads(pack.read("manifest.json"))["documents"]
            assert "Taobao corporate account" in pack.read("timeline.csv").decode("utf-8-sig")
        assert entry["sha256"] == hashlib.sha256(LICENCE).hexdigest()
        unknown = await client.get("/console/company/777/evidence.zip")
        assert unknown.status_code == 404 and "PK" not in unknown.text[:2]


async def test_the_evidence_pack_needs_a_session(harness: BotHarness) -> None:
    await with_a_licence(harness)
    async with client_for(harness) as (client, _):
        response = await client.get(f"/console/company/{EN_USER['id']}/evidence.zip")
        assert response.status_code == 401
        assert "Please sign in first" in response.text and b"PK" not in response.content[:4]
        client.cookies.set("tpbot_console", "forged", path="/console")
        forged = await client.get(f"/console/company/{EN_USER['id']}/evidence.zip")
        assert forged.status_code == 401
