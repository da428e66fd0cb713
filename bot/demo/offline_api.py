"""The demo's transport: an offline Bot API (python-telegram-bot's network layer replaced).

Not used by ``run``: ``tmall-tp-bot demo`` chats through it in a terminal, and the tests and
benchmarks use it as their network.

``OfflineBotAPI`` is a ``telegram.request.BaseRequest`` that answers every Bot API method the
way Telegram does (a ``Message`` for ``sendMessage``, ``True`` for ``answerCallbackQuery``...)
and records each call. The bot's real ``Application``, handlers and database run on top of it:
``tmall-tp-bot demo`` uses it to chat in a terminal, the tests assert on its recorded calls,
and the benchmark measures the bot without a network. Faults (429, 403, 5xx, timeouts) can be
injected per method and chat. ``UpdateFactory`` builds incoming updates as Telegram sends them.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

BOT_USER = {
    "id": 777000111,
    "is_bot": True,
    "first_name": "Tmall TP Assistant",
    "username": "TmallTPBot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}

Responder = Callable[[dict[str, Any]], Any]


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    result: Any = None
    # Files uploaded with the call (multipart), by part name: (file name, content).
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def chat_id(self) -> int | None:
        chat_id = self.params.get("chat_id")
        return int(chat_id) if chat_id is not None else None

    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of the inline keyboard sent with this call, row by row."""
        markup = self.params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        if not markup:
            return []
        return [
            (button["text"], button.get("callback_data", ""))
            for row in markup.get("inline_keyboard", [])
            for button in row
        ]


@dataclass
class Fault:
    method: str
    error_code: int  # 0 means a timeout
    description: str
    chat_id: int | None = None
    retry_after: int | None = None
    times: int = 1


@dataclass
class OfflineBotAPI(BaseRequest):
    """Answers like Telegram, records every call, and can be told to fail."""

    calls: list[ApiCall] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    responders: dict[str, Responder] = field(default_factory=dict)
    chat_members: dict[tuple[int, int], str] = field(default_factory=dict)
    record: bool = True
    # (method, chat id or None for any) → an event the call waits for: a slow network, held.
    gates: dict[tuple[str, int | None], asyncio.Event] = field(default_factory=dict)
    latency: Callable[[str], float] | None = None  # seconds each call takes, by method
    # Files users "sent", by file_id: getFile knows them and their download serves the bytes;
    # any other file_id is refused as Telegram refuses a forged one.
    stored_files: dict[str, bytes] = field(default_factory=dict)
    # Set after each call is answered: the demo's terminal shows what came, whoever caused it.
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    # One rising counter: ids stay unique within each chat, and nothing grows per chat.
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    # -- BaseRequest -------------------------------------------------------------------
    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:  # a file's download (getFile's file_path)
            content = self.stored_files.get(url.rsplit("/", 1)[-1])
            return (200, content) if content is not None else (404, b"Not Found")
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        if self.gates:
            await self._pass_gate(api_method, params)
        if self.latency is not None:
            await asyncio.sleep(self.latency(api_method))
        call = ApiCall(api_method, params, files=_uploads(request_data))
        if self.record:
            self.calls.append(call)
        try:
            return self._respond(call, api_method, params)
        finally:
            self.arrived.set()

    def _respond(self, call: ApiCall, api_method: str, params: dict[str, Any]) -> tuple[int, bytes]:
        fault = self._take_fault(api_method, params)
        if fault is not None:
            if fault.error_code == 0:
                raise TimedOut("Timed out (injected)")
            body: dict[str, Any] = {
                "ok": False,
                "error_code": fault.error_code,
                "description": fault.description,
            }
            if fault.retry_after is not None:
                body["parameters"] = {"retry_after": fault.retry_after}
            return fault.error_code, json.dumps(body).encode()
        try:
            result = call.result = self.answer(api_method, params)
        except LookupError as refused:  # as Telegram answers a bad request
            body = {"ok": False, "error_code": 400, "description": str(refused.args[0])}
            return 400, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # -- a slow network ------------------------------------------------------------------
    def hold(self, method: str, chat_id: int | None = None) -> asyncio.Event:
        """Make calls of ``method`` (to ``chat_id``, if given) wait until the returned event
        is set, as a slow or stalled connection would."""
        return self.gates.setdefault((method, chat_id), asyncio.Event())

    async def _pass_gate(self, method: str, params: dict[str, Any]) -> None:
        chat = params.get("chat_id")
        for (gated, chat_id), gate in list(self.gates.items()):
            if gated == method and (chat_id is None or str(chat_id) == str(chat)):
                await gate.wait()

    # -- faults --------------------------------------------------------------------------
    def fail(
        self,
        method: str,
        error_code: int,
        description: str = "",
        *,
        chat_id: int | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (to ``chat_id``, if given) fail."""
        if not description:
            description = {
                403: "Forbidden: bot was blocked by the user",
                429: f"Too Many Requests: retry after {retry_after}",
                0: "timed out",
            }.get(error_code, "Internal Server Error")
        self.faults.append(Fault(method, error_code, description, chat_id, retry_after, times))

    def _take_fault(self, method: str, params: dict[str, Any]) -> Fault | None:
        for fault in self.faults:
            if fault.method != method:
                continue
            if fault.chat_id is not None and str(fault.chat_id) != str(params.get("chat_id")):
                continue
            fault.times -= 1
            if fault.times <= 0:
                self.faults.remove(fault)
            return fault
        return None

    # -- answers ---------------------------------------------------------------------------
    def answer(self, method: str, params: dict[str, Any]) -> Any:
        if method in self.responders:
            return self.responders[method](params)
        if method == "getMe":
            return BOT_USER
        if method in (
            "sendMessage",
            "sendPhoto",
            "sendDocument",
            "editMessageText",
            "editMessageCaption",
            "sendSticker",
            "sendAnimation",
            "sendVideo",
            "sendVoice",
            "sendAudio",
        ):
            return self._message(method, params)
        if method == "getFile":
            return self.file_info(params)
        if method == "copyMessage":
            return {"message_id": self._next_id()}
        if method == "copyMessages":  # an album stays an album
            return [{"message_id": self._next_id()} for _ in params["message_ids"]]
        if method == "sendMediaGroup":
            return [self._album_part(params, media) for media in params["media"]]
        if method == "getChatMember":
            key = (int(params["chat_id"]), int(params["user_id"]))
            return _chat_member(key[1], self.chat_members.get(key, "member"))
        if method == "createForumTopic":
            thread_id = self._next_id()
            return {
                "message_thread_id": thread_id,
                "name": params.get("name", ""),
                "icon_color": 7322096,
            }
        if method == "getChat":
            chat_id = int(params["chat_id"])
            return {
                "id": chat_id,
                "type": chat_type_of(chat_id),
                "title": f"Chat {chat_id}",
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        return True

    def file_info(self, params: dict[str, Any]) -> Any:
        file_id = str(params.get("file_id"))
        content = self.stored_files.get(file_id)
        if content is None:
            raise LookupError("Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_size": len(content),
            "file_path": f"documents/{file_id}",
        }

    def _message(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"]) if "chat_id" in params else 0
        if method.startswith("edit") and "message_id" in params:
            message_id = int(params["message_id"])
        else:
            message_id = self._next_id()
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": chat_type_of(chat_id)},
            "from": BOT_USER,
        }
        if "message_thread_id" in params:
            message["message_thread_id"] = params["message_thread_id"]
            message["is_topic_message"] = True
        if "text" in params:
            message["text"] = params["text"]
        if "caption" in params:
            message["caption"] = params["caption"]
        if method == "sendPhoto":
            message["photo"] = [
                {"file_id": "photo-sent", "file_unique_id": "ps", "width": 1, "height": 1}
            ]
        if method == "sendDocument":
            message["document"] = {"file_id": "doc-sent", "file_unique_id": "ds"}
        markup = params.get("reply_markup")
        if markup:
            message["reply_markup"] = json.loads(markup) if isinstance(markup, str) else markup
        return message

    def _album_part(self, params: dict[str, Any], media: dict[str, Any]) -> dict[str, Any]:
        kept = {str(k): params[k] for k in ("chat_id", "message_thread_id") if k in params}
        message = self._message("sendMessage", kept)
        sent = {"file_id": media["media"], "file_unique_id": "sent", "width": 1, "height": 1}
        message[media["type"]] = [sent] if media["type"] == "photo" else sent | {"duration": 1}
        message.update(media_group_id="sent-album", caption=media.get("caption"))
        return message

    def _next_id(self) -> int:
        return next(self._message_ids)

    # -- reading what the bot did -------------------------------------------------------------
    def take(self) -> list[ApiCall]:
        """The calls since the last ``take``, and forget them."""
        calls, self.calls = self.calls, []
        return calls

    def of(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]


ADMIN_RIGHTS = (  # every right an administrator's ChatMember carries
    "can_be_edited",
    "is_anonymous",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)


def _chat_member(user_id: int, status: str) -> dict[str, Any]:
    """A ChatMember as Telegram sends it, with the fields PTB requires for each status."""
    member: dict[str, Any] = {
        "status": status,
        "user": {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"},
    }
    if status == "administrator":
        member.update(
            dict.fromkeys(ADMIN_RIGHTS, True),
            can_be_edited=False,
            is_anonymous=False,
            can_manage_topics=True,
            can_pin_messages=True,
        )
    elif status == "creator":
        member["is_anonymous"] = False
    elif status == "restricted":
        member.update(
            is_member=True,
            until_date=0,
            **dict.fromkeys(
                (
                    "can_send_messages",
                    "can_send_audios",
                    "can_send_documents",
                    "can_send_photos",
                    "can_send_videos",
                    "can_send_video_notes",
                    "can_send_voice_notes",
                    "can_send_polls",
                    "can_send_other_messages",
                    "can_add_web_page_previews",
                    "can_change_info",
                    "can_invite_users",
                    "can_pin_messages",
                    "can_manage_topics",
                    "can_edit_tag",
                    "can_react_to_messages",
                ),
                True,
            ),
        )
    elif status == "kicked":
        member["until_date"] = 0
    return member


def _uploads(request_data: RequestData | None) -> dict[str, tuple[str, bytes]]:
    if request_data is None or not request_data.contains_files:
        return {}
    files: dict[str, tuple[str, bytes]] = {}
    for name, (filename, content, *_) in request_data.multipart_data.items():
        data = content if isinstance(content, bytes) else content.read()
        files[name] = (filename or name, data)
    return files


def chat_type_of(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    return "supergroup" if str(chat_id).startswith("-100") else "group"
