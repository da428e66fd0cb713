"""Files as Telegram sends them, and a chat walked to the step that asks for them."""

from __future__ import annotations

from typing import Any

from bot.jobs import downloads_of
from tests.helpers.harness import BotHarness

PDF = "application/pdf"


def document(
    harness: BotHarness,
    user: dict[str, Any],
    name: str,
    size: int | None,
    unique: str,
    mime: str | None = PDF,
    chat: dict[str, Any] | None = None,
    **extra: Any,
) -> Any:
    file: dict[str, Any] = {"file_id": f"id-{unique}", "file_unique_id": unique, "file_name": name}
    if mime is not None:
        file["mime_type"] = mime
    if size is not None:
        file["file_size"] = size
    return harness.updates.message(user, chat, document=file, **extra)


def photo(harness: BotHarness, user: dict[str, Any], unique: str, size: int, **extra: Any) -> Any:
    sizes = [
        {"file_id": f"small-{unique}", "file_unique_id": f"s{unique}", "width": 90, "height": 90},
        {
            "file_id": f"id-{unique}",
            "file_unique_id": unique,
            "width": 1280,
            "height": 960,
            "file_size": size,
        },
    ]
    return harness.updates.message(user, None, photo=sizes, **extra)


async def at_licence_step(
    harness: BotHarness, user: dict[str, Any], chat: dict[str, Any] | None = None
) -> None:
    """The chat at the corporate Taobao step, which asks for the business licence."""
    await harness.command(user, "/start", chat)
    for answer in ["begin", "yes", "yes"]:
        await harness.answer(user, answer, chat)


async def stored_licence(
    harness: BotHarness, user: dict[str, Any], name: str, unique: str, data: bytes
) -> int:
    """The chat at the licence step with ``name`` sent and downloaded; the file's row id."""
    await at_licence_step(harness, user)
    harness.api.stored_files[f"id-{unique}"] = data
    await harness.feed(document(harness, user, name, len(data), unique))
    assert await downloads_of(harness.application).run_once() == 1
    row = harness.db.execute(
        "SELECT id FROM documents WHERE file_unique_id = ?", [unique]
    ).fetchone()
    return int(row[0])
