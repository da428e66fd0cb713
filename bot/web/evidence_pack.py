"""The company page's "Download the evidence pack": the zip of ``tmall-tp-bot evidence``.

Built in an export thread (its own read-only connection) into a temporary file, then streamed
from it in chunks read off the loop; one at a time per operator, as ``board.csv``.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator
from typing import IO

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from bot.callbacks import parse_chat_id
from bot.services.evidence.locker import Locker
from bot.services.evidence.pack import UnknownChat, build_pack
from bot.web.console import SECURITY_HEADERS, Console, Operator, operators_only

CHUNK = 1 << 16


def evidence_routes(console: Console) -> list[Route]:
    services = console.services
    catalog, spec = services.catalog, services.spec
    locker = Locker(services.settings.evidence_path())

    async def evidence_pack(request: Request, operator: Operator) -> Response:
        chat_id = parse_chat_id(request.path_params["chat_id"])
        if chat_id is None:
            return console.page("error.html", operator, status=404, reason="console-no-company")
        if operator.user_id in console.exporting:
            response = console.page(
                "error.html", operator, status=429, reason="console-export-busy"
            )
            response.headers["Retry-After"] = "10"
            return response

        def step_name(step_id: str) -> str:
            if step_id not in spec.steps:
                return step_id
            return catalog.text(operator.lang, spec.steps[step_id].name)

        handle = tempfile.TemporaryFile(prefix="tpbot-evidence-")  # noqa: SIM115 (closed when streamed)
        console.exporting.add(operator.user_id)
        try:
            await console.exports.run(
                lambda p: build_pack(p.db, locker, chat_id, handle, step_name)
            )
        except UnknownChat:
            handle.close()
            return console.page("error.html", operator, status=404, reason="console-no-company")
        except BaseException:
            handle.close()
            raise
        finally:
            console.exporting.discard(operator.user_id)
        headers = {
            **SECURITY_HEADERS,
            "Content-Disposition": (f'attachment; filename="tmall-tp-evidence-{chat_id}.zip"'),
        }
        return StreamingResponse(
            _chunks(handle),
            media_type="application/zip",
            headers=headers,
            background=BackgroundTask(handle.close),
        )

    return [
        Route(
            "/console/company/{chat_id}/evidence.zip",
            operators_only(console, evidence_pack),
            methods=["GET"],
        )
    ]


async def _chunks(handle: IO[bytes]) -> AsyncIterator[bytes]:
    await asyncio.to_thread(handle.seek, 0)
    try:
        while chunk := await asyncio.to_thread(handle.read, CHUNK):
            yield chunk
    finally:
        handle.close()
