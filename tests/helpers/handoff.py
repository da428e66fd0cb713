"""The handoff's tests' pieces: a company at an idle step with a ticket waiting for us."""

from __future__ import annotations

from typing import Any

from tests.helpers.harness import BotHarness
from tests.helpers.support import PLAIN, SUPPORT, bot_message, one


async def waiting_ticket(desk: BotHarness, user: dict[str, Any], question: str) -> int:
    """``user`` starts, begins the walk and asks a question in a plain support group; the
    card's message id (what an operator replies to)."""
    await desk.command(user, "/start")
    await desk.answer(user, "begin")
    await desk.command(user, "/ask")
    calls = await desk.send(user, question)
    return int(one(calls, "sendMessage", chat_id=SUPPORT).result["message_id"])


def reply_to(card: int) -> dict[str, Any]:
    return {"reply_to_message": bot_message(PLAIN, card)}
