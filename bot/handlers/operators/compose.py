"""The /broadcast conversation: message, optional Chinese variant, audience, time, confirm.

The draft and what it waits for are kept by :class:`~bot.services.drafts.DraftService`, so
the conversation survives a restart. Buttons are :class:`~bot.callbacks.ComposeButton`; a
button of a draft already sent or discarded is answered as such.
"""

from __future__ import annotations

import datetime as dt
import json
from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import filters

from bot.callbacks import ComposeButton, parse_number
from bot.handlers.context import BotContext
from bot.handlers.operators.access import operator_only
from bot.handlers.operators.runs import start_broadcast
from bot.handlers.replies import reply
from bot.services.audience import AudienceError, describe_audience, parse_audience
from bot.services.clock import iso
from bot.services.delivery import Payload
from bot.services.drafts import Draft, DraftService
from bot.telegram_sender import send_payload

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
    drafts = context.services.drafts
    draft = drafts.of(user.id)
    if draft is None or not draft.awaiting:
        return
    if draft.awaiting in ("content", "zh"):
        await _take_content(update, context, draft, message)
    elif draft.awaiting == "idle":
        days = parse_number((message.text or "").strip())
        if days is None or not 1 <= days <= 365:
            await reply(update, context, _t(context, "bc-bad-idle"))
            return
        drafts.set_audience(draft, _with_primary(draft.audience, f"idle:{days}"))
        await _summary(update, context, draft.id)
    elif draft.awaiting == "time":
        at = _parse_time(message.text or "", context)
        if at is None:
            await reply(update, context, _t(context, "bc-bad-time"))
            return
        shifted = context.services.quiet.next_allowed(at)
        drafts.set_send_at(draft, iso(shifted))
        if shifted != at:
            await reply(update, context, _t(context, "bc-time-quiet", at=_local(shifted, context)))
        await _summary(update, context, draft.id)


async def _take_content(
    update: Update, context: BotContext, draft: Draft, message: Message
) -> None:
    content = _content_of(message)
    main = draft.awaiting == "content"
    faults = context.services.composer.faults("en" if main else "zh", content or {})
    if content is None or any(fault.kind == "empty" for fault in faults):
        await reply(update, context, _t(context, "bc-bad-content"))
        return
    too_long = next((fault for fault in faults if fault.kind == "too-long"), None)
    if too_long is not None:
        await reply(update, context, _t(context, "bc-too-long", limit=too_long.limit))
        return
    context.services.drafts.set_variant(draft, "en" if main else "zh", content)
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


def _local(moment: dt.datetime, context: BotContext) -> str:
    return context.services.quiet.local(moment)


def _parse_time(raw: str, context: BotContext) -> dt.datetime | None:
    """'YYYY-MM-DD HH:MM' or 'HH:MM' (the next such time) in the operators' zone, future only."""
    tz = context.services.quiet.tz
    now = context.services.broadcasts.clock()
    raw = raw.strip()
    try:
        if len(raw) <= 5:
            clock_time = dt.time.fromisoformat(raw.zfill(5))
            local_now = now.astimezone(tz)
            moment = dt.datetime.combine(local_now.date(), clock_time, tzinfo=tz)
            if moment <= local_now:
                moment += dt.timedelta(days=1)
        else:
            moment = dt.datetime.strptime(raw, "%Y-%m-%d %H:%M").replace(tzinfo=tz)
    except ValueError:
        return None
    return moment.astimezone(dt.UTC) if moment > now else None


# -- the audience --------------------------------------------------------------------------------
def _with_primary(audience: str, primary: str) -> str:
    unfinished = "unfinished" in audience.split(",")
    return f"{primary},unfinished" if unfinished else primary


def _toggle_unfinished(audience: str) -> str:
    terms = [term for term in audience.split(",") if term and term != "all"]
    if "unfinished" in terms:
        terms.remove("unfinished")
    else:
        terms.append("unfinished")
    return ",".join(terms) or "all"


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
        services.drafts.wait_for(draft, "idle")
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
async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    if not await operator_only(update, context):
        return
    drafts = context.services.drafts
    button = ComposeButton.parse(query.data)
    draft = drafts.get(button.draft_id) if button is not None else None
    user = update.effective_user
    if button is None or draft is None or user is None or draft.created_by != user.id:
        await query.answer(_t(context, "button-unknown"), show_alert=True)
        return
    if draft.status != "draft":
        await query.answer(_t(context, "bc-not-draft", id=draft.id), show_alert=True)
        return
    await query.answer()
    action, value = button.action, button.value
    if action == "zh":
        if value == "yes":
            drafts.wait_for(draft, "zh")
            await _show(update, context, _t(context, "bc-ask-content-zh"), None)
        else:
            await _audience_menu(update, context, draft.id, draft.audience)
    elif action == "aud":
        drafts.wait_for(draft, None)
        await _audience_menu(update, context, draft.id, draft.audience)
    elif action == "menu":
        await _submenu(update, context, draft, value)
    elif action == "unf":
        audience = _toggle_unfinished(draft.audience)
        drafts.set_audience(draft, audience, done=False)
        await _audience_menu(update, context, draft.id, audience)
    elif action == "set":
        try:
            chosen = parse_audience(_with_primary(draft.audience, value), context.services.spec)
        except AudienceError:
            await query.answer(_t(context, "button-unknown"), show_alert=True)
            return
        drafts.set_audience(draft, chosen.text)
        await _summary(update, context, draft.id)
    elif action == "when":
        drafts.wait_for(draft, "time")
        zone = context.services.quiet.tz.key
        await reply(update, context, _t(context, "bc-ask-time", zone=zone))
    elif action == "x":
        drafts.discard(draft)
        await _show(update, context, _t(context, "bc-discarded"), None)
    elif action in ("go", "now"):
        await _confirm(update, context, draft, anyway=action == "now")


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
