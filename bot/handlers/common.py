"""What every handler needs: the services, the chat's progress, and sending a step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from sqlite_utils import Database
from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.config import Settings
from bot.handlers.render import Renderer
from bot.services.flow_spec import FlowSpec
from bot.services.i18n import DEFAULT_LANGUAGE, Catalog, language_from_code
from bot.services.journey import read_journey
from bot.services.progress import ChatProgress, ProgressService
from bot.storage.db import BackgroundCheckpointer

Context = ContextTypes.DEFAULT_TYPE


@dataclass
class BotServices:
    settings: Settings
    db: Database
    spec: FlowSpec
    catalog: Catalog
    progress: ProgressService
    renderer: Renderer
    checkpointer: BackgroundCheckpointer
    extras: dict[str, Any] = field(default_factory=dict)  # feature services by name


def services(context: Context) -> BotServices:
    return cast(BotServices, context.application.bot_data["services"])


def user_language(update: Update) -> str:
    user = update.effective_user
    return language_from_code(user.language_code if user else None)


def chat_title(update: Update) -> str | None:
    chat = update.effective_chat
    if chat is None:
        return None
    if chat.type == "private":
        user = update.effective_user
        return user.full_name if user else None
    return chat.title


def current_progress(update: Update, context: Context) -> ChatProgress | None:
    chat = update.effective_chat
    return services(context).progress.get(chat.id) if chat else None


def language_of(update: Update, context: Context) -> str:
    progress = current_progress(update, context)
    return progress.language if progress else user_language(update) or DEFAULT_LANGUAGE


def step_message(
    context: Context, progress: ChatProgress, prefix: str | None = None
) -> tuple[str, Any]:
    """(text, keyboard) of the chat's current step, with an optional line above it."""
    svc = services(context)
    journey = None
    if svc.spec.steps[progress.state].kind == "finish":
        journey = read_journey(svc.db, svc.spec, progress.chat_id)
    text = svc.renderer.step_text(progress, svc.progress.today_in_china, journey)
    if prefix:
        text = f"{prefix}\n\n{text}"
    return text, svc.renderer.keyboard(progress)


async def send_step(
    update: Update, context: Context, progress: ChatProgress, prefix: str | None = None
) -> Message:
    text, keyboard = step_message(context, progress, prefix)
    chat = update.effective_chat
    assert chat is not None
    return await context.bot.send_message(
        chat.id,
        text,
        reply_markup=keyboard,
        message_thread_id=_thread_of(update),
    )


def _thread_of(update: Update) -> int | None:
    message = update.effective_message
    if message is not None and message.is_topic_message:
        return message.message_thread_id
    return None


async def reply(update: Update, context: Context, text: str, **kwargs: Any) -> Message:
    chat = update.effective_chat
    assert chat is not None
    return await context.bot.send_message(
        chat.id, text, message_thread_id=_thread_of(update), **kwargs
    )
