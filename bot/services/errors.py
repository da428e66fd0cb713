"""Errors the services raise that the handlers answer in their own way."""

from __future__ import annotations

from bot.storage.sql import Busy as Busy

__all__ = ["Busy"]
