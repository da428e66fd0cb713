"""Broadcast tests' pieces: chats seeded directly, Telegram's limits scaled up (no sleeps),
what reached each chat, and the ``broadcasts`` command's parsed arguments."""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from dataclasses import replace
from typing import Any, NamedTuple

from sqlite_utils import Database

from bot.demo.offline_api import ApiCall
from bot.demo.updates import UpdateFactory
from bot.services.broadcasts.delivery import Delivery, Limits
from bot.storage.sql import transaction
from bot.telegram.sender import TelegramSender
from tests.helpers.harness import BotHarness

OPERATOR = UpdateFactory.user(900, "Olga", "en")


STEPS = [
    "welcome",
    "owner_separate",
    "taobao_corporate",
    "op_apply",
    "op_audit",
    "intl_apply",
    "finished",
]


class Sleeps:
    """An injected sleep: records what the delivery waited, without waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


FAST = Limits(per_second=1_000_000, backoff=0.5, concurrency=4)


def fast(harness: BotHarness, **limits: Any) -> Sleeps:
    """Telegram's limits scaled up and sleeps skipped, so hundreds of sends take ms."""
    sleeps = Sleeps()
    sender = TelegramSender(harness.application.bot)
    harness.use_delivery(Delivery(sender, replace(FAST, **limits), sleep=sleeps))
    harness.services.broadcasts.progress_every = 0.005
    return sleeps


def seed_chats(harness: BotHarness, count: int, first: int = 5000) -> list[int]:
    """``count`` private chats spread over steps and both languages, inserted directly."""
    db = harness.db
    now = "2026-09-20T02:00:00+00:00"
    ids = list(range(first, first + count))
    with transaction(db):
        for i, chat_id in enumerate(ids):
            state = STEPS[i % len(STEPS)]
            db.execute(
                "INSERT INTO chats (id, type, language, state, history, seq, active, "
                "created_at, updated_at, finished_at) VALUES (?, 'private', ?, ?, '[]', 1, 1, "
                "?, ?, ?)",
                [
                    chat_id,
                    "zh" if i % 3 == 0 else "en",
                    state,
                    now,
                    now,
                    now if state == "finished" else None,
                ],
            )
    return ids


def delivered(calls: list[ApiCall], text: str | None = None) -> Counter[int]:
    """Messages (with ``text``, if given) that reached each chat: Telegram answered them."""
    return Counter(
        c.chat_id
        for c in calls
        if c.method in ("sendMessage", "sendPhoto", "sendDocument")
        and c.result is not None
        and c.chat_id is not None
        and (text is None or c.text == text)
    )


def cli_args(**kw: Any) -> argparse.Namespace:
    base: dict[str, Any] = dict(
        audience="all",
        text_file=None,
        text_file_zh=None,
        at=None,
        dry_run=False,
        resume=None,
        cancel=None,
        resend_unknown=False,
    )
    return argparse.Namespace(**{**base, **kw})


class DeliveryRow(NamedTuple):
    chat_id: int
    status: str
    error: str | None
    message_id: int | None
    attempts: int
    updated_at: str | None


def deliveries_of(db: Database, broadcast_id: int) -> list[DeliveryRow]:
    """Every delivery row of a broadcast, by chat id (as stored)."""
    cursor = db.execute(
        f"SELECT {', '.join(DeliveryRow._fields)} FROM deliveries "
        "WHERE broadcast_id = ? ORDER BY chat_id",
        [broadcast_id],
    )
    return [DeliveryRow._make(row) for row in cursor.fetchall()]
