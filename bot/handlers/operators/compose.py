"""The /broadcast conversation: message, optional Chinese variant, audience, time, confirm.

The draft and what it waits for are kept by
:class:`~bot.services.broadcasts.drafts.DraftService`, so the conversation survives a restart.
Buttons are :class:`~bot.callbacks.ComposeButton`; a button of a draft already sent or
discarded is answered as such.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable
from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import filters

from bot.broadcast_runs import start_broadcast
from bot.callbacks import ComposeButton, parse_number
from bot.handlers.operators.access import operator_only
from bot.handlers.replies import reply
from bot.services.broadcasts.audience import AudienceError, describe_audience, parse_audience
from bot.services.broadcasts.compose_dialog import CONTENT, IDLE, TIME, ZH
from bot.services.broadcasts.composer import toggle_unfinished, with_primary
from bot.services.broadcasts.delivery import Payload
from bot.services.broadcasts.drafts import Draft, DraftService
from bot.services.calendar.clock import iso
from bot.telegram.sender import send_payload
from bot.wiring import BotContext

IDLE_CHOICES = (3, 7, 14, 30)


def _t(context: BotContext, message_id: str, **args: Any) -> str:
    return context.services.catalog.text(context.sender_language, message_id, **args)


def _button(
    context: BotContext, label_id: str, draft_id: int, action: str, value: str = "", **args: Any
) -> InlineKeyboardButton:
    data = ComposeButton(draft_id, action, value).encode()
    return InlineKeyboardButton(_t(context, label_id, **args), callback_data=data)


# -- /broadcast -----------------------------------------------------------------------------------
async def broadcast(update: Update, context: BotContext) -> None:
    if not await operator_only(update, context):
        return
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    context.services.drafts.start(user.id, chat.id, context.sender_language)
    await reply(update, context, _t(context, "bc-ask-content"))


def _content_of(message: Message) -> dict[str, Any] | None:
    if message.photo:
        return {
            "kind": "photo",
            "file_id": message.photo[-1].file_id,
            "html": message.caption_html or "",
        }
    if message.document:
        return {
            "kind": "document",
            "file_id": message.document.file_id,
            "html": message.caption_html or "",
        }
    if message.text:
        return {"kind": "text", "html": message.text_html}
    return None


class AwaitingInput(filters.MessageFilter):
    """An operator's private message while one of their drafts waits for input (asked of the
    draft service's memory, not of the database, while PTB matches handlers)."""

    def __init__(self, drafts: DraftService) -> None:
        super().__init__(name="awaiting_broadcast_input")
        self.drafts = drafts

    def filter(self, message: Message) -> bool:
        user = message.from_user
        return user is not None and self.drafts.awaiting(user.id) is not None


async def on_input(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    draft = context.services.drafts.of(user.id)
    take = _INPUT.get(draft.awaiting or "") if draft is not None else None
    if draft is not None and take is not None:
        await take(update, context, draft, message)


async def _take_content(
    update: Update, context: BotContext, draft: Draft, message: Message
) -> None:
    content = _content_of(message)
    main = draft.awaiting == CONTENT
    faults = context.services.composer.faults("en" if main else "zh", content or {})
    if content is None or any(fault.kind == "empty" for fault in faults):
        await reply(update, context, _t(context, "bc-bad-content"))
        return
    too_long = next((fault for fault in faults if fault.kind == "too-long"), None)
    if too_long is not None:
        await reply(update, context, _t(context, "bc-too-long", limit=too_long.limit))
        return
    drafts = context.services.drafts
    variant = drafts.with_variant(draft, "en" if main else "zh", content)
    moved = drafts.move(draft, "content_taken" if main else "zh_taken", content=variant)
    if moved is None:
        return
    if main:
        keyboard = InlineKeyboardMarkup(
            [
                [_button(context, "bc-btn-add-zh", draft.id, "zh", "yes")],
                [_button(context, "bc-btn-no-zh", draft.id, "zh", "no")],
            ]
        )
        await reply(update, context, _t(context, "bc-ask-zh"), reply_markup=keyboard)
    else:
        await _audience_menu(update, context, draft.id, draft.audience)


async def _take_idle(update: Update, context: BotContext, draft: Draft, message: Message) -> None:
    days = parse_number((message.text or "").strip())
    if days is None or not 1 <= days <= 365:
        await reply(update, context, _t(context, "bc-bad-idle"))
        return
    audience = with_primary(draft.audience, f"idle:{days}")
    if context.services.drafts.move(draft, "idle_taken", audience=audience) is not None:
        await _summary(update, context, draft.id)


async def _take_time(update: Update, context: BotContext, draft: Draft, message: Message) -> None:
    at = context.services.composer.parse_time(message.text or "")
    if at is None:
        await reply(update, context, _t(context, "bc-bad-time"))
        return
    shifted = context.services.quiet.next_allowed(at)
    if context.services.drafts.move(draft, "time_taken", send_at=iso(shifted)) is None:
        return
    if shifted != at:
        await reply(update, context, _t(context, "bc-time-quiet", at=_local(shifted, context)))
    await _summary(update, context, draft.id)


Take = Callable[[Update, BotContext, Draft, Message], Awaitable[None]]
_INPUT: dict[str, Take] = {  # what reads the message, in each state that waits for one
    CONTENT: _take_content, ZH: _take_content, IDLE: _take_idle, TIME: _take_time,
}  # fmt: skip


def _local(moment: dt.datetime, context: BotContext) -> str:
    return context.services.quiet.local(moment)


async def _show(
    update: Update, context: BotContext, text: str, keyboard: InlineKeyboardMarkup | None
) -> None:
    """Edit the message whose button was pressed, or send a new one."""
    query = update.callback_query
    if query is not None:
        await query.edit_message_text(text, reply_markup=keyboard)
    else:
        await reply(update, context, text, reply_markup=keyboard)


async def _audience_menu(update: Update, context: BotContext, draft_id: int, audience: str) -> None:
    unfinished = "unfinished" in audience.split(",")
    unfinished_label = "bc-aud-unfinished-on" if unfinished else "bc-aud-unfinished-off"
    rows = [
        [
            _button(context, "bc-aud-all", draft_id, "set", "all"),
            _button(context, "bc-aud-stage", draft_id, "menu", "stage"),
        ],
        [
            _button(context, "bc-aud-step", draft_id, "menu", "step"),
            _button(context, "bc-aud-lang", draft_id, "menu", "lang"),
        ],
        [_button(context, "bc-aud-idle", draft_id, "menu", "idle")],
        [_button(context, unfinished_label, draft_id, "unf")],
    ]
    await _show(update, context, _t(context, "bc-ask-audience"), InlineKeyboardMarkup(rows))


async def _submenu(update: Update, context: BotContext, draft: Draft, which: str) -> None:
    services = context.services
    lang = context.sender_language
    if which == "stage":
        choices = [
            (f"stage:{s.number}", f"{s.number} · {services.catalog.text(lang, s.title)}")
            for s in services.spec.stages
        ]
    elif which == "step":
        choices = [
            (f"step:{sid}", services.catalog.text(lang, step.name))
            for sid, step in services.spec.steps.items()
            if step.kind != "finish"
        ]
    elif which == "lang":
        choices = [("lang:en", "English"), ("lang:zh", "中文")]
    else:
        choices = [
            (f"idle:{days}", _t(context, "bc-idle-days", days=days)) for days in IDLE_CHOICES
        ]
    buttons = [
        InlineKeyboardButton(label, callback_data=ComposeButton(draft.id, "set", value).encode())
        for value, label in choices
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([_button(context, "bc-btn-back", draft.id, "aud")])
    prompt = "bc-ask-idle" if which == "idle" else "bc-ask-audience"
    await _show(update, context, _t(context, prompt), InlineKeyboardMarkup(rows))


async def _summary(update: Update, context: BotContext, draft_id: int) -> None:
    """Audience size, a preview of every variant, and the confirm buttons."""
    services = context.services
    row = services.drafts.get(draft_id)
    assert row is not None
    audience = parse_audience(row.audience, services.spec)
    size = services.broadcasts.size(audience)
    chat = update.effective_chat
    assert chat is not None
    content = json.loads(row.content or "{}")
    for lang_key in ("en", "zh"):
        variant = content.get(lang_key)
        if variant:
            await reply(update, context, _t(context, f"bc-preview-{lang_key}"))
            preview = Payload(
                kind=variant["kind"], html=variant.get("html", ""), file_id=variant.get("file_id")
            )
            await send_payload(context.bot, chat.id, preview)
    held = None if row.send_at else services.quiet.when_to_send(services.broadcasts.clock())
    if row.send_at:
        when = _t(context, "bc-when-at", at=_local(dt.datetime.fromisoformat(row.send_at), context))
    elif held is not None:
        when = _t(context, "bc-when-held", at=services.quiet.local(held))
    else:
        when = _t(context, "bc-when-now")
    words = describe_audience(audience, services.spec, services.catalog, context.sender_language)
    text = _t(context, "bc-summary", audience=escape(words), count=size.chats, when=when)
    if size.muted:
        text += "\n" + _t(context, "bc-summary-muted", muted=size.muted)
    send = [[_button(context, "bc-btn-send", draft_id, "go")]]
    if held is not None:
        send.append([_button(context, "bc-btn-send-anyway", draft_id, "now")])
    keyboard = InlineKeyboardMarkup(
        [
            *send,
            [
                _button(context, "bc-btn-schedule", draft_id, "when"),
                _button(context, "bc-btn-audience", draft_id, "aud"),
            ],
            [_button(context, "bc-btn-discard", draft_id, "x")],
        ]
    )
    await reply(update, context, text, reply_markup=keyboard)


# -- the buttons ---------------------------------------------------------------------------------
def _trigger(action: str, value: str) -> str | None:
    """The dialog's trigger for a button (:mod:`bot.services.broadcasts.compose_dialog`)."""
    if action == "zh":
        return "add_zh" if value == "yes" else "skip_zh"
    if action == "menu":
        return "pick_idle" if value == "idle" else "browse"
    return _TRIGGERS.get(action)


_TRIGGERS = {
    "aud": "change_audience",
    "unf": "toggle_unfinished",
    "set": "audience_set",
    "when": "ask_time",
    "x": "discard",
    "go": "confirm",
    "now": "confirm",
}


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    if not await operator_only(update, context):
        return
    drafts = context.services.drafts
    button = ComposeButton.parse(query.data)
    draft = drafts.get(button.draft_id) if button is not None else None
    user = update.effective_user
    trigger = _trigger(button.action, button.value) if button is not None else None
    if button is None or draft is None or user is None or draft.created_by != user.id:
        await query.answer(_t(context, "button-unknown"), show_alert=True)
        return
    if draft.status != "draft":
        await query.answer(_t(context, "bc-not-draft", id=draft.id), show_alert=True)
        return
    if trigger is None or not drafts.allows(draft, trigger):
        await query.answer(_t(context, "bc-out-of-date"), show_alert=True)
        return
    await query.answer()
    await _PRESS[trigger](update, context, draft, trigger, button.value)


async def _on_zh(
    update: Update, context: BotContext, draft: Draft, trigger: str, value: str
) -> None:
    context.services.drafts.move(draft, trigger)
    if trigger == "add_zh":
        await _show(update, context, _t(context, "bc-ask-content-zh"), None)
    else:
        await _audience_menu(update, context, draft.id, draft.audience)


async def _on_audience(
    update: Update, context: BotContext, draft: Draft, trigger: str, value: str
) -> None:
    drafts = context.services.drafts
    if trigger == "browse" or trigger == "pick_idle":
        drafts.move(draft, trigger)
        await _submenu(update, context, draft, value)
        return
    audience = toggle_unfinished(draft.audience) if trigger == "toggle_unfinished" else None
    drafts.move(draft, trigger, **({"audience": audience} if audience else {}))
    await _audience_menu(update, context, draft.id, audience or draft.audience)


async def _on_set(
    update: Update, context: BotContext, draft: Draft, trigger: str, value: str
) -> None:
    query = update.callback_query
    assert query is not None
    try:
        chosen = parse_audience(with_primary(draft.audience, value), context.services.spec)
    except AudienceError:
        await query.answer(_t(context, "button-unknown"), show_alert=True)
        return
    context.services.drafts.move(draft, trigger, audience=chosen.text)
    await _summary(update, context, draft.id)


async def _on_when(
    update: Update, context: BotContext, draft: Draft, trigger: str, value: str
) -> None:
    context.services.drafts.move(draft, trigger)
    zone = context.services.quiet.tz.key
    await reply(update, context, _t(context, "bc-ask-time", zone=zone))


async def _on_discard(
    update: Update, context: BotContext, draft: Draft, trigger: str, value: str
) -> None:
    context.services.drafts.move(draft, trigger)
    await _show(update, context, _t(context, "bc-discarded"), None)


async def _on_confirm(
    update: Update, context: BotContext, draft: Draft, trigger: str, value: str
) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    button = ComposeButton.parse(query.data)
    await _confirm(update, context, draft, anyway=button is not None and button.action == "now")


Press = Callable[[Update, BotContext, Draft, str, str], Awaitable[None]]
_PRESS: dict[str, Press] = {
    "add_zh": _on_zh,
    "skip_zh": _on_zh,
    "change_audience": _on_audience,
    "browse": _on_audience,
    "pick_idle": _on_audience,
    "toggle_unfinished": _on_audience,
    "audience_set": _on_set,
    "ask_time": _on_when,
    "discard": _on_discard,
    "confirm": _on_confirm,
}


async def _confirm(update: Update, context: BotContext, draft: Draft, *, anyway: bool) -> None:
    """Send it now, or at its time; asked for now within quiet hours, it is held until they
    end unless the operator pressed "send now anyway" (the same rule as every door)."""
    scheduled = context.services.composer.confirm(draft, anyway=anyway)
    if scheduled is None:
        return
    if scheduled.send_at is not None:
        at = _local(scheduled.send_at, context)
        said = "bc-held" if scheduled.held else "bc-scheduled"
        await _show(update, context, _t(context, said, id=draft.id, at=at), None)
        return
    await _show(update, context, _t(context, "bc-started", id=draft.id), None)
    start_broadcast(context.bot_application, draft.id)
