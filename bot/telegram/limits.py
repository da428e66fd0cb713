"""Telegram's limits on what a broadcast may say, as the composer takes them (services know
no Telegram object, so the values come from ``telegram.constants`` here)."""

from __future__ import annotations

from telegram.constants import MessageLimit

from bot.services.broadcasts.composer import TextLimits

TELEGRAM_TEXT_LIMITS = TextLimits(
    text=MessageLimit.MAX_TEXT_LENGTH, caption=MessageLimit.CAPTION_LENGTH
)
