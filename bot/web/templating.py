"""Jinja2 for the console's pages: autoescaped HTML, texts from the Fluent catalogs, dates and
numbers by Babel in the operator's language."""

from __future__ import annotations

import datetime as dt
import html
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from bot.services.calendar.workdays import CALENDAR_ZONE
from bot.services.i18n import Catalog, babel_locale, format_size

TEMPLATES = Path(__file__).parent / "templates"


def make_environment(catalog: Catalog) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "svg"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["catalog"] = catalog

    def when(moment: dt.datetime | str | None, lang: str) -> str:
        if not moment:
            return "–"
        if isinstance(moment, str):
            moment = dt.datetime.fromisoformat(moment)
        local = moment.astimezone(CALENDAR_ZONE)
        locale = babel_locale(lang)
        # The date as ``day`` shows it (one style in a row), then the time without seconds,
        # in the locale's own pattern: "Dec 7, 2026, 4:46 AM", "2026年12月7日 04:46".
        pattern = str(locale.datetime_formats["medium"])
        return pattern.replace("{1}", format_date(local.date(), "medium", locale=locale)).replace(
            "{0}", format_time(local, "short", locale=locale)
        )

    def day(value: dt.date | None, lang: str) -> str:
        return "–" if value is None else format_date(value, "medium", locale=babel_locale(lang))

    def number(value: float | None, lang: str) -> str:
        return "–" if value is None else format_decimal(value, locale=babel_locale(lang))

    env.filters["when"] = when
    env.filters["day"] = day
    env.filters["number"] = number
    env.filters["size"] = lambda value, lang: "–" if value is None else format_size(value, lang)
    env.filters["telegram_html"] = lambda text: Markup(telegram_html(text))
    return env


def render(env: Environment, name: str, **values: Any) -> str:
    lang = values.get("lang", "en")
    catalog: Catalog = env.globals["catalog"]  # type: ignore[assignment]

    def t(message_id: str, **args: Any) -> str:
        return catalog.text(lang, message_id, **args)

    return env.get_template(name).render(t=t, **values)


_SHOWN_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre",
               "blockquote", "tg-spoiler", "span"}  # fmt: skip


def telegram_html(text: str) -> str:
    """A message in Telegram's HTML as a browser may show it: its formatting tags kept (no
    attributes, but a link's http(s) address), everything else as text."""

    class Rebuild(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.out: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in _SHOWN_TAGS:
                self.out.append(f"<{tag}>")
            elif tag == "a":
                href = dict(attrs).get("href") or ""
                if href.startswith(("https://", "http://")):
                    self.out.append(f'<a href="{html.escape(href)}" rel="noopener noreferrer">')
                else:
                    self.out.append("<a>")

        def handle_endtag(self, tag: str) -> None:
            if tag in _SHOWN_TAGS or tag == "a":
                self.out.append(f"</{tag}>")

        def handle_data(self, data: str) -> None:
            self.out.append(html.escape(data))

    parser = Rebuild()
    parser.feed(text)
    parser.close()
    return "".join(parser.out)
