"""Albums relayed as albums: Telegram delivers an album as one message per part (one
``media_group_id``); the desk holds the parts and relays them together, in one call.

The parts are held without holding the event loop or the lane: the first part's handler
starts a task that waits until no further part came for ``ALBUM_WAIT``, and returns, so the
lane takes the album's other parts meanwhile (as ``bot/handlers/documents.py`` answers an
album). The lane's next message that is not part of it relays the album first (``flush``),
so the order the user (or the operator) wrote in is kept.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field

from telegram import Message, Update

from bot.wiring import BotContext

ALBUM_WAIT = 0.5  # seconds without a further part of an album before it is relayed

Relay = Callable[[list[Message]], Awaitable[None]]


@dataclass
class _Album:
    group_id: str
    relay: Relay
    parts: list[Message] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    sent: bool = False


_waiting: dict[Hashable, _Album] = {}  # by lane: the album whose parts are arriving


async def gather(
    update: Update, context: BotContext, lane: Hashable, message: Message, relay: Relay
) -> None:
    """Hold ``message``, a part of an album; ``relay`` gets all its parts once they are in."""
    assert message.media_group_id is not None
    album = _waiting.get(lane)
    if album is not None and album.group_id == message.media_group_id and not album.sent:
        album.parts.append(message)
        album.arrived.set()
        return
    await flush(lane)
    album = _waiting[lane] = _Album(message.media_group_id, relay, [message])
    context.application.create_task(_relay_when_complete(lane, album), update=update)


async def _relay_when_complete(lane: Hashable, album: _Album) -> None:
    while True:
        album.arrived.clear()
        try:
            await asyncio.wait_for(album.arrived.wait(), ALBUM_WAIT)
        except TimeoutError:
            break
    await _send(lane, album)


async def flush(lane: Hashable) -> None:
    """Relay the lane's album now, if one is being gathered (before the lane's next message)."""
    album = _waiting.get(lane)
    if album is not None:
        await _send(lane, album)


async def _send(lane: Hashable, album: _Album) -> None:
    async with album.turn:  # the task and the lane's next message: whoever comes first
        if album.sent:
            return
        album.sent = True
        try:
            await album.relay(sorted(album.parts, key=lambda part: part.message_id))
        finally:
            if _waiting.get(lane) is album:
                del _waiting[lane]
