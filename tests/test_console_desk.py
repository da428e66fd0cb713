"""The console and the support desk: "waiting for us" on the board, and a message sent from
the console reaching the company as the desk's answer, with a copy for the desk."""

from __future__ import annotations

from tests.helpers.console import client_for, signed_in
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness
from tests.helpers.support import SUPPORT, ask_and_write


async def test_waiting_for_us_until_the_desk_answers(desk: BotHarness) -> None:
    await ask_and_write(desk, EN_USER, "Where do I find the Tmall menu?")
    await desk.command(ZH_USER, "/start")
    async with client_for(desk) as (client, _):
        csrf = await signed_in(desk, client)
        waiting = await client.get("/console/?waiting=1")
        assert "Alice" in waiting.text and "王伟" not in waiting.text
        assert "waiting for us" in waiting.text
        desk.api.take()
        sent = await client.post(
            "/console/company/1001/message",
            data={"csrf": csrf, "text": "Open Seller Center, then Services."},
        )
        assert "message-sent" in sent.headers["location"]
        calls = desk.api.take()
        to_user = [c for c in calls if c.chat_id == 1001]
        to_desk = [c for c in calls if c.chat_id == SUPPORT]
        assert to_user and "Open Seller Center, then Services." in to_user[0].text
        assert to_desk and "Sent from the console by operator 900" in to_desk[0].text
        answered = await client.get("/console/?waiting=1")
        assert "Alice" not in answered.text  # the desk's answer is the last word now
        page = await client.get("/console/company/1001")
        assert "answer from the desk" in page.text and "message from the company" in page.text
