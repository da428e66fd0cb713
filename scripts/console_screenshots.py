"""The README's pictures of the operators' console, taken in Chromium over the demo's sample
companies (``tmall-tp-bot demo --console --sample 40`` shows the same thing live).

    .venv/bin/python scripts/console_screenshots.py [--out docs/screenshots]

Needs Debian's chromium (and fonts-noto-cjk for the Chinese pages).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import tempfile
from dataclasses import replace
from pathlib import Path

from playwright.async_api import async_playwright

from bot.app import build_application
from bot.config import Settings
from bot.demo.offline_api import OfflineBotAPI
from bot.demo.sample import FIRST_CHAT_ID, seed_sample
from bot.demo.terminal import DemoConsole

OPERATOR = 10_001
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


async def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        settings = replace(
            Settings(),
            db_path=Path(folder) / "demo.sqlite3",
            operators=frozenset({OPERATOR}),
            port=port,
        )
        await seed_sample(settings, 40)
        application = build_application(settings, request=OfflineBotAPI(), token="0:demo")
        await application.initialize()
        web = await DemoConsole.start(application, settings, OPERATOR)
        base = web.console.public_url
        try:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=FLAGS
                )
                for lang, size, suffix in (
                    ("en", (1280, 900), ""),
                    ("zh", (1280, 900), "-zh"),
                    ("en", (390, 844), "-phone"),
                ):
                    context = await browser.new_context(
                        viewport={"width": size[0], "height": size[1]}, device_scale_factor=1
                    )
                    page = await context.new_page()
                    token = application.bot_data.services.signin.issue_link(OPERATOR)
                    await page.goto(f"{base}/console/login/{token}?lang={lang}")
                    await page.click("#sign-in")
                    await page.wait_for_url(f"{base}/console/")
                    await page.screenshot(path=str(out / f"board{suffix}.png"))
                    if suffix == "":
                        await page.goto(f"{base}/console/funnel")
                        await page.screenshot(path=str(out / "funnel.png"), full_page=True)
                        await page.goto(f"{base}/console/company/{FIRST_CHAT_ID}")
                        await page.screenshot(path=str(out / "company.png"), full_page=True)
                    await context.close()
                await browser.close()
        finally:
            await web.stop()
            await application.shutdown()
            application.bot_data.services.maintenance.close()
    print("saved in", out)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    asyncio.run(main(parser.parse_args().out))
