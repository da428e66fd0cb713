"""Files sent in the chat (documents, photos, albums) and ``/documents``.

A file at a step that asks for documents is checked and kept (its bytes are fetched later,
off the update path); each is answered in one line, and an album (one ``media_group_id``)
with one message once its files stop arriving. A file elsewhere is told where files go.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from telegram import Message, Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.handlers.replies import current_progress, need_start, reply, send_step, sender_ids
from bot.services.evidence.evidence import IncomingFile, Verdict
from bot.services.flow.reopened import Reopened
from bot.wiring import BotApplication, BotContext

ALBUM_WAIT = 1.0  # seconds without a further file of an album before it is answered


@dataclass
class _Album:
    lines: list[str] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)


_albums: dict[tuple[int, str], _Album] = {}


def incoming_file(message: Message) -> IncomingFile | None:
    if message.document is not None:
        document = message.document
        return IncomingFile(
            file_id=document.file_id,
            file_unique_id=document.file_unique_id,
            name=document.file_name or "document",
            mime_type=document.mime_type,
            size=document.file_size,
            media_group_id=message.media_group_id,
        )
    if message.photo:
        photo = message.photo[-1]  # the largest size Telegram made
        return IncomingFile(
            file_id=photo.file_id,
            file_unique_id=photo.file_unique_id,
            name=f"photo-{message.message_id}.jpg",
            mime_type="image/jpeg",
            size=photo.file_size,
            media_group_id=message.media_group_id,
        )
    return None


async def on_file(update: Update, context: BotContext) -> None:
    message = update.effective_message
    assert message is not None
    progress = current_progress(update, context)
    if progress is None:
        await need_start(update, context)
        return
    services = context.services
    if not services.renderer.knows(progress):
        await send_step(update, context, progress)
        return
    file = incoming_file(message)
    assert file is not None
    lang = progress.language
    user_id, update_id = sender_ids(update)
    record = Reopened.of(progress) if progress.reopened else None  # a rejection's walk
    asked = record.asks_at(progress.state) if record is not None else ()
    receipt = services.evidence.receive(
        progress.chat_id, progress.state, file, user_id, update_id, progress.history, asked
    )
    texts = services.document_texts
    if receipt.verdict is Verdict.NO_DOCUMENTS:
        await send_step(update, context, progress, texts.elsewhere(lang, file.name))
        return
    step = receipt.document.step if receipt.document else progress.state
    line = texts.receipt(lang, receipt, step)
    if file.media_group_id is None:
        await _answer(update, context, [line], progress.chat_id, step, lang)
        return
    key = (progress.chat_id, file.media_group_id)
    album = _albums.get(key)
    if album is not None:  # the album's first file answers for all
        album.lines.append(line)
        album.arrived.set()
        return
    album = _albums[key] = _Album([line])
    context.application.create_task(
        _answer_album(update, context, key, album, step, lang), update=update
    )


async def _answer_album(
    update: Update,
    context: BotContext,
    key: tuple[int, str],
    album: _Album,
    step: str,
    lang: str,
) -> None:
    """Once no further file of the album came for ``ALBUM_WAIT``: one answer for them all
    (a task of its own, so the chat's lane takes the album's other files meanwhile)."""
    try:
        while True:
            album.arrived.clear()
            try:
                await asyncio.wait_for(album.arrived.wait(), ALBUM_WAIT)
            except TimeoutError:
                break
    finally:
        _albums.pop(key, None)
    await _answer(update, context, album.lines, key[0], step, lang)


async def _answer(
    update: Update, context: BotContext, lines: list[str], chat_id: int, step: str, lang: str
) -> None:
    services = context.services
    states = services.evidence.states(chat_id, step)
    lines = [*lines, services.document_texts.count(lang, states)]
    await reply(update, context, "\n".join(lines))


async def list_documents(update: Update, context: BotContext) -> None:
    progress = current_progress(update, context)
    if progress is None:
        await need_start(update, context)
        return
    services = context.services
    states = services.evidence.all_states(progress.chat_id)
    await reply(update, context, services.document_texts.listing(progress.language, states))


def register(application: BotApplication) -> None:
    """After the support desk and the operators' dialogs (a ticket's file is the ticket's, a
    broadcast's attachment the broadcast's), before the fallback."""
    support = application.bot_data.services.settings.support_chat_id
    files = (filters.Document.ALL | filters.PHOTO) & ~filters.UpdateType.EDITED
    if support is not None:
        files = files & ~filters.Chat(support)
    application.add_handler(CommandHandler("documents", list_documents))
    application.add_handler(MessageHandler(files, on_file))


def still_owed(context: BotContext, chat_id: int, step_id: str, lang: str) -> str | None:
    """After an answer that leaves a step whose required documents are not all here: a line
    saying which, and that they may be sent later (the answer itself counts as given)."""
    services = context.services
    missing = services.evidence.missing_required(chat_id, step_id)
    return services.document_texts.still_owed(lang, missing) if missing else None
