"""The desk's topics under load: a fake Bot API that floods createForumTopic as Telegram does,
and the pieces of the message kinds' tests (albums, voice, video, edits)."""

from __future__ import annotations

import json
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from bot.demo.offline_api import BOT_USER, ApiCall, OfflineBotAPI
from tests.helpers.harness import BotHarness


@dataclass
class FloodingBotAPI(OfflineBotAPI):
    """The offline Bot API, answering ``createForumTopic`` beyond ``topic_burst`` in any
    ``topic_period`` seconds with 429 Too Many Requests and a ``retry_after``, as Telegram
    answers a burst of them."""

    topic_burst: int = 40
    topic_period: float = 1.0
    retry_after: int = 1
    floods: int = 0  # 429s answered
    _created: deque[float] = field(default_factory=deque)

    def _respond(self, call: ApiCall, api_method: str, params: dict[str, Any]) -> tuple[int, bytes]:
        if api_method == "createForumTopic":
            now = time.monotonic()
            while self._created and now - self._created[0] >= self.topic_period:
                self._created.popleft()
            if len(self._created) >= self.topic_burst:
                self.floods += 1
                body = {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {self.retry_after}",
                    "parameters": {"retry_after": self.retry_after},
                }
                return 429, json.dumps(body).encode()
            self._created.append(now)
        return super()._respond(call, api_method, params)


def created_topics(calls: list[ApiCall]) -> list[ApiCall]:
    """The createForumTopic calls Telegram answered with a topic (not the 429s)."""
    return [c for c in calls if c.method == "createForumTopic" and c.result is not None]


def blocked_update(harness: BotHarness, user: dict[str, Any]) -> Any:
    """Telegram's report that ``user`` blocked the bot."""
    return harness.updates.from_dict(
        {
            "my_chat_member": {
                "chat": {"id": user["id"], "type": "private", "first_name": user["first_name"]},
                "from": user,
                "date": int(time.time()),
                "old_chat_member": {"status": "member", "user": BOT_USER},
                "new_chat_member": {"status": "kicked", "user": BOT_USER, "until_date": 0},
            }
        }
    )


# -- every kind of message, as Telegram sends it ------------------------------------------------
def _file(kind: str, n: int) -> dict[str, Any]:
    return {"file_id": f"{kind}-{n}", "file_unique_id": f"u-{kind}-{n}"}


KINDS: dict[str, dict[str, Any]] = {  # a message's content by kind
    "text": {"text": "The backend says *nickname*"},
    "photo": {
        "photo": [{**_file("photo", 1), "width": 90, "height": 90}],
        "caption": "screenshot",
    },
    "document": {"document": {**_file("doc", 1), "file_name": "contract.pdf"}, "caption": "doc"},
    "voice": {"voice": {**_file("voice", 1), "duration": 3}},
    "video": {"video": {**_file("video", 1), "width": 2, "height": 2, "duration": 3}},
    "video_note": {"video_note": {**_file("note", 1), "length": 2, "duration": 3}},
    "audio": {"audio": {**_file("audio", 1), "duration": 3}},
    "animation": {
        "animation": {**_file("gif", 1), "width": 2, "height": 2, "duration": 1},
    },
    "sticker": {
        "sticker": {
            **_file("sticker", 1),
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
    },
    "location": {"location": {"latitude": 31.23, "longitude": 121.47}},
    "contact": {"contact": {"phone_number": "+8613800000000", "first_name": "Li"}},
}


def kind_message(
    harness: BotHarness,
    user: dict[str, Any],
    kind: str,
    chat: dict[str, Any] | None = None,
    **extra: Any,
) -> Any:
    return harness.updates.message(user, chat, **KINDS[kind], **extra)


def album(
    harness: BotHarness,
    user: dict[str, Any],
    group_id: str,
    captions: list[str],
    chat: dict[str, Any] | None = None,
    **extra: Any,
) -> list[Any]:
    """An album's parts (photos; a part with a caption beginning "doc" is a document), as
    Telegram delivers them: one message each, with one ``media_group_id``."""
    parts = []
    for n, caption in enumerate(captions):
        if caption.startswith("doc"):
            content: dict[str, Any] = {"document": {**_file(group_id, n), "file_name": "a.pdf"}}
        else:
            content = {"photo": [{**_file(group_id, n), "width": 90, "height": 90}]}
        parts.append(
            harness.updates.message(
                user, chat, caption=caption, media_group_id=group_id, **content, **extra
            )
        )
    return parts


def edited(update: Any, harness: BotHarness, **content: Any) -> Any:
    """Telegram's ``edited_message`` for the message of ``update``, now with ``content``."""
    message = update.message.to_dict()
    message.update(content, edit_date=int(time.time()))
    return harness.updates.from_dict({"edited_message": message})
