"""A longer fuzz than the test suite's: seeded forged updates through the real Application.

    python -m benchmarks.fuzz --updates 10000 --seeds 3

Counts the updates whose handling logged an error (a traceback) and the callback queries
answered twice; the target for both is 0.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from telegram import Update

from bot.app import build_application
from bot.config import Settings
from bot.demo.offline_api import OfflineBotAPI
from tests.helpers.fuzz_updates import OPERATOR, Fuzzer


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


async def fuzz(updates: int, seed: int, support: bool) -> tuple[int, int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = replace(
            Settings(),
            token="123:FUZZ",
            db_path=Path(tmp) / "fuzz.sqlite3",
            operators=frozenset({OPERATOR}),
            support_chat_id=-100555 if support else None,
        )
        api = OfflineBotAPI()
        app = build_application(settings, request=api)
        errors = _Errors()
        logging.getLogger().addHandler(errors)
        await app.initialize()
        started = time.perf_counter()
        for data in Fuzzer(seed).updates(updates):
            await app.process_update(Update.de_json(data, app.bot))
        elapsed = time.perf_counter() - started
        await app.shutdown()
        app.bot_data.services.maintenance.close()
        logging.getLogger().removeHandler(errors)
        answers = Counter(
            c.params["callback_query_id"] for c in api.calls if c.method == "answerCallbackQuery"
        )
        return errors.count, sum(1 for n in answers.values() if n > 1), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)
    for seed in range(1, args.seeds + 1):
        for support in (False, True):
            failed, twice, elapsed = asyncio.run(fuzz(args.updates, seed, support))
            print(
                f"seed {seed}, support group {'on' if support else 'off'}: {args.updates:,} "
                f"updates in {elapsed:.1f} s; tracebacks {failed} (target 0), "
                f"queries answered twice {twice} (target 0)"
            )


if __name__ == "__main__":
    main()
