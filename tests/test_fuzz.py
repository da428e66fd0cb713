"""Forged and malformed input never reaches a traceback: a seeded fuzz through the real bot."""

from __future__ import annotations

import logging
import os
from collections import Counter

import pytest
from telegram import Update

from tests.helpers.fuzz_updates import Fuzzer
from tests.helpers.harness import BotHarness

UPDATES = int(os.environ.get("TPBOT_FUZZ_UPDATES", "3000"))


@pytest.mark.parametrize("seed", [1, 2])
async def test_fuzzed_updates_never_fail(
    harness: BotHarness, caplog: pytest.LogCaptureFixture, seed: int
) -> None:
    fuzzer = Fuzzer(seed)
    with caplog.at_level(logging.WARNING):
        for data in fuzzer.updates(UPDATES // 2):
            update = Update.de_json(data, harness.application.bot)
            await harness.application.process_update(update)
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not failures, failures[0].getMessage() + "\n" + str(failures[0].exc_info)
    answers = Counter(
        c.params["callback_query_id"]
        for c in harness.api.calls
        if c.method == "answerCallbackQuery"
    )
    assert not [query for query, n in answers.items() if n > 1]  # never answered twice


def test_the_fuzzer_makes_what_it_should() -> None:
    made = list(Fuzzer(3).updates(500))
    datas = [u["callback_query"]["data"] for u in made if "callback_query" in u]
    assert any("²" in d for d in datas) and any(len(d.encode()) > 64 for d in datas)
    assert any("inline_message_id" in u.get("callback_query", {}) for u in made)
    assert len({u["update_id"] for u in made}) < len(made)  # some are redelivered
