"""The /broadcast conversation: message, optional Chinese variant, audience, time, confirm.

The draft is a ``broadcasts`` row with status ``draft``; which input it waits for is in its
``awaiting`` column, so the conversation survives a restart. Buttons carry
``bc|<draft id>|<action>[|<value>]``; a button of a draft already sent or discarded is
answered as such.
"""

from __future__ import annotations

import datetime as dt
import json
from html import escape
from typing import Any

from sqlite_utils import Database
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.handlers.common import Context, reply, services, user_language
from bot.handlers.operators import operator_only, ops_of, start_broadcast
from bot.services.broadcasts import AudienceError, parse_audience
from bot.services.clock import iso
from bot.services.delivery import Payload
from bot.storage import operators as store

IDLE_CHOICES = (3, 7, 14, 30)
MAX_TEXT = 4096
MAX_CAPTION = 1024


def _t(update: Update, context: Context, message_id: str, **args: Any) -> str:
    return services(context).catalog.text(user_language(update), message_id, **args)


def _button(
    update: Update, context: Context, label_id: str, data: str, **args: Any
) -> InlineKeyboardButton:
    return InlineKeyboardButton(_t(update, context, label_id, **args), callback_data=data)


# -- /broadcast -----------------------------------------------------------------------------------
async def broadcast(update: Update, context: Context) -> None:
    if not await operator_only(update, context):
        return
    svc = services(context)
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    with svc.db.atomic():
        store.discard_drafts(svc.db, user.id)
        store.insert_broadcast(
            svc.db,
            {
                "created_by": user.id,
                "operator_chat_id": chat.id,
                "operator_language": user_language(update),
                "status": "draft",
                "awaiting": "content",
                "audience": "all",
                "content": "{}",
                "created_at": ops_of(context).broadcasts.now(),
            },
        )
    await reply(update, context, _t(update, context, "bc-ask-content"))


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


class AwaitingInput(MessageHandler):  # type: ignore[type-arg]
    """Takes an operator's private message only while one of their drafts waits for input."""

    def __init__(self, db: Database, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.db = db

    def check_update(self, update: object) -> Any:
        matched = super().check_update(update)
        if not matched or not isinstance(update, Update) or update.effective_user is None:
            return None
        draft = store.draft_of(self.db, update.effective_user.id)
        return matched if draft is not None and draft["awaiting"] else None


async def on_input(update: Update, context: Context) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    svc = services(context)
    draft = store.draft_of(svc.db, user.id)
    if draft is None:
        return
    awaiting = draft["awaiting"]
    if awaiting in ("content", "zh"):
        content = _content_of(message)
        limit = MAX_TEXT if content and content["kind"] == "text" else MAX_CAPTION
        if content is None or (content["kind"] == "text" and not content["html"].strip()):
            await reply(update, context, _t(update, context, "bc-bad-content"))
            return
        if len(content["html"]) > limit:
            await reply(update, context, _t(update, context, "bc-too-long", limit=limit))
            return
        stored = json.loads(draft["content"] or "{}")
        stored["en" if awaiting == "content" else "zh"] = content
        store.update_broadcast(
            svc.db,
            draft["id"],
            {"content": json.dumps(stored, ensure_ascii=False), "awaiting": None},
        )
        if awaiting == "content":
            keyboard = InlineKeyboardMarkup(
                [
                    [_button(update, context, "bc-btn-add-zh", f"bc|{draft['id']}|zh|yes")],
                    [_button(update, context, "bc-btn-no-zh", f"bc|{draft['id']}|zh|no")],
                ]
            )
            await reply(update, context, _t(update, context, "bc-ask-zh"), reply_markup=keyboard)
        else:
            await _audience_menu(update, context, draft["id"], draft["audience"])
    elif awaiting == "idle":
        raw = (message.text or "").strip()
        if not raw.isdigit() or not 1 <= int(raw) <= 365:
            await reply(update, context, _t(update, context, "bc-bad-idle"))
            return
        audience = _with_primary(draft["audience"], f"idle:{int(raw)}")
        store.update_broadcast(svc.db, draft["id"], {"audience": audience, "awaiting": None})
        await _summary(update, context, draft["id"])
    elif awaiting == "time":
        at = _parse_time(message.text or "", context)
        if at is None:
            await reply(update, context, _t(update, context, "bc-bad-time"))
            return
        quiet = ops_of(context).quiet
        shifted = quiet.next_allowed(at)
        store.update_broadcast(svc.db, draft["id"], {"send_at": iso(shifted), "awaiting": None})
        if shifted != at:
            await reply(
                update, context, _t(update, context, "bc-time-quiet", at=_local(shifted, context))
            )
        await _summary(update, context, draft["id"])


def _local(moment: dt.datetime, context: Context) -> str:
    return moment.astimezone(ops_of(context).quiet.tz).strftime("%Y-%m-%d %H:%M")


def _parse_time(raw: str, context: Context) -> dt.datetime | None:
    """'YYYY-MM-DD HH:MM' or 'HH:MM' (the next such time) in the operators' zone, future only."""
    tz = ops_of(context).quiet.tz
    now = ops_of(context).broadcasts.clock()
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
    update: Update, context: Context, text: str, keyboard: InlineKeyboardMarkup | None
) -> None:
    """Edit the message whose button was pressed, or send a new one."""
    query = update.callback_query
    if query is not None:
        await query.edit_message_text(text, reply_markup=keyboard)
    else:
        await reply(update, context, text, reply_markup=keyboard)


async def _audience_menu(update: Update, context: Context, draft_id: int, audience: str) -> None:
    p = f"bc|{draft_id}"
    unfinished = "unfinished" in audience.split(",")
    rows = [
        [
            _button(update, context, "bc-aud-all", f"{p}|set|all"),
            _button(update, context, "bc-aud-stage", f"{p}|menu|stage"),
        ],
        [
            _button(update, context, "bc-aud-step", f"{p}|menu|step"),
            _button(update, context, "bc-aud-lang", f"{p}|menu|lang"),
        ],
        [_button(update, context, "bc-aud-idle", f"{p}|menu|idle")],
        [
            _button(
                update,
                context,
                "bc-aud-unfinished-on" if unfinished else "bc-aud-unfinished-off",
                f"{p}|unf",
            )
        ],
    ]
    await _show(update, context, _t(update, context, "bc-ask-audience"), InlineKeyboardMarkup(rows))


async def _submenu(update: Update, context: Context, draft_id: int, which: str) -> None:
    svc = services(context)
    lang = user_language(update)
    p = f"bc|{draft_id}|set"
    if which == "stage":
        choices = [
            (f"stage:{s.number}", f"{s.number} · {svc.catalog.text(lang, s.title)}")
            for s in svc.spec.stages
        ]
    elif which == "step":
        choices = [
            (f"step:{sid}", svc.catalog.text(lang, step.title))
            for sid, step in svc.spec.steps.items()
            if step.kind != "finish"
        ]
    elif which == "lang":
        choices = [("lang:en", "English"), ("lang:zh", "中文")]
    else:
        choices = [
            (f"idle:{days}", _t(update, context, "bc-idle-days", days=days))
            for days in IDLE_CHOICES
        ]
        store.update_broadcast(svc.db, draft_id, {"awaiting": "idle"})
    buttons = [
        InlineKeyboardButton(label, callback_data=f"{p}|{value}") for value, label in choices
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([_button(update, context, "bc-btn-back", f"bc|{draft_id}|aud")])
    prompt = "bc-ask-idle" if which == "idle" else "bc-ask-audience"
    await _show(update, context, _t(update, context, prompt), InlineKeyboardMarkup(rows))


async def _summary(update: Update, context: Context, draft_id: int) -> None:
    """Audience size, a preview of every variant, and the confirm buttons."""
    svc = services(context)
    row = store.get_broadcast(svc.db, draft_id)
    assert row is not None
    audience = parse_audience(row["audience"], svc.spec)
    count = ops_of(context).broadcasts.count(audience)
    chat = update.effective_chat
    assert chat is not None
    content = json.loads(row["content"] or "{}")
    for lang_key in ("en", "zh"):
        variant = content.get(lang_key)
        if variant:
            await reply(update, context, _t(update, context, f"bc-preview-{lang_key}"))
            await Payload(
                kind=variant["kind"], html=variant.get("html", ""), file_id=variant.get("file_id")
            ).send(context.bot, chat.id)
    when = (
        _t(
            update,
            context,
            "bc-when-at",
            at=_local(dt.datetime.fromisoformat(row["send_at"]), context),
        )
        if row["send_at"]
        else _t(update, context, "bc-when-now")
    )
    text = _t(update, context, "bc-summary", audience=escape(audience.text), count=count, when=when)
    p = f"bc|{draft_id}"
    keyboard = InlineKeyboardMarkup(
        [
            [_button(update, context, "bc-btn-send", f"{p}|go")],
            [
                _button(update, context, "bc-btn-schedule", f"{p}|when"),
                _button(update, context, "bc-btn-audience", f"{p}|aud"),
            ],
            [_button(update, context, "bc-btn-discard", f"{p}|x")],
        ]
    )
    await reply(update, context, text, reply_markup=keyboard)


# -- the buttons ---------------------------------------------------------------------------------
async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    if not await operator_only(update, context):
        return
    svc = services(context)
    parts = query.data.split("|")
    draft = (
        store.get_broadcast(svc.db, int(parts[1]))
        if (len(parts) >= 3 and parts[1].isdigit())
        else None
    )
    user = update.effective_user
    if draft is None or user is None or draft["created_by"] != user.id:
        await query.answer(_t(update, context, "button-unknown"), show_alert=True)
        return
    if draft["status"] != "draft":
        await query.answer(_t(update, context, "bc-not-draft", id=draft["id"]), show_alert=True)
        return
    await query.answer()
    draft_id, action = draft["id"], parts[2]
    value = parts[3] if len(parts) > 3 else ""
    if action == "zh":
        if value == "yes":
            store.update_broadcast(svc.db, draft_id, {"awaiting": "zh"})
            await _show(update, context, _t(update, context, "bc-ask-content-zh"), None)
        else:
            await _audience_menu(update, context, draft_id, draft["audience"])
    elif action == "aud":
        store.update_broadcast(svc.db, draft_id, {"awaiting": None})
        await _audience_menu(update, context, draft_id, draft["audience"])
    elif action == "menu":
        await _submenu(update, context, draft_id, value)
    elif action == "unf":
        audience = _toggle_unfinished(draft["audience"])
        store.update_broadcast(svc.db, draft_id, {"audience": audience})
        await _audience_menu(update, context, draft_id, audience)
    elif action == "set":
        try:
            audience = parse_audience(_with_primary(draft["audience"], value), svc.spec).text
        except AudienceError:
            await query.answer(_t(update, context, "button-unknown"), show_alert=True)
            return
        store.update_broadcast(svc.db, draft_id, {"audience": audience, "awaiting": None})
        await _summary(update, context, draft_id)
    elif action == "when":
        store.update_broadcast(svc.db, draft_id, {"awaiting": "time"})
        await reply(
            update, context, _t(update, context, "bc-ask-time", zone=ops_of(context).quiet.tz.key)
        )
    elif action == "x":
        store.update_broadcast(svc.db, draft_id, {"status": "discarded", "awaiting": None})
        await _show(update, context, _t(update, context, "bc-discarded"), None)
    elif action == "go":
        await _confirm(update, context, draft)


async def _confirm(update: Update, context: Context, draft: dict[str, Any]) -> None:
    svc = services(context)
    claimed = (
        svc.db.execute(
            "UPDATE broadcasts SET status = 'scheduled', awaiting = NULL WHERE id = ? "
            "AND status = 'draft'",
            [draft["id"]],
        ).rowcount
        == 1
    )
    if not claimed:
        return
    if draft["send_at"]:
        at = _local(dt.datetime.fromisoformat(draft["send_at"]), context)
        await _show(
            update, context, _t(update, context, "bc-scheduled", id=draft["id"], at=at), None
        )
        return
    await _show(update, context, _t(update, context, "bc-started", id=draft["id"]), None)
    start_broadcast(context.application, draft["id"])


def register(application: Application) -> None:  # type: ignore[type-arg]
    operators = application.bot_data["services"].settings.operators
    application.add_handler(CommandHandler("broadcast", broadcast))
    application.add_handler(CallbackQueryHandler(on_button, pattern=r"^bc\|"))
    application.add_handler(
        AwaitingInput(
            application.bot_data["services"].db,
            filters.ChatType.PRIVATE
            & filters.User(list(operators))
            & ~filters.COMMAND
            & ~filters.StatusUpdate.ALL
            & ~filters.UpdateType.EDITED,
            on_input,
        )
    )
