"""Updates per second: this bot vs a bare python-telegram-bot Application, in one run.

Both get the same stream of updates (many chats, each a /start and a few button presses)
through ``application.process_update`` with an instant offline request layer, so the ratio
shows what the flow engine, SQLite and rendering cost on top of PTB itself. Then 100,000
distinct chats go through the bot while the process's resident memory is sampled: it should
stay flat (state lives in SQLite, not in per-chat objects), while the database file grows.

    python benchmarks/bench_updates.py            # full run (~3-4 minutes)
    python benchmarks/bench_updates.py --quick    # smaller numbers, for a smoke test
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, Defaults

from bot.app import build_application
from bot.config import Settings
from bot.demo.offline_api import BOT_USER, OfflineBotAPI
from bot.demo.updates import UpdateFactory
from bot.intake import POLL_LIMIT, Intake
from bot.jobs import HOUSEKEEPING_EVERY, housekeeping

_last_housekeeping = [0.0]
PRESSES = [
    "a|0|welcome|begin",
    "a|1|owner_separate|yes",
    "a|2|manages_shops|yes",
    "a|3|taobao_corporate|not_yet",
]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def build_stream(
    bot: Any, first_chat: int, chats: int, presses: int, first_update: int
) -> list[Update]:
    """For each chat: /start, then ``presses`` button presses on the bot's step message."""
    factory = UpdateFactory(bot, first_update_id=first_update)
    updates = []
    for chat_id in range(first_chat, first_chat + chats):
        user = factory.user(chat_id, "Bench", "en")
        updates.append(factory.command(user, "/start"))
        message = {
            "message_id": 1000,
            "date": 0,
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
            "text": "step",
        }
        updates.extend(factory.press(user, data, message) for data in PRESSES[:presses])
    return updates


# The baseline sends what our bot sends in size and shape (a step-sized HTML text, three
# buttons, the same Defaults), so the ratio measures the flow engine and SQLite, not the cost
# PTB pays for any bot's longer messages.
STEP_SIZED_TEXT = "<b>Stage 1 of 3 · Register as a service provider</b>\n\n" + "x" * 250


def bare_application(api: OfflineBotAPI) -> Application:  # type: ignore[type-arg]
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=f"a|1|taobao_corporate|{label}")]
            for label in ("✅ Yes", "⏳ Not yet", "👤 I only have a personal Alipay")
        ]
    )

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        await context.bot.send_message(
            update.effective_chat.id, STEP_SIZED_TEXT, reply_markup=keyboard
        )

    async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("✅ Yes")
        await query.edit_message_text(STEP_SIZED_TEXT, reply_markup=keyboard)

    app = (
        Application.builder()
        .token("0:bench")
        .request(api)
        .get_updates_request(api)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(press))
    return app


async def run_stream(
    app: Application,
    updates: list[Update],
    ours: bool = False,  # type: ignore[type-arg]
) -> float:
    """Updates/s; for our bot, also start the periodic housekeeping (WAL checkpoint in a worker
    thread...) every ``HOUSEKEEPING_EVERY``, as ``run``'s job does, and wait for it to end."""
    gc.collect()
    pending: list[asyncio.Task[None]] = []
    intake = Intake(app) if ours else None
    # Polling gets each update's JSON from the network; here it is made before the clock.
    bodies = {u.update_id: json.dumps(u.to_dict()) for u in updates} if ours else {}
    started = time.perf_counter()
    for first in range(0, len(updates), POLL_LIMIT):
        batch = updates[first : first + POLL_LIMIT]
        if intake is None:
            for update in batch:
                await app.process_update(update)
            continue
        # As ``run`` does: a getUpdates batch is kept in the update ledger, then handed to
        # the Application's queue, whose processor runs the chats side by side.
        intake.accept_updates(batch, bodies)
        await app.update_queue.join()
        if (
            ours
            and time.perf_counter() - _last_housekeeping[0] > HOUSEKEEPING_EVERY.total_seconds()
        ):
            pending.append(asyncio.create_task(housekeeping(app)))
            await asyncio.sleep(0)  # let it start, as the job would between updates
            _last_housekeeping[0] = time.perf_counter()
    await asyncio.gather(*pending)
    return len(updates) / (time.perf_counter() - started)


async def throughput(settings: Settings, chats: int, rounds: int) -> None:
    bot_api, bare_api = OfflineBotAPI(record=False), OfflineBotAPI(record=False)
    ours = build_application(settings, request=bot_api, manual_checkpoints=True)
    bare = bare_application(bare_api)
    await ours.initialize()
    await ours.start()  # its update fetcher and processor, as ``run`` starts them
    await bare.initialize()
    ours_rates, bare_rates, ratios = [], [], []
    next_chat, next_update = 1, 1
    # Many short rounds, each measuring both apps back to back (alternating which goes first),
    # so that the machine's drift hits both alike; the ratio is the median of per-round ratios.
    for round_number in range(rounds):
        # The same updates for both, each bound to its own app's bot (a callback query's
        # answer goes through the bot it was decoded with).
        ours_stream = build_stream(ours.bot, next_chat, chats, len(PRESSES), next_update)
        bare_stream = build_stream(bare.bot, next_chat, chats, len(PRESSES), next_update)
        next_chat += chats
        next_update = ours_stream[-1].update_id + 1  # a press uses two ids (query and update)
        if round_number % 2:
            ours_rate = await run_stream(ours, ours_stream, ours=True)
            bare_rate = await run_stream(bare, bare_stream)
        else:
            bare_rate = await run_stream(bare, bare_stream)
            ours_rate = await run_stream(ours, ours_stream, ours=True)
        ours_rates.append(ours_rate)
        bare_rates.append(bare_rate)
        ratios.append(ours_rate / bare_rate)
    await ours.stop()
    await ours.shutdown()
    await bare.shutdown()
    total = chats * (1 + len(PRESSES))
    # Every update must have been a real step (none skipped as a duplicate or refused).
    maintenance = ours.bot_data.services.maintenance
    logged = maintenance.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    maintenance.close()
    if logged != total * rounds:
        raise SystemExit(f"the bot logged {logged} steps for {total * rounds} updates")
    print(
        f"throughput: {rounds} paired rounds of {chats} chats x (1 /start + {len(PRESSES)} "
        f"presses) = {total} updates each; medians"
    )
    print(f"  bare PTB Application (answer + edit)  {statistics.median(bare_rates):8.0f} updates/s")
    print(f"  tmall-tp-bot                          {statistics.median(ours_rates):8.0f} updates/s")
    quartiles = statistics.quantiles(ratios, n=4)
    print(
        f"  ratio                                 {statistics.median(ratios):8.2f}x  "
        f"(middle half of rounds {quartiles[0]:.2f}-{quartiles[2]:.2f}; guard rail >= 0.65)"
    )


async def memory(settings: Settings, chats: int) -> None:
    api = OfflineBotAPI(record=False)
    app = build_application(settings, request=api, manual_checkpoints=True)
    await app.initialize()
    await app.start()
    print(f"memory: {chats} distinct chats, each /start + 1 press")
    batch = max(chats // 10, 1)
    update_id = 10_000_000
    baseline = None
    for first in range(0, chats, batch):
        stream = build_stream(app.bot, 1_000_000 + first, batch, 1, update_id)
        update_id = stream[-1].update_id + 1
        await run_stream(app, stream, ours=True)
        del stream
        gc.collect()
        size = Path(settings.db_path).stat().st_size / 2**20
        wal = Path(f"{settings.db_path}-wal")
        wal_size = wal.stat().st_size / 2**20 if wal.exists() else 0.0
        if baseline is None:
            baseline = rss_mb()
        print(
            f"  after {first + batch:7d} chats: RSS {rss_mb():7.1f} MB "
            f"(+{rss_mb() - baseline:5.1f} since first batch), "
            f"database {size:6.1f} MB + WAL {wal_size:5.1f} MB"
        )
    await app.stop()
    await app.shutdown()
    app.bot_data.services.maintenance.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--memory-chats", type=int, default=100_000)
    args = parser.parse_args()
    if args.quick:
        args.chats, args.rounds, args.memory_chats = 100, 6, 3000
    with tempfile.TemporaryDirectory() as tmp:
        settings = replace(Settings(), db_path=Path(tmp) / "throughput.sqlite3")
        asyncio.run(throughput(settings, args.chats, args.rounds))
        settings = replace(Settings(), db_path=Path(tmp) / "memory.sqlite3")
        asyncio.run(memory(settings, args.memory_chats))


if __name__ == "__main__":
    main()
