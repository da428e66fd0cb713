"""The one place a message is sent on behalf of the delivery service, through PTB's ``Bot``.

:class:`~bot.services.broadcasts.delivery.Delivery` paces and retries without knowing Telegram; this
adapter makes the Bot API call and translates python-telegram-bot's errors into the
delivery's own (``Flood``, ``Blocked``, ``Transient``, ``Ambiguous``, ``Rejected``).

PTB raises ``TimedOut`` for every httpx timeout. A connect or pool timeout means the request
never left (``Transient``: retried); any other (reading the answer, writing the request) means
it may have been delivered (``Ambiguous``: not resent). ``BadRequest`` and ``TimedOut`` are
both subclasses of ``NetworkError``, so the order of the ``except`` clauses matters.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Awaitable, Callable

import httpx
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.warnings import PTBDeprecationWarning

from bot.services.broadcasts.delivery import Ambiguous, Blocked, Flood, Payload, Rejected, Transient

Request = Callable[[Bot], Awaitable[object]]
NEVER_SENT = (httpx.ConnectTimeout, httpx.PoolTimeout)


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asks to wait (an int today, a timedelta in PTB 23: either)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def markup(payload: Payload) -> InlineKeyboardMarkup | None:
    if not payload.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in payload.buttons
        ]
    )


def buttons_of(keyboard: InlineKeyboardMarkup | None) -> tuple[tuple[tuple[str, str], ...], ...]:
    """A keyboard of callback buttons as a payload's plain rows."""
    if keyboard is None:
        return ()
    return tuple(
        tuple((button.text, str(button.callback_data)) for button in row)
        for row in keyboard.inline_keyboard
    )


async def send_payload(bot: Bot, chat_id: int, payload: Payload) -> Message:
    reply_markup = markup(payload)
    if payload.kind == "photo" and payload.file_id:
        return await bot.send_photo(
            chat_id,
            payload.file_id,
            caption=payload.html or None,
            parse_mode=ParseMode.HTML,
            reply_markup=reply_markup,
        )
    if payload.kind == "document" and payload.file_id:
        return await bot.send_document(
            chat_id,
            payload.file_id,
            caption=payload.html or None,
            parse_mode=ParseMode.HTML,
            reply_markup=reply_markup,
        )
    return await bot.send_message(
        chat_id, payload.html, parse_mode=ParseMode.HTML, reply_markup=reply_markup
    )


class TelegramSender:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, payload: Payload) -> int | None:
        return await self.request(lambda bot: send_payload(bot, chat_id, payload))

    async def request(self, make: Request) -> int | None:
        """Make one Bot API call; the id of the message it made or edited, if any."""
        try:
            answer = await make(self.bot)
        except RetryAfter as exc:
            raise Flood(str(exc), retry_seconds(exc)) from exc
        except Forbidden as exc:
            raise Blocked(str(exc)) from exc
        except ChatMigrated as exc:
            raise Rejected(f"chat moved to {exc.new_chat_id}") from exc
        except BadRequest as exc:
            raise Rejected(str(exc)) from exc
        except TimedOut as exc:
            reason = f"{type(exc).__name__}: {exc}"
            if isinstance(exc.__cause__, NEVER_SENT):
                raise Transient(reason) from exc
            raise Ambiguous(reason) from exc
        except NetworkError as exc:  # could not connect, 5xx: Telegram did not take it
            raise Transient(f"{type(exc).__name__}: {exc}") from exc
        except TelegramError as exc:  # anything else Telegram says: this chat failed
            raise Rejected(f"{type(exc).__name__}: {exc}") from exc
        return answer.message_id if isinstance(answer, Message) else None
