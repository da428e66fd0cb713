"""Fetch the documents' bytes with ``getFile``, off the update path: a job of the runner.

Each queued file is fetched, written to the locker in a worker thread and only then taken
off the queue, so a kill at any moment loses nothing (the next start fetches it again). A
network error backs off and tries again; a file Telegram refuses (a forged or expired
``file_id``) is marked failed and the chat is told, in its language, to send it again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from html import escape

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.services.evidence.evidence import DocumentRow, EvidenceService
from bot.services.evidence.locker import Locker
from bot.services.i18n import Catalog

log = logging.getLogger(__name__)


class Downloads:
    def __init__(
        self,
        bot: Bot,
        evidence: EvidenceService,
        locker: Locker,
        catalog: Catalog,
        language_of: Callable[[int], str],
    ) -> None:
        self.bot = bot
        self.evidence = evidence
        self.locker = locker
        self.catalog = catalog
        self.language_of = language_of

    async def run_once(self) -> int:
        """Fetch what is due now; how many files were stored."""
        done = 0
        for row, attempts in self.evidence.due():
            if await self._fetch(row, attempts):
                done += 1
        return done

    async def _fetch(self, row: DocumentRow, attempts: int) -> bool:
        try:
            file = await self.bot.get_file(row.file_id)
            data = bytes(await file.download_as_bytearray())
        except RetryAfter as exc:
            self.evidence.retry_later(row.id, attempts, f"rate limited: {exc}")
            return False
        except BadRequest as exc:
            log.warning("document %s: Telegram refused the file: %s", row.id, exc.message)
            self.evidence.failed(row.id, exc.message)
            await self._tell_failed(row)
            return False
        except (NetworkError, TelegramError) as exc:
            delay = self.evidence.retry_later(row.id, attempts, str(exc))
            log.info("document %s: fetch failed (%s); again in %.0f s", row.id, exc, delay)
            return False
        sha256, size = await asyncio.to_thread(self.locker.put, data)
        self.evidence.stored(row.id, sha256, size)
        return True

    async def _tell_failed(self, row: DocumentRow) -> None:
        lang = self.language_of(row.chat_id)
        text = self.catalog.text(lang, "doc-fetch-failed", name=escape(row.name))
        try:
            await self.bot.send_message(row.chat_id, text)
        except (Forbidden, TelegramError) as exc:
            log.warning("chat %s: could not say a file failed: %r", row.chat_id, exc)
