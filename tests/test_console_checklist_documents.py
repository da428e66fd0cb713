"""The company page's checklist says, at each step that asks for files, how many of its
documents are here (as the chat's checklist does)."""

from __future__ import annotations

import re

from tests.helpers.console import client_for, signed_in
from tests.helpers.documents import stored_licence
from tests.helpers.harness import EN_USER, BotHarness


async def test_the_checklist_counts_each_steps_documents(harness: BotHarness) -> None:
    await stored_licence(harness, EN_USER, "licence.pdf", "ck1", b"%PDF-1.4 licence")
    async with client_for(harness) as (client, _console):
        await signed_in(harness, client)
        page = (await client.get(f"/console/company/{EN_USER['id']}")).text
    checklist = page[
        page.index('class="check-list"') : page.index("</ul>", page.index("check-list"))
    ]
    counts = re.findall(r'class="muted doc-count">· ([^<]+)<', checklist)
    assert "1 of 1 document received" in counts
    assert any(count.startswith("0 of ") for count in counts)  # a later step's, none yet
