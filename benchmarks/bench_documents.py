"""Receiving a file against pressing a button, on the same update path, in the same run.

Chats are walked to the corporate Taobao step (which asks for the business licence); then
each chat, in turn, presses "not yet" (an answer: the help and the step again) and sends a
document (a receipt: checked, its row and its place in the download queue written, one line
sent). Both go through ``application.process_update`` on the offline Bot API, whose every call
yields to the event loop like a network call. Printed: p50 / p99 of each and their ratio.
Then the download job fetches every queued file (``getFile`` and the bytes, written in a
worker thread), and a company's four documents at typical sizes show how much the evidence
folder (and the database) grows per company.

    python -m benchmarks.bench_documents            # 300 chats
    python -m benchmarks.bench_documents --chats 50 # a smoke test
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.app import build_application
from bot.config import PROJECT_ROOT, Settings
from bot.demo.offline_api import OfflineBotAPI
from bot.demo.updates import UpdateFactory
from bot.jobs import downloads_of
from bot.services.evidence.evidence import IncomingFile

WALK = ["a|0|welcome|begin", "a|1|owner_separate|yes", "a|2|manages_shops|yes"]
# A company's documents at sizes typical of what is sent: a scanned licence, a signed
# contract, a slide deck, a one-page introduction.
COMPANY_FILES = [
    ("taobao_corporate", "licence.pdf", 1_200_000),
    ("op_nickname", "contract.pdf", 2_500_000),
    ("intl_presentation", "presentation.pdf", 6_000_000),
    ("intl_presentation", "introduction.pdf", 300_000),
]


class YieldingAPI(OfflineBotAPI):
    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        await asyncio.sleep(0)
        return await super().do_request(*args, **kwargs)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def measure(chats: int, folder: Path) -> None:
    settings = replace(
        Settings(),
        token="123:BENCH",
        db_path=folder / "bench.sqlite3",
        flow_path=PROJECT_ROOT / "flows" / "tmall_tp.yaml",
        locales_dir=PROJECT_ROOT / "locales",
    )
    api = YieldingAPI(record=False)
    application = build_application(settings, request=api)
    await application.initialize()
    factory = UpdateFactory(application.bot)
    services = application.bot_data.services
    users = [UpdateFactory.user(50_000 + n, f"User {n}", "en") for n in range(chats)]
    for user in users:
        await application.process_update(factory.command(user, "/start"))
        for data in WALK:
            await application.process_update(factory.press(user, data))
    presses: list[float] = []
    files: list[float] = []
    for round_number in range(3):
        for n, user in enumerate(users):
            progress = services.progress.get(user["id"])
            press = factory.press(user, f"a|{progress.seq}|taobao_corporate|not_yet")
            started = time.perf_counter()
            await application.process_update(press)
            presses.append(time.perf_counter() - started)
            unique = f"f{round_number}-{n}"
            api.stored_files[f"id-{unique}"] = os.urandom(1000)
            document = {
                "file_id": f"id-{unique}",
                "file_unique_id": unique,
                "file_name": "licence.pdf",
                "mime_type": "application/pdf",
                "file_size": 1000,
            }
            update = factory.message(user, None, document=document)
            started = time.perf_counter()
            await application.process_update(update)
            files.append(time.perf_counter() - started)
    press50, press99 = percentile(presses, 0.5), percentile(presses, 0.99)
    file50, file99 = percentile(files, 0.5), percentile(files, 0.99)
    print(f"{len(presses)} presses, {len(files)} files, {chats} chats")
    print(f"  button press  p50 {press50 * 1000:.2f} ms  p99 {press99 * 1000:.2f} ms")
    print(f"  file received p50 {file50 * 1000:.2f} ms  p99 {file99 * 1000:.2f} ms")
    print(f"  ratio file / press: p50 {file50 / press50:.2f}, p99 {file99 / press99:.2f}")

    downloads = downloads_of(application)
    started = time.perf_counter()
    fetched = 0
    while services.evidence.queued():
        fetched += await downloads.run_once()
    elapsed = time.perf_counter() - started
    print(f"  download job: {fetched} files fetched in {elapsed:.2f} s, off the update path")

    root = services.locker.root
    before_files = services.locker.size()
    company = UpdateFactory.user(90_000, "Company", "en")
    chat_id = company["id"]
    for number, (step, name, size) in enumerate(COMPANY_FILES):
        api.stored_files[f"id-c{number}"] = os.urandom(size)
        services.evidence.receive(
            chat_id,
            step,
            IncomingFile(f"id-c{number}", f"c{number}", name, "application/pdf", size),
            chat_id,
            10_000_000 + number,
        )
    while services.evidence.queued():
        await downloads.run_once()
    grown = services.locker.size() - before_files
    print(
        f"  one company's four documents ({sum(s for _, _, s in COMPANY_FILES) / 1e6:.1f} MB "
        f"sent): the folder grows by {grown / 1e6:.1f} MB "
        f"({len(list(root.rglob('*')))} entries in all)"
    )
    await application.shutdown()
    services.maintenance.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-documents-") as folder:
        asyncio.run(measure(args.chats, Path(folder)))


if __name__ == "__main__":
    main()
