"""Errors the services raise that the handlers answer in their own way."""

from __future__ import annotations

from bot.storage.sql import Busy as Busy
from bot.storage.sql import DiskFull as DiskFull
from bot.storage.sql import StoreUnavailable as StoreUnavailable

__all__ = ["Busy", "DiskFull", "StoreUnavailable"]
