"""An album's parts as ``sendMediaGroup`` takes them: each part's file and caption, as sent."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import (
    InputMediaAudio,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
    Message,
)

AlbumMedia = InputMediaAudio | InputMediaDocument | InputMediaPhoto | InputMediaVideo


def album_media(parts: Sequence[Message]) -> list[AlbumMedia] | None:
    """The parts as media for ``sendMediaGroup``; None if one is not a kind an album holds."""
    media: list[AlbumMedia] = []
    for part in parts:
        # the entities say how it is formatted, as the user wrote it: no parse mode
        caption, entities = part.caption, part.caption_entities or None
        spoiler = part.has_media_spoiler
        if part.photo:
            media.append(
                InputMediaPhoto(
                    part.photo[-1].file_id,
                    caption,
                    parse_mode=None,
                    caption_entities=entities,
                    has_spoiler=spoiler,
                )
            )
        elif part.video is not None:
            media.append(
                InputMediaVideo(
                    part.video.file_id,
                    caption,
                    parse_mode=None,
                    caption_entities=entities,
                    has_spoiler=spoiler,
                )
            )
        elif part.document is not None:
            media.append(
                InputMediaDocument(
                    part.document.file_id, caption, parse_mode=None, caption_entities=entities
                )
            )
        elif part.audio is not None:
            media.append(
                InputMediaAudio(
                    part.audio.file_id, caption, parse_mode=None, caption_entities=entities
                )
            )
        else:
            return None
    return media
