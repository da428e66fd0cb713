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
