"""The evidence locker kept safely and owed by name: reminders, backups, settings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from bot.jobs import downloads_of
from tests.helpers.documents import at_licence_step, document
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock
from tests.helpers.reminders import run_tick


async def test_an_idle_nudge_names_the_owed_document_within_quiet_hours_rules(
    harness: BotHarness, clock: FrozenClock
) -> None:
    clock.set(2026, 9, 28, hour=13)  # 21:00 in Shanghai
    await at_licence_step(harness, ZH_USER)
    clock.set(2026, 10, 1, hour=13)  # three days later, but 21:00: quiet
    assert await run_tick(harness) == []
    clock.set(2026, 10, 2, hour=1)  # 09:00
    [nudge] = await run_tick(harness)
    assert "📎 仍缺少：营业执照。" in nudge.text


async def test_a_nudge_after_the_document_came_names_none(
    harness: BotHarness, clock: FrozenClock
) -> None:
    clock.set(2026, 9, 28, hour=3)
    await at_licence_step(harness, EN_USER)
    await harness.feed(document(harness, EN_USER, "licence.pdf", 1000, "k1"))
    clock.set(2026, 10, 2, hour=3)
    [nudge] = await run_tick(harness)
    assert "Still missing" not in nudge.text and "friendly reminder" in nudge.text


def test_the_settings_default_beside_the_database(tmp_path: Path) -> None:
    settings = replace(Settings(), db_path=tmp_path / "db" / "bot.sqlite3")
    assert settings.evidence_path() == tmp_path / "db" / "evidence"
    assert Settings().file_base_url() == "https://api.telegram.org/file/bot"
    local = replace(Settings(), api_base_url="http://127.0.0.1:8081/bot")
    assert local.file_base_url() == "http://127.0.0.1:8081/file/bot"
    assert replace(local, api_base_file_url="http://files/x").file_base_url() == "http://files/x"


async def test_backup_copies_the_documents_folder_beside_the_copy(
    settings: Settings,
    clock: FrozenClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bot = BotHarness(settings, clock)
    await bot.start()
    await at_licence_step(bot, EN_USER)
    bot.api.stored_files["id-b1"] = b"licence bytes"
    await bot.feed(document(bot, EN_USER, "licence.pdf", 13, "b1"))
    assert await downloads_of(bot.application).run_once() == 1
    kept = next(p for p in (tmp_path / "evidence").rglob("*") if p.is_file())
    await bot.stop()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TPBOT_DB", str(settings.db_path))
    target = tmp_path / "copy.sqlite3"
    assert main(["backup", "--output", str(target)]) == 0
    assert "copy-evidence: the documents' folder" in capsys.readouterr().out
    copied = tmp_path / "copy-evidence" / kept.relative_to(tmp_path / "evidence")
    assert copied.read_bytes() == b"licence bytes"
