"""Localized text: Fluent catalogs in ``locales/<lang>/*.ftl``, dates and money by Babel.

Every user-facing sentence lives in the catalogs, in English and Simplified Chinese. Values
that differ by locale in form, not words (dates, amounts of money), are formatted with Babel
before they are passed to Fluent as plain strings.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_compact_decimal, format_currency, format_decimal
from babel.units import format_unit
from fluent.runtime import FluentBundle
from fluent.syntax import FluentParser, Visitor, ast

log = logging.getLogger(__name__)

LANGUAGES = ("en", "zh")
DEFAULT_LANGUAGE = "en"
# Our language → Babel's locale, the one table for every date, number and percentage. Parsed
# once: a console page formats hundreds of values, and a locale given as text is parsed on
# every call.
BABEL_LOCALES = {"en": Locale.parse("en"), "zh": Locale.parse("zh_Hans_CN")}
_FLUENT_LOCALES = {"en": "en-US", "zh": "zh-CN"}
MEMO_LIMIT = 20_000


def babel_locale(lang: str) -> Locale:
    """Babel's locale for one of our languages (English for any other)."""
    return BABEL_LOCALES.get(lang, BABEL_LOCALES[DEFAULT_LANGUAGE])


def language_from_code(code: str | None) -> str:
    """Telegram's ``language_code`` → one of our languages: any ``zh*`` is Chinese."""
    return "zh" if code and code.lower().startswith("zh") else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class MessageInfo:
    where: str  # "file:line"
    variables: frozenset[str]  # the $variables its value and attributes use


def _line(source: str, offset: int) -> int:
    return source.count("\n", 0, offset) + 1


def _variables(node: ast.BaseNode) -> set[str]:
    """Every ``$variable`` the node refers to, however deep (selectors, placeables...)."""
    found: set[str] = set()

    class Variables(Visitor):
        def visit_VariableReference(self, node: ast.VariableReference) -> None:
            found.add(node.id.name)

    Variables().visit(node)
    return found


class Catalog:
    """All messages of all languages, loaded once at start-up."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._bundles: dict[str, FluentBundle] = {}
        # Formatting is pure, and most texts repeat with the same arguments: remember them.
        self._memo: dict[tuple[Any, ...], str] = {}
        self._ids: dict[str, set[str]] = {}
        # Where each message is and which variables it uses: for ``tmall-tp-bot check``.
        self.messages: dict[str, dict[str, MessageInfo]] = {}
        self.faults: list[str] = []  # syntax errors, as "file:line: what Fluent says"
        self.broken_ids: set[str] = set()  # messages lost to a syntax error
        for lang in LANGUAGES:
            bundle = FluentBundle([_FLUENT_LOCALES[lang]], use_isolating=False)
            infos: dict[str, MessageInfo] = {}
            files = sorted((directory / lang).glob("*.ftl"))
            if not files:
                raise FileNotFoundError(f"no .ftl files in {directory / lang}")
            for file in files:
                source = file.read_text(encoding="utf-8")
                resource = FluentParser().parse(source)
                bundle.add_resource(resource)
                for entry in resource.body:
                    if isinstance(entry, ast.Message):
                        line = _line(source, entry.span.start if entry.span else 0)
                        infos[entry.id.name] = MessageInfo(
                            f"{file}:{line}", frozenset(_variables(entry))
                        )
                    elif isinstance(entry, ast.Junk):
                        self._junk(file, source, entry)
            self._bundles[lang] = bundle
            self._ids[lang] = set(infos)
            self.messages[lang] = infos

    def _junk(self, file: Path, source: str, junk: ast.Junk) -> None:
        for note in junk.annotations:
            at = note.span.start if note.span else (junk.span.start if junk.span else 0)
            self.faults.append(f"{file}:{_line(source, at)}: {note.code} {note.message}")
        if found := re.match(r"\s*([A-Za-z][\w-]*)\s*=", junk.content or ""):
            self.broken_ids.add(found.group(1))

    def message_ids(self) -> dict[str, set[str]]:
        return {lang: set(ids) for lang, ids in self._ids.items()}

    def has(self, lang: str, message_id: str) -> bool:
        return message_id in self._ids.get(lang, set())

    def text(self, lang: str, message_id: str, **args: Any) -> str:
        """The message in ``lang``; a missing id is returned as itself (and caught by tests)."""
        key = (lang, message_id, *sorted(args.items())) if args else (lang, message_id)
        cached = self._memo.get(key)
        if cached is None:
            if len(self._memo) >= MEMO_LIMIT:
                self._memo.clear()
            cached = self._memo[key] = self._format(lang, message_id, args)
        return cached

    def _format(self, lang: str, message_id: str, args: dict[str, Any]) -> str:
        bundle = self._bundles.get(lang) or self._bundles[DEFAULT_LANGUAGE]
        if not bundle.has_message(message_id):
            return message_id
        message = bundle.get_message(message_id)
        if message.value is None:
            return message_id
        text, errors = bundle.format_pattern(message.value, args)
        if errors:
            log.warning("message %s (%s) formatted with errors: %s", message_id, lang, errors)
        return str(text)


@lru_cache(maxsize=4096)
def format_date(day: dt.date, lang: str) -> str:
    """``2026年12月2日`` / ``December 2, 2026``."""
    return babel_format_date(day, format="long", locale=babel_locale(lang))


@lru_cache(maxsize=256)
def format_money(amount: float, currency: str, lang: str) -> str:
    """``10万元`` / ``CN¥100,000.00``: in Chinese a round sum of yuan reads in 万 (Babel's
    compact form, used only where it is exact); anything else as the currency."""
    locale = babel_locale(lang)
    if lang == "zh" and currency == "CNY" and amount and amount % 10_000 == 0:
        return f"{format_compact_decimal(amount, locale=locale, fraction_digits=0)}元"
    return format_currency(amount, currency, locale=locale)


def plural_number(value: float) -> int | float:
    """A number for Fluent to format and pick a plural by: a whole one as an int, so that it
    reads "1 day", not "1.0 days"."""
    return int(value) if float(value).is_integer() else value


def format_number(value: float, lang: str) -> str:
    return format_decimal(value, locale=babel_locale(lang))


@lru_cache(maxsize=1024)  # Babel's unit formatting is slow; limits are few
def format_size(size: int, lang: str) -> str:
    """A file's size as Babel writes it: ``850 kB``, ``1.5 MB`` (decimal units, as Telegram
    counts its limits)."""
    locale = babel_locale(lang)
    if size < 1_000_000:
        return format_unit(max(size, 1) / 1000, "digital-kilobyte", "short", "#,##0", locale)
    return format_unit(size / 1_000_000, "digital-megabyte", "short", "#,##0.#", locale)
